# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_provision.py's rules, on literal machines (no server): the names, what the task does to each machine, what it
refuses before changing anything, the create's body, the plan the gate prices, the quota."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._provision import check_names, create_body, decide, gate_plan, quota_reason

ASK = {"environment": "ml-CANADA-1", "flavor": "n3-A100x1", "key_name": "ops-key", "image": "Ubuntu Server 22.04 LTS"}


def machine(vid, name, status="ACTIVE", environment="ml-CANADA-1", flavor="n3-A100x1", labels=(), image="Ubuntu Server 22.04 LTS"):
    return {
        "id": vid,
        "name": name,
        "status": status,
        "labels": list(labels),
        "environment": {"name": environment, "region": "CANADA-1"},
        "flavor": {"name": flavor},
        "image": {"name": image},
    }


def names_of(plan, key):
    return [m if isinstance(m, str) else m["name"] for m in plan[key]]


@pytest.mark.parametrize(
    "params, msg",
    [
        ({}, "give exactly one of name (one machine) and names (a list of machines)"),
        ({"name": "a", "names": ["b"]}, "give exactly one of name (one machine) and names (a list of machines)"),
        ({"names": []}, "names is an empty list, which names no machine: the task acts only on the machines it names"),
        ({"names": ["a", " "]}, "a machine's name must be a non-empty string, got ' '"),
        ({"name": "x" * 51}, "machine name %s is 51 characters long: the API allows at most 50" % ("x" * 51)),
        ({"names": ["a", "b", "a"]}, "names lists a more than once"),
        ({"name": "a", "labels": [""]}, "labels must be non-empty strings, such as team=ml"),
        ({"name": "a", "wait_timeout": -1}, "wait_timeout must be 0 or more, got -1"),
    ],
)
def test_the_names_are_checked_before_any_request(params, msg):
    with pytest.raises(HyperstackError) as caught:
        check_names(params)
    assert caught.value.msg == msg


def test_name_and_names_give_the_machines_in_order():
    assert check_names({"name": "solo"}) == ["solo"]
    assert check_names({"names": ["b", "a"]}) == ["b", "a"]


def test_present_creates_only_the_missing_and_leaves_the_others():
    plan = decide([machine(1, "a"), machine(2, "other")], ["a", "b"], dict(ASK, state="present"))
    assert names_of(plan, "create") == ["b"] and names_of(plan, "keep") == ["a"]
    assert not any(plan[key] for key in ("delete", "start", "stop", "hibernate", "restore", "relabel", "wait"))


def test_labels_that_differ_are_set_and_labels_left_out_are_left_alone():
    machines = [machine(1, "a", labels=["team=ml"]), machine(2, "b", labels=["x=1", "team=ml"])]
    plan = decide(machines, ["a", "b"], dict(ASK, labels=["team=ml", "x=1"]))
    assert [(m["name"], labels) for m, labels in plan["relabel"]] == [("a", ["team=ml", "x=1"])]
    assert decide(machines, ["a", "b"], dict(ASK))["relabel"] == []


@pytest.mark.parametrize(
    "status, state, action",
    [
        ("SHUTOFF", "active", "start"),
        ("HIBERNATED", "active", "restore"),
        ("ACTIVE", "stopped", "stop"),
        ("ACTIVE", "hibernated", "hibernate"),
        ("ACTIVE", "active", "keep"),
        ("SHUTOFF", "stopped", "keep"),
        ("HIBERNATED", "present", "keep"),
        ("BUILD", "present", "wait"),
        ("HIBERNATING", "active", "wait"),
        ("ACTIVE", "absent", "delete"),
        ("ERROR", "absent", "delete"),
        ("DELETING", "absent", "wait"),
    ],
)
def test_each_state_from_each_status(status, state, action):
    plan = decide([machine(1, "a", status=status)], ["a"], dict(ASK, state=state))
    assert names_of(plan, action) == ["a"]


@pytest.mark.parametrize(
    "status, state, msg",
    [
        ("HIBERNATED", "stopped", "a (id 1, environment ml-CANADA-1) is HIBERNATED and cannot become SHUTOFF from there: restore it first (state active)"),
        ("SHUTOFF", "hibernated", "a (id 1, environment ml-CANADA-1) is SHUTOFF and cannot become HIBERNATED from there: start it first (state active)"),
        ("ERROR", "present", "a (id 1, environment ml-CANADA-1) is in ERROR: delete it (state absent) and run the task again"),
    ],
)
def test_a_state_that_cannot_be_reached_is_refused_before_anything_changes(status, state, msg):
    with pytest.raises(HyperstackError) as caught:
        decide([machine(1, "a", status=status)], ["a"], dict(ASK, state=state))
    assert caught.value.msg == msg + " (nothing was changed)"


@pytest.mark.parametrize("state", ["stopped", "hibernated"])
def test_a_missing_machine_is_not_created_to_be_stopped_or_hibernated(state):
    with pytest.raises(HyperstackError) as caught:
        decide([], ["a"], dict(ASK, state=state))
    assert caught.value.msg == "a does not exist, so it cannot be %s: create it first (state present) (nothing was changed)" % state


