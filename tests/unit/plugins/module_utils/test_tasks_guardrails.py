# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_tasks.py, limits on a plan's net change in hyperstack_deployment_cost_info and
hyperstack_credit_gate_info against the emulator: a wrong limit refused before any request by both, the estimate's
net change and limits, the gate failing with one reason per breached limit, and no change judged without a plan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES


@pytest.mark.parametrize("module", ["hyperstack_deployment_cost_info", "hyperstack_credit_gate_info"])
@pytest.mark.parametrize("plan", [[], [{"address": "vm.new", "hourly_price": 1}]])
def test_a_wrong_limit_is_refused_before_any_request_by_both_modules(emu, module, plan):
    with pytest.raises(HyperstackError) as caught:
        MODULES[module].run(dict(api_key=KEY, api_url=emu.api_url, plan=plan, max_added_percent=-1))
    assert caught.value.msg == "max_added_percent must be 0 or more, got -1"
    assert emu.state.requests == []


def _run(emu, module, **options):
    return MODULES[module].run(dict(api_key=KEY, api_url=emu.api_url, **options))[module]


def test_the_estimate_module_returns_the_net_change_and_the_limits(emu):
    # Two A100 machines in CANADA-1 at $1.35/h each, over the emulator's $1.41/h.
    plan = [{"flavor": "n3-A100x1", "count": 2}]
    facts = _run(emu, "hyperstack_deployment_cost_info", region="CANADA-1", plan=plan)
    assert facts["added_cost_per_hour"] == 2.7 and facts["added_percent"] == float(Decimal("2.70") / Decimal("1.41") * 100)
    assert facts["within_limits"] is None and facts["limits"] == [] and facts["covered"] is True
    facts = _run(emu, "hyperstack_deployment_cost_info", region="CANADA-1", plan=plan, max_added_cost_per_hour=2, max_added_percent=500)
    assert facts["within_limits"] is False and facts["max_added_cost_per_hour"] == 2.0 and facts["max_added_percent"] == 500.0
    assert [(limit["name"], limit["within"]) for limit in facts["limits"]] == [("added_cost", False), ("added_percent", True)]
    # The estimate never fails on a limit; its report says the verdict.
    assert "- the plan adds $2.70/h, more than the $2.00/h allowed\n" in facts["report"]


def test_the_gate_module_fails_with_one_reason_per_breached_limit(emu):
    plan = [{"flavor": "n3-A100x1", "count": 2}]
    fact = _run(emu, "hyperstack_credit_gate_info", region="CANADA-1", plan=plan, max_added_cost_per_hour=2, max_added_percent=100)
    assert fact["passed"] is False
    assert fact["reasons"] == [
        "the plan adds $2.70/h, more than the $2.00/h allowed",
        "the plan adds 191.49% to the $1.41/h that runs now, more than the 100% allowed",
    ]
    fact = _run(emu, "hyperstack_credit_gate_info", region="CANADA-1", plan=plan, max_added_cost_per_hour=2.7, max_added_percent=200)
    assert fact["passed"] is True and fact["reasons"] == [] and fact["within_limits"] is True


def test_the_gate_without_a_plan_checks_a_limit_but_judges_no_change(emu):
    fact = _run(emu, "hyperstack_credit_gate_info", max_added_cost_per_hour=0)
    assert fact["passed"] is True and "limits" not in fact and "added_cost_per_hour" not in fact
    assert [request["path"] for request in emu.state.requests] == ["/billing/user-credit/credit"]
