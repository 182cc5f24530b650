# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_hibernation.py (hyperstack_vm_hibernation) against the emulator's fleet: the
selection (nothing selected by construction is refused before any request, an unknown id or name before anything is
changed, a selector that matches nothing is warned of), check mode and --diff sending nothing and promising what the
API will do, idempotence, restoring, what a change saves or adds an hour, refusals that do not stop the others, the
result's keys and the module's options, and the same results in the controller and on a host.
The wait and an answer lost: test_hibernation_wait.py; the mark: test_hibernation_mark.py."""

from __future__ import annotations

import importlib
import json

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._hibernation import DEFAULTS
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.tests.unit import support
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import (
    HIBERNATION,
    KEY,
    MODULES,
    STATUSES,
    acts,
    changing,
    check_message,
    find_secret,
    hibernation,
    run_module,
    statuses,
)

# The emulator's fleet of virtual machines (support.fleet): a fixture, found by pytest by this name here.
fleet = support.fleet


# -- selectors refused before any request ----------------------------------------------------------


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


def test_an_unknown_id_or_name_is_refused_before_anything_is_changed(fleet):
    result = hibernation(fleet, ids=[501, 999], names=["train-01", "trian-02"])
    assert result["failed"] and result["msg"] == "no virtual machine has the id 999, name trian-02: nothing was changed", result
    assert acts(fleet) == [] and statuses(fleet) == STATUSES


# -- check mode, --diff, idempotence ---------------------------------------------------------------


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


# -- refusals and prices ---------------------------------------------------------------------------


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


def test_a_flavor_the_price_list_lacks_is_not_counted_free(fleet):
    fleet.state.update({"pricebook": [{"id": 1, "name": "H100-80G-PCIe", "value": 1.9}]})
    result = hibernation(fleet, check_mode=True, ids=[501, 505])
    assert result["saved_per_hour"] is None and result["vms"][0]["saved_per_hour"] is None
    assert result["vms"][0]["priced_by"] == "the price list has no entry 'A100-80G-PCIe' for flavor n3-A100x1"


def test_a_bad_wait_timeout_is_refused(fleet):
    result = hibernation(fleet, ids=[501], wait_timeout=-1)
    assert result["failed"] and result["msg"] == "wait_timeout must be 0 or more, got -1.0" and fleet.state.requests == []


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


# -- the controller and the host -------------------------------------------------------------------


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


# -- check mode promises what the API will do ------------------------------------------------------


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


# -- the result and the options --------------------------------------------------------------------


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


def test_the_hibernation_modules_options_are_its_documented_ones():
    # Types, defaults and choices as ansible-doc shows them (DEFAULTS feeds both the module and change_state).
    documented = yaml.safe_load(importlib.import_module("ansible_collections.nexgencloud.hyperstack.plugins.modules.hyperstack_vm_hibernation").DOCUMENTATION)
    spec = MODULES["hyperstack_vm_hibernation"].argument_spec({})
    for name, option in documented["options"].items():
        assert {k: option[k] for k in ("type", "default", "choices", "elements") if k in option} == {
            k: spec[name][k] for k in ("type", "default", "choices", "elements") if k in spec[name]
        }, name
    assert DEFAULTS == {"state": "hibernated", "retain_ip": True, "wait": True, "wait_timeout": 600, "mark": None}
