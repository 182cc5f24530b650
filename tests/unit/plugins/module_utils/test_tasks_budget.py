# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_tasks.py, monthly_budget in hyperstack_deployment_cost_info and
hyperstack_credit_gate_info against the emulator: the month-to-date read only when a budget is given, the gate
with a budget and no plan judging only the budget, and a negative budget refused before any request."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qs

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES

HISTORY = "/billing/billing/history"


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
