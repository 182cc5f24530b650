# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of emulator/hyperstack_emulator.py: the virtual machine endpoints' contract, what the emulator serves for the
list (page by page), one machine, hibernate and restore, and their errors, validates strictly against the published
OpenAPI spec (fixtures/infrahub-openapi-vm-excerpt.yaml); the transitions; the machines' usage rows billing by status."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import USAGE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import (
    FIXTURES,
    api_requests,
    emulator_module,
    get_json,
    make_client,
    resolve_refs,
    response_schema,
    strict,
    validate,
    with_nulls,
)

SPEC = yaml.safe_load((FIXTURES / "infrahub-openapi-vm-excerpt.yaml").read_text())
LIST, ONE = "/core/virtual-machines", "/core/virtual-machines/{vm_id}"
HIBERNATE, RESTORE = ONE + "/hibernate", ONE + "/hibernate-restore"
# Fields the API sends as null when a machine has none (the spec marks nothing nullable).
NULLABLE = {"floating_ip", "callback_url", "contract_id"}
FLEET_IDS = [501, 505, 506, 507, 508, 509, 510, 511]


def _with_nulls(schema):
    return with_nulls(schema, NULLABLE)


def _response_schema(path, status):
    return response_schema(SPEC, path, status)


def check(body, path, status):
    validate(body, _with_nulls(strict(_response_schema(path, status))))
    return body


def vm_path(template, vid):
    return template.replace("{vm_id}", str(vid))


def machine(emu, vid):
    status, dummy, body = get_json(emu.api_url + vm_path(ONE, vid))
    assert status == 200
    return check(body, ONE, 200)["instance"]


