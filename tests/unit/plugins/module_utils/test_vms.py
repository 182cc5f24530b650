# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hyperstack_vm (_vms.py) against the emulator, as its action plugin runs it in the controller: machines created
side by side and waited for, the gate inside the create, idempotence, check mode, deletes of only what is named,
the states, a lost answer, a failure half-way."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, changing, fleet, statuses  # noqa: F401 pylint: disable=unused-import

NAME = "nexgencloud.hyperstack.hyperstack_vm"
CREATE = {
    "environment": "ml-CANADA-1",
    "flavor": "n3-A100x1",
    "image": "Ubuntu Server 22.04 LTS",
    "key_name": "ops-key",
}


@pytest.fixture
def cloud(fleet):  # noqa: F811
    fleet.state.update({"vm_boot_seconds": 0.2, "vm_delete_seconds": 0.2})
    return fleet


def vm(emu, check_mode=False, diff=False, **args):
    args = dict(dict(api_key=KEY, api_url=emu.api_url, wait_timeout=20), **args)
    return run_info(MODULES["hyperstack_vm"], args, {}, NAME, check_mode=check_mode, diff=diff)


def posts(emu):
    return [body["name"] for method, path, body in changing(emu) if method == "POST" and path == "/core/virtual-machines"]


def named(emu, name):
    with emu.state.lock:
        return [dict(m) for m in emu.state.state["vms"] if m["name"] == name]


def test_present_creates_the_missing_machines_side_by_side_and_waits_until_active(cloud):
    done = vm(cloud, names=["job-1", "job-2"], assign_floating_ip=True, labels=["team=ml"], **CREATE)
    assert not done.get("failed"), done
    assert done["changed"] is True and done["created"] == ["job-1", "job-2"] and done["deleted"] == []
    assert sorted(posts(cloud)) == ["job-1", "job-2"]
    for entry in done["vms"]:
        assert entry["status"] == "ACTIVE" and entry["id"] and entry["fixed_ip"] and entry["floating_ip"]
        assert entry["flavor"] == "n3-A100x1" and entry["labels"] == ["team=ml"] and entry["environment"] == "ml-CANADA-1"
        # Its usage row bills its flavor (the gate counted its address too).
        assert entry["changes"] == ["created"] and entry["cost_per_hour"] == pytest.approx(1.35)
    # The gate judged the two machines with their addresses: 2 x ($1.35 + $0.00672).
    assert done["gate"]["passed"] is True and done["gate"]["plan_cost_per_hour"] == pytest.approx(2.71344)
    assert done["added_per_hour"] == pytest.approx(2.71344)
    assert done["gate"]["quota"]["available_vms"] >= 2


def test_a_second_run_sends_no_changing_request_and_changes_nothing(cloud):
    assert not vm(cloud, names=["job-1"], labels=["team=ml"], **CREATE).get("failed")
    before = len(changing(cloud))
    again = vm(cloud, names=["job-1"], labels=["team=ml"], **CREATE)
    assert again["changed"] is False and again["created"] == [] and "gate" not in again
    assert len(changing(cloud)) == before


def test_labels_that_differ_are_set_on_the_machine(cloud):
    done = vm(cloud, name="train-02", labels=["team=ml", "owner=ana"], environment="ml-CANADA-1")
    assert done["changed"] is True and done["vms"][0]["changes"] == ["labels"]
    assert [c[0] for c in changing(cloud)] == ["PUT"] and named(cloud, "train-02")[0]["labels"] == ["team=ml", "owner=ana"]


def test_check_mode_says_what_would_be_created_with_its_price_and_the_verdict_and_sends_nothing(cloud):
    dry = vm(
        cloud, check_mode=True, diff=True, names=["job-1", "train-02"], **{**CREATE, "flavor": "n3-H100x1", "image": "Ubuntu Server 22.04 LTS R535 CUDA 12.2"}
    )
    # train-02 exists with flavor n3-H100x1 in ml-CANADA-1 and is left alone; job-1 would be created.
    assert not dry.get("failed"), dry
    assert dry["changed"] is True and dry["created"] == ["job-1"] and changing(cloud) == []
    assert dry["added_per_hour"] == pytest.approx(1.9) and dry["gate"]["passed"] is True
    assert dry["vms"][0] == dict(dry["vms"][0], id=None, status="ACTIVE", cost_per_hour=pytest.approx(1.9), changes=["created"], changed=True)
    assert dry["diff"] == {"before": "job-1: absent\ntrain-02: ACTIVE (labels: team=ml, hibernate=ok)\n", "after": dry["diff"]["after"]}
    assert dry["diff"]["after"] == "job-1: ACTIVE\ntrain-02: ACTIVE (labels: team=ml, hibernate=ok)\n# adds $1.90/h, saves $0.00/h, the gate passes\n"
    assert named(cloud, "job-1") == []


