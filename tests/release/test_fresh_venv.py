# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A new user's machine: a virtualenv holding only ansible-core and requirements.txt (requests
and jsonschema), the built tarball installed with ansible-galaxy. Every module must work there,
in the controller (the action plugin) and as a module on the host (async forces that path),
and so must the lookup and the role."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

TREE = Path(__file__).resolve().parents[2]
VERSION = yaml.safe_load((TREE / "galaxy.yml").read_text())["version"]
KEY = "fresh-venv-key-51d2"
CORE = ".".join(__import__("ansible.release", fromlist=["__version__"]).__version__.split(".")[:2])

# Each module with arguments that make it read every endpoint it can.
MODULES = {
    "hyperstack_credit_info": {},
    "hyperstack_last_day_cost_info": {},
    "hyperstack_pricebook_info": {},
    "hyperstack_usage_info": {},
    "hyperstack_flavor_info": {"region": "NORWAY-1"},
    "hyperstack_deployment_cost_info": {"plan": [{"flavor": "n3-A100x8", "count": 1}], "region": "NORWAY-1"},
    "hyperstack_vm_info": {"labels": ["team=ml"]},
    "hyperstack_contract_info": {},
    # In check mode (below): it sends no hibernation request, and its result is the task's own (changed, vms). The
    # machines labelled team=ml too, so that none is one the API would refuse (check mode fails on those, as the run would).
    "hyperstack_vm_hibernation": {"labels": ["hibernate=ok", "team=ml"]},
    # Run for real: one machine created through the gate and waited for.
    "hyperstack_vm": {"name": "fresh-01", "environment": "ml-CANADA-1", "flavor": "n3-A100x1", "image": "Ubuntu Server 22.04 LTS", "key_name": "ops-key"},
}
CHECK_MODE = {"hyperstack_vm_hibernation"}
RESULT_KEY = {"hyperstack_vm_hibernation": "vms", "hyperstack_vm": "vms"}


def _emulator_class():
    spec = importlib.util.spec_from_file_location("hyperstack_emulator_fresh", TREE / "emulator" / "hyperstack_emulator.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Emulator


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """(the venv's bin folder, an environment whose collections path holds only the installed tarball)."""
    tmp = tmp_path_factory.mktemp("fresh")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "ansible-core==%s.*" % CORE, "-r", str(TREE / "requirements.txt")]
    done = subprocess.run(pip, capture_output=True, text=True, check=False, env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"))
    assert done.returncode == 0, done.stdout + done.stderr
    env = dict(os.environ, ANSIBLE_HOME=str(tmp / "home"), ANSIBLE_COLLECTIONS_PATH=str(tmp / "collections"), ANSIBLE_NOCOLOR="1")
    env["ANSIBLE_LOCALHOST_WARNING"] = env["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "false"
    env.pop("PYTHONPATH", None)
    for name in ("HYPERSTACK_API_KEY", "HYPERSTACK_API_URL", "HYPERSTACK_API_ADDRESS"):
        env.pop(name, None)
    galaxy = str(venv / "bin" / "ansible-galaxy")
    subprocess.run([galaxy, "collection", "build", "--output-path", str(tmp), str(TREE)], check=True, capture_output=True, env=env)
    tarball = tmp / ("nexgencloud-hyperstack-%s.tar.gz" % VERSION)
    subprocess.run([galaxy, "collection", "install", "-p", str(tmp / "collections"), str(tarball)], check=True, capture_output=True, env=env)
    return venv / "bin", env


def test_the_venv_holds_only_the_design_libraries(fresh):
    bin_dir, env = fresh
    listed = subprocess.run([str(bin_dir / "python"), "-m", "pip", "list", "--format", "json"], capture_output=True, text=True, check=True, env=env)
    names = {package["name"].lower() for package in json.loads(listed.stdout)}
    assert {"ansible-core", "requests", "jsonschema"} <= names
    assert "fastjsonschema" not in names


@pytest.mark.parametrize("where", ["controller", "host"])
def test_every_module_the_lookup_and_the_role_work(fresh, tmp_path, where):
    bin_dir, env = fresh
    with _emulator_class()(api_key=KEY, vms="fleet") as emulator:
        api = {"api_key": KEY, "api_url": emulator.api_url}
        # async makes the action plugin hand the task to the module on the host, as for a remote host.
        extra = {"async": 60, "poll": 1} if where == "host" else {}
        tasks = [
            dict({"nexgencloud.hyperstack.%s" % name: dict(api, **args), "register": name, "check_mode": name in CHECK_MODE}, **extra)
            for name, args in MODULES.items()
        ]
        tasks.append(
            {"ansible.builtin.set_fact": {"looked_up": "{{ lookup('nexgencloud.hyperstack.credit', api_key='%s', api_url='%s') }}" % (KEY, emulator.api_url)}}
        )
        tasks.append(
            {
                "ansible.builtin.include_role": {"name": "nexgencloud.hyperstack.credit_gate"},
                "vars": {"hyperstack_api_key": KEY, "hyperstack_api_url": emulator.api_url},
            }
        )
        tasks.append(
            {
                "ansible.builtin.copy": {
                    "content": "{{ {%s} | to_json }}" % ", ".join("'%s': %s" % (n, n) for n in MODULES),
                    "dest": str(tmp_path / "results.json"),
                }
            }
        )
        playbook = tmp_path / "play.yml"
        playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
        inventory = "localhost ansible_connection=local ansible_python_interpreter=%s\n" % (bin_dir / "python")
        (tmp_path / "inventory").write_text(inventory)
        done = subprocess.run(
            [str(bin_dir / "ansible-playbook"), "-i", str(tmp_path / "inventory"), str(playbook)], capture_output=True, text=True, env=env, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    for name, result in results.items():
        assert result.get("failed") is not True and RESULT_KEY.get(name, name) in result, (name, result)
        # Only a module run on the host reports its invocation and an async job id.
        assert ("ansible_job_id" in result) == (where == "host"), (name, sorted(result))
    assert results["hyperstack_credit_info"]["hyperstack_credit_info"]["credit"] == 1500.0
    assert {vm["name"] for vm in results["hyperstack_vm_info"]["hyperstack_vm_info"]} == {"train-01", "train-02", "infer-01", "parked-a100x8"}
    assert results["hyperstack_vm_hibernation"]["changed"] is True and len(results["hyperstack_vm_hibernation"]["vms"]) == 3
    assert results["hyperstack_vm"]["created"] == ["fresh-01"] and results["hyperstack_vm"]["vms"][0]["status"] == "ACTIVE"
    assert KEY not in done.stdout + done.stderr


def test_the_inventory_plugin_works(fresh, tmp_path):
    bin_dir, env = fresh
    with _emulator_class()(api_key=KEY, vms="fleet") as emulator:
        source = tmp_path / "fleet.hyperstack.yml"
        source.write_text(json.dumps({"plugin": "nexgencloud.hyperstack.hyperstack", "api_key": KEY, "api_url": emulator.api_url, "labels": ["team=ml"]}))
        env = dict(env, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="true")
        done = subprocess.run([str(bin_dir / "ansible-inventory"), "-i", str(source), "--list"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    hosts = json.loads(done.stdout)["_meta"]["hostvars"]
    assert sorted(hosts) == ["infer-01", "parked-a100x8", "train-01", "train-02"]
    assert KEY not in done.stdout + done.stderr
