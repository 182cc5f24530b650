# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_estimate.py, limits on a plan's net change (max_added_cost_per_hour,
max_added_percent): added_cost_per_hour and added_percent on Decimals, one condition per limit with its wording
(a percent past its limit never reads as the limit), and what nothing running leaves undefined."""

from __future__ import annotations

from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _estimate, _plan, _verdict

CREDIT = {"credit": 1500.0, "threshold": 0.0, "headroom": 1500.0, "can_create_instance": True}


LIMITS = {"added_cost": None, "added_percent": None}


def _estimated(current="1.41", plan="2.70", gone="0", **limits):
    """An estimate of one $plan/h item over $current/h running, less $gone/h destroyed (the module's facts, without the reads)."""
    items = [{"flavor": None, "address": "vm.new", "count": 1, "unit_price_per_hour": Decimal(plan), "cost_per_hour": Decimal(plan), "stock_available": None}]
    destroyed = [{"address": "vm.old", "type": _plan.VM, "id": "7", "cost_per_hour": Decimal(gone), "found": True}] if Decimal(gone) else []
    facts = _estimate.estimate(CREDIT, float(current), items, Decimal(24), Decimal(0), destroyed)
    return dict(facts, **_estimate.net_change(Decimal(current), Decimal(gone), Decimal(plan), dict(LIMITS, **limits)))


def test_the_net_change_is_plan_less_destroyed_exactly_and_its_percent_of_what_runs_now():
    facts = _estimated(plan="2.70", gone="0.30")
    # 2.70 - 0.30 on floats is 2.4000000000000004.
    assert facts["added_cost_per_hour"] == 2.4
    assert facts["added_percent"] == float(Decimal("2.40") / Decimal("1.41") * 100)
    assert _estimated()["added_percent"] == float(Decimal("2.70") / Decimal("1.41") * 100)


def test_without_a_limit_the_net_change_is_said_and_nothing_is_judged():
    facts = _estimated()
    assert (facts["max_added_cost_per_hour"], facts["max_added_percent"], facts["within_limits"], facts["limits"]) == (None, None, None, [])
    assert _verdict.verdict(facts)["reasons"] == [] and _verdict.verdict(facts)["passed"] is True


def test_each_limit_breached_is_one_reason_naming_the_change_and_the_limit():
    facts = _estimated(added_cost=Decimal(2), added_percent=Decimal(50))
    assert facts["within_limits"] is False
    assert facts["limits"] == [
        {"name": "added_cost", "limit": 2.0, "value": 2.7, "within": False, "summary": "the plan adds $2.70/h, more than the $2.00/h allowed"},
        {
            "name": "added_percent",
            "limit": 50.0,
            "value": float(Decimal("2.70") / Decimal("1.41") * 100),
            "within": False,
            "summary": "the plan adds 191.49% to the $1.41/h that runs now, more than the 50% allowed",
        },
    ]
    assert _verdict.failed_conditions(facts) == [
        ("added_cost", "the plan adds $2.70/h, more than the $2.00/h allowed"),
        ("added_percent", "the plan adds 191.49% to the $1.41/h that runs now, more than the 50% allowed"),
    ]


def test_a_limit_met_exactly_passes_and_says_so():
    # 2.70 / 1.35 is 200% exactly.
    facts = _estimated(current="1.35", added_cost=Decimal("2.70"), added_percent=Decimal(200))
    assert facts["within_limits"] is True and not _verdict.failed_conditions(facts)
    assert [limit["summary"] for limit in facts["limits"]] == [
        "the plan adds $2.70/h, within the $2.70/h allowed",
        "the plan adds 200% to the $1.35/h that runs now, within the 200% allowed",
    ]


def test_a_percent_just_past_its_limit_never_reads_as_the_limit():
    # 1.00001 / 2 = 50.0005%: rounded up to 50.01%, not to 50%.
    facts = _estimated(current="2", plan="1.00001", added_percent=Decimal(50))
    assert facts["limits"][0]["summary"] == "the plan adds 50.01% to the $2.00/h that runs now, more than the 50% allowed"
    # Within, rounded down: 0.99999 / 2 = 49.9995% reads 49.99%.
    facts = _estimated(current="2", plan="0.99999", added_percent=Decimal(50))
    assert facts["limits"][0]["summary"] == "the plan adds 49.99% to the $2.00/h that runs now, within the 50% allowed"


def test_the_percent_limit_applies_to_a_fleet_running_under_a_dollar_an_hour():
    # $0.50/h runs: $0.20/h more is 40%, a percent like any other (only nothing running leaves it undefined).
    facts = _estimated(current="0.50", plan="0.20", added_percent=Decimal(10))
    assert facts["added_percent"] == 40.0
    assert _verdict.failed_conditions(facts) == [("added_percent", "the plan adds 40% to the $0.50/h that runs now, more than the 10% allowed")]


def test_what_the_plan_destroys_is_named_in_the_dollar_reason():
    facts = _estimated(plan="2.70", gone="0.30", added_cost=Decimal(2))
    assert _verdict.failed_conditions(facts) == [("added_cost", "the plan adds $2.40/h ($2.70/h less $0.30/h it destroys), more than the $2.00/h allowed")]


def test_with_nothing_running_the_percent_is_undefined_and_only_the_dollar_limit_applies():
    facts = _estimated(current="0", added_cost=Decimal(2), added_percent=Decimal(1))
    assert facts["added_percent"] is None and facts["added_cost_per_hour"] == 2.7
    assert facts["limits"][1] == {
        "name": "added_percent",
        "limit": 1.0,
        "value": None,
        "within": None,
        "summary": "nothing runs now, so the plan's added percent is undefined and the 1% limit does not apply",
    }
    assert [name for name, _reason in _verdict.failed_conditions(facts)] == ["added_cost"]
    # The percent limit alone: nothing to judge, so it passes.
    facts = _estimated(current="0", added_percent=Decimal(1))
    assert facts["within_limits"] is True and not _verdict.failed_conditions(facts)
