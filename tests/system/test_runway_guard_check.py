# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ansible-playbook --check keeps its promise with the runway_guard role even when the role is told to act: nothing
that changes a machine is sent, below the line (hibernate) or above it (wake), and the fact says nothing was done."""

from __future__ import annotations

import json

import pytest

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import play_locally

MARK = "hibernated-by=runway_guard"


def _guard(emu, collection_tree, tmp_path, *flags):
    role = {"role": "nexgencloud.hyperstack.runway_guard", "hyperstack_api_url": emu.api_url, "hyperstack_runway_guard_act": True}
    tasks = [{"ansible.builtin.copy": {"content": "{{ hyperstack_runway_guard | to_json }}", "dest": str(tmp_path / "fact.json")}, "check_mode": False}]
    done = play_locally({"hosts": "localhost", "gather_facts": False, "roles": [role], "tasks": tasks}, collection_tree, tmp_path, *flags)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((tmp_path / "fact.json").read_text()), done.stdout


def _changing(emu):
    with emu.state.lock:
        return [(r["method"], r["path"]) for r in emu.state.requests if r["method"] != "GET" or r["path"].endswith(("/hibernate", "/hibernate-restore"))]


@pytest.mark.slow
def test_check_mode_sends_nothing_that_acts_though_the_role_is_told_to_act(emu, collection_tree, tmp_path):
    # Below the line: the labelled machines would be hibernated.
    emu.state.update({"vms": "fleet", "credit": 20.0})
    fact, output = _guard(emu, collection_tree, tmp_path, "--check")
    assert fact["below"] and not fact["acted"] and [vm["name"] for vm in fact["vms"] if vm["changed"]] == ["train-01", "train-02"], output
    assert "dry run, would hibernate train-01, train-02 saving $3.25/h" in output and _changing(emu) == []
    # Above the line, with two machines the guard hibernated (they carry its mark): they would be woken.
    with emu.state.lock:
        for vm in emu.state.state["vms"][:2]:
            vm.update(status="HIBERNATED", labels=vm["labels"] + [MARK])
    emu.state.update({"credit": 5000.0})
    fact, output = _guard(emu, collection_tree, tmp_path, "--check")
    assert not fact["below"] and not fact["restored"] and fact["added_per_hour"] == 3.25, output
    assert "above the line, would wake train-01, train-02 adding $3.25/h" in output and _changing(emu) == []
    # Without --check it does wake them, and takes its mark off.
    fact, output = _guard(emu, collection_tree, tmp_path)
    assert fact["restored"] and sorted(set(_changing(emu))) == [
        ("GET", "/core/virtual-machines/501/hibernate-restore"),
        ("GET", "/core/virtual-machines/505/hibernate-restore"),
        ("PUT", "/core/virtual-machines/501/label"),
        ("PUT", "/core/virtual-machines/505/label"),
    ], output
