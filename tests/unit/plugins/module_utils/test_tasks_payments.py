# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_tasks.py, credit_gate with how the organization pays, against the emulator: with
count_auto_topup at 0 nothing more is read; above 0 the auto top-up and the payments are read with the credit, counted
only while it is active and its last payment was paid, and a failed condition a top-up would have covered says so; with
runway_contracts the runway counts a running contract's end, with the issue's figures."""

from __future__ import annotations

import copy
import time

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, emulator_module

ACTIVE = {"status": "active", "threshold_amount": 100.0, "topup_amount": 50.0}
PAID = [dict(emulator_module.DECLINED_TOPUP[0])]


def _run(emu, **options):
    result = MODULES["hyperstack_credit_gate_info"].run(dict(api_key=KEY, api_url=emu.api_url, **options))
    return result["hyperstack_credit_gate_info"], sorted(request["path"] for request in emu.state.requests)


def test_with_count_auto_topup_at_0_the_gate_reads_the_credit_alone_and_reports_no_auto_topup(emu):
    emu.state.update({"auto_topup": ACTIVE})
    fact, paths = _run(emu, min_headroom=1540, count_auto_topup=0)
    assert paths == ["/billing/user-credit/credit"]
    assert fact["reasons"] == ["headroom $1,500.00 (credit $1,500.00 - threshold $0.00) is below the required $1,540.00"]
    assert "auto_topup" not in fact


def test_an_active_top_up_whose_last_payment_was_paid_is_counted(emu):
    # $1,500 of headroom and one top-up of $50: $1,550 covers the $1,540 asked for.
    emu.state.update({"auto_topup": ACTIVE, "payments": PAID})
    fact, paths = _run(emu, min_headroom=1540, count_auto_topup=1)
    assert paths == ["/billing/auto-topup/status", "/billing/payment/payment-details", "/billing/user-credit/credit"]
    assert (fact["passed"], fact["reasons"]) == (True, [])
    assert fact["auto_topup"]["countable"] is True and fact["auto_topup"]["last_payment"]["status"] == "succeeded"
    # Two are needed for $1,590: one counted is not enough, and the reason says which were counted.
    fact, _paths = _run(emu, min_headroom=1590, count_auto_topup=1)
    assert fact["reasons"] == [
        "headroom $1,500.00 (credit $1,500.00 - threshold $0.00) is below the required $1,590.00; counting 1 auto top-up of $50.00 (count_auto_topup 1)"
    ]


def test_a_declined_top_up_is_not_counted_and_the_reason_says_it_would_have_covered(emu):
    emu.state.update({"auto_topup": ACTIVE, "payments": "declined"})
    fact, _paths = _run(emu, min_headroom=1540, count_auto_topup=1)
    assert fact["reasons"] == [
        "headroom $1,500.00 (credit $1,500.00 - threshold $0.00) is below the required $1,540.00; 1 auto top-up of $50.00 (count_auto_topup 1)"
        " would cover it, but the last top-up payment of $50.00 is failed (attempt 3 of 3), not paid"
    ]
    assert (fact["auto_topup"]["countable"], fact["auto_topup"]["last_payment"]["attempt_number"]) == (False, 3)


def test_a_disabled_top_up_is_not_counted_in_the_runway(emu):
    # $1,500 at $56.40 a day is 26.5 days; with a $500 top-up 35.4, above the 30 asked for, but it is disabled.
    emu.state.update({"auto_topup": dict(ACTIVE, status="disabled", topup_amount=500.0)})
    fact, _paths = _run(emu, min_runway_days=30, count_auto_topup=1)
    assert fact["reasons"] == [
        "runway 26.5 days is below the required 30 (headroom $1,500.00 at $56.40/day); 1 auto top-up of $500.00 (count_auto_topup 1) would cover it,"
        " but auto top-up is disabled"
    ]
    emu.state.update({"auto_topup": dict(ACTIVE, topup_amount=500.0)})
    assert _run(emu, min_runway_days=30, count_auto_topup=1)[0]["passed"] is True


def test_a_count_that_is_not_a_whole_number_of_0_or_more_is_refused(emu):
    for value, message in ((-1, "count_auto_topup must be 0 or more, got -1"), (1.5, "count_auto_topup must be a whole number, got 1.5")):
        with pytest.raises(HyperstackError) as raised:
            MODULES["hyperstack_credit_gate_info"].run(dict(api_key=KEY, api_url=emu.api_url, count_auto_topup=value))
        assert raised.value.msg == message
    # Refused before any request.
    assert emu.state.requests == []


def _contract_machine():
    vm = copy.deepcopy(emulator_module.VM_FLEET[0])
    flavor = next(f for f in emulator_module.FLAVORS if f["name"] == "n3-A100x8")
    vm.update(id=901, name="train-901", status="ACTIVE", contract_id=12)
    vm["flavor"] = {key: flavor[key] for key in vm["flavor"]}
    return vm


def test_the_runway_counts_a_contracts_end_with_the_issues_figures(emu):
    # $8,256 of headroom at $960 a day ($40.00/h). Contract 12 ends in 3 days: its A100x8 bills $16.00/h (60% off a
    # list price of 8 x $5.00), $40.00/h after: the burn rises by $24.00 to $64.00/h. 72 h x 40 + 84 h x 64 = 8,256.
    end = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + 3 * 86400 + 30))
    discount = {"resource_name": "n3-A100x8", "discount_percent": 60.0, "remaining_count": 1}
    pricebook = [dict(e, original_value=5.0) if e["name"] == "A100-80G-PCIe" else e for e in emulator_module.PRICEBOOK]
    emu.state.update(
        {
            "credit": 8256.0,
            "last_day_cost": dict(emulator_module.DEFAULT_STATE["last_day_cost"], total_cost=960.0),
            "pricebook": pricebook,
            "contracts": [{"id": 12, "status": "active", "end_date": end, "discounts": [discount]}],
            "vms": [_contract_machine()],
        }
    )
    fact, paths = _run(emu, min_runway_days=7, runway_contracts=True)
    assert fact["reasons"] == [
        "runway 6.5 days: the contract 12 ends in 3 days, after which the burn rises from $40.00/h to $64.00/h, below the required 7 (headroom $8,256.00)"
    ]
    assert "/pricebook/contracts" in paths and "/core/virtual-machines" in paths
    # Without it, the runway at today's cost: 8.6 days, which passes 7.
    emu.state.requests.clear()
    fact, paths = _run(emu, min_runway_days=7)
    assert (fact["passed"], round(fact["runway_days"], 1), paths) == (True, 8.6, ["/billing/billing/last-day-cost", "/billing/user-credit/credit"])


def test_a_planned_flavor_a_running_contract_covers_is_named_and_priced_once(emu):
    # n3-A100x8 at the price list's value, 8 x $1.35 = $10.80/h, although contract 12 has 40% off it for 2 more machines:
    # the value is already the organization's price.
    discount = {"resource_name": "n3-A100x8", "discount_percent": 40.0, "remaining_count": 2}
    emu.state.update({"contracts": [{"id": 12, "end_date": "2999-01-01T00:00:00+00:00", "discounts": [discount]}]})
    fact, paths = _run(emu, plan=[{"flavor": "n3-A100x8"}], region="NORWAY-1", runway_contracts=True)
    assert fact["contract_cover"] == [{"flavor": "n3-A100x8", "contract_id": 12, "remaining_count": 2, "end_date": "2999-01-01T00:00:00+00:00"}]
    assert fact["plan_cost_per_hour"] == 10.8
    # No runway asked: the contracts alone are read beside the estimate's reads.
    assert paths == ["/billing/billing/usage", "/billing/user-credit/credit", "/core/flavors", "/pricebook", "/pricebook/contracts"]


def test_the_plans_cover_counts_a_paid_top_up_and_says_when_a_declined_one_would_have_covered_it(emu):
    # n3-A100x8 ($10.80/h) on top of the $1.41/h running, for 24 h: $293.04, more than the $250.00 of headroom; with
    # one $50.00 top-up, $300.00 covers it.
    emu.state.update({"credit": 250.0, "auto_topup": ACTIVE, "payments": PAID})
    fact, _paths = _run(emu, plan=[{"flavor": "n3-A100x8"}], region="NORWAY-1", count_auto_topup=1)
    assert (fact["passed"], fact["covered"], fact["required"]) == (True, True, 293.04)
    assert fact["summary"].endswith("more than the headroom $250.00; covered counting 1 auto top-up of $50.00 (count_auto_topup 1)")
    emu.state.update({"payments": "declined"})
    fact, _paths = _run(emu, plan=[{"flavor": "n3-A100x8"}], region="NORWAY-1", count_auto_topup=1)
    assert fact["reasons"] == [
        "the plan costs $10.80/h on top of $1.41/h already running: $293.04 for 24 h, more than the headroom $250.00; 1 auto top-up of $50.00"
        " (count_auto_topup 1) would cover it, but the last top-up payment of $50.00 is failed (attempt 3 of 3), not paid"
    ]
    # At 0, the plan's reason is what it is without the option.
    fact, _paths = _run(emu, plan=[{"flavor": "n3-A100x8"}], region="NORWAY-1")
    assert fact["reasons"] == ["the plan costs $10.80/h on top of $1.41/h already running: $293.04 for 24 h, more than the headroom $250.00"]


def test_the_deployment_cost_module_counts_a_paid_top_up_in_its_cover_only_when_asked(emu):
    emu.state.update({"credit": 250.0, "auto_topup": ACTIVE, "payments": PAID})
    options = dict(api_key=KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x8"}], region="NORWAY-1")
    facts = MODULES["hyperstack_deployment_cost_info"].run(dict(options, count_auto_topup=1))["hyperstack_deployment_cost_info"]
    assert (facts["covered"], facts["auto_topup"]["countable"]) == (True, True)
    assert facts["report"].endswith("**Verdict: passed**\n")
    emu.state.requests.clear()
    facts = MODULES["hyperstack_deployment_cost_info"].run(options)["hyperstack_deployment_cost_info"]
    assert (facts["covered"], "auto_topup" in facts) == (False, False)
    assert "/billing/auto-topup/status" not in [r["path"] for r in emu.state.requests]


def test_the_estimate_module_names_a_planned_flavor_a_running_contract_covers_only_when_asked(emu):
    discount = {"resource_name": "n3-A100x8", "discount_percent": 40.0, "remaining_count": 2}
    emu.state.update({"contracts": [{"id": 12, "end_date": "2999-01-01T00:00:00+00:00", "discounts": [discount]}]})
    options = dict(api_key=KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x8"}], region="NORWAY-1")
    facts = MODULES["hyperstack_deployment_cost_info"].run(dict(options, runway_contracts=True))["hyperstack_deployment_cost_info"]
    assert facts["contract_cover"] == [{"flavor": "n3-A100x8", "contract_id": 12, "remaining_count": 2, "end_date": "2999-01-01T00:00:00+00:00"}]
    assert facts["plan_cost_per_hour"] == 10.8  # the value, never discounted again
    emu.state.requests.clear()
    facts = MODULES["hyperstack_deployment_cost_info"].run(options)["hyperstack_deployment_cost_info"]
    assert "contract_cover" not in facts and "/pricebook/contracts" not in [r["path"] for r in emu.state.requests]
