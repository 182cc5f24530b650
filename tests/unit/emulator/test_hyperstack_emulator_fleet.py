# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of emulator/hyperstack_emulator.py: the large fleet ({"vms": "fleet:N"}, --vms fleet:N). It is made fast,
pages as the API pages, each page valid against the published spec; its machines are varied (statuses, labels, flavors
of their environment's region, a floating address on some and none on others) and each has a usage row with a rate."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import (
    FIXTURES,
    KEY,
    ROOT,
    api_requests,
    emulator_module,
    get_json,
    resolve_refs,
    strict,
    validate,
    with_nulls,
)

SPEC = yaml.safe_load((FIXTURES / "infrahub-openapi-vm-excerpt.yaml").read_text())
LIST, USAGE = "/core/virtual-machines", "/billing/billing/usage"
INSTANCES = with_nulls(strict(resolve_refs(SPEC, {"$ref": "#/components/schemas/Instances"})), {"floating_ip", "callback_url", "contract_id"})


def control(emu, body):
    request = urllib.request.Request(emu.base_url + "/_emulator/state", data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:  # nosec - loopback emulator
        return answer.status, json.loads(answer.read())


def read_all(api_url, page_size):
    """Every machine, page after page until an empty one, as a client reads them; (machines, pages read)."""
    seen, page = [], 1
    while True:
        status, dummy, body = get_json(api_url + LIST + "?page=%d&pageSize=%d" % (page, page_size))
        assert status == 200
        validate(body, INSTANCES)
        if not body["instances"]:
            return seen, page
        assert body["page_size"] == page_size
        seen += body["instances"]
        page += 1


@pytest.fixture
def large(emu):
    status, dummy = control(emu, {"vms": "fleet:1000", "vm_page_size": 100})
    assert status == 200
    return emu


def test_a_thousand_machines_page_by_hundreds_each_once_oldest_first(large):
    machines, pages = read_all(large.api_url, 100)
    assert pages == 11 and len(machines) == 1000
    assert [vm["id"] for vm in machines] == list(range(1001, 2001))
    assert len({vm["name"] for vm in machines}) == 1000 and machines[0]["name"] == "train-0001" and machines[-1]["name"] == "batch-1000"
    assert [vm["created_at"] for vm in machines] == sorted(vm["created_at"] for vm in machines)
    assert get_json(large.api_url + LIST + "?page=1&pageSize=100")[2]["count"] == 1000
    assert len(api_requests(large, LIST)) == 12


def test_the_large_fleet_is_varied(large):
    machines = read_all(large.api_url, 100)[0]
    statuses = collections.Counter(vm["status"] for vm in machines)
    assert statuses == {"ACTIVE": 880, "SHUTOFF": 80, "HIBERNATED": 20, "ERROR": 20}
    floating = [vm for vm in machines if vm["floating_ip"]]
    assert len(floating) == 480 and len({vm["floating_ip"] for vm in floating}) == 480
    assert all(vm["floating_ip_status"] == "ATTACHED" and vm["status"] in ("ACTIVE", "SHUTOFF") for vm in floating)
    assert all(vm["floating_ip_status"] == "NOT_ATTACHED" for vm in machines if not vm["floating_ip"])
    assert len({vm["fixed_ip"] for vm in machines}) == 1000
    teams = collections.Counter(label for vm in machines for label in vm["labels"] if label.startswith("team="))
    assert set(teams) == {"team=ml", "team=web", "team=data", "team=research"} and sum(teams.values()) == 1000 - 1000 // 7
    assert sum("hibernate=ok" in vm["labels"] for vm in machines) == 333 and sum(not vm["labels"] for vm in machines) > 0
    # Each machine's flavor is one of its environment's region, whole.
    flavors = {f["id"]: f for f in emulator_module.FLAVORS}
    for vm in machines:
        flavor = flavors[vm["flavor"]["id"]]
        assert flavor["region_name"] == vm["environment"]["region"] and {k: flavor[k] for k in vm["flavor"]} == vm["flavor"]
    assert {vm["environment"]["name"] for vm in machines} == {"default-NORWAY-1", "ml-CANADA-1", "prod-US-1"}
    assert {vm["flavor"]["name"] for vm in machines} == {f["name"] for f in emulator_module.FLAVORS}


def test_each_machine_of_the_large_fleet_has_a_usage_row_at_its_rate(large):
    rows = {row["resource_id"]: row for row in get_json(large.api_url + USAGE)[2]["data"]}
    pricebook = emulator_module.PRICEBOOK
    for vm in read_all(large.api_url, 100)[0]:
        row = rows[vm["id"]]
        assert (row["name"], row["resource_type"], row["active"]) == (vm["name"], "vm", True)
        assert row["bill_per_minute"] == float(emulator_module.vm_price_per_hour(vm, pricebook) / 60)
        assert (row["bill_per_minute"] > 0) == (vm["status"] != "ERROR")
    assert emulator_module.vm_price_per_hour({"status": "ACTIVE", "flavor": emulator_module.FLAVORS[1]}, pricebook) == Decimal("10.8")


def test_five_thousand_machines_are_made_fast_and_the_same_each_time(emu):
    started = time.monotonic()
    emu.state.update({"vms": "fleet:5000", "vm_page_size": 100})
    made = time.monotonic() - started
    assert made < 2.0, made
    last = get_json(emu.api_url + LIST + "?page=50&pageSize=100")[2]
    assert last["count"] == 5000 and [vm["id"] for vm in last["instances"]][-1] == 6000
    assert emulator_module.large_fleet(50) == emulator_module.large_fleet(50) == emulator_module.large_fleet(5000)[:50]


def create(emu, payload):
    request = urllib.request.Request(
        emu.api_url + LIST, data=json.dumps(payload).encode(), method="POST", headers={"api_key": KEY, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # nosec - loopback emulator
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_machine_created_beside_the_large_fleet_takes_an_id_above_it(large):
    payload = {
        "name": "new",
        "environment_name": "prod-US-1",
        "flavor_name": "n1-cpu-small",
        "image_name": "Ubuntu Server 22.04 LTS",
        "key_name": "ops-key",
        "count": 1,
    }
    # A third of a thousand machines is past an environment's default quota of 250.
    status, body = create(large, payload)
    assert (status, body["message"]) == (
        400,
        "VM quota of environment prod-US-1 reached: it holds 333 virtual machines of at most 250, and 1 more were asked for",
    )
    large.state.update({"vm_quota": {"prod-US-1": 1000}})
    status, body = create(large, payload)
    vm = body["instances"][0]
    # The environment's private addresses the fleet holds are skipped.
    assert status == 200 and vm["id"] == 2001 and vm["fixed_ip"] not in {m["fixed_ip"] for m in large.state.snapshot()["vms"] if m["id"] != 2001}


def test_the_eight_machine_fleet_stays_as_it_was(emu):
    assert [vm["id"] for vm in emu.state.update({"vms": "fleet"})["vms"]] == [501, 505, 506, 507, 508, 509, 510, 511]
    assert emu.state.update({"vms": "fleet:0"})["vms"] == []


@pytest.mark.parametrize("value", ["fleet:", "fleet:many", "fleet:-1", "armada"])
def test_a_bad_fleet_is_refused(emu, value):
    request = urllib.request.Request(emu.base_url + "/_emulator/state", data=json.dumps({"vms": value}).encode(), method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # nosec - loopback emulator
    assert refused.value.code == 400 and "vms" in json.loads(refused.value.read())["error"]


@pytest.mark.slow
def test_the_command_line_serves_a_large_fleet_in_pages(tmp_path):
    url_file = tmp_path / "url"
    command = [sys.executable, str(ROOT / "emulator" / "hyperstack_emulator.py"), "--vms", "fleet:250", "--vm-page-size", "100", "--url-file", str(url_file)]
    with subprocess.Popen(command + ["--api-key", "hs-cli-key"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as server:
        try:
            deadline = time.monotonic() + 20
            while not url_file.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            api_url = url_file.read_text().strip()
            seen, page = [], 1
            while True:
                status, dummy, body = get_json(api_url + LIST + "?page=%d&pageSize=500" % page, key="hs-cli-key")
                assert status == 200 and body["page_size"] == 100
                if not body["instances"]:
                    break
                seen += body["instances"]
                page += 1
            assert (len(seen), page) == (250, 4) and sum(1 for vm in seen if vm["floating_ip"]) == 120
        finally:
            server.terminate()
            server.wait(timeout=10)
    refused = subprocess.run(command[:2] + ["--vms", "fleet:lots"], capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 2 and "none, fleet or fleet:N, got 'fleet:lots'" in refused.stderr