@pytest.mark.parametrize(
    "state, args, reason",
    [
        ({"credit": 20.0}, {}, "for 24 h, more than the headroom $20.00"),
        ({"can_create_instance": False}, {}, "the API says no instance can be created now (can_create_instance is false; credit $1,500.00, threshold $0.00)"),
        ({"vm_quota": {"ml-CANADA-1": 3}}, {}, "quota: environment ml-CANADA-1 has room for 0 more machines (3 of 3 used), and the task creates 1"),
        ({}, {"min_runway_days": 30}, "runway"),
        ({}, {"max_added_cost_per_hour": 1}, "the plan adds $1.35/h, more than the $1.00/h allowed"),
        ({}, {"min_headroom": 2000}, "headroom $1,500.00 (credit $1,500.00 - threshold $0.00) is below the required $2,000.00"),
    ],
)
def test_the_gate_refuses_the_whole_task_in_one_line_and_sends_no_create(cloud, state, args, reason):
    cloud.state.update(state)
    for check_mode in (True, False):
        done = vm(cloud, check_mode=check_mode, names=["job-1"], **dict(CREATE, **args))
        assert done.get("failed") is True, done
        assert done["msg"].startswith("the gate refuses to create job-1: ") and reason in done["msg"], done["msg"]
        assert done["msg"].endswith(" (nothing was created; gate=false turns the gate off)")
        assert done["gate"]["passed"] is False and any(reason in r for r in done["gate"]["reasons"])
        assert changing(cloud) == [] and named(cloud, "job-1") == []


def test_a_flavor_out_of_stock_in_the_region_is_refused(cloud):
    with cloud.state.lock:
        flavors = [dict(f, stock_available=False) if f["id"] == 103 else f for f in cloud.state.state["flavors"]]
    cloud.state.update({"flavors": flavors})
    done = vm(cloud, names=["job-1"], **CREATE)
    assert done.get("failed") and "out of stock: n3-A100x1" in done["msg"] and changing(cloud) == []


def test_gate_false_creates_what_the_conditions_refuse(cloud):
    done = vm(cloud, names=["job-1"], min_headroom=2000, gate=False, **CREATE)
    assert not done.get("failed"), done
    assert done["created"] == ["job-1"] and done["gate"]["passed"] is False


def test_what_the_create_needs_is_checked_before_any_create(cloud):
    for args, msg in [
        ({"environment": "nowhere"}, "environment nowhere does not exist (there are: default-NORWAY-1, ml-CANADA-1, prod-US-1)"),
        ({"key_name": "nokey"}, "key pair nokey does not exist in environment ml-CANADA-1"),
        ({"image": "Windows"}, "image Windows is not offered in region CANADA-1"),
    ]:
        done = vm(cloud, names=["job-1"], **dict(CREATE, **args))
        assert done.get("failed") and done["msg"].startswith(msg), done["msg"]
    assert changing(cloud) == []


def test_a_lost_create_answer_is_followed_by_a_read_not_by_the_create_again(cloud):
    # The API makes the machine, then the connection drops before its answer.
    cloud.state.add_faults([{"path": "/core/virtual-machines", "method": "POST", "acted": True, "action": "reset"}])
    done = vm(cloud, names=["job-1"], **CREATE)
    assert not done.get("failed"), done
    assert posts(cloud) == ["job-1"] and len(named(cloud, "job-1")) == 1
    assert done["created"] == ["job-1"] and done["vms"][0]["status"] == "ACTIVE"


def test_a_lost_create_that_made_nothing_is_asked_once_more(cloud):
    cloud.state.add_faults([{"path": "/core/virtual-machines", "method": "POST", "action": "reset"}])
    done = vm(cloud, names=["job-1"], **CREATE)
    assert not done.get("failed"), done
    assert posts(cloud) == ["job-1", "job-1"] and len(named(cloud, "job-1")) == 1


