# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_verdict.py, its defaults: the keys of the gate's facts, and the verdict's
defaults and boundaries, on literal facts."""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _verdict
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import credit_facts


def test_the_facts_keys():
    assert _verdict.FACT_KEYS == ("credit", "threshold", "headroom", "can_create_instance", "daily_cost", "runway_days", "passed", "reasons", "error")


def test_the_verdicts_defaults_and_boundaries():
    assert _verdict.verdict(credit_facts(0.5, 0))["passed"] is True  # no least headroom by default
    assert _verdict.verdict(credit_facts(0.5, 0), daily_cost=1)["passed"] is True  # no least runway by default: half a day passes
    assert _verdict.verdict(credit_facts(-5, 0), daily_cost=1, min_headroom=-10, min_runway_days=0)["passed"] is True  # 0 is off, even for a negative runway
    assert _verdict.verdict(credit_facts(1, 0), daily_cost=0.5)["runway_days"] == 2.0  # a spend below $1 a day is a spend
    assert _verdict.verdict(credit_facts(1, 0), daily_cost=2, min_runway_days=0.5)["passed"] is True  # exactly the least runway
    assert _verdict.verdict(credit_facts(1, 0), daily_cost=4, min_runway_days=0.5)["reasons"] == [
        "runway 0.2 days is below the required 0.5 (headroom $1.00 at $4.00/day)"
    ]
