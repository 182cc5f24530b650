# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The example rulebooks run as their comments (and the guides) say: the real ansible-rulebook, run from the
examples/ directory of the collection installed from its tarball, with the command of the rulebook's comment
as written (its inventory.yml and vars.yml, the key from HYPERSTACK_API_KEY), against the emulator. Run by
`scripts/test.sh eda`."""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest

# The installed collection, the emulator and the environment, as the credit source's tests have them.
from ansible_collections.nexgencloud.hyperstack.tests.eda.test_rulebook import (  # noqa: F401 pylint: disable=unused-import
    _check_output,
    _environment,
    emu,
    installed,
)
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY

COMMAND = re.compile(r"^#\s+HYPERSTACK_API_KEY=\.\.\. (ansible-rulebook .*)$", re.M)


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.parametrize(
    "name, state, fired",
    [
        # $20 at the emulator's $1.41/h lasts 14 h, under the day's line: the first poll fires the rule.
        ("credit_watch.yml", {"credit": 20.0}, "Hyperstack runway below a day"),
        # The fleet burns $5.44/h: $20 lasts 3.7 h, under vars.yml's 24 h.
        ("hibernate_on_low_runway.yml", {"vms": "fleet", "credit": 20.0}, "Hyperstack runway guard: hibernated train-01, train-02"),
    ],
)
def test_the_example_rulebooks_run_with_the_command_their_comment_gives(tmp_path, installed, emu, name, state, fired):  # noqa: F811
    examples = Path(installed) / "ansible_collections/nexgencloud/hyperstack/examples"
    (command,) = COMMAND.findall((examples / name).read_text())
    assert command.endswith("--vars vars.yml") and (examples / "vars.yml").is_file(), command
    emu.state.update(state)
    env = _environment(tmp_path, ANSIBLE_COLLECTIONS_PATH=str(installed), HYPERSTACK_API_KEY=KEY, HYPERSTACK_API_URL=emu.api_url)
    log = tmp_path / "output.txt"
    with open(log, "w") as out:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            shlex.split(command), cwd=examples, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 120
        while fired not in log.read_text():
            assert process.poll() is None, "ansible-rulebook ended (%s):\n%s" % (process.returncode, log.read_text())
            assert time.monotonic() < deadline, "timed out waiting for %r:\n%s" % (fired, log.read_text())
            time.sleep(0.1)
    finally:
        _stop(process)
    _check_output(log.read_text())
