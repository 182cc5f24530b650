# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""budget_levels as Event-Driven Ansible runs them: the real ansible-rulebook, the collection installed from
its tarball, the emulator's month_to_date raising the month's spend. Run by `scripts/test.sh eda`."""

from __future__ import annotations

import yaml

from ansible_collections.nexgencloud.hyperstack.tests.eda import test_rulebook as base

# The fixtures and helpers of test_rulebook.py: the installed collection, the emulator and ansible-rulebook.
installed, emu, rulebook = base.installed, base.emu, base.rulebook


def test_a_rule_on_a_budget_level_fires_once_as_the_spend_rises(tmp_path, emu, rulebook):  # pylint: disable=redefined-outer-name
    book = tmp_path / "levels.yml"
    book.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Hyperstack budget levels under test",
                    "hosts": "all",
                    "sources": [{"nexgencloud.hyperstack.credit": {"interval": 0.3, "monthly_budget": 1000, "budget_levels": [50, 75, 90]}}],
                    "rules": [
                        {
                            "name": "Three quarters spent",
                            "condition": "event.hyperstack_credit.budget_level == 75",
                            "action": {"debug": {"msg": "FIRED 75 at {{ event.hyperstack_credit.budget_used_percent }}"}},
                        },
                    ],
                }
            ],
            sort_keys=False,
        )
    )
    # Nothing runs, so the forecast is the month to date and below stays [] while the spend rises.
    emu.state.update({"usage": [], "month_to_date": 100})
    running = rulebook(book)
    running.wait(lambda: running.polls() >= 2, "the first polls (ansible-rulebook starting its Java engine)")
    for spent in (600, 800, 820, 850):  # 50%, then 75% three polls in a row
        emu.state.update({"month_to_date": spent})
        running.wait_polls(3)
    emu.state.update({"month_to_date": 950})  # 95%: past 90, the 75 rule does not fire again
    running.wait_polls(3)
    output = running.stop()
    fired = [line for line in output.splitlines() if "FIRED 75 at" in line]
    assert len(fired) == 1 and "FIRED 75 at 80.0" in fired[0], output
    base._check_output(output)  # pylint: disable=protected-access
