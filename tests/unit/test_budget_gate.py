# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""monthly_budget in the estimate and the gate: the month's forecast on what runs after the plan,
read (the month-to-date) only when a budget is given, and a forecast past it failing the verdict."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _estimate, _plan, _pricing, _verdict
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES

CREDIT = {"credit": 10000.0, "threshold": 0.0, "headroom": 10000.0, "can_create_instance": True}
# 24 hours before the end of the month (and of the year).
NOW = datetime(2026, 12, 31, 0, 0, tzinfo=timezone.utc)
HISTORY = "/billing/billing/history"


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


@pytest.mark.parametrize("within", [True, False])
def test_a_forecast_past_the_budget_is_one_reason(within):
    estimate = _estimated((Decimal("1900"), NOW, Decimal("2000") if within else Decimal("1975.59")), hours=24)
    fact = _verdict.verdict(estimate)
    assert fact["passed"] is within and fact["within_budget"] is within
    assert fact["reasons"] == ([] if within else [estimate["budget_summary"]])
    assert within or fact["reasons"][0].startswith("the month's forecast $1,975.60 ($1,900.00 spent")


def _run(emu, module, **options):
    result = MODULES[module].run(dict(api_key=KEY, api_url=emu.api_url, **options))
    return result[module], [request for request in emu.state.requests if request["path"] == HISTORY]


def test_the_gate_with_a_budget_and_no_plan_reads_the_month_and_judges_only_the_budget(emu):
    emu.state.update({"month_to_date": 1900})
    fact, history = _run(emu, "hyperstack_credit_gate_info", monthly_budget=1000)
    assert sorted({request["path"] for request in emu.state.requests}) == sorted([HISTORY, "/billing/billing/usage", "/billing/user-credit/credit"])
    assert fact["passed"] is False and fact["within_budget"] is False and "covered" not in fact
    assert fact["reasons"] == [fact["budget_summary"]] and fact["reasons"][0].endswith("is more than the monthly budget $1,000.00")
    # The month to now, from the first at midnight (UTC).
    query = parse_qs(history[0]["query"])
    assert query["start_date"] == [datetime.now(timezone.utc).strftime("%Y-%m-01T00:00:00")]
    assert fact["month_to_date"] == 1900.0 and fact["month_forecast"] >= 1900.0


def test_a_budget_the_month_fits_passes(emu):
    emu.state.update({"month_to_date": 1900})
    fact, dummy = _run(emu, "hyperstack_credit_gate_info", monthly_budget=10**9)
    assert fact["passed"] is True and fact["within_budget"] is True and fact["reasons"] == []


def test_the_estimate_reads_the_month_only_with_a_budget(emu):
    estimate, history = _run(emu, "hyperstack_deployment_cost_info", plan=[{"address": "vm.new", "hourly_price": 1.35}])
    assert history == [] and estimate["within_budget"] is None and estimate["month_forecast"] is None
    emu.state.update({"month_to_date": 1900})
    estimate, history = _run(emu, "hyperstack_deployment_cost_info", plan=[{"address": "vm.new", "hourly_price": 1.35}], monthly_budget=5000)
    assert len(history) == 1 and estimate["month_to_date"] == 1900.0 and estimate["monthly_budget"] == 5000.0
    assert estimate["within_budget"] is (estimate["month_forecast"] <= 5000)


def test_a_negative_budget_is_refused_before_any_request(emu):
    with pytest.raises(HyperstackError) as caught:
        _run(emu, "hyperstack_credit_gate_info", monthly_budget=-1)
    assert caught.value.msg == "monthly_budget must be 0 or more, got -1"
    assert emu.state.requests == []
