# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hyperstack_vm_info and hyperstack_vm_hibernation against the emulator's fleet: every page read, the
selection (every selector must match; nothing selected by construction is refused before any request),
the rates, check mode and --diff sending nothing, idempotence, refusals that do not stop the others, the
wait, and the same results in the controller and on a host."""

from __future__ import annotations

import json

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import VM_PAGE, read_vms
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._vms import check_selectors
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, api_requests, check_message, find_secret, make_client, run_module

LIST = "/core/virtual-machines"
FLEET = {501: "train-01", 505: "train-02", 506: "infer-01", 507: "dev-a4000", 508: "web-01", 509: "render-01", 510: "parked-a100x8", 511: "broken-01"}
STATUSES = {501: "ACTIVE", 505: "ACTIVE", 506: "ACTIVE", 507: "ACTIVE", 508: "ACTIVE", 509: "SHUTOFF", 510: "HIBERNATED", 511: "ERROR"}
INFO, HIBERNATION = "nexgencloud.hyperstack.hyperstack_vm_info", "nexgencloud.hyperstack.hyperstack_vm_hibernation"


@pytest.fixture
def fleet(emu):
    emu.state.update({"vms": "fleet", "vm_transition_seconds": 0.2})
    return emu


def info(emu, **args):
    return run_info(MODULES["hyperstack_vm_info"], dict(api_key=KEY, api_url=emu.api_url, **args), {}, INFO)


def hibernation(emu, check_mode=False, diff=False, **args):
    args = dict(dict(api_key=KEY, api_url=emu.api_url, wait_timeout=20), **args)
    return run_info(MODULES["hyperstack_vm_hibernation"], args, {}, HIBERNATION, check_mode=check_mode, diff=diff)


def statuses(emu):
    with emu.state.lock:
        return {vm["id"]: vm["status"] for vm in emu.state.state["vms"]}


def acts(emu):
    """The hibernate and restore requests the emulator received: (id, what, query)."""
    with emu.state.lock:
        paths = [(r["path"], r["query"]) for r in emu.state.requests]
    return [(int(p.split("/")[3]), p.split("/")[4], q) for p, q in paths if p.startswith(LIST + "/") and p.count("/") == 4]


# -- reading every page ----------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [1, 3, 100])
def test_every_page_is_read_however_the_server_pages(fleet, page_size):
    fleet.state.update({"vm_page_size": page_size})
    machines = read_vms(make_client(fleet.api_url))
    assert [m["id"] for m in machines] == list(FLEET)
    pages = [r["query"] for r in api_requests(fleet, LIST)]
    # Until count machines are read: no empty page asked for once the count is reached.
    assert len(pages) == -(-8 // page_size) and all("pageSize=100" in q for q in pages), pages


class Pages:
    """A client whose list pages are given: no count, the same machine twice, or pages without end."""

    def __init__(self, pages, count=None):
        self.pages, self.count, self.asked = pages, count, []

    def get(self, path, schema, what, params=None):
        assert path == VM_PAGE.path and what == VM_PAGE.what
        self.asked.append(params["page"])
        page = self.pages(params["page"]) if callable(self.pages) else (self.pages[params["page"] - 1] if params["page"] <= len(self.pages) else [])
        return {"status": True, "count": self.count, "instances": [{"id": i, "name": "vm-%d" % i, "status": "ACTIVE"} for i in page]}


def test_without_a_count_the_pages_are_read_until_one_is_empty_and_a_machine_is_read_once():
    client = Pages([[1, 2], [2, 3], [4]])
    assert [m["id"] for m in read_vms(client)] == [1, 2, 3, 4] and client.asked == [1, 2, 3, 4]


def test_a_list_whose_pages_never_end_fails_past_the_bound():
    client = Pages(lambda page: [page], count=10**9)
    with pytest.raises(HyperstackError) as caught:
        read_vms(client, max_pages=5)
    assert caught.value.msg == (
        "reading the virtual machines (GET /core/virtual-machines): still more machines after 5 pages (5 machines read of the 1000000000 it counts):"
        " the API's paging does not end; stopped rather than read for ever"
    )
    assert client.asked == [1, 2, 3, 4, 5]


def test_a_machine_without_its_status_fails_the_schema(emu):
    emu.state.update({"vms": [{"id": 1, "name": "x"}]})
    result = info(emu)
    assert result["failed"] and "does not match the expected schema at $.instances[0]: 'status' is a required property" in result["msg"], result


# -- hyperstack_vm_info ------------------------------------------------------------------------


def test_vm_info_lists_the_fleet_with_each_rate_from_the_usage(fleet):
    result = info(fleet)
    assert not result.get("failed") and result["changed"] is False, result
    vms = {vm["id"]: vm for vm in result["hyperstack_vm_info"]}
    assert list(vms) == list(FLEET) and {i: vm["status"] for i, vm in vms.items()} == STATUSES
    assert vms[501] == {
        "id": 501,
        "name": "train-01",
        "status": "ACTIVE",
        "flavor": {"name": "n3-A100x1", "gpu": "A100-80G-PCIe", "gpu_count": 1},
        "labels": ["team=ml", "hibernate=ok"],
        "environment": "default-NORWAY-1",
        "region": "NORWAY-1",
        "cost_per_hour": 1.35,
    }
    # Billed in full when stopped, only its disk when hibernated, nothing in ERROR.
    assert vms[509]["cost_per_hour"] > 0 and vms[510]["cost_per_hour"] < 0.05 and vms[511]["cost_per_hour"] == 0.0
    assert vms[508]["flavor"]["gpu"] == "" and vms[508]["flavor"]["gpu_count"] == 0


def test_vm_info_cost_is_null_without_a_usage_row(fleet):
    fleet.state.add_faults([{"status": 200, "body": {"status": True, "data": []}, "path": "/billing/billing/usage"}])
    assert {vm["cost_per_hour"] for vm in info(fleet)["hyperstack_vm_info"]} == {None}


@pytest.mark.parametrize(
    "args, expected",
    [
        ({"labels": ["hibernate=ok"]}, [501, 505, 507, 509, 510]),
        ({"labels": ["hibernate=ok", "team=ml"]}, [501, 505, 510]),
        ({"labels": ["team=web"]}, [507]),
        ({"names": ["web-01", "nope"]}, [508]),
        ({"names": ["train-01", "train-02"], "labels": ["team=ml"]}, [501, 505]),
        ({"names": ["infer-01"], "labels": ["hibernate=ok"]}, []),
        ({"environment": "default-NORWAY-1"}, [501, 506, 509, 510]),
        ({"environment": "default"}, []),
    ],
)
def test_vm_info_selects_by_every_selector_given(fleet, args, expected):
    assert [vm["id"] for vm in info(fleet, **args)["hyperstack_vm_info"]] == expected


def test_vm_info_refuses_an_empty_list_before_any_request(fleet):
    result = info(fleet, names=[])
    assert result["failed"] and result["msg"].startswith("names is an empty list, which selects no machine") and fleet.state.requests == []


def test_vm_info_asks_the_api_for_the_exact_environment(fleet):
    info(fleet, environment="ml-CANADA-1")
    assert all("environment=ml-CANADA-1" in r["query"] and "exact_environment_match=true" in r["query"] for r in api_requests(fleet, LIST))


# -- selectors refused before any request ------------------------------------------------------


@pytest.mark.parametrize(
    "args, words",
    [
        ({}, "no machine is selected: give ids, names or labels (the module never acts on every machine)"),
        ({"labels": []}, "labels is an empty list, which selects no machine"),
        ({"names": []}, "names is an empty list, which selects no machine"),
        ({"ids": []}, "ids is an empty list, which selects no machine"),
        ({"labels": ["hibernate=ok", " "]}, "labels holds an empty string, which selects no machine"),
        ({"names": [""], "labels": ["hibernate=ok"]}, "names holds an empty string, which selects no machine"),
    ],
)
def test_a_selector_that_selects_nothing_is_refused_before_any_request(fleet, args, words):
    result = hibernation(fleet, **args)
    assert result["failed"] and words in check_message(result["msg"]), result
    assert fleet.state.requests == []


def test_selectors_check_alone():
    check_selectors({"ids": None, "names": None, "labels": None}, required=False)
    with pytest.raises(HyperstackError):
        check_selectors({"ids": None, "names": None, "labels": None}, required=True)


def test_an_unknown_id_or_name_is_refused_before_anything_is_changed(fleet):
    result = hibernation(fleet, ids=[501, 999], names=["train-01", "trian-02"])
    assert result["failed"] and result["msg"] == "no virtual machine has the id 999, name trian-02: nothing was changed", result
    assert acts(fleet) == [] and statuses(fleet) == STATUSES


# -- check mode, --diff, idempotence -------------------------------------------------------------


def test_check_mode_says_what_would_change_and_what_it_saves_and_sends_nothing(fleet):
    result = hibernation(fleet, check_mode=True, diff=True, labels=["hibernate=ok", "team=ml"])
    assert not result.get("failed") and result["changed"] is True, result
    assert [(vm["name"], vm["status_before"], vm["status_after"], vm["changed"]) for vm in result["vms"]] == [
        ("train-01", "ACTIVE", "HIBERNATED", True),
        ("train-02", "ACTIVE", "HIBERNATED", True),
        ("parked-a100x8", "HIBERNATED", "HIBERNATED", False),
    ]
    # A100 at $1.35/h and H100 at $1.90/h from the emulator's price list.
    assert result["saved_per_hour"] == 3.25 and [vm["saved_per_hour"] for vm in result["vms"]] == [1.35, 1.9, None]
    assert result["vms"][0]["priced_by"] == "pricebook A100-80G-PCIe x 1 GPU"
    assert result["diff"] == {
        "before": "train-01 (id 501): ACTIVE\ntrain-02 (id 505): ACTIVE\nparked-a100x8 (id 510): HIBERNATED\n",
        "after": "train-01 (id 501): HIBERNATED\ntrain-02 (id 505): HIBERNATED\nparked-a100x8 (id 510): HIBERNATED\n",
    }
    assert acts(fleet) == [] and statuses(fleet) == STATUSES


def test_hibernation_hibernates_only_what_the_selector_names_and_then_is_idempotent(fleet):
    result = hibernation(fleet, labels=["hibernate=ok", "team=ml"])
    assert not result.get("failed") and result["changed"] is True and "diff" not in result, result
    assert [(vm["id"], vm["status_after"]) for vm in result["vms"]] == [(501, "HIBERNATED"), (505, "HIBERNATED"), (510, "HIBERNATED")]
    # Only the two named machines were asked, keeping their addresses; the unlabelled and the other-labelled are as they were.
    assert acts(fleet) == [(501, "hibernate", "retain_ip=true"), (505, "hibernate", "retain_ip=true")]
    assert statuses(fleet) == {**STATUSES, 501: "HIBERNATED", 505: "HIBERNATED"}
    again = hibernation(fleet, labels=["hibernate=ok", "team=ml"])
    assert again["changed"] is False and again["saved_per_hour"] == 0.0 and len(acts(fleet)) == 2, again


def test_retain_ip_false_is_sent(fleet):
    hibernation(fleet, ids=[506], retain_ip=False)
    assert acts(fleet) == [(506, "hibernate", "retain_ip=false")]


def test_state_active_restores_the_hibernated_and_leaves_the_active(fleet):
    result = hibernation(fleet, state="active", labels=["team=ml"])
    assert not result.get("failed") and result["changed"] is True and result["saved_per_hour"] == 0.0, result
    assert acts(fleet) == [(510, "hibernate-restore", "")]
    assert statuses(fleet) == {**STATUSES, 510: "ACTIVE"}


# -- refusals, transitions, the wait ---------------------------------------------------------------


def test_a_refused_machine_fails_the_task_in_one_line_but_the_others_are_done(fleet):
    result = hibernation(fleet, labels=["hibernate=ok"])
    msg = check_message(result["msg"])
    assert result["failed"] and result["changed"] is True, result
    assert msg.startswith("hibernating virtual machine dev-a4000 (id 507) (GET /core/virtual-machines/507/hibernate): HTTP 400 Bad Request"), msg
    assert "its flavor n3-RTX-A4000x1 does not support hibernation" in msg
    assert "; hibernating virtual machine render-01 (id 509)" in msg and "it is SHUTOFF, and only an ACTIVE machine can be" in msg
    assert msg.endswith("(changed: train-01 (id 501), train-02 (id 505))")
    by_id = {vm["id"]: vm for vm in result["vms"]}
    assert [i for i, vm in by_id.items() if vm["changed"]] == [501, 505] and "error" in by_id[507] and "error" not in by_id[501]
    assert result["saved_per_hour"] == 3.25
    assert statuses(fleet) == {**STATUSES, 501: "HIBERNATED", 505: "HIBERNATED"}


def test_a_machine_under_way_is_waited_for_not_asked_again(fleet):
    fleet.state.update({"vm_transition_seconds": 1.0})
    client = make_client(fleet.api_url)
    client.get("/core/virtual-machines/501/hibernate", {}, "test", params={"retain_ip": "true"})
    result = hibernation(fleet, ids=[501])
    assert not result.get("failed") and result["changed"] is False, result
    assert result["vms"][0]["status_before"] == "HIBERNATING" and result["vms"][0]["status_after"] == "HIBERNATED"
    assert [a for a in acts(fleet) if a[1] == "hibernate"] == [(501, "hibernate", "retain_ip=true")]


def test_a_wait_that_runs_out_names_the_machines_still_changing(fleet):
    fleet.state.update({"vm_transition_seconds": 30})
    result = hibernation(fleet, names=["train-01", "infer-01"], wait_timeout=0.6)
    assert result["failed"] and result["changed"] is True, result
    assert result["msg"] == (
        "the wait_timeout of 0.6 seconds ran out with train-01 (id 501) HIBERNATING, infer-01 (id 506) HIBERNATING still changing"
        " (changed: train-01 (id 501), infer-01 (id 506))"
    )


def test_without_wait_nothing_is_polled(fleet):
    result = hibernation(fleet, ids=[501], wait=False)
    assert result["vms"][0]["status_after"] == "HIBERNATED" and api_requests(fleet, "/core/virtual-machines/501") == []


def test_a_flavor_the_price_list_lacks_is_not_counted_free(fleet):
    fleet.state.update({"pricebook": [{"id": 1, "name": "H100-80G-PCIe", "value": 1.9}]})
    result = hibernation(fleet, check_mode=True, ids=[501, 505])
    assert result["saved_per_hour"] is None and result["vms"][0]["saved_per_hour"] is None
    assert result["vms"][0]["priced_by"] == "the price list has no entry 'A100-80G-PCIe' for flavor n3-A100x1"


def test_a_bad_wait_timeout_is_refused(fleet):
    result = hibernation(fleet, ids=[501], wait_timeout=-1)
    assert result["failed"] and result["msg"] == "wait_timeout must be 0 or more, got -1.0" and fleet.state.requests == []


# -- the controller and the host ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name, args", [("hyperstack_vm_info", {"labels": ["team=ml"]}), ("hyperstack_vm_hibernation", {"labels": ["hibernate=ok"]})])
def test_check_mode_and_diff_give_the_same_result_in_the_controller_and_on_a_host(fleet, collection_tree, name, args):
    args = dict(api_key=KEY, api_url=fleet.api_url, **args)
    here = run_info(MODULES[name], args, {}, "nexgencloud.hyperstack." + name, invocation=False, check_mode=True, diff=True)
    flags = {"_ansible_check_mode": True, "_ansible_diff": True, "_ansible_module_name": "nexgencloud.hyperstack." + name}
    rc, there = run_module(collection_tree, name, dict(args, **flags))
    there.pop("invocation", None)
    assert rc == 0 and here == there and not here.get("failed"), (here, there)
    assert acts(fleet) == [] and find_secret(json.dumps(there)) is None


@pytest.mark.slow
def test_on_a_host_the_module_hibernates_and_fails_as_in_the_controller(fleet, collection_tree):
    args = dict(api_key=KEY, api_url=fleet.api_url, labels=["hibernate=ok"], wait_timeout=20, _ansible_module_name=HIBERNATION)
    rc, result = run_module(collection_tree, "hyperstack_vm_hibernation", args)
    assert rc == 1 and result["failed"] and result["changed"] is True, result
    assert "dev-a4000 (id 507)" in result["msg"] and [vm["id"] for vm in result["vms"] if vm["changed"]] == [501, 505]
    assert statuses(fleet) == {**STATUSES, 501: "HIBERNATED", 505: "HIBERNATED"}
