# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/inventory/hyperstack.py: the real ansible-inventory against the emulator's fleet. The hosts, their
variables and the constructed groups; the machines and the usage read once a run, whatever the number of machines; the
inventory cache (a fresh one sends no request); the filters; two machines of one name; which files it takes; and a
failure as one line naming the source, without the key, the source failed to parse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.tests.unit import support
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FLEET, KEY, LIST, SPECIAL_KEY, check_message, find_secret

fleet = support.fleet
PLUGIN = "nexgencloud.hyperstack.hyperstack"
USAGE = "/billing/billing/usage"
INVENTORY = str(Path(sys.executable).parent / "ansible-inventory")


def inventory(tmp_path, collection_tree, config, *args, env=None, name="fleet.hyperstack.yml"):
    """(exit status, stdout, stderr) of ansible-inventory over a source file of config (a dict, or the file's text)."""
    source = tmp_path / name
    source.write_text(config if isinstance(config, str) else yaml.safe_dump(dict({"plugin": PLUGIN}, **config)))
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("HYPERSTACK_", "ANSIBLE_"))}
    environment.update(ANSIBLE_COLLECTIONS_PATH=str(collection_tree), ANSIBLE_HOME=str(tmp_path / "home"), ANSIBLE_NOCOLOR="1", PYTHONWARNINGS="ignore")
    environment.update(env or {})
    done = subprocess.run([INVENTORY, "-i", str(source)] + list(args), env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done.returncode, done.stdout, done.stderr


def untagged(value):
    """ansible-inventory's JSON with each value an inventory plugin gives, which Ansible marks unsafe ({"__ansible_unsafe": x}), as x."""
    if isinstance(value, dict):
        return value["__ansible_unsafe"] if set(value) == {"__ansible_unsafe"} else {key: untagged(item) for key, item in value.items()}
    return [untagged(item) for item in value] if isinstance(value, list) else value


def listed(tmp_path, collection_tree, emu, **config):
    status, out, err = inventory(tmp_path, collection_tree, dict({"api_key": KEY, "api_url": emu.api_url}, **config), "--list")
    assert status == 0, out + err
    return untagged(json.loads(out)), err


def members(data, group):
    return sorted(data.get(group, {}).get("hosts", []))


def served(emu):
    with emu.state.lock:
        return [r["path"] for r in emu.state.requests]


# -- the hosts, their variables, the groups ------------------------------------------------------------


def test_every_machine_is_a_host_with_its_variables(tmp_path, collection_tree, fleet):
    data, _err = listed(tmp_path, collection_tree, fleet)
    hostvars = data["_meta"]["hostvars"]
    assert sorted(hostvars) == sorted(FLEET.values())
    assert hostvars["train-01"] == {
        "ansible_host": "38.80.122.11",
        "hyperstack_id": 501,
        "hyperstack_name": "train-01",
        "hyperstack_status": "ACTIVE",
        "hyperstack_flavor": {"name": "n3-A100x1", "gpu": "A100-80G-PCIe", "gpu_count": 1},
        "hyperstack_labels": ["team=ml", "hibernate=ok"],
        "hyperstack_label": {"team": "ml", "hibernate": "ok"},
        "hyperstack_environment": "default-NORWAY-1",
        "hyperstack_region": "NORWAY-1",
        "hyperstack_fixed_ip": "10.0.0.11",
        "hyperstack_floating_ip": "38.80.122.11",
        "hyperstack_cost_per_hour": 1.35,
    }
    # Hibernated: no floating address, so ansible_host is the fixed one.
    assert hostvars["parked-a100x8"]["ansible_host"] == "10.0.0.17" and hostvars["parked-a100x8"]["hyperstack_floating_ip"] is None
    # The same facts as hyperstack_vm_info gives, for every machine.
    facts = support.run_info(support.MODULES["hyperstack_vm_info"], {"api_key": KEY, "api_url": fleet.api_url}, {}, "nexgencloud.hyperstack.hyperstack_vm_info")
    for vm in facts["hyperstack_vm_info"]:
        assert {key: hostvars[vm["name"]]["hyperstack_" + key] for key in vm} == vm


def test_the_constructed_groups_and_variables(tmp_path, collection_tree, fleet):
    config = {
        "keyed_groups": [
            {"key": "hyperstack_label.team | default(omit)", "prefix": "team"},
            {"key": "hyperstack_region", "prefix": "region"},
            {"key": "hyperstack_status | lower", "prefix": "status"},
        ],
        "groups": {"hibernatable": "'hibernate=ok' in hyperstack_labels and hyperstack_status == 'ACTIVE'", "billed": "hyperstack_cost_per_hour is not none"},
        "compose": {"ansible_user": "'ubuntu'", "gpus": "hyperstack_flavor.gpu_count"},
    }
    data, _err = listed(tmp_path, collection_tree, fleet, **config)
    assert members(data, "team_ml") == ["infer-01", "parked-a100x8", "train-01", "train-02"]
    assert members(data, "team_web") == ["dev-a4000"]
    assert members(data, "region_CANADA_1") == ["broken-01", "dev-a4000", "train-02"]
    assert members(data, "status_hibernated") == ["parked-a100x8"] and members(data, "status_error") == ["broken-01"]
    assert members(data, "hibernatable") == ["dev-a4000", "train-01", "train-02"]
    assert data["_meta"]["hostvars"]["train-02"]["ansible_user"] == "ubuntu" and data["_meta"]["hostvars"]["parked-a100x8"]["gpus"] == 8


@pytest.mark.parametrize(
    "config, names",
    [
        ({"labels": ["team=ml", "hibernate=ok"]}, ["parked-a100x8", "train-01", "train-02"]),
        ({"statuses": ["shutoff", "HIBERNATED"]}, ["parked-a100x8", "render-01"]),
        ({"environments": ["ml-CANADA-1"]}, ["broken-01", "dev-a4000", "train-02"]),
        ({"environments": ["ml-CANADA-1", "prod-US-1"], "statuses": ["ACTIVE"]}, ["dev-a4000", "train-02", "web-01"]),
    ],
)
def test_the_filters(tmp_path, collection_tree, fleet, config, names):
    data, _err = listed(tmp_path, collection_tree, fleet, **config)
    assert sorted(data["_meta"]["hostvars"]) == names


def test_hostname_and_connect_with(tmp_path, collection_tree, fleet):
    data, _err = listed(tmp_path, collection_tree, fleet, hostname="id", connect_with="fixed_ip")
    assert sorted(data["_meta"]["hostvars"]) == sorted(str(i) for i in FLEET)
    assert data["_meta"]["hostvars"]["501"]["ansible_host"] == "10.0.0.11"


def test_two_machines_of_one_name_are_both_hosts_and_warned_of(tmp_path, collection_tree, fleet):
    with fleet.state.lock:
        vms = [dict(vm) for vm in fleet.state.state["vms"]]
    fleet.state.update({"vms": vms + [dict(vms[0], id=777, fixed_ip="10.0.0.77", floating_ip=None)]})
    data, err = listed(tmp_path, collection_tree, fleet)
    hostvars = data["_meta"]["hostvars"]
    assert "train-01" not in hostvars and hostvars["train-01_501"]["hyperstack_id"] == 501 and hostvars["train-01_777"]["ansible_host"] == "10.0.0.77"
    assert "2 machines have the name train-01 (ids 501, 777): each host is named train-01_<id>" in " ".join(err.split()), err


# -- what is read --------------------------------------------------------------------------------------


def test_the_machines_and_the_usage_are_read_once_a_run(tmp_path, collection_tree, fleet):
    listed(tmp_path, collection_tree, fleet)
    paths = served(fleet)
    # Eight machines in pages of three: three pages, one usage, nothing per machine.
    assert sorted(paths) == sorted([LIST] * 3 + [USAGE]), paths


def test_the_machines_and_the_usage_are_read_at_the_same_time(tmp_path, collection_tree, fleet):
    # Each answer takes 0.5 s: read one after the other, the usage would arrive 0.5 s after the first page at least.
    fleet.state.update({"latency": 0.5})
    listed(tmp_path, collection_tree, fleet)
    with fleet.state.lock:
        first = {r["path"]: r["time"] for r in reversed(fleet.state.requests)}
    assert abs(first[USAGE] - first[LIST]) < 0.5, first


def test_a_fresh_cache_sends_no_request(tmp_path, collection_tree, fleet):
    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"), "cache_timeout": 600}
    first, _err = listed(tmp_path, collection_tree, fleet, **cache)
    assert len(served(fleet)) == 4
    second, _err = listed(tmp_path, collection_tree, fleet, **cache)
    assert second == first and len(served(fleet)) == 4, served(fleet)
    # --flush-cache reads again; without cache: true every run reads.
    status, out, err = inventory(tmp_path, collection_tree, dict(cache, api_key=KEY, api_url=fleet.api_url), "--list", "--flush-cache")
    assert status == 0 and len(served(fleet)) == 8, out + err
    listed(tmp_path, collection_tree, fleet, **{**cache, "cache": False})
    assert len(served(fleet)) == 12


# -- which files, and failures -------------------------------------------------------------------------


@pytest.mark.parametrize("name, taken", [("fleet.hyperstack.yml", True), ("hyperstack.yaml", True), ("fleet.yml", False), ("hyperstack.json", False)])
def test_the_files_it_takes(tmp_path, collection_tree, fleet, name, taken):
    config = {"plugin": PLUGIN, "api_key": KEY, "api_url": fleet.api_url}
    status, out, err = inventory(tmp_path, collection_tree, yaml.safe_dump(config), "--list", name=name, env={"ANSIBLE_INVENTORY_ENABLED": PLUGIN})
    assert status == 0, out + err
    assert ("train-01" in json.loads(out)["_meta"]["hostvars"]) == taken


def _failed(tmp_path, collection_tree, config, key=KEY, env=None):
    env = dict({"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true", "ANSIBLE_INVENTORY_ENABLED": PLUGIN}, **(env or {}))
    status, out, err = inventory(tmp_path, collection_tree, config, "--list", env=env)
    assert status != 0, out + err
    source = str(tmp_path / "fleet.hyperstack.yml")
    lines = [line for line in err.splitlines() if line.startswith("inventory source %s: " % source)]
    assert lines and "Completely failed to parse inventory source %s" % source in err, err
    assert find_secret(out + err, key) is None, out + err
    return check_message(lines[0], key)[len("inventory source %s: " % source) :]


def test_a_wrong_key_fails_in_one_line_naming_the_source(tmp_path, collection_tree, fleet):
    config = yaml.safe_dump({"plugin": PLUGIN, "api_url": fleet.api_url})
    msg = _failed(tmp_path, collection_tree, config, key="hs-wrong-key", env={"HYPERSTACK_API_KEY": "hs-wrong-key"})
    assert msg.startswith("reading the virtual machines (GET /core/virtual-machines): HTTP 401"), msg


def test_a_key_echoed_back_never_shows(tmp_path, collection_tree, fleet):
    fleet.state.update({"api_key": SPECIAL_KEY})
    fleet.state.add_faults([{"action": "echo_key", "times": -1}])
    msg = _failed(tmp_path, collection_tree, yaml.safe_dump({"plugin": PLUGIN, "api_key": SPECIAL_KEY, "api_url": fleet.api_url}), key=SPECIAL_KEY)
    assert "********" in msg, msg


def test_an_answer_that_breaks_the_schema_fails(tmp_path, collection_tree, fleet):
    fleet.state.update({"vms": [{"id": 1, "name": "x"}]})
    msg = _failed(tmp_path, collection_tree, yaml.safe_dump({"plugin": PLUGIN, "api_key": KEY, "api_url": fleet.api_url}))
    assert "does not match the expected schema at $.instances[0]: 'status' is a required property" in msg, msg


def test_an_unreachable_api_fails(tmp_path, collection_tree):
    config = {"plugin": PLUGIN, "api_key": KEY, "api_url": "http://127.0.0.1:9/v1", "api_retries": 0, "api_timeout": 2}
    msg = _failed(tmp_path, collection_tree, yaml.safe_dump(config))
    assert msg.startswith("reading the virtual machines (GET /core/virtual-machines): ") or msg.startswith("reading the usage"), msg


@pytest.mark.parametrize(
    "config, message",
    [
        (
            {},
            "api_key is missing or empty: set api_key in the inventory source (vault-encrypted: ansible-vault encrypt_string)"
            " or the HYPERSTACK_API_KEY environment variable",
        ),
        ({"api_key": KEY, "labels": []}, "labels is an empty list, which selects no machine: give at least one, or leave labels out"),
        (
            {"api_key": KEY, "api_url": "http://example.com/v1"},
            "api_url 'http://example.com/v1' uses plain http to a host that is not loopback: the API key would cross the network in clear text; use https",
        ),
    ],
)
def test_options_refused_before_any_request(tmp_path, collection_tree, fleet, config, message):
    assert _failed(tmp_path, collection_tree, yaml.safe_dump(dict({"plugin": PLUGIN}, **config))) == message
    assert served(fleet) == []


def test_the_key_from_a_vault_encrypted_value_in_the_file(tmp_path, collection_tree, fleet):
    secret = tmp_path / "vault-password"
    secret.write_text("vault-pw\n")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("HYPERSTACK_", "ANSIBLE_"))}
    vaulted = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-vault"), "encrypt_string", "--vault-password-file", str(secret), KEY, "--name", "api_key"],
        capture_output=True,
        text=True,
        check=True,
        env=dict(env, ANSIBLE_HOME=str(tmp_path / "home")),
    ).stdout
    config = "plugin: %s\napi_url: %s\n%s" % (PLUGIN, fleet.api_url, vaulted)
    status, out, err = inventory(tmp_path, collection_tree, config, "--list", "--vault-password-file", str(secret))
    assert status == 0 and "train-01" in json.loads(out)["_meta"]["hostvars"], out + err
    assert KEY not in out + err


def test_the_example_inventory_runs_as_written(tmp_path, collection_tree, fleet):
    # examples/hyperstack.yml with the key and the URL from the environment, as its comment runs it.
    env = {"HYPERSTACK_API_KEY": KEY, "HYPERSTACK_API_URL": fleet.api_url, "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"}
    status, out, err = inventory(
        tmp_path, collection_tree, (support.ROOT / "examples" / "hyperstack.yml").read_text(), "--list", env=env, name="hyperstack.yml"
    )
    assert status == 0, out + err
    data = untagged(json.loads(out))
    assert sorted(data["_meta"]["hostvars"]) == ["dev-a4000", "infer-01", "train-01", "train-02", "web-01"]
    assert members(data, "team_ml") == ["infer-01", "train-01", "train-02"] and members(data, "gpu") == ["dev-a4000", "infer-01", "train-01", "train-02"]
    assert data["_meta"]["hostvars"]["web-01"]["ansible_user"] == "ubuntu"
