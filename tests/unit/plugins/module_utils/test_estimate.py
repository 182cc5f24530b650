# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_estimate.py: the estimate's sums, exact on Decimals, its keys and numbers, the
verdict said in one line of summary, the runway, and what is out of stock named once."""

from __future__ import annotations

from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _estimate
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import credit_facts


def _estimated(current, costs, hours="24", margin="0", credit=250, threshold=0):
    items = [{"flavor": "f", "cost_per_hour": Decimal(c), "unit_price_per_hour": Decimal(c), "stock_available": True} for c in costs]
    facts = {"credit": credit, "threshold": threshold, "headroom": credit - threshold, "can_create_instance": True}
    return _estimate.estimate(facts, current, items, Decimal(hours), Decimal(margin))


def test_estimate_is_exact_and_says_the_verdict_in_one_line():
    result = _estimated(3.1, ["12.4"], margin="10")
    # (3.1 + 12.4) x 24 x 1.1 = 409.2 exactly: float arithmetic gives 409.20000000000005
    assert result["required"] == 409.2 and repr(result["required"]) == "409.2"
    assert result["covered"] is False
    assert result["summary"] == (
        "the plan costs $12.40/h on top of $3.10/h already running: $409.20 for 24 h with a 10% margin, more than the headroom $250.00"
    )
    assert result["runway_hours"] == float(Decimal(250) / Decimal("15.5"))


def test_the_headroom_of_a_large_balance_is_exact_to_the_cent():
    # 123456789012345.6 - 0.01 has more digits than a float holds: through a float it would be $...,345.60.
    result = _estimated(0, [], credit=123456789012345.6, threshold=0.01)
    assert result["summary"].endswith(", within the headroom $123,456,789,012,345.59"), result["summary"]


def test_estimate_covered_at_the_boundary_and_runway_null_when_nothing_costs():
    assert _estimated(0.1, ["0.2"], hours="1000", credit=300)["covered"] is True  # 0.3 x 1000 == 300, not 300.00000000000006
    idle = _estimated(0, [])
    assert idle["runway_hours"] is None and idle["required"] == 0 and idle["covered"] is True


def test_estimate_lists_flavors_out_of_stock_once():
    items = [{"flavor": "x", "cost_per_hour": Decimal(1), "unit_price_per_hour": Decimal(1), "stock_available": False}] * 2
    facts = {"credit": 1, "threshold": 0, "headroom": 1, "can_create_instance": None}
    assert _estimate.estimate(facts, 0, items, Decimal(1), Decimal(0))["out_of_stock"] == ["x"]


def test_the_estimates_keys_and_numbers():
    items = [{"flavor": "f", "cost_per_hour": Decimal("0.5"), "unit_price_per_hour": Decimal("0.25"), "stock_available": True, "_out_of_stock": []}]
    lost = [{"address": a, "type": "t", "id": a, "cost_per_hour": Decimal(0), "found": False} for a in ("x.a", "x.b")]
    result = _estimate.estimate(credit_facts(), 0, items, Decimal(2), Decimal(10), lost, [{"address": "t.k"}])
    assert sorted(result) == sorted(
        "credit threshold headroom can_create_instance current_cost_per_hour destroyed_cost_per_hour plan_cost_per_hour hours margin_percent"
        " required covered runway_hours out_of_stock summary breakdown destroyed not_priced".split() + list(_estimate.BUDGET_KEYS) + list(_estimate.LIMIT_KEYS)
    )
    assert (result["hours"], result["margin_percent"], result["can_create_instance"], result["not_priced"]) == (2.0, 10.0, None, [{"address": "t.k"}])
    # The headroom is credit - threshold; 0.5 an hour (less than 1) still has a runway.
    assert result["runway_hours"] == 400.0 and result["summary"].endswith("within the headroom $200.00; not in the usage, so nothing subtracted: x.a, x.b")
    assert result["breakdown"] == [{"flavor": "f", "cost_per_hour": 0.5, "unit_price_per_hour": 0.25, "stock_available": True}]


def test_the_summary_names_what_is_out_of_stock():
    items = [{"flavor": "x", "cost_per_hour": Decimal(1), "unit_price_per_hour": Decimal(1), "stock_available": False, "_out_of_stock": ["x", "y"]}]
    result = _estimate.estimate({"credit": 100, "threshold": 0, "headroom": 100, "can_create_instance": None}, 0, items, Decimal(1), Decimal(0))
    assert result["summary"].endswith("within the headroom $100.00; out of stock: x, y") and result["out_of_stock"] == ["x", "y"]
    assert "_out_of_stock" not in result["breakdown"][0]
