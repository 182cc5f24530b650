# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A role variable of the wrong type, given on the command line as a new user gives it, run by a real ansible-playbook:
the whole output is a short run ending in one line naming the variable, not ansible-core's dump of the role's argument
spec (some 6 KB, which its own check, run before the role's first task, prints on a failure)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, find_secret, play_locally

CASES = {
    "credit_gate": (
        {"hyperstack_credit_gate_min_headroom": [1]},
        "Hyperstack credit gate failed: hyperstack_credit_gate_min_headroom must be a number, got [1]",
    ),
    "runway_guard": ({"hyperstack_runway_guard_restore": "all"}, 'hyperstack_runway_guard_restore must be marked, labelled or none, got \\"all\\"'),
}


@pytest.mark.slow
@pytest.mark.parametrize("role", sorted(CASES))
def test_a_role_variable_of_the_wrong_type_on_the_command_line_is_one_short_line(emu, collection_tree, tmp_path, role):
    extra, line = CASES[role]
    play = {"hosts": "localhost", "gather_facts": False, "roles": [{"role": "nexgencloud.hyperstack." + role, "hyperstack_api_url": emu.api_url}]}
    done = play_locally(play, collection_tree, tmp_path, "-e", json.dumps(extra))
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert '"msg": "%s"}' % line in output, output
    assert "argument_spec_data" not in output and "Traceback" not in output, output
    assert len(output.encode()) < 2048, (len(output.encode()), output)
    assert find_secret(output, KEY) is None
    assert emu.state.requests == []
