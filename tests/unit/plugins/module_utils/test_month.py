# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_month.py: the calendar month in UTC, the hours left in it, the billing
history's query for the month to now, and the month's forecast: its rule, its verdict and its wording."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _month

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "now, start, end, hours",
    [
        (at(2026, 12, 1, 19, 30), at(2026, 12, 1), at(2027, 1, 1), 744),  # December -> January
        (at(2026, 11, 15, 12), at(2026, 11, 1), at(2026, 12, 1), 720),
        (at(2028, 2, 29, 23, 59, 59), at(2028, 2, 1), at(2028, 3, 1), 696),  # leap February: 29 days
        (at(2027, 2, 10), at(2027, 2, 1), at(2027, 3, 1), 672),
        (at(2026, 1, 31, 23), at(2026, 1, 1), at(2026, 2, 1), 744),
    ],
)
def test_month_bounds_are_the_calendar_month_in_utc(now, start, end, hours):
    assert _month.month_bounds(now) == (start, end)
    assert end - start == timedelta(hours=hours)
    assert _month.hours_left(start) == hours


def test_hours_left_is_exact():
    assert _month.hours_left(at(2026, 12, 2, 2)) == 718
    assert _month.hours_left(at(2026, 12, 31, 23, 30)) == Decimal("0.5")  # the last hour of a month
    assert _month.hours_left(at(2026, 12, 31, 23, 59, 59, 500000)) == Decimal("0.5") / 3600
    # 20 minutes: 1200 s of 3600, in 28 digits, not a float's 16
    assert _month.hours_left(at(2026, 11, 30, 23, 40)) == Decimal(1200) / 3600 == Decimal("0.3333333333333333333333333333")


def test_a_time_elsewhere_is_taken_in_utc():
    # 01:00 on the 1st in UTC+2 is still the 30th of November in UTC.
    east = datetime(2026, 12, 1, 1, 0, tzinfo=timezone(timedelta(hours=2)))
    assert _month.month_bounds(east) == (at(2026, 11, 1), at(2026, 12, 1))
    assert _month.hours_left(east) == 1
    # A naive time is taken as UTC.
    assert _month.month_bounds(datetime(2026, 12, 31, 23)) == (at(2026, 12, 1), at(2027, 1, 1))


@pytest.mark.parametrize(
    "now, params",
    [
        (at(2026, 12, 1, 19, 30, 5, 999999), {"start_date": "2026-12-01T00:00:00", "end_date": "2026-12-01T19:30:05"}),
        (at(2026, 12, 1), {"start_date": "2026-12-01T00:00:00", "end_date": "2026-12-01T00:00:00"}),
        (at(2028, 2, 29, 23, 59, 59), {"start_date": "2028-02-01T00:00:00", "end_date": "2028-02-29T23:59:59"}),
    ],
)
def test_history_params_span_the_month_to_now(now, params):
    assert _month.history_params(now) == params


def test_the_forecast_follows_its_rule_and_says_why_it_fails():
    # 718 h left: 2 h into the second of December (744 h).
    result = _month.month_forecast(1900, 1.80, at(2026, 12, 2, 2), planned_per_hour=1.35, plan_hours=24, monthly_budget=2000)
    # 1900 + 1.80 x 718 + 1.35 x 24
    assert result["month_forecast"] == 3224.8
    assert result["month_to_date"] == 1900.0 and result["monthly_budget"] == 2000.0 and result["hours_left_in_month"] == 718.0
    assert result["within_budget"] is False
    assert result["budget_summary"] == (
        "the month's forecast $3,224.80 ($1,900.00 spent, $1.80/h running and $1.35/h planned for the 24 h of 718 h left)"
        " is more than the monthly budget $2,000.00"
    )


def test_a_forecast_equal_to_the_budget_is_within_it():
    result = _month.month_forecast(0.1, 0, at(2026, 12, 2, 2), planned_per_hour=0.1, plan_hours=2, monthly_budget=0.3)
    # 0.1 + 0.1 x 2 is 0.3 on decimals; on floats it would be 0.30000000000000004, past the budget.
    assert result["month_forecast"] == 0.3 and result["within_budget"] is True
    assert result["budget_summary"].endswith("is within the monthly budget $0.30")


def test_a_plan_longer_than_the_month_counts_only_the_hours_left():
    now = at(2026, 12, 31, 23, 30)  # the last hour of the month: half an hour left
    result = _month.month_forecast(100, 2, now, planned_per_hour=10, plan_hours=1000, monthly_budget=105)
    assert result["month_forecast"] == 100 + 2 * 0.5 + 10 * 0.5
    assert result["within_budget"] is False
    assert "$10.00/h planned for all 0.5 h left (of its 1000 h)" in result["budget_summary"]


def test_without_a_plan_the_forecast_is_what_runs():
    result = _month.month_forecast(Decimal("1500.25"), 1.5, at(2026, 11, 30, 20), monthly_budget=1000)
    assert result["month_forecast"] == 1506.25
    assert result["budget_summary"] == (
        "the month's forecast $1,506.25 ($1,500.25 spent and $1.50/h running for the 4 h left) is more than the monthly budget $1,000.00"
    )


def test_without_a_budget_there_is_no_verdict():
    result = _month.month_forecast(10, 1, at(2026, 12, 31, 22))
    assert result["month_forecast"] == 12.0
    assert result["within_budget"] is None and result["budget_summary"] is None and result["monthly_budget"] is None


def test_hours_left_are_shown_rounded_down():
    # 700 h 20 min left: shown as 700.3 h, never more than is left.
    result = _month.month_forecast(0, 1, at(2026, 12, 2, 19, 40), monthly_budget=10000)
    assert result["hours_left_in_month"] == pytest.approx(700 + 1 / 3)
    assert "for the 700.3 h left" in result["budget_summary"]