def test_a_failure_half_way_says_what_was_created_and_a_rerun_converges(cloud):
    # The second create is refused by the API (as when the flavor's stock ran out between the gate and the create).
    cloud.state.add_faults([{"path": "/core/virtual-machines", "method": "POST", "skip": 1, "status": 400}])
    done = vm(cloud, names=["job-1", "job-2"], **CREATE)
    assert done.get("failed") is True
    created = done["created"]
    assert len(created) == 1 and done["msg"].endswith("(changed: %s created)" % created[0]), done["msg"]
    assert "HTTP 400" in done["msg"] or "400" in done["msg"]
    again = vm(cloud, names=["job-1", "job-2"], **CREATE)
    assert not again.get("failed") and again["created"] == [n for n in ("job-1", "job-2") if n not in created]
    assert sorted(posts(cloud)) == sorted(["job-1", "job-2", again["created"][0]])


def test_a_machine_that_boots_into_error_fails_the_task_naming_it(cloud):
    # The machine is made, then breaks while it boots.
    done = vm(cloud, names=["job-1"], wait=False, **CREATE)
    with cloud.state.lock:
        machine = next(m for m in cloud.state.state["vms"] if m["name"] == "job-1")
        cloud.state.vm_pending.pop(machine["id"], None)
        machine["status"] = "ERROR"
    again = vm(cloud, names=["job-1"], **CREATE)
    assert done["created"] == ["job-1"] and again.get("failed")
    assert (
        again["msg"]
        == "job-1 (id %d, environment ml-CANADA-1) is in ERROR: delete it (state absent) and run the task again (nothing was changed)" % machine["id"]
    )


def test_a_created_machine_that_ends_in_error_while_waited_for_fails_the_task_at_once_naming_it(cloud):
    # The first machine's boot ends in ERROR instead of ACTIVE (as when the hypervisor fails); the other boots.
    cloud.state.update({"vm_boot_seconds": 1.0})
    broken = {}

    def break_the_first():
        while not broken:
            with cloud.state.lock:
                for vid, (until, fields) in list(cloud.state.vm_pending.items()):
                    machine = next(m for m in cloud.state.state["vms"] if m["id"] == vid)
                    if machine["name"] == "job-1" and fields:
                        cloud.state.vm_pending[vid] = (until, dict(fields, status="ERROR", power_state="NOSTATE", vm_state="error"))
                        broken["id"] = vid
            time.sleep(0.01)

    thread = threading.Thread(target=break_the_first, daemon=True)
    thread.start()
    started = time.monotonic()
    done = vm(cloud, names=["job-1", "job-2"], **CREATE)
    thread.join(5)
    assert done.get("failed") is True and time.monotonic() - started < 15, done
    assert done["msg"] == "job-1 (id %d) became ERROR, not ACTIVE (changed: job-1 created, job-2 created)" % broken["id"]
    assert done["created"] == ["job-1", "job-2"] and [e["status"] for e in done["vms"]] == ["ERROR", "ACTIVE"]


@pytest.mark.parametrize("beyond", [False, True], ids=["at-the-limit", "beyond-the-clients-retries"])
def test_twenty_machines_at_the_rate_limit_ride_out_the_429s(cloud, beyond):
    names = ["batch-%02d" % n for n in range(20)]
    if beyond:
        # Every create's four attempts (the client's default three retries) are refused: the task itself sends them again.
        cloud.state.add_faults([{"path": "/core/virtual-machines", "method": "POST", "status": 429, "headers": {"Retry-After": "0"}, "times": 80}])
    else:
        cloud.state.update({"rate_limit": 15, "rate_window": 1.0})
    done = vm(cloud, names=names, **CREATE)
    assert not done.get("failed"), done.get("msg")
    # The log holds the creates the limit refused too; each machine was made once.
    assert sorted(done["created"]) == names and all(len(named(cloud, name)) == 1 for name in names)
    # More creates were logged than machines made: the limit refused some (429), and they were sent again after it.
    assert len(posts(cloud)) > len(names)


def test_absent_deletes_only_the_named_machines_and_waits_until_they_are_gone(cloud):
    before = statuses(cloud)
    done = vm(cloud, names=["train-02", "nothing-here"], state="absent")
    assert not done.get("failed"), done
    assert done["deleted"] == ["train-02"] and [e["status"] for e in done["vms"]] == ["(gone)", "(gone)"]
    assert [(m, p) for m, p, _b in changing(cloud)] == [("DELETE", "/core/virtual-machines/505")]
    assert statuses(cloud) == {vid: status for vid, status in before.items() if vid != 505}
    assert done["saved_per_hour"] is not None
    assert vm(cloud, names=["train-02"], state="absent")["changed"] is False


