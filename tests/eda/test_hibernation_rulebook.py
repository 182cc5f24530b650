# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hibernation example as Event-Driven Ansible runs it: the real ansible-rulebook runs
examples/hibernate_on_low_runway.yml from the collection installed from its tarball, against the emulator's
fleet, with a credit whose runway is below the line until the labelled machines are hibernated. Run by
`scripts/test.sh eda`."""

from __future__ import annotations

from pathlib import Path

# The installed collection, the emulator and ansible-rulebook in the background, as the credit source's tests have them.
from ansible_collections.nexgencloud.hyperstack.tests.eda.test_rulebook import (  # noqa: F401 pylint: disable=unused-import
    _check_output,
    emu,
    installed,
    rulebook,
)

LIST = "/core/virtual-machines"
STATUSES = {501: "ACTIVE", 505: "ACTIVE", 506: "ACTIVE", 507: "ACTIVE", 508: "ACTIVE", 509: "SHUTOFF", 510: "HIBERNATED", 511: "ERROR"}


def _statuses(emulator):
    return {vm["id"]: vm["status"] for vm in emulator.state.snapshot()["vms"]}


def _hibernate_requests(emulator):
    return [r["path"] for r in emulator.state.requests if r["path"].startswith(LIST + "/") and r["path"].endswith("/hibernate")]


def test_the_rule_hibernates_only_the_labelled_machines_once_and_the_runway_comes_back_above_the_line(installed, emu, rulebook):  # noqa: F811
    examples = Path(installed) / "ansible_collections/nexgencloud/hyperstack/examples"
    # The fleet burns $5.44/h: $20 lasts 3.7 h, under the 6 h line. Hibernating train-01 ($1.35/h) and train-02
    # ($1.90/h) takes the burn to about $2.2/h: the $20 then last about 9 h, above the line.
    emu.state.update({"vms": "fleet", "vm_transition_seconds": 0.5, "credit": 20.0})
    running = rulebook(examples / "hibernate_on_low_runway.yml", cwd=examples, variables={"hibernate_watch_interval": 0.3, "hibernate_min_runway_hours": 6})
    running.wait(lambda: "Hyperstack runway guard: hibernated" in running.output(), "the playbook's message", timeout=120)
    running.wait(lambda: _statuses(emu)[505] == "HIBERNATED", "train-02 to be hibernated")
    # Polls after the change: the runway is above the line again, and the rule does not fire again.
    running.wait_polls(5)
    output = running.stop()
    assert output.count("Hyperstack runway guard: hibernated") == 1, output
    assert "Hyperstack runway guard: hibernated train-01, train-02 saving $3.25/h; refused: " in output, output
    # Labelled hibernate=ok but refused by the API (its flavor; SHUTOFF): named, left as they were.
    assert "dev-a4000 (id 507)" in output and "render-01 (id 509)" in output
    # Only what the label names was asked; the unlabelled (web-01, broken-01) and other-labelled (infer-01) untouched.
    assert sorted(_hibernate_requests(emu)) == ["%s/%d/hibernate" % (LIST, vid) for vid in (501, 505, 507, 509)]
    assert _statuses(emu) == {**STATUSES, 501: "HIBERNATED", 505: "HIBERNATED"}
    _check_output(output)