def test_a_name_the_api_gives_to_two_machines_is_ambiguous_whatever_the_state():
    machines = [machine(1, "a"), machine(2, "a", environment="prod-US-1"), machine(3, "b")]
    for state in ("present", "absent", "hibernated"):
        with pytest.raises(HyperstackError) as caught:
            decide(machines, ["b", "a"], dict(ASK, state=state))
        assert caught.value.msg == (
            "a is ambiguous: the API gives that name to a (id 1, environment ml-CANADA-1), a (id 2, environment prod-US-1) (nothing was changed)"
        )


def test_another_flavor_image_or_environment_is_a_difference_the_task_cannot_make():
    machines = [machine(1, "a", flavor="n3-H100x1"), machine(2, "b", environment="prod-US-1", image="Debian")]
    with pytest.raises(HyperstackError) as caught:
        decide(machines, ["a", "b"], dict(ASK))
    assert caught.value.msg == (
        "a (id 1, environment ml-CANADA-1): its flavor is n3-H100x1, not n3-A100x1; the task cannot change that (it never deletes a machine to create it"
        " again); b (id 2, environment prod-US-1): its environment is prod-US-1, not ml-CANADA-1, its image is Debian, not Ubuntu Server 22.04 LTS; the"
        " task cannot change that (it never deletes a machine to create it again) (nothing was changed)"
    )


def test_what_is_not_asked_is_not_compared():
    # No flavor or image in the task (absent, or a state of an existing machine): nothing to differ.
    plan = decide([machine(1, "a", flavor="n3-H100x1")], ["a"], {"state": "stopped", "environment": "ml-CANADA-1"})
    assert names_of(plan, "stop") == ["a"]


def test_absent_deletes_only_in_the_environment_named():
    machines = [machine(1, "a", environment="prod-US-1"), machine(2, "b")]
    plan = decide(machines, ["a", "b", "c"], {"state": "absent", "environment": "ml-CANADA-1"})
    assert names_of(plan, "delete") == ["b"] and names_of(plan, "gone") == ["a", "c"]
    assert names_of(decide(machines, ["a"], {"state": "absent"}), "delete") == ["a"]


def test_a_machine_to_create_needs_what_the_api_requires():
    with pytest.raises(HyperstackError) as caught:
        decide([], ["a", "b"], {"state": "present", "flavor": "n3-A100x1"})
    assert caught.value.msg == "to create a, b the task needs environment, key_name (nothing was changed)"


def test_the_create_body_is_one_machine_with_what_was_given():
    params = dict(
        ASK,
        assign_floating_ip=True,
        labels=["team=ml"],
        user_data="#cloud-config",
        security_rules=[
            {"direction": "ingress", "protocol": "tcp", "remote_ip_prefix": "0.0.0.0/0", "port_range_min": 22, "port_range_max": 22, "ethertype": "IPv4"}
        ],
    )
    assert create_body("a", params) == {
        "name": "a",
        "environment_name": "ml-CANADA-1",
        "flavor_name": "n3-A100x1",
        "key_name": "ops-key",
        "count": 1,
        "assign_floating_ip": True,
        "create_bootable_volume": False,
        "image_name": "Ubuntu Server 22.04 LTS",
        "user_data": "#cloud-config",
        "labels": ["team=ml"],
        "security_rules": [
            {"direction": "ingress", "protocol": "tcp", "remote_ip_prefix": "0.0.0.0/0", "port_range_min": 22, "port_range_max": 22, "ethertype": "IPv4"}
        ],
    }
    assert "image_name" not in create_body("a", {"environment": "e", "flavor": "f", "key_name": "k"})


def test_the_gate_prices_the_flavor_its_address_and_its_bootable_volume():
    assert gate_plan(3, dict(ASK, assign_floating_ip=True)) == [{"flavor": "n3-A100x1", "count": 3, "public_ip": True}]
    assert gate_plan(2, dict(ASK, create_bootable_volume=True), {"name": "n3-A100x1", "disk": 100}) == [
        {"flavor": "n3-A100x1", "count": 2, "public_ip": False},
        {"volume_gb": 100, "count": 2},
    ]
    with pytest.raises(HyperstackError) as caught:
        gate_plan(1, dict(ASK, create_bootable_volume=True), {"name": "n3-A100x1"})
    assert caught.value.msg == "flavor n3-A100x1: the API did not give its disk size, so its bootable volume cannot be priced"


def test_the_quota_condition():
    assert quota_reason({"current_vms": 8, "max_vms": 10, "available_vms": 2}, 2, "ml") is None
    assert quota_reason({"current_vms": 9, "max_vms": 10, "available_vms": 1}, 2, "ml") == (
        "quota: environment ml has room for 1 more machines (9 of 10 used), and the task creates 2"
    )