def wait_for(emu, vid, status, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        vm = machine(emu, vid)
        if vm["status"] == status:
            return vm
        time.sleep(0.02)
    raise AssertionError("machine %d is %s, not %s, after %s s" % (vid, vm["status"], status, timeout))


def usage_rows(emu):
    status, dummy, body = get_json(emu.api_url + USAGE.path)
    assert status == 200
    return {row["resource_id"]: row for row in body["data"]}


def per_hour(emu):
    """The burn rate as the collection reads it (Decimal, exact to the rows' digits): active billed rows' bill_per_minute x 60."""
    rows = usage_rows(emu).values()
    return sum((decimal(r["bill_per_minute"] or 0) for r in rows if r["active"] is not False and not r["exclude_billing"]), Decimal(0)) * 60


@pytest.fixture
def fleet(emu):
    emu.state.update({"vms": "fleet"})
    return emu


def test_spec_excerpt_has_the_vm_paths():
    assert {path: SPEC["paths"][path]["get"]["operationId"] for path in (LIST, ONE, HIBERNATE, RESTORE)} == {
        LIST: "List_VMs",
        ONE: "Get_VM",
        HIBERNATE: "Hibernate_VM",
        RESTORE: "Restore_VM_from_hibernation",
    }
    assert {p["name"] for p in SPEC["paths"][LIST]["get"]["parameters"]} >= {"page", "pageSize", "search", "environment", "exact_environment_match"}
    assert [p["name"] for p in SPEC["paths"][HIBERNATE]["get"]["parameters"]] == ["vm_id", "retain_ip"]
    for path in (ONE, HIBERNATE, RESTORE):
        for status in (400, 401, 404):
            assert _response_schema(path, status) == resolve_refs(SPEC, {"$ref": "#/components/schemas/ErrorResponseModel"})


def test_default_state_serves_no_machines_and_the_usage_stays_as_it_was(emu):
    status, dummy, body = get_json(emu.api_url + LIST)
    assert status == 200 and check(body, LIST, 200)["count"] == 0 and body["instances"] == []
    assert list(usage_rows(emu).values()) == emulator_module.USAGE
    assert per_hour(emu) == Decimal("1.41")


def test_the_list_pages_match_the_spec_and_add_up_to_count(fleet):
    seen, page = [], 1
    while True:
        status, content_type, body = get_json(fleet.api_url + LIST + "?page=%d&pageSize=100" % page)
        assert status == 200 and content_type == "application/json"
        check(body, LIST, 200)
        # The server decides: 3 a page, whatever pageSize asks for.
        assert (body["page"], body["page_size"], body["count"]) == (page, 3, 8)
        if not body["instances"]:
            break
        seen += body["instances"]
        page += 1
    assert page == 4 and len(seen) == 8
    # Oldest first, each once.
    assert [vm["id"] for vm in seen] == FLEET_IDS
    assert [r["query"] for r in api_requests(fleet, LIST)] == ["page=%d&pageSize=100" % n for n in (1, 2, 3, 4)]


@pytest.mark.parametrize("server, asked, served", [(3, None, 3), (3, 2, 2), (3, 50, 3), (10, 50, 8), (1, None, 1)])
def test_the_page_size_is_the_servers(fleet, server, asked, served):
    fleet.state.update({"vm_page_size": server})
    body = get_json(fleet.api_url + LIST + ("" if asked is None else "?pageSize=%d" % asked))[2]
    assert len(check(body, LIST, 200)["instances"]) == served and body["count"] == 8 and body["page"] == 1


@pytest.mark.parametrize(
    "query, names",
    [
        ("search=train", ["train-01", "train-02"]),
        ("search=TRAIN-02", ["train-02"]),
        ("search=508", ["web-01"]),
        ("search=38.80.122.13", ["infer-01"]),
        ("environment=canada", ["train-02", "dev-a4000", "broken-01"]),
        ("environment=ml-CANADA-1&exact_environment_match=true", ["train-02", "dev-a4000", "broken-01"]),
        ("environment=canada&exact_environment_match=true", []),
        ("environment=NORWAY&search=a100", ["parked-a100x8"]),
    ],
)
def test_the_list_filters(fleet, query, names):
    fleet.state.update({"vm_page_size": 10})
    body = check(get_json(fleet.api_url + LIST + "?" + query)[2], LIST, 200)
    assert [vm["name"] for vm in body["instances"]] == names and body["count"] == len(names)


@pytest.mark.parametrize("query", ["page=0", "page=x", "pageSize=0", "exact_environment_match=maybe"])
def test_a_bad_list_query_is_a_400(fleet, query):
    status, dummy, body = get_json(fleet.api_url + LIST + "?" + query)
    assert status == 400
    check(body, LIST, 400)
    assert body["status"] is False and query.split("=")[0] in body["message"]


def test_the_fleet_is_varied(fleet):
    fleet.state.update({"vm_page_size": 10})
    vms = {vm["name"]: vm for vm in get_json(fleet.api_url + LIST)[2]["instances"]}
    assert {vm["status"] for vm in vms.values()} == {"ACTIVE", "SHUTOFF", "HIBERNATED", "ERROR"}
    assert {vm["environment"]["region"] for vm in vms.values()} == {"NORWAY-1", "CANADA-1", "US-1"}
    assert [n for n, vm in vms.items() if "hibernate=ok" in vm["labels"]] == ["train-01", "train-02", "dev-a4000", "render-01", "parked-a100x8"]
    assert [n for n, vm in vms.items() if not vm["labels"]] == ["web-01", "broken-01"]
    assert vms["web-01"]["flavor"]["gpu"] == "" and vms["dev-a4000"]["flavor"]["gpu"] == "RTX-A4000"
    # Each machine's flavor and environment are the emulator's own, in the same region.
    flavors = {f["id"]: f for f in emulator_module.FLAVORS}
    for vm in vms.values():
        flavor = flavors[vm["flavor"]["id"]]
        assert {k: flavor[k] for k in vm["flavor"]} == vm["flavor"] and flavor["region_name"] == vm["environment"]["region"]


def test_one_machine_matches_the_spec(fleet):
    vm = machine(fleet, 501)
    assert (vm["id"], vm["name"], vm["status"], vm["power_state"], vm["flavor"]["name"]) == (501, "train-01", "ACTIVE", "RUNNING", "n3-A100x1")
    assert vm["labels"] == ["team=ml", "hibernate=ok"] and vm["floating_ip"] == "38.80.122.11"
    body = get_json(fleet.api_url + vm_path(ONE, 501))[2]
    assert body["status"] is True and body["message"]


@pytest.mark.parametrize("template", [ONE, HIBERNATE, RESTORE])
def test_an_unknown_machine_is_a_404(fleet, template):
    status, dummy, body = get_json(fleet.api_url + vm_path(template, 999))
    assert status == 404
    check(body, template, 404)
    assert body == {"status": False, "message": "Virtual machine 999 not found", "error_reason": "Not Found"}


@pytest.mark.parametrize("template", [LIST, ONE, HIBERNATE, RESTORE])
def test_a_wrong_key_is_a_401(fleet, template):
    status, dummy, body = get_json(fleet.api_url + vm_path(template, 501), key="hs-wrong-key")
    assert status == 401
    check(body, template, 401)
    assert machine(fleet, 501)["status"] == "ACTIVE"


@pytest.mark.parametrize("retain_ip", ["true", "false", None])
def test_hibernate_and_restore_pass_through_transitional_statuses(fleet, retain_ip):
    query = "" if retain_ip is None else "?retain_ip=" + retain_ip
    status, dummy, body = get_json(fleet.api_url + vm_path(HIBERNATE, 501) + query)
    assert status == 200 and check(body, HIBERNATE, 200)["status"] is True
    passing = machine(fleet, 501)
    assert passing["status"] not in ("ACTIVE", "HIBERNATED") and passing["floating_ip"] == "38.80.122.11"
    hibernated = wait_for(fleet, 501, "HIBERNATED")
    assert (hibernated["power_state"], hibernated["vm_state"]) == ("SHUTDOWN", "shelved_offloaded")
    # The spec's default is false: the address is released unless kept.
    assert hibernated["floating_ip"] == ("38.80.122.11" if retain_ip == "true" else None)
    status, dummy, body = get_json(fleet.api_url + vm_path(RESTORE, 501))
    assert status == 200 and check(body, RESTORE, 200)["status"] is True
    assert machine(fleet, 501)["status"] not in ("ACTIVE", "HIBERNATED")
    restored = wait_for(fleet, 501, "ACTIVE")
    assert (restored["power_state"], restored["vm_state"]) == ("RUNNING", "active")
    if retain_ip == "true":
        assert restored["floating_ip"] == "38.80.122.11"
    else:
        assert restored["floating_ip"] not in (None, "38.80.122.11")
    assert [r["query"] for r in api_requests(fleet, vm_path(HIBERNATE, 501), vm_path(RESTORE, 501))] == [query[1:], ""]


def test_the_transition_takes_vm_transition_seconds(fleet):
    fleet.state.update({"vm_transition_seconds": 0.6})
    get_json(fleet.api_url + vm_path(HIBERNATE, 505))
    time.sleep(0.3)
    assert machine(fleet, 505)["status"] == "HIBERNATING"
    time.sleep(0.4)
    assert machine(fleet, 505)["status"] == "HIBERNATED"
    fleet.state.update({"vm_transition_seconds": 0})
    get_json(fleet.api_url + vm_path(RESTORE, 505))
    assert machine(fleet, 505)["status"] == "ACTIVE"


@pytest.mark.parametrize(
    "template, vid, why",
    [
        (HIBERNATE, 507, "its flavor n3-RTX-A4000x1 does not support hibernation"),
        (HIBERNATE, 508, "its flavor n1-cpu-small does not support hibernation"),
        (HIBERNATE, 509, "it is SHUTOFF, and only an ACTIVE machine can be"),
        (HIBERNATE, 510, "it is HIBERNATED, and only an ACTIVE machine can be"),
        (HIBERNATE, 511, "it is ERROR, and only an ACTIVE machine can be"),
        (RESTORE, 501, "it is ACTIVE, not HIBERNATED"),
        (RESTORE, 509, "it is SHUTOFF, not HIBERNATED"),
    ],
)
def test_a_machine_that_cannot_change_now_is_a_400_that_says_why(fleet, template, vid, why):
    before = machine(fleet, vid)
    status, dummy, body = get_json(fleet.api_url + vm_path(template, vid) + "?retain_ip=true")
    assert status == 400
    check(body, template, 400)
    assert body["status"] is False and body["message"].endswith(why) and str(vid) in body["message"]
    assert machine(fleet, vid) == before


def test_a_machine_in_transition_cannot_hibernate_again(fleet):
    fleet.state.update({"vm_transition_seconds": 5})
    assert get_json(fleet.api_url + vm_path(HIBERNATE, 501))[0] == 200
    status, dummy, body = get_json(fleet.api_url + vm_path(HIBERNATE, 501))
    assert status == 400 and "it is HIBERNATING" in body["message"]
    assert get_json(fleet.api_url + vm_path(RESTORE, 501))[0] == 400


def test_which_flavors_cannot_hibernate_is_state(fleet):
    assert fleet.state.snapshot()["unhibernatable_flavors"] == ["n3-RTX-A4000x1", "n1-cpu-small", "n1-cpu-medium", "n1-cpu-large"]
    fleet.state.update({"unhibernatable_flavors": ["n3-A100x1"]})
    assert get_json(fleet.api_url + vm_path(HIBERNATE, 501))[0] == 400
    assert get_json(fleet.api_url + vm_path(HIBERNATE, 507))[0] == 200


def test_a_bad_retain_ip_is_a_400(fleet):
    status, dummy, body = get_json(fleet.api_url + vm_path(HIBERNATE, 501) + "?retain_ip=yes")
    assert status == 400 and "retain_ip" in check(body, HIBERNATE, 400)["message"]
    assert machine(fleet, 501)["status"] == "ACTIVE"


def test_vms_is_state_set_and_reset(emu):
    mine = [dict(emulator_module.VM_FLEET[0], id=7, name="mine")]
    assert emu.state.update({"vms": mine})["vms"] == mine
    assert [vm["name"] for vm in get_json(emu.api_url + LIST)[2]["instances"]] == ["mine"]
    assert 7 in usage_rows(emu)
    get_json(emu.api_url + vm_path(HIBERNATE, 7))
    emu.state.reset()
    assert emu.state.snapshot()["vms"] == [] and emu.state.vm_pending == {}
    with pytest.raises(ValueError, match="vms"):
        emu.state.update({"vms": "everything"})
    with pytest.raises(ValueError, match="vms"):
        emu.state.update({"vms": [{"name": "no id"}]})


def test_a_path_scoped_fault_applies_to_the_vm_list(fleet):
    fleet.state.add_faults([{"status": 503, "path": LIST}])
    assert get_json(fleet.api_url + vm_path(ONE, 501))[0] == 200
    assert get_json(fleet.api_url + LIST)[0] == 503
    assert get_json(fleet.api_url + LIST)[0] == 200


# -- billing by status ----------------------------------------------------------------

PRICE = {name: Decimal(value) for name, value in [("A100", "1.35"), ("H100", "1.9"), ("A6000", "0.5"), ("A4000", "0.58"), ("L40", "1.0")]}
CPU_SMALL = Decimal("0.0065") * 4 + Decimal("0.0011") * 16
ROOT_DISK = Decimal("0.000082") * 100
PUBLIC_IP = Decimal("0.00672")


def test_each_machine_bills_by_its_status(fleet):
    rows = usage_rows(fleet)
    expected = {
        501: PRICE["A100"],  # ACTIVE: its flavor, in full
        505: PRICE["H100"],
        506: PRICE["A6000"],
        507: PRICE["A4000"],
        508: CPU_SMALL,  # CPU-only: vCPU x 4 + RAM x 16
        509: PRICE["L40"],  # SHUTOFF: in full all the same
        510: ROOT_DISK,  # HIBERNATED without its address: the root disk only
        511: Decimal(0),  # ERROR: free
    }
    for vid, hourly in expected.items():
        row = rows[vid]
        assert (row["resource_type"], row["active"], row["exclude_billing"]) == ("vm", True, False)
        assert row["bill_per_minute"] == float(hourly / 60), vid
    assert [rows[vid]["name"] for vid in FLEET_IDS] == ["train-01", "train-02", "infer-01", "dev-a4000", "web-01", "render-01", "parked-a100x8", "broken-01"]
    # The default rows stay: train-01 is row 501 (at the $1.35/h it had), the volume, the terminated and the internal rows.
    assert [rows[vid]["bill_per_minute"] for vid in (501, 502, 503, 504)] == [0.0225, 0.001, None, 0.5]
    assert emulator_module.vm_price_per_hour(machine(fleet, 508), emulator_module.PRICEBOOK) == Decimal("0.0436")


@pytest.mark.parametrize("retain_ip, still_billed", [("false", ROOT_DISK), ("true", ROOT_DISK + PUBLIC_IP)])
def test_hibernation_cuts_the_burn_rate_by_the_flavors_price(fleet, retain_ip, still_billed):
    client = make_client(fleet.api_url)
    before, read_before = per_hour(fleet), USAGE.fetch(client)["cost_per_hour"]
    get_json(fleet.api_url + vm_path(HIBERNATE, 501) + "?retain_ip=" + retain_ip)
    # Passing through: free.
    assert usage_rows(fleet)[501]["bill_per_minute"] == 0.0
    assert before - per_hour(fleet) == PRICE["A100"]
    wait_for(fleet, 501, "HIBERNATED")
    after = per_hour(fleet)
    # Exactly the flavor's price, less what a hibernated machine still bills (to the digits of its row's bill_per_minute).
    assert usage_rows(fleet)[501]["bill_per_minute"] == float(still_billed / 60)
    assert before - after == PRICE["A100"] - decimal(float(still_billed / 60)) * 60
    assert abs(before - after - (PRICE["A100"] - still_billed)) < Decimal("1e-15")
    # As the collection reads it: the burn rate falls, the runway (credit / burn rate) rises.
    read_after = USAGE.fetch(client)["cost_per_hour"]
    assert read_after < read_before and 1500 / read_after > 1500 / read_before
    get_json(fleet.api_url + vm_path(RESTORE, 501))
    wait_for(fleet, 501, "ACTIVE")
    assert per_hour(fleet) == before


def test_a_refused_hibernation_changes_no_bill(fleet):
    before = usage_rows(fleet)
    assert get_json(fleet.api_url + vm_path(HIBERNATE, 507))[0] == 400
    assert usage_rows(fleet) == before
