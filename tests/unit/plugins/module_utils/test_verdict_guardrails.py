# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_verdict.py, limits on a plan's net change: their conditions come in the gate's
order, after the budget and before the plan."""

from __future__ import annotations

from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _verdict
from ansible_collections.nexgencloud.hyperstack.tests.unit.plugins.module_utils.test_estimate_guardrails import _estimated


def test_the_limits_come_in_the_gates_order_after_the_budget_and_before_the_plan():
    facts = dict(_estimated(added_cost=Decimal(1)), within_budget=False, budget_summary="over budget", covered=False, summary="not covered")
    assert [name for name, _reason in _verdict.failed_conditions(facts)] == ["budget", "added_cost", "plan"]
