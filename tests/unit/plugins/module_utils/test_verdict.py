# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_verdict.py: the credit gate's verdict, one reason per failed condition with its
numbers and money in one format, the conditions named in the gate's order, an estimate failing on its summary and
on stock, and the fact of a gate that could not decide."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _verdict


def _credit(credit, threshold=0, can_create_instance=True):
    return {"credit": credit, "threshold": threshold, "headroom": credit - threshold, "can_create_instance": can_create_instance}


def test_a_gate_that_passes_has_no_reasons_and_keeps_every_key():
    result = _verdict.verdict(_credit(1500, 100), daily_cost=56, min_headroom=100, min_runway_days=7)
    assert result == {
        "credit": 1500,
        "threshold": 100,
        "headroom": 1400,
        "can_create_instance": True,
        "daily_cost": 56,
        "runway_days": 25.0,
        "passed": True,
        "reasons": [],
        "error": None,
    }


@pytest.mark.parametrize(
    "facts, options, reasons",
    [
        (_credit(80.5, 10), {"min_headroom": 100}, ["headroom $70.50 (credit $80.50 - threshold $10.00) is below the required $100.00"]),
        (_credit(1000), {"min_headroom": 5000}, ["headroom $1,000.00 (credit $1,000.00 - threshold $0.00) is below the required $5,000.00"]),
        (_credit(420), {"daily_cost": 100, "min_runway_days": 7}, ["runway 4.2 days is below the required 7 (headroom $420.00 at $100.00/day)"]),
        # Rounded down: 4.96 days against 5 must not read "5.0 days is below the required 5".
        (_credit(496), {"daily_cost": 100, "min_runway_days": 5}, ["runway 4.9 days is below the required 5 (headroom $496.00 at $100.00/day)"]),
        (
            _credit(-50),
            {"daily_cost": 100, "min_runway_days": 7, "min_headroom": -1000, "require_can_create_instance": False},
            ["runway -0.5 days is below the required 7 (headroom -$50.00 at $100.00/day)"],
        ),
        (
            _credit(500, can_create_instance=False),
            {},
            ["the API says no instance can be created now (can_create_instance is false; credit $500.00, threshold $0.00)"],
        ),
        (
            _credit(50, 10, can_create_instance=False),
            {"min_headroom": 100, "daily_cost": 10, "min_runway_days": 7},
            [
                "the API says no instance can be created now (can_create_instance is false; credit $50.00, threshold $10.00)",
                "headroom $40.00 (credit $50.00 - threshold $10.00) is below the required $100.00",
                "runway 4.0 days is below the required 7 (headroom $40.00 at $10.00/day)",
            ],
        ),
    ],
)
def test_each_failed_condition_is_one_reason_with_its_numbers(facts, options, reasons):
    result = _verdict.verdict(facts, **options)
    assert (result["passed"], result["reasons"]) == (False, reasons)


def test_conditions_that_are_off_or_unlimited_pass():
    assert _verdict.verdict(_credit(150), daily_cost=0, min_runway_days=365)["runway_days"] is None
    assert _verdict.verdict(_credit(150), daily_cost=-5, min_runway_days=365)["passed"] is True
    assert _verdict.verdict(_credit(10), daily_cost=100, min_runway_days=0)["passed"] is True
    assert _verdict.verdict(_credit(500, can_create_instance=False), require_can_create_instance=False)["passed"] is True
    assert _verdict.verdict(_credit(500, can_create_instance=None))["passed"] is True
    # At the boundary: 0.3 - 0.1 of headroom is 0.2 of it, not less.
    assert _verdict.verdict({"credit": 0.3, "threshold": 0.1, "headroom": 0.2, "can_create_instance": True}, min_headroom=0.2)["passed"] is True


def _estimate(covered, out_of_stock=()):
    return dict(_credit(250), covered=covered, summary="the plan costs ...", out_of_stock=list(out_of_stock))


def test_each_condition_has_its_name_in_the_gates_order():
    # The names are the event source's `below`.
    facts = dict(_credit(5, can_create_instance=False), within_budget=False, budget_summary="over budget", covered=True, out_of_stock=["n3-H100x8"])
    runway = _verdict.Runway(Decimal(1), 2, 5, "days")
    assert [name for name, _reason in _verdict.failed_conditions(facts, 10, runway)] == ["can_create_instance", "headroom", "runway", "budget", "stock"]


def test_by_default_no_headroom_is_required_and_a_runway_in_hours_is_worded_per_hour():
    # An estimate's report judges it with the defaults: headroom of 0.50, above 0, passes.
    assert not _verdict.failed_conditions(_credit(0.5))
    runway = _verdict.Runway(Decimal("4.96"), 12, 2, "hours")
    assert runway.short() and runway.reason(Decimal("9.92")) == "runway 4.9 hours is below the required 12 (headroom $9.92 at $2.00/h)"


def test_an_estimate_fails_on_its_summary_and_on_stock():
    assert _verdict.verdict(_estimate(False))["reasons"] == ["the plan costs ..."]
    assert _verdict.verdict(_estimate(True, ["n3-H100x8", "n3-A100x1"]))["reasons"] == ["out of stock: n3-H100x8, n3-A100x1"]
    assert _verdict.verdict(_estimate(True, ["n3-H100x8"]), require_stock=False)["passed"] is True
    # Not covered and out of stock: the summary names the stock already, once.
    assert _verdict.verdict(_estimate(False, ["n3-H100x8"]))["reasons"] == ["the plan costs ..."]
    assert _verdict.verdict(_estimate(True))["covered"] is True


def test_a_gate_that_could_not_decide_has_every_key_passed_false_and_the_error():
    fact = _verdict.failed_fact("reading the credit balance (GET /billing/user-credit/credit): HTTP 401")
    assert set(fact) == set(_verdict.FACT_KEYS)
    assert fact["passed"] is False and fact["error"] == fact["reasons"][0] and fact["credit"] is None
