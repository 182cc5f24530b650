# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_verdict.py, monthly_budget: a month's forecast past the budget is one reason of
the verdict, its budget_summary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _verdict
from ansible_collections.nexgencloud.hyperstack.tests.unit.plugins.module_utils.test_estimate_budget import NOW, _estimated


@pytest.mark.parametrize("within", [True, False])
def test_a_forecast_past_the_budget_is_one_reason(within):
    estimate = _estimated((Decimal("1900"), NOW, Decimal("2000") if within else Decimal("1975.59")), hours=24)
    fact = _verdict.verdict(estimate)
    assert fact["passed"] is within and fact["within_budget"] is within
    assert fact["reasons"] == ([] if within else [estimate["budget_summary"]])
    assert within or fact["reasons"][0].startswith("the month's forecast $1,975.60 ($1,900.00 spent")
