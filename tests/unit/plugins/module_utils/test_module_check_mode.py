# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_module.py: check mode, by the emulator's request log. Every module that changes
things, in check mode, sends no request that changes something, in the controller and on the host, and the same task
run for real does; a module that only reads, or one in check mode, whose task reached such a request has it refused
by its client before it is sent."""

from __future__ import annotations

import re

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _endpoints
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, run_module

# Each request that changes something, as the endpoints declare it: any method but GET, or a GET that acts.
ACTING = [
    (endpoint.method, re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(endpoint.path))))
    for endpoint in vars(_endpoints).values()
    if isinstance(endpoint, _endpoints.Endpoint) and (endpoint.acts or endpoint.method != "GET")
]

# For each module that changes things, tasks that would change something on the emulator's fleet, so that its check
# mode is put to the test. A new module that changes things fails test_every_module_that_changes_things_is_put_to_the_test
# until it is given its own here.
WOULD_CHANGE = {
    "hyperstack_environment": [{"name": "scratch-NORWAY-1", "region": "NORWAY-1"}],
    "hyperstack_keypair": [
        {"name": "deploy", "environment": "ml-CANADA-1", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMqXgRLKG73K+sIxs5oj3E2nhu/4FHxOcrmAd4Wv7ki7"},
        {"name": "ops-key", "environment": "prod-US-1", "state": "absent"},
    ],
    "hyperstack_vm": [
        {"names": ["new-01", "new-02"], "environment": "ml-CANADA-1", "flavor": "n3-A100x1", "image": "Ubuntu Server 22.04 LTS", "key_name": "ops-key"},
        {"name": "train-02", "state": "absent"},
        {"name": "infer-01", "state": "stopped"},
        {"name": "render-01", "state": "active"},
        {"name": "train-01", "state": "hibernated"},
        {"name": "web-01", "labels": ["team=web"]},
    ],
    "hyperstack_vm_hibernation": [
        {"labels": ["hibernate=ok", "team=ml"], "mark": "guard=yes"},
        {"state": "active", "names": ["parked-a100x8"], "mark": "guard=yes"},
        {"state": "active", "ids": [510], "wait": False},
    ],
}
CASES = [(name, index) for name, tasks in sorted(WOULD_CHANGE.items()) for index in range(len(tasks))]


def acting(emu):
    """The requests of the emulator's log that change something: any but a GET, and the GETs the endpoints say act."""
    return [
        (r["method"], r["path"])
        for r in emu.state.requests
        if r["method"] != "GET" or any(path.fullmatch(r["path"]) for method, path in ACTING if method == "GET")
    ]


@pytest.fixture
def fleet(emu):
    emu.state.update({"vms": "fleet", "vm_transition_seconds": 0.1})
    return emu


def test_the_acting_requests_are_known():
    # The log is read against what the endpoints declare: these, and no other, change something.
    acting = (
        "HIBERNATE",
        "RESTORE",
        "LABEL",
        "START",
        "STOP",
        "CREATE_VM",
        "DELETE_VM",
        "CREATE_ENVIRONMENT",
        "DELETE_ENVIRONMENT",
        "CREATE_KEYPAIR",
        "DELETE_KEYPAIR",
    )
    assert sorted((method, path.pattern) for method, path in ACTING) == sorted(
        (getattr(_endpoints, name).method, re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(getattr(_endpoints, name).path))) for name in acting
    )


def test_every_module_that_changes_things_is_put_to_the_test():
    assert {name for name, module in MODULES.items() if module.changes} == set(WOULD_CHANGE)


@pytest.mark.parametrize("name, index", CASES)
def test_check_mode_in_the_controller_sends_no_changing_request_and_the_run_does(fleet, name, index):
    args = dict(WOULD_CHANGE[name][index], api_key=KEY, api_url=fleet.api_url)
    dry = run_info(MODULES[name], args, {}, "nexgencloud.hyperstack." + name, check_mode=True, diff=True)
    assert not dry.get("failed") and dry["changed"] is True, dry
    assert fleet.state.requests and acting(fleet) == []
    done = run_info(MODULES[name], args, {}, "nexgencloud.hyperstack." + name)
    assert not done.get("failed") and done["changed"] is True, done
    assert acting(fleet), "the run itself changed nothing, so its dry run proved nothing"


@pytest.mark.slow
@pytest.mark.parametrize("name, index", CASES)
def test_check_mode_on_the_host_sends_no_changing_request(fleet, collection_tree, name, index):
    args = dict(WOULD_CHANGE[name][index], api_key=KEY, api_url=fleet.api_url, _ansible_check_mode=True)
    status, result = run_module(collection_tree, name, args)
    assert status == 0 and result["changed"] is True, result
    assert fleet.state.requests and acting(fleet) == []


def _labels_machine_501(client, params, *flags):
    _endpoints.LABEL.fetch(client, body={"labels": []}, id=501, name="train-01")
    return {"changed": True} if flags else {}


@pytest.mark.parametrize("changes, check_mode", [(False, False), (False, True), (True, True)])
def test_a_task_that_may_not_change_anything_has_a_changing_request_refused_before_it_is_sent(fleet, changes, check_mode):
    probe = HyperstackModule("probe", _labels_machine_501, changes=changes)
    result = run_info(probe, {"api_key": KEY, "api_url": fleet.api_url}, {}, "probe", check_mode=check_mode)
    assert result["failed"] and result["msg"] == (
        "setting the labels of virtual machine train-01 (id 501) (PUT /core/virtual-machines/{id}/label): not sent,"
        " because this task may not change anything (a module that only reads, or check mode)"
    ).replace("{id}", "501")
    assert fleet.state.requests == []


def test_a_module_that_changes_things_sends_it_when_not_in_check_mode(fleet):
    probe = HyperstackModule("probe", _labels_machine_501, changes=True)
    result = run_info(probe, {"api_key": KEY, "api_url": fleet.api_url}, {}, "probe")
    assert not result.get("failed") and result["changed"] is True, result
    assert acting(fleet) == [("PUT", "/core/virtual-machines/501/label")]
