# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hyperstack_vm_info and hyperstack_vm_hibernation against the emulator's fleet: every page read, the
selection (every selector must match; nothing selected by construction is refused before any request),
the rates, check mode and --diff sending nothing, idempotence, refusals that do not stop the others, the
wait, and the same results in the controller and on a host."""

from __future__ import annotations

import importlib
import json
import re
import time
from decimal import Decimal

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import USAGE, VM_PAGE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._hibernation import DEFAULTS, VmFailure, change_state
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._machines import check_selectors, refusal
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import GUARD
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._reads import read_vms
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
    return [(int(p.split("/")[3]), p.split("/")[4], q) for p, q in paths if p.startswith(LIST + "/") and p.split("/")[-1] in ("hibernate", "hibernate-restore")]


def changing(emu):
    """The requests the emulator received that are not GETs (the label PUTs): (method, path, body)."""
    with emu.state.lock:
        return [(r["method"], r["path"], r.get("body")) for r in emu.state.requests if r["method"] != "GET"]


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

    def request(self, method, path, schema, what, params=None, body=None, acts=None):
        assert method == "GET" and path == VM_PAGE.path and what == VM_PAGE.what and body is None and not acts
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
        "fixed_ip": "10.0.0.11",
        "floating_ip": "38.80.122.11",
        "cost_per_hour": 1.35,
    }
    # Billed in full when stopped, only its disk when hibernated, nothing in ERROR.
    assert vms[509]["cost_per_hour"] > 0 and vms[510]["cost_per_hour"] < 0.05 and vms[511]["cost_per_hour"] == 0.0
    assert vms[508]["flavor"]["gpu"] == "" and vms[508]["flavor"]["gpu_count"] == 0
    # A hibernated machine without its public address: the fixed one only.
    assert (vms[510]["fixed_ip"], vms[510]["floating_ip"]) == ("10.0.0.17", None)


def test_vm_info_rates_have_no_float_noise(fleet):
    # The API writes each rate per minute, rounded (H100 $1.90/h as 0.03166666666666667): times 60 it is noise
    # (1.9000000000000001) that the collection does not hand on.
    rows = {row["resource_id"]: row["bill_per_minute"] for row in make_client(fleet.api_url).get("/billing/billing/usage", {}, "usage")["data"]}
    assert float(Decimal(repr(rows[505])) * 60) != 1.9  # the noise is there
    vms = {vm["id"]: vm["cost_per_hour"] for vm in info(fleet)["hyperstack_vm_info"]}
    assert vms[505] == 1.9 and all(rate == round(rate, 10) for rate in vms.values()), vms


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
        ({"labels": []}, "labels is an empty list, which selects no machine: give at least one, or leave labels out"),
        ({"names": []}, "names is an empty list, which selects no machine: give at least one, or leave names out"),
        ({"ids": []}, "ids is an empty list, which selects no machine: give at least one, or leave ids out"),
        ({"labels": ["hibernate=ok", " "]}, "labels holds an empty string, which selects no machine"),
        ({"names": [""], "labels": ["hibernate=ok"]}, "names holds an empty string, which selects no machine"),
    ],
)
def test_a_selector_that_selects_nothing_is_refused_before_any_request(fleet, args, words):
    result = hibernation(fleet, **args)
    # The whole message, first character to last.
    assert result["failed"] and check_message(result["msg"]) == words, result
    assert fleet.state.requests == []


def test_an_id_of_0_is_an_id_not_an_empty_selector(fleet):
    # An id is a number: 0 is looked for like any other (and no machine has it), not refused as an empty string.
    result = hibernation(fleet, ids=[0])
    assert result["failed"] and result["msg"] == "no virtual machine has the id 0: nothing was changed", result
    assert acts(fleet) == [] and changing(fleet) == []


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


@pytest.mark.parametrize("check_mode", [True, False])
def test_restoring_says_what_it_adds_an_hour(fleet, check_mode):
    # parked-a100x8: eight A100s at $1.35/h each, billed again once it is awake.
    result = hibernation(fleet, check_mode=check_mode, state="active", labels=["team=ml"])
    assert not result.get("failed") and result["added_per_hour"] == 10.8 and result["saved_per_hour"] == 0.0, result
    by_name = {vm["name"]: vm for vm in result["vms"]}
    assert by_name["parked-a100x8"]["added_per_hour"] == 10.8 and by_name["parked-a100x8"]["priced_by"] == "pricebook A100-80G-PCIe x 8 GPUs"
    assert by_name["train-01"]["added_per_hour"] is None and "priced_by" not in by_name["train-01"]
    assert (acts(fleet) == []) is check_mode


def test_hibernating_adds_nothing_and_restoring_saves_nothing(fleet):
    result = hibernation(fleet, check_mode=True, ids=[501])
    assert (result["saved_per_hour"], result["added_per_hour"], result["vms"][0]["added_per_hour"]) == (1.35, 0.0, None), result


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
@pytest.mark.parametrize(
    "name, args, rc",
    [
        ("hyperstack_vm_info", {"labels": ["team=ml"]}, 0),
        ("hyperstack_vm_hibernation", {"labels": ["hibernate=ok", "team=ml"], "mark": "guard=yes"}, 0),
        # dev-a4000 and render-01 will be refused: shown unchanged and warned of, in both places alike.
        ("hyperstack_vm_hibernation", {"labels": ["hibernate=ok"]}, 0),
        ("hyperstack_vm_hibernation", {"state": "active", "labels": ["hibernate=ok"]}, 0),
    ],
)
def test_check_mode_and_diff_give_the_same_result_in_the_controller_and_on_a_host(fleet, collection_tree, name, args, rc):
    args = dict(api_key=KEY, api_url=fleet.api_url, **args)
    here = run_info(MODULES[name], args, {}, "nexgencloud.hyperstack." + name, invocation=False, check_mode=True, diff=True)
    flags = {"_ansible_check_mode": True, "_ansible_diff": True, "_ansible_module_name": "nexgencloud.hyperstack." + name}
    code, there = run_module(collection_tree, name, dict(args, **flags))
    there.pop("invocation", None)
    # The same warnings, as ansible-core writes them from a module (a summary from 2.20 on) and as the action plugin does.
    assert [w if isinstance(w, str) else w["event"]["msg"] for w in there.pop("warnings", [])] == here.pop("warnings", []), there
    assert code == rc and here == there and bool(here.get("failed")) is bool(rc), (here, there)
    assert acts(fleet) == [] and changing(fleet) == [] and find_secret(json.dumps(there)) is None


@pytest.mark.slow
def test_on_a_host_the_module_hibernates_and_fails_as_in_the_controller(fleet, collection_tree):
    args = dict(api_key=KEY, api_url=fleet.api_url, labels=["hibernate=ok"], wait_timeout=20, _ansible_module_name=HIBERNATION)
    rc, result = run_module(collection_tree, "hyperstack_vm_hibernation", args)
    assert rc == 1 and result["failed"] and result["changed"] is True, result
    assert "dev-a4000 (id 507)" in result["msg"] and [vm["id"] for vm in result["vms"] if vm["changed"]] == [501, 505]
    assert statuses(fleet) == {**STATUSES, 501: "HIBERNATED", 505: "HIBERNATED"}


# -- check mode promises what the API will do ----------------------------------------------------


def test_check_mode_shows_the_machines_the_api_will_refuse_unchanged_and_does_not_count_them(fleet):
    result = hibernation(fleet, check_mode=True, diff=True, labels=["hibernate=ok"])
    by_name = {vm["name"]: vm for vm in result["vms"]}
    assert [n for n, vm in by_name.items() if vm["changed"]] == ["train-01", "train-02"], result
    for name, status in (("dev-a4000", "ACTIVE"), ("render-01", "SHUTOFF")):
        assert (by_name[name]["status_after"], by_name[name]["saved_per_hour"]) == (status, None), by_name[name]
    assert by_name["dev-a4000"]["error"] == (
        "dev-a4000 (id 507) would be refused: its flavor n3-RTX-A4000x1 (RTX-A4000) cannot hibernate, as Hyperstack documents"
    )
    assert by_name["render-01"]["error"] == "render-01 (id 509) would be refused: it is SHUTOFF, and only an ACTIVE machine can be hibernated"
    # Only what will be hibernated is counted: A100 $1.35 + H100 $1.90, not the A4000 nor the stopped machine.
    assert result["saved_per_hour"] == 3.25
    assert "render-01 (id 509): SHUTOFF\n" in result["diff"]["after"] and "dev-a4000 (id 507): ACTIVE\n" in result["diff"]["after"]
    # Said as warnings; the dry run itself does not fail (the run will, on the API's refusal).
    assert (
        not result.get("failed")
        and result["changed"]
        and result["warnings"]
        == [
            "dev-a4000 (id 507) would be refused: its flavor n3-RTX-A4000x1 (RTX-A4000) cannot hibernate, as Hyperstack documents",
            "render-01 (id 509) would be refused: it is SHUTOFF, and only an ACTIVE machine can be hibernated",
        ]
    ), result
    assert acts(fleet) == [] and statuses(fleet) == STATUSES


def test_check_mode_refuses_as_the_run_refuses(fleet):
    # What check mode predicts for each machine is what the API then answers: the same machines refused.
    predicted = hibernation(fleet, check_mode=True, labels=["hibernate=ok"])
    done = hibernation(fleet, labels=["hibernate=ok"])
    assert [vm["name"] for vm in predicted["vms"] if "error" in vm] == [vm["name"] for vm in done["vms"] if "error" in vm] == ["dev-a4000", "render-01"]
    assert predicted["saved_per_hour"] == done["saved_per_hour"] == 3.25
    restore = hibernation(fleet, check_mode=True, state="active", names=["render-01", "broken-01", "train-01"])
    assert [vm.get("error") for vm in restore["vms"]] == [
        None,
        "render-01 (id 509) would be refused: it is SHUTOFF, not HIBERNATED: only a hibernated machine can be restored",
        "broken-01 (id 511) would be refused: it is ERROR, not HIBERNATED: only a hibernated machine can be restored",
    ]
    assert not restore.get("failed") and [vm["name"] for vm in restore["vms"] if vm["changed"]] == ["train-01"], restore
    assert restore["warnings"] == [vm["error"] for vm in restore["vms"][1:]] and restore["added_per_hour"] == 1.35


def _machine(status="ACTIVE", gpu="A100-80G-PCIe", gpu_count=1, region="NORWAY-1", name="n3-x"):
    return {"id": 1, "name": "m", "status": status, "flavor": {"name": name, "gpu": gpu, "gpu_count": gpu_count}, "environment": {"region": region}}


@pytest.mark.parametrize(
    "machine, target, reason",
    [
        (_machine(), "HIBERNATED", None),
        (
            _machine(gpu="", gpu_count=0, name="n1-cpu-small"),
            "HIBERNATED",
            "its flavor n1-cpu-small is CPU-only, and Hyperstack's CPU-only flavors cannot hibernate",
        ),
        (_machine(gpu="RTX-A4000"), "HIBERNATED", "its flavor n3-x (RTX-A4000) cannot hibernate, as Hyperstack documents"),
        (_machine(gpu="rtx a4000"), "HIBERNATED", "its flavor n3-x (rtx a4000) cannot hibernate, as Hyperstack documents"),
        (
            _machine(gpu="H100-80G-SXM5", region="US-1"),
            "HIBERNATED",
            "its flavor n3-x (H100-80G-SXM5) cannot hibernate in region US-1, as Hyperstack documents",
        ),
        (_machine(gpu="H100-80G-SXM5", region="CANADA-1"), "HIBERNATED", None),
        (_machine(gpu="H100-80G-PCIe", region="US-1"), "HIBERNATED", None),
        # The hardware left out: the API decides.
        (_machine(gpu=None, gpu_count=None), "HIBERNATED", None),
        (_machine(status="ERROR"), "HIBERNATED", "it is ERROR, and only an ACTIVE machine can be hibernated"),
        (_machine(status="SHUTOFF"), "HIBERNATED", "it is SHUTOFF, and only an ACTIVE machine can be hibernated"),
        # Under way, or already there: nothing to refuse.
        (_machine(status="HIBERNATING"), "HIBERNATED", None),
        (_machine(status="HIBERNATED"), "HIBERNATED", None),
        (_machine(status="HIBERNATED", gpu="RTX-A4000"), "ACTIVE", None),
        (_machine(status="SHUTOFF"), "ACTIVE", "it is SHUTOFF, not HIBERNATED: only a hibernated machine can be restored"),
        (_machine(status="ACTIVE"), "ACTIVE", None),
    ],
)
def test_refusal_follows_the_status_and_the_documented_flavors(machine, target, reason):
    assert refusal(machine, target) == reason


# -- a selector that matches nothing ---------------------------------------------------------------


def test_a_label_no_machine_carries_warns_and_names_it(fleet):
    result = hibernation(fleet, labels=["hibernat=ok", "team=ml"])
    assert not result.get("failed") and result["changed"] is False and result["vms"] == [], result
    assert result["warnings"] == ["no virtual machine carries the label hibernat=ok, so no machine was selected"]
    both = hibernation(fleet, check_mode=True, labels=["hibernat=ok", "tem=ml"])
    assert both["warnings"] == ["no virtual machine carries the labels hibernat=ok, tem=ml, so no machine was selected"]
    apart = hibernation(fleet, labels=["team=web"], names=["train-01", "infer-01"])
    assert apart["warnings"] == ["no virtual machine matches every selector given (names train-01, infer-01, labels team=web), so no machine was selected"]
    assert "warnings" not in hibernation(fleet, check_mode=True, ids=[501]) and acts(fleet) == []


@pytest.mark.slow
def test_on_a_host_the_warning_is_the_modules_own(fleet, collection_tree):
    args = dict(api_key=KEY, api_url=fleet.api_url, labels=["hibernat=ok"], _ansible_module_name=HIBERNATION)
    rc, result = run_module(collection_tree, "hyperstack_vm_hibernation", args)
    # ansible-core 2.19 writes a warning as its text, 2.20 on as a summary of it.
    warnings = [w if isinstance(w, str) else w["event"]["msg"] for w in result["warnings"]]
    assert rc == 0 and warnings == ["no virtual machine carries the label hibernat=ok, so no machine was selected"], result


# -- the mark --------------------------------------------------------------------------------------


def test_the_mark_goes_on_before_hibernating_and_off_after_restoring(fleet):
    mark = "hibernated-by=guard"
    result = hibernation(fleet, diff=True, labels=["hibernate=ok", "team=ml"], mark=mark)
    assert not result.get("failed") and result["changed"], result
    # Marked first, then hibernated; parked-a100x8, hibernated another way, is not marked.
    assert changing(fleet) == [
        ("PUT", "/core/virtual-machines/501/label", {"labels": ["team=ml", "hibernate=ok", mark]}),
        ("PUT", "/core/virtual-machines/505/label", {"labels": ["team=ml", "hibernate=ok", mark]}),
    ]
    assert [vm["labels"] for vm in result["vms"]] == [["team=ml", "hibernate=ok", mark]] * 2 + [["team=ml", "hibernate=ok"]]
    assert result["diff"]["after"].startswith("train-01 (id 501): HIBERNATED (labels: team=ml, hibernate=ok, %s)\n" % mark)
    # Restoring what carries the mark wakes those two only, and takes the mark off.
    woken = hibernation(fleet, state="active", labels=[mark], mark=mark)
    assert [vm["name"] for vm in woken["vms"]] == ["train-01", "train-02"] and woken["added_per_hour"] == 3.25, woken
    assert changing(fleet)[2:] == [
        ("PUT", "/core/virtual-machines/501/label", {"labels": ["team=ml", "hibernate=ok"]}),
        ("PUT", "/core/virtual-machines/505/label", {"labels": ["team=ml", "hibernate=ok"]}),
    ]
    assert statuses(fleet) == STATUSES
    # Idempotent: nothing carries the mark any more.
    again = hibernation(fleet, state="active", labels=[mark], mark=mark)
    assert again["changed"] is False and len(changing(fleet)) == 4 and again["warnings"], again


def test_a_refused_machine_keeps_no_mark(fleet):
    result = hibernation(fleet, names=["dev-a4000"], mark="guard=yes")
    assert result["failed"] and result["changed"] is False, result
    assert result["msg"].endswith("; the mark guard=yes was taken off again (nothing was changed)"), result["msg"]
    assert [request[2]["labels"] for request in changing(fleet)] == [["team=web", "hibernate=ok", "guard=yes"], ["team=web", "hibernate=ok"]]


def test_check_mode_with_a_mark_sends_nothing_and_shows_the_labels(fleet):
    result = hibernation(fleet, check_mode=True, diff=True, ids=[501], mark="guard=yes")
    assert result["vms"][0]["labels"] == ["team=ml", "hibernate=ok"] and changing(fleet) == [] and acts(fleet) == []
    assert result["diff"]["after"] == "train-01 (id 501): HIBERNATED (labels: team=ml, hibernate=ok, guard=yes)\n"


def test_an_active_machine_left_marked_has_its_mark_taken_off(fleet):
    # A mark left on by a run that failed half-way: restoring takes it off, and changes nothing else.
    with fleet.state.lock:
        fleet.state.state["vms"][0]["labels"].append("guard=yes")
    result = hibernation(fleet, state="active", labels=["guard=yes"], mark="guard=yes")
    assert result["changed"] is True and result["added_per_hour"] == 0.0 and acts(fleet) == [], result
    assert changing(fleet) == [("PUT", "/core/virtual-machines/501/label", {"labels": ["team=ml", "hibernate=ok"]})]


def test_an_empty_mark_is_refused_before_any_request(fleet):
    result = hibernation(fleet, ids=[501], mark=" ")
    assert result["failed"] and result["msg"] == "mark is an empty string, which marks nothing: give a label, such as hibernated-by=nightly"
    assert fleet.state.requests == []
    # The runway_guard role's task names its variables.
    args = dict(api_key=KEY, api_url=fleet.api_url, ids=[501], mark="", wait_timeout=-1)
    guard = run_info(MODULES["hyperstack_vm_hibernation"], args, {}, HIBERNATION, caller=GUARD)
    assert guard["msg"] == "hyperstack_runway_guard_wait_timeout must be 0 or more, got -1.0", guard
    guard = run_info(MODULES["hyperstack_vm_hibernation"], dict(args, wait_timeout=5), {}, HIBERNATION, caller=GUARD)
    assert guard["msg"].startswith("hyperstack_runway_guard_mark is an empty string"), guard


# -- an answer lost is never a request sent twice ----------------------------------------------------


LOST = [{"status": 500}, {"status": 503}, {"action": "reset"}, {"status": 200, "body": "<html>ok</html>"}]


@pytest.mark.parametrize("fault", LOST)
def test_a_lost_answer_after_the_api_acted_is_read_again_not_asked_again(fleet, fault):
    fleet.state.add_faults([dict(fault, path="/core/virtual-machines/501/hibernate", acted=True)])
    result = hibernation(fleet, ids=[501])
    assert not result.get("failed") and result["changed"] and result["vms"][0]["status_after"] == "HIBERNATED", result
    assert acts(fleet) == [(501, "hibernate", "retain_ip=true")]


@pytest.mark.parametrize("fault", LOST[:3])
def test_a_lost_answer_when_the_api_did_not_act_fails_saying_it_may_yet_change(fleet, fault):
    fleet.state.add_faults([dict(fault, path="/core/virtual-machines/501/hibernate")])
    result = hibernation(fleet, ids=[501, 505])
    assert result["failed"] and acts(fleet) == [(501, "hibernate", "retain_ip=true"), (505, "hibernate", "retain_ip=true")], result
    assert "(the request may have been carried out: it is not sent again; read the state before trying again)" in result["msg"]
    assert result["msg"].endswith("; read again, it was still ACTIVE: it may yet change, and is not asked again (changed: train-02 (id 505))"), result["msg"]
    assert statuses(fleet) == {**STATUSES, 505: "HIBERNATED"}


def test_a_429_on_a_request_that_acts_is_retried(fleet):
    fleet.state.add_faults([{"status": 429, "path": "/core/virtual-machines/501/hibernate", "headers": {"Retry-After": "0"}}])
    result = hibernation(fleet, ids=[501])
    assert not result.get("failed") and len(acts(fleet)) == 2 and statuses(fleet)[501] == "HIBERNATED", result


# -- the survivors of the mutation run ------------------------------------------------------------


def test_every_machine_after_one_under_way_is_still_done(fleet):
    fleet.state.update({"vm_transition_seconds": 0.5})
    make_client(fleet.api_url).get("/core/virtual-machines/501/hibernate", {}, "test", params={"retain_ip": "true"})
    result = hibernation(fleet, ids=[501, 505, 506])
    assert not result.get("failed") and [vm["id"] for vm in result["vms"]] == [501, 505, 506], result
    assert [vm["changed"] for vm in result["vms"]] == [False, True, True] and result["saved_per_hour"] == 2.4
    assert {i: statuses(fleet)[i] for i in (501, 505, 506)} == {501: "HIBERNATED", 505: "HIBERNATED", 506: "HIBERNATED"}


def test_a_status_read_that_fails_while_waiting_fails_the_task(fleet):
    fleet.state.add_faults([{"status": 404, "path": "/core/virtual-machines/505", "times": -1}])
    result = hibernation(fleet, ids=[501, 505])
    assert result["failed"] and result["changed"], result
    assert result["msg"].startswith("reading virtual machine train-02 (id 505) (GET /core/virtual-machines/505): HTTP 404"), result["msg"]
    assert result["vms"][1]["error"] == result["msg"].split(" (changed: ")[0]


def test_a_machine_in_error_is_refused_at_once_not_waited_for(fleet):
    result = hibernation(fleet, names=["broken-01"], wait_timeout=30)
    assert result["failed"] and "it is ERROR, and only an ACTIVE machine can be" in result["msg"] and "wait_timeout" not in result["msg"], result


@pytest.mark.parametrize(
    "flavor, why",
    [
        ({"name": "odd", "gpu": "", "gpu_count": 0, "cpu": None, "ram": 8}, "the API did not give the hardware of flavor odd"),
        ({"name": "odd", "gpu": "A100-80G-PCIe", "gpu_count": None}, "the API did not give the GPU count of flavor odd"),
    ],
)
def test_a_flavor_without_its_hardware_is_never_priced_free_and_the_machine_is_still_done(emu, flavor, why):
    emu.state.update({"vms": [{"id": 7, "name": "odd-01", "status": "ACTIVE", "labels": [], "flavor": flavor}], "unhibernatable_flavors": []})
    result = hibernation(emu, ids=[7])
    assert not result.get("failed") and result["changed"] and result["saved_per_hour"] is None, result
    assert (result["vms"][0]["saved_per_hour"], result["vms"][0]["priced_by"]) == (None, why)
    assert acts(emu) == [(7, "hibernate", "retain_ip=true")]


def test_the_poll_waits_double_up_to_the_last_and_stop_at_the_timeout(fleet):
    fleet.state.update({"vm_transition_seconds": 3600})
    now, waits = [0.0], []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds
        # A loop that stopped waiting (a wait of 0 at the deadline) would poll for ever: stopped here, failing.
        assert len(waits) < 50, waits

    params = dict(api_key=KEY, api_url=fleet.api_url, ids=[501], wait_timeout=30)
    with pytest.raises(VmFailure) as caught:
        change_state(make_client(fleet.api_url), params, sleep=sleep, clock=lambda: now[0])
    assert waits == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 4.25], waits
    assert caught.value.msg.startswith("the wait_timeout of 30 seconds ran out with train-01 (id 501) HIBERNATING still changing")


def test_a_lost_restore_answer_is_read_again_not_asked_again(fleet):
    fleet.state.add_faults([{"status": 502, "path": "/core/virtual-machines/510/hibernate-restore", "acted": True}])
    result = hibernation(fleet, state="active", ids=[510])
    assert not result.get("failed") and result["vms"][0]["status_after"] == "ACTIVE" and result["added_per_hour"] == 10.8, result
    assert acts(fleet) == [(510, "hibernate-restore", "")]


def test_a_lost_answer_whose_machine_cannot_be_read_again_says_the_outcome_is_not_known(fleet):
    fleet.state.add_faults(
        [{"status": 503, "path": "/core/virtual-machines/501/hibernate"}, {"status": 404, "path": "/core/virtual-machines/501", "times": -1}]
    )
    result = hibernation(fleet, ids=[501], mark="guard=yes")
    assert result["failed"] and len(acts(fleet)) == 1, result
    assert re.fullmatch(
        r"hibernating virtual machine train-01 \(id 501\) \(GET /core/virtual-machines/501/hibernate\): HTTP 503 .*"
        r"; reading it again failed too, so whether it changes is not known: reading virtual machine train-01 \(id 501\) .*HTTP 404 .*",
        result["msg"],
    ), result["msg"]
    # It may yet hibernate: the mark stays, so that a restore by the mark finds it, and the result says the labels changed.
    assert result["msg"].endswith("; the mark guard=yes stays on it (changed: train-01 (id 501))"), result["msg"]
    assert [request[2]["labels"] for request in changing(fleet)] == [["team=ml", "hibernate=ok", "guard=yes"]]


def test_a_mark_that_cannot_be_put_on_means_nothing_is_hibernated(fleet):
    fleet.state.add_faults([{"status": 400, "path": "/core/virtual-machines/501/label"}])
    result = hibernation(fleet, ids=[501, 505], mark="guard=yes")
    assert result["failed"] and result["msg"].startswith("setting the labels of virtual machine train-01 (id 501)"), result
    assert result["msg"].endswith(" (not hibernated) (changed: train-02 (id 505))"), result["msg"]
    assert acts(fleet) == [(505, "hibernate", "retain_ip=true")] and statuses(fleet)[501] == "ACTIVE"


def test_a_mark_that_cannot_be_taken_off_again_is_said_to_stay(fleet):
    # The mark goes on, the API refuses the hibernation, and taking the mark off fails: the labels did change.
    fleet.state.add_faults([{"status": 500, "path": "/core/virtual-machines/507/label", "skip": 1}])
    result = hibernation(fleet, names=["dev-a4000"], mark="guard=yes")
    assert result["failed"] and result["changed"] is True, result
    assert re.fullmatch(
        r"hibernating virtual machine dev-a4000 \(id 507\) \(GET /core/virtual-machines/507/hibernate\): HTTP 400 .*; the mark guard=yes stays on it:"
        r" setting the labels of virtual machine dev-a4000 \(id 507\) \(PUT /core/virtual-machines/507/label\): HTTP 500 .*try again later"
        r" \(the request may have been carried out: it is not sent again; read the state before trying again\) \(changed: dev-a4000 \(id 507\)\)",
        result["msg"],
    ), result["msg"]


def test_a_machine_that_settles_elsewhere_is_no_longer_waited_for(fleet):
    # Asked to hibernate, the machine ends in ERROR: named at once, not polled until wait_timeout.
    now, waits = [0.0], []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds
        with fleet.state.lock:
            fleet.state.vm_pending.pop(501, None)
            fleet.state.state["vms"][0]["status"] = "ERROR"

    params = dict(api_key=KEY, api_url=fleet.api_url, ids=[501], wait_timeout=600)
    with pytest.raises(VmFailure) as caught:
        change_state(make_client(fleet.api_url), params, sleep=sleep, clock=lambda: now[0])
    assert caught.value.msg == "train-01 (id 501) became ERROR, not HIBERNATED (changed: train-01 (id 501))" and waits == [0.25]


def test_a_change_under_way_that_ends_otherwise_is_named(fleet):
    fleet.state.update({"vm_transition_seconds": 0.3})
    make_client(fleet.api_url).get("/core/virtual-machines/501/hibernate", {}, "test", params={"retain_ip": "true"})
    result = hibernation(fleet, state="active", ids=[501])
    assert result["failed"] and result["msg"] == "train-01 (id 501) became HIBERNATED, not ACTIVE (nothing was changed)", result
    assert acts(fleet) == [(501, "hibernate", "retain_ip=true")]


def test_a_machine_still_as_it_was_after_the_request_is_waited_for(fleet):
    # The API may show the old status for a moment after it accepted the request: that is not a failure.
    seen = []

    def sleep(seconds):
        seen.append(seconds)
        if len(seen) == 1:
            with fleet.state.lock:
                fleet.state.state["vms"][0]["status"] = "ACTIVE"  # as if the change had not shown yet
        else:
            time.sleep(0.8)

    fleet.state.update({"vm_transition_seconds": 0.8})
    result = change_state(make_client(fleet.api_url), dict(api_key=KEY, api_url=fleet.api_url, ids=[501]), sleep=sleep)
    assert result["vms"][0]["status_after"] == "HIBERNATED" and len(seen) >= 2 and "diff" not in result, (result, seen)


def test_the_usage_and_the_estimate_have_no_float_noise_either(fleet):
    # train-02 alone: H100 $1.90/h, written per minute as 0.03166666666666667, read back as 1.9 everywhere.
    with fleet.state.lock:
        fleet.state.state["vms"] = [vm for vm in fleet.state.state["vms"] if vm["id"] == 505]
    fleet.state.update({"usage": []})
    assert USAGE.fetch(make_client(fleet.api_url))["cost_per_hour"] == 1.9
    args = dict(api_key=KEY, api_url=fleet.api_url, terraform_plan=None, plan=[{"flavor": "n3-A100x1"}], region="NORWAY-1")
    estimate = run_info(MODULES["hyperstack_deployment_cost_info"], args, {}, "nexgencloud.hyperstack.hyperstack_deployment_cost_info")
    assert estimate["hyperstack_deployment_cost_info"]["current_cost_per_hour"] == 1.9, estimate


def test_each_machine_of_the_result_has_exactly_its_documented_keys(fleet):
    result = hibernation(fleet, check_mode=True, ids=[501, 510])
    assert result["vms"][0] == {
        "id": 501,
        "name": "train-01",
        "labels": ["team=ml", "hibernate=ok"],
        "flavor": "n3-A100x1",
        "status_before": "ACTIVE",
        "status_after": "HIBERNATED",
        "changed": True,
        "saved_per_hour": 1.35,
        "added_per_hour": None,
        "priced_by": "pricebook A100-80G-PCIe x 1 GPU",
    }, result
    assert set(result["vms"][1]) == {"id", "name", "labels", "flavor", "status_before", "status_after", "changed", "saved_per_hour", "added_per_hour"}


def test_a_machine_that_already_carries_the_mark_keeps_it_when_hibernated(fleet):
    # A mark left on by a run whose hibernation did not happen: hibernating it again keeps the mark, so a restore finds it.
    with fleet.state.lock:
        fleet.state.state["vms"][0]["labels"].append("guard=yes")
    result = hibernation(fleet, ids=[501], mark="guard=yes")
    assert not result.get("failed") and result["vms"][0]["labels"] == ["team=ml", "hibernate=ok", "guard=yes"], result
    assert changing(fleet) == [] and acts(fleet) == [(501, "hibernate", "retain_ip=true")]


def test_a_lost_answer_when_the_api_did_not_act_keeps_the_mark(fleet):
    fleet.state.add_faults([{"status": 503, "path": "/core/virtual-machines/501/hibernate"}])
    result = hibernation(fleet, ids=[501], mark="guard=yes")
    assert result["failed"] and result["msg"].endswith("it may yet change, and is not asked again; the mark guard=yes stays on it (changed: train-01 (id 501))")
    assert [request[2]["labels"] for request in changing(fleet)] == [["team=ml", "hibernate=ok", "guard=yes"]], changing(fleet)


def test_the_machines_of_another_environment_are_left_out_even_when_the_api_gives_them(fleet):
    # The API is asked for the environment exactly; a machine of another one in its answer is still not selected.
    with fleet.state.lock:
        machines = [dict(vm) for vm in fleet.state.state["vms"][:2]]
    fleet.state.add_faults([{"status": 200, "path": LIST, "body": {"status": True, "count": 2, "instances": machines}}])
    result = info(fleet, environment="ml-CANADA-1")
    assert [vm["name"] for vm in result["hyperstack_vm_info"]] == ["train-02"], result


def test_the_hibernation_modules_options_are_its_documented_ones():
    # Types, defaults and choices as ansible-doc shows them (DEFAULTS feeds both the module and change_state).
    documented = yaml.safe_load(importlib.import_module("ansible_collections.nexgencloud.hyperstack.plugins.modules.hyperstack_vm_hibernation").DOCUMENTATION)
    spec = MODULES["hyperstack_vm_hibernation"].argument_spec({})
    for name, option in documented["options"].items():
        assert {k: option[k] for k in ("type", "default", "choices", "elements") if k in option} == {
            k: spec[name][k] for k in ("type", "default", "choices", "elements") if k in spec[name]
        }, name
    assert DEFAULTS == {"state": "hibernated", "retain_ip": True, "wait": True, "wait_timeout": 600, "mark": None}


def test_a_failed_status_read_does_not_hold_up_the_other_machines(fleet):
    # train-01's status cannot be read; train-02 is still read in the same round, and done after one wait.
    fleet.state.add_faults([{"status": 404, "path": "/core/virtual-machines/501", "times": -1}])
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(seconds)

    with pytest.raises(VmFailure) as caught:
        change_state(make_client(fleet.api_url), dict(api_key=KEY, api_url=fleet.api_url, ids=[501, 505]), sleep=sleep)
    assert waits == [0.25] and caught.value.result()["vms"][1]["status_after"] == "HIBERNATED", (waits, caught.value.msg)
