# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_hibernation.py's mark (a label put on before hibernating, taken off after
restoring) against the emulator's fleet: on and off in order, shown but not sent in check mode, kept when the
hibernation may yet happen, taken off again when it was refused, said to stay when it cannot be taken off, nothing
hibernated when it cannot be put on, and an empty mark refused before any request."""

from __future__ import annotations

import re

from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES
from ansible_collections.nexgencloud.hyperstack.tests.unit import support
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import HIBERNATION, KEY, MODULES, STATUSES, acts, changing, hibernation, statuses

# The runway_guard role's caller (plugin_utils/_roles.py): its messages name the role's variables.
GUARD = ROLES["nexgencloud.hyperstack.runway_guard"].caller

# The emulator's fleet of virtual machines (support.fleet): a fixture, found by pytest by this name here.
fleet = support.fleet


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


def test_a_machine_that_already_carries_the_mark_keeps_it_when_hibernated(fleet):
    # A mark left on by a run whose hibernation did not happen: hibernating it again keeps the mark, so a restore finds it.
    with fleet.state.lock:
        fleet.state.state["vms"][0]["labels"].append("guard=yes")
    result = hibernation(fleet, ids=[501], mark="guard=yes")
    assert not result.get("failed") and result["vms"][0]["labels"] == ["team=ml", "hibernate=ok", "guard=yes"], result
    assert changing(fleet) == [] and acts(fleet) == [(501, "hibernate", "retain_ip=true")]


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


# -- a mark when something fails -------------------------------------------------------------------


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


def test_a_lost_answer_when_the_api_did_not_act_keeps_the_mark(fleet):
    fleet.state.add_faults([{"status": 503, "path": "/core/virtual-machines/501/hibernate"}])
    result = hibernation(fleet, ids=[501], mark="guard=yes")
    assert result["failed"] and result["msg"].endswith("it may yet change, and is not asked again; the mark guard=yes stays on it (changed: train-01 (id 501))")
    assert [request[2]["labels"] for request in changing(fleet)] == [["team=ml", "hibernate=ok", "guard=yes"]], changing(fleet)


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
