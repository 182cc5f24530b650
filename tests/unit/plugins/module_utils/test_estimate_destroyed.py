# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_estimate.py, what a plan destroys: the net change (what runs now, less what the
plan destroys, plus the plan) in the estimate's sums, runway and summary."""

from __future__ import annotations

from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _estimate


def _estimated(destroyed, current="3.1", plan=("2",), credit=100):
    items = [{"flavor": "f", "cost_per_hour": Decimal(c), "unit_price_per_hour": Decimal(c), "stock_available": True} for c in plan]
    facts = {"credit": credit, "threshold": 0, "headroom": credit, "can_create_instance": True}
    return _estimate.estimate(facts, Decimal(current), items, Decimal(10), Decimal(0), destroyed)


def test_the_net_change_is_current_less_destroyed_plus_plan():
    destroyed = [
        {"address": "vm.old", "type": "t", "id": "1", "cost_per_hour": Decimal("1.35"), "found": True},
        {"address": "vm.lost", "type": "t", "id": "2", "cost_per_hour": Decimal(0), "found": False},
    ]
    result = _estimated(destroyed)
    # (3.1 - 1.35 + 2) x 10 = 37.5, exactly
    assert (result["destroyed_cost_per_hour"], result["required"], result["covered"]) == (1.35, 37.5, True)
    assert result["runway_hours"] == float(Decimal(100) / Decimal("3.75"))
    assert result["summary"] == (
        "the plan costs $2.00/h on top of $3.10/h already running, less $1.35/h the plan destroys: $37.50 for 10 h, within the headroom $100.00;"
        " not in the usage, so nothing subtracted: vm.lost"
    )
    assert result["destroyed"][0] == {"address": "vm.old", "type": "t", "id": "1", "cost_per_hour": 1.35, "found": True}
    plain = _estimated([])
    assert plain["destroyed_cost_per_hour"] == 0 and plain["destroyed"] == [] and "destroys" not in plain["summary"]
