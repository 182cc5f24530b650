# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A role variable of the wrong type, given on the command line as a new user gives it, run by a real ansible-playbook:
the whole output is a short run ending in one line naming the variable, not ansible-core's dump of the role's argument
spec (some 6 KB, which its own check, run before the role's first task, prints on a failure)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, find_secret

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
    playbook = tmp_path / "play.yml"
    play = {"hosts": "localhost", "gather_facts": False, "roles": [{"role": "nexgencloud.hyperstack." + role, "hyperstack_api_url": emu.api_url}]}
    playbook.write_text(json.dumps([play]))
    environ = dict(
        {k: v for k, v in os.environ.items() if not k.startswith(("HYPERSTACK_", "ANSIBLE_"))},
        HYPERSTACK_API_KEY=KEY,
        ANSIBLE_COLLECTIONS_PATH=str(collection_tree),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "local"),
        ANSIBLE_CONFIG=str(tmp_path / "none.cfg"),
        ANSIBLE_NOCOLOR="1",
    )
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local", "-e", json.dumps(extra)]
    command += ["-e", "ansible_python_interpreter=%s" % sys.executable, str(playbook)]
    done = subprocess.run(command, cwd=str(tmp_path), env=environ, capture_output=True, text=True, timeout=180, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert '"msg": "%s"}' % line in output, output
    assert "argument_spec_data" not in output and "Traceback" not in output, output
    assert len(output.encode()) < 2048, (len(output.encode()), output)
    assert find_secret(output, KEY) is None
    assert emu.state.requests == []