def test_absent_with_an_environment_leaves_a_machine_of_that_name_elsewhere(cloud):
    done = vm(cloud, name="train-01", state="absent", environment="ml-CANADA-1")
    assert done["changed"] is False and changing(cloud) == [] and named(cloud, "train-01")


def test_stopped_then_active(cloud):
    stopped = vm(cloud, name="infer-01", state="stopped")
    assert stopped["vms"][0]["status"] == "SHUTOFF" and stopped["vms"][0]["changes"] == ["stopped"]
    started = vm(cloud, name="infer-01", state="active")
    assert started["vms"][0]["status"] == "ACTIVE" and started["vms"][0]["changes"] == ["started"]
    assert [p for _m, p, _b in changing(cloud)] == []  # start and stop are GETs that act
    assert vm(cloud, name="infer-01", state="active")["changed"] is False


def test_hibernated_and_back_by_the_hibernation_code(cloud):
    slept = vm(cloud, name="train-01", state="hibernated")
    assert not slept.get("failed"), slept
    assert slept["vms"][0]["status"] == "HIBERNATED" and slept["vms"][0]["changes"] == ["hibernated"]
    assert slept["saved_per_hour"] == pytest.approx(1.35)
    woke = vm(cloud, name="train-01", state="active")
    assert woke["vms"][0]["status"] == "ACTIVE" and woke["vms"][0]["changes"] == ["restored"]


def test_an_ambiguous_name_changes_nothing(cloud):
    assert not vm(cloud, name="twin", **CREATE).get("failed")
    # The API lets another environment have a machine of that name (the module would not create it).
    cloud.state.create_vms(
        dict(name="twin", environment_name="default-NORWAY-1", flavor_name="n3-A100x1", image_name=CREATE["image"], key_name="ops-key", count=1)
    )
    sent = len(changing(cloud))
    done = vm(cloud, name="twin", state="absent")
    assert done.get("failed") and done["msg"].startswith("twin is ambiguous: the API gives that name to twin (id ")
    assert len(changing(cloud)) == sent


def test_check_mode_before_the_environment_exists_warns_of_what_it_could_not_check(cloud):
    # In a play's dry run the environment and key pair tasks before it create nothing.
    dry = vm(cloud, check_mode=True, names=["job-1"], **{**CREATE, "environment": "new-CANADA-1"})
    assert not dry.get("failed"), dry
    assert dry["created"] == ["job-1"] and dry["gate"]["passed"] is True and dry["gate"]["quota"] is None
    assert dry["warnings"] == [
        "environment new-CANADA-1 does not exist (there are: default-NORWAY-1, ml-CANADA-1, prod-US-1): create it first with hyperstack_environment;"
        " the run fails unless an earlier task makes it, and the quota, the image and the region's stock and prices are not checked",
        "key pair ops-key does not exist in environment new-CANADA-1: import it first with hyperstack_keypair; the run fails unless an earlier task"
        " makes it, and the quota, the image and the region's stock and prices are not checked",
    ]
    assert changing(cloud) == []
    done = vm(cloud, names=["job-1"], **{**CREATE, "environment": "new-CANADA-1"})
    assert done.get("failed") and done["msg"].endswith("import it first with hyperstack_keypair (nothing was created)") and changing(cloud) == []


def test_the_creates_and_the_deletes_are_sent_side_by_side_not_one_after_another(cloud):
    # Each answer takes 0.4 s: sent one after another, four requests would arrive 1.2 s apart at least.
    cloud.state.update({"latency": 0.4})
    names = ["side-1", "side-2", "side-3", "side-4"]
    assert not vm(cloud, names=names, **CREATE).get("failed")
    assert not vm(cloud, names=names, state="absent").get("failed")
    with cloud.state.lock:
        log = list(cloud.state.requests)
    for method in ("POST", "DELETE"):
        times = [r["time"] for r in log if r["method"] == method]
        assert len(times) == 4 and max(times) - min(times) < 0.4, (method, times)


