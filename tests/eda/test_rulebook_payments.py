# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""watch_payments as Event-Driven Ansible runs it: the real ansible-rulebook, the collection installed from its tarball,
the emulator's auto top-up stopping and a top-up declined at its last attempt, each firing its rule once. Run by
`scripts/test.sh eda`."""

from __future__ import annotations

import yaml

from ansible_collections.nexgencloud.hyperstack.tests.eda import test_rulebook as base

# The fixtures and helpers of test_rulebook.py: the installed collection, the emulator and ansible-rulebook.
installed, emu, rulebook = base.installed, base.emu, base.rulebook

ACTIVE = {"status": "active", "threshold_amount": 100.0, "topup_amount": 50.0}


def test_a_stopped_auto_top_up_and_a_declined_top_up_each_fire_once(tmp_path, emu, rulebook):  # pylint: disable=redefined-outer-name
    book = tmp_path / "payments.yml"
    book.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Hyperstack payments under test",
                    "hosts": "all",
                    "sources": [{"nexgencloud.hyperstack.credit": {"interval": 0.3, "watch_payments": True}}],
                    "rules": [
                        {
                            "name": "A top-up failed or auto top-up stopped",
                            "condition": "event.hyperstack_payment is defined",
                            "action": {"debug": {"msg": "FIRED {{ event.hyperstack_payment.type }}: {{ event.hyperstack_payment.summary }}"}},
                        },
                    ],
                }
            ],
            sort_keys=False,
        )
    )
    emu.state.update({"auto_topup": ACTIVE, "payments": []})
    running = rulebook(book)
    running.wait(lambda: running.polls() >= 2, "the first polls (ansible-rulebook starting its Java engine)")
    emu.state.update({"auto_topup": dict(ACTIVE, status="disabled")})
    running.wait_polls(3)
    emu.state.update({"payments": "declined"})
    running.wait_polls(3)
    output = running.stop()
    fired = [line for line in output.splitlines() if "FIRED " in line]
    expected = (
        "FIRED auto_topup_inactive: auto top-up is disabled, no longer active",
        "FIRED topup_payment_failed: a top-up payment of $50.00 is failed (attempt 3 of 3)",
    )
    assert len(fired) == 2 and all(want in line for want, line in zip(expected, fired)), output
    base._check_output(output)  # pylint: disable=protected-access
