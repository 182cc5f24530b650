# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_estimate.py, monthly_budget: the month's forecast on what runs after the plan
and the plan for the hours left, and no month said without a budget."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _estimate, _plan, _pricing

CREDIT = {"credit": 10000.0, "threshold": 0.0, "headroom": 10000.0, "can_create_instance": True}


# 24 hours before the end of the month (and of the year).
NOW = datetime(2026, 12, 31, 0, 0, tzinfo=timezone.utc)


def _priced_plan(hourly_price):
    return [_pricing.price_item(item, [], []) for item in _plan.check_plan([{"address": "vm.new", "hourly_price": hourly_price}])]


def _estimated(budget, destroyed=(), hours=48):
    return _estimate.estimate(CREDIT, 1.80, _priced_plan(1.35), Decimal(hours), Decimal(0), destroyed, budget=budget)


def test_the_forecast_counts_what_runs_after_the_plan_and_the_plan_for_the_hours_left():
    # $1.80/h runs, the plan destroys $0.50/h of it and adds $1.35/h for 48 h, of which 24 are left.
    gone = [{"address": "vm.old", "id": 7, "cost_per_hour": Decimal("0.50"), "found": True}]
    estimate = _estimated((Decimal("1900"), NOW, Decimal("1950")), gone)
    assert estimate["month_forecast"] == 1963.6  # 1900 + 1.30 x 24 + 1.35 x 24, exactly
    assert estimate["month_to_date"] == 1900.0 and estimate["monthly_budget"] == 1950.0 and estimate["within_budget"] is False
    assert estimate["budget_summary"] == (
        "the month's forecast $1,963.60 ($1,900.00 spent, $1.30/h running and $1.35/h planned for all 24 h left (of its 48 h))"
        " is more than the monthly budget $1,950.00"
    )


def test_without_a_budget_the_month_is_not_said():
    estimate = _estimated(None)
    assert {key: estimate[key] for key in _estimate.BUDGET_KEYS} == dict.fromkeys(_estimate.BUDGET_KEYS)