def test_a_bootable_volume_is_priced_with_the_machine_and_created(cloud):
    # n3-A100x1 ($1.35/h) and its 100 GB disk as a Cloud-SSD volume ($0.000082/GB/h).
    done = vm(cloud, names=["boot-1"], create_bootable_volume=True, **CREATE)
    assert not done.get("failed"), done
    assert done["gate"]["plan_cost_per_hour"] == pytest.approx(1.3582) and done["created"] == ["boot-1"]
    volumes = named(cloud, "boot-1")[0]["volume_attachments"]
    assert [(a["volume"]["size"], a["volume"]["bootable"]) for a in volumes] == [(100, True)]


def test_a_machine_missing_from_one_read_of_the_list_is_read_alone_before_it_is_called_gone(cloud):
    cloud.state.update({"vm_boot_seconds": 1.0})
    assert not vm(cloud, names=["shy-1"], wait=False, **CREATE).get("failed")
    # The list's first read after the three pages of the task's own read comes back empty, as a list shifting
    # between pages can drop a machine from what is read.
    empty = {"status": True, "message": "ok", "count": 0, "instances": []}
    cloud.state.add_faults([{"path": "/core/virtual-machines", "method": "GET", "skip": 3, "status": 200, "body": empty}])
    done = vm(cloud, names=["shy-1"], **CREATE)
    assert not done.get("failed"), done
    assert done["vms"][0]["status"] == "ACTIVE" and done["changed"] is False


def test_a_create_answered_with_a_body_that_cannot_be_read_is_read_again(cloud):
    # The machine is made; its answer breaks the schema (no instances): whether it was made is known only by reading.
    bad = {"status": True, "message": "ok"}
    cloud.state.add_faults([{"path": "/core/virtual-machines", "method": "POST", "acted": True, "status": 200, "body": bad}])
    done = vm(cloud, names=["odd-1", "odd-2"], **CREATE)
    assert not done.get("failed"), done
    assert done["created"] == ["odd-1", "odd-2"] and sorted(posts(cloud)) == ["odd-1", "odd-2"]
    assert [e["status"] for e in done["vms"]] == ["ACTIVE", "ACTIVE"]


def test_a_machine_changing_elsewhere_when_the_task_starts_is_waited_for_then_judged(cloud):
    assert not vm(cloud, name="infer-01", state="stopped", wait=False).get("failed")
    done = vm(cloud, name="infer-01", state="active")
    assert done.get("failed") is True
    assert done["msg"] == (
        "infer-01 (id 506) was changing (STOPPING) when the task started and is now SHUTOFF, not ACTIVE: run the task again to bring it there"
        " (nothing was changed)"
    ), done["msg"]
    again = vm(cloud, name="infer-01", state="active")
    assert not again.get("failed") and again["vms"][0]["changes"] == ["started"] and again["vms"][0]["status"] == "ACTIVE"


def test_a_lost_start_answer_of_a_start_already_done_is_a_start(cloud):
    cloud.state.update({"vm_transition_seconds": 0})
    cloud.state.add_faults([{"path": "/core/virtual-machines/509/start", "acted": True, "action": "reset"}])
    done = vm(cloud, name="render-01", state="active")
    assert not done.get("failed"), done
    assert done["vms"][0]["changes"] == ["started"] and done["vms"][0]["status"] == "ACTIVE"


def test_gate_false_still_refuses_what_the_api_would_refuse(cloud):
    with cloud.state.lock:
        flavors = [dict(f, stock_available=False) if f["id"] == 103 else f for f in cloud.state.state["flavors"]]
    cloud.state.update({"flavors": flavors})
    done = vm(cloud, names=["job-1"], gate=False, **CREATE)
    assert done.get("failed") is True and changing(cloud) == []
    assert done["msg"] == (
        "the API would refuse to create job-1: out of stock in region CANADA-1: n3-A100x1 (nothing was created; gate=false does not turn these off)"
    )


def test_check_mode_of_absent_in_an_environment_shows_what_the_run_does(cloud):
    # train-02 is in ml-CANADA-1: absent in prod-US-1 leaves it, in check mode as in the run.
    for check_mode in (True, False):
        done = vm(cloud, check_mode=check_mode, diff=True, name="train-02", state="absent", environment="prod-US-1")
        assert done["changed"] is False and done["vms"][0]["status"] == "(gone)" and done["diff"]["before"] == "train-02: absent\n"
    assert changing(cloud) == []
