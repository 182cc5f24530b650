# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_hibernation.py after a request is sent, against the emulator's fleet: the wait
(a machine under way waited for, not asked again; polls that double up to the last and stop at wait_timeout; a
machine that settles elsewhere named at once; a failed status read failing the task without holding up the others)
and an answer lost, which is read again, never asked again (a 429 is retried)."""

from __future__ import annotations

import time

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._hibernation import VmFailure, change_state
from ansible_collections.nexgencloud.hyperstack.tests.unit import support
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, STATUSES, acts, api_requests, hibernation, make_client, statuses

# The emulator's fleet of virtual machines (support.fleet): a fixture, found by pytest by this name here.
fleet = support.fleet


# -- the wait --------------------------------------------------------------------------------------


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


# -- an answer lost is never a request sent twice --------------------------------------------------


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


def test_a_lost_restore_answer_is_read_again_not_asked_again(fleet):
    fleet.state.add_faults([{"status": 502, "path": "/core/virtual-machines/510/hibernate-restore", "acted": True}])
    result = hibernation(fleet, state="active", ids=[510])
    assert not result.get("failed") and result["vms"][0]["status_after"] == "ACTIVE" and result["added_per_hour"] == 10.8, result
    assert acts(fleet) == [(510, "hibernate-restore", "")]
