# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of extensions/eda/plugins/event_source/credit.py, its budget_levels: checked in one line,
budget_used_percent and budget_level on each event, and an event when the level changes (as when below changes),
driven against the emulator."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.extensions.eda.plugins.event_source import credit as source
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.extensions.eda.plugins.event_source.test_credit import _args, run
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY

NOW = datetime(2026, 12, 2, 2, tzinfo=timezone.utc)
CREDIT = {"credit": 1500.0, "threshold": 0.0, "headroom": 1500.0, "can_create_instance": True}


def _config(**args):
    return source.settings(dict({"api_key": KEY}, **args), {})


def test_the_levels_are_sorted_once_each_and_off_by_default():
    assert _config(monthly_budget=1000, budget_levels=[90, 50, 75, 75.0, "60.5"])["budget_levels"] == [Decimal(50), Decimal("60.5"), Decimal(75), Decimal(90)]
    assert _config()["budget_levels"] is None
    assert _config(budget_levels=[])["budget_levels"] == []


@pytest.mark.parametrize(
    "args, message",
    [
        ({"monthly_budget": 1000, "budget_levels": [50, 0]}, "budget_levels item 2 must be more than 0, got 0"),
        ({"monthly_budget": 1000, "budget_levels": [100.5]}, "budget_levels item 1 must be 100 or less, got 100.5"),
        ({"monthly_budget": 1000, "budget_levels": ["half"]}, 'budget_levels item 1 must be a number, got "half"'),
        ({"monthly_budget": 1000, "budget_levels": 75}, "budget_levels must be a list of percents of monthly_budget, for example [50, 75, 90], got 75"),
        ({"budget_levels": [50]}, "budget_levels needs monthly_budget, more than 0: the levels are percents of it"),
        ({"monthly_budget": 0, "budget_levels": [50]}, "budget_levels needs monthly_budget, more than 0: the levels are percents of it"),
    ],
)
def test_wrong_levels_are_refused_in_one_line(args, message):
    with pytest.raises(HyperstackError) as caught:
        _config(**args)
    assert caught.value.msg == message


@pytest.mark.parametrize(
    "spent, used, level",
    [
        ("0", 0.0, None),
        ("499.99", 49.999, None),
        ("500", 50.0, 50),
        ("749.995", 74.9995, 50),
        ("750", 75.0, 75),
        ("1234.5", 123.45, 90),
    ],
)
def test_the_level_is_the_highest_reached_exactly(spent, used, level):
    facts = source.watch(CREDIT, 0, Decimal(spent), _config(monthly_budget=1000, budget_levels=[50, 75, 90]), NOW)
    assert (facts["budget_used_percent"], facts["budget_level"]) == (used, level)
    assert isinstance(facts["budget_level"], (int, type(None)))


def test_without_levels_or_a_budget_the_level_is_null():
    assert source.watch(CREDIT, 0, Decimal("600"), _config(monthly_budget=1000), NOW)["budget_level"] is None
    assert source.watch(CREDIT, 0, Decimal("600"), _config(monthly_budget=1000), NOW)["budget_used_percent"] == 60.0
    facts = source.watch(CREDIT, 1.41, None, _config(), NOW)
    assert (facts["budget_used_percent"], facts["budget_level"]) == (None, None)
    # A budget of 0 has no percent to spend (and no levels: refused above).
    assert source.watch(CREDIT, 0, Decimal(5), _config(monthly_budget=0), NOW)["budget_used_percent"] is None
    # A level that is not a whole number stays as written.
    assert source.watch(CREDIT, 0, Decimal(700), _config(monthly_budget=1000, budget_levels=[62.5]), NOW)["budget_level"] == 62.5


def test_an_event_when_the_level_changes_and_only_then(emu):
    # Nothing runs, so the forecast is the month to date and below stays [] until the budget is spent.
    emu.state.update({"usage": [], "month_to_date": 100})
    events = run(
        emu,
        _args(emu, monthly_budget=1000, budget_levels=[50, 75, 90]),
        [
            None,
            lambda: emu.state.update({"month_to_date": 600}),  # 50
            lambda: emu.state.update({"month_to_date": 700}),  # still 50: no event
            lambda: emu.state.update({"month_to_date": 800}),  # 75
            lambda: emu.state.update({"month_to_date": 820}),  # still 75: no event
            lambda: emu.state.update({"month_to_date": 10}),  # a new month: back under every level
        ],
    )
    assert [(e["hyperstack_credit"]["budget_level"], e["hyperstack_credit"]["budget_used_percent"], e["hyperstack_credit"]["below"]) for e in events] == [
        (None, 10.0, []),
        (50, 60.0, []),
        (75, 80.0, []),
        (None, 1.0, []),
    ]
