# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_money.py: numbers as the API wrote them, the one money format, the two runways,
and what a usage row bills now. Pure: literal numbers, no server."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _money


def test_a_float_is_taken_as_written():
    assert _money.decimal(0.1) == Decimal("0.1") and _money.decimal(3) == Decimal(3) and _money.decimal("2.50") == Decimal("2.50")


def test_a_difference_has_no_float_noise():
    assert _money.exact_difference(0.3, 0.1) == Decimal("0.2")
    assert _money.difference(0.3, 0.1) == 0.2
    assert _money.difference(5, 2) == 3 and isinstance(_money.difference(5, 2), int)


def test_a_rate_per_minute_times_60_reads_as_written():
    assert _money.rate(_money.decimal(0.03166666666666667) * 60) == 1.9
    assert _money.rate(Decimal("1.41")) == 1.41


@pytest.mark.parametrize(
    "amount, shown", [(Decimal("1234.5"), "$1,234.50"), (Decimal("-5"), "-$5.00"), (Decimal("0"), "$0.00"), (Decimal("1000000"), "$1,000,000.00")]
)
def test_money_is_written_one_way(amount, shown):
    assert _money.money(amount) == shown


@pytest.mark.parametrize("number, shown", [(Decimal("1E+2"), "100"), (Decimal("24.0"), "24"), (Decimal("0.50"), "0.5"), (Decimal("-1.25"), "-1.25")])
def test_a_plain_number(number, shown):
    assert _money.plain_number(number) == shown


def test_the_runways():
    assert _money.runway_days(100, 25) == 4 and _money.runway_hours(Decimal("-50"), 10) == -5
    # Nothing spent, or a refund: the headroom never runs out.
    assert _money.runway_days(100, 0) is None and _money.runway_hours(10, -1) is None


@pytest.mark.parametrize(
    "row, per_hour",
    [
        ({"bill_per_minute": 0.5, "active": True}, Decimal("30.0")),
        ({"bill_per_minute": 0.5}, Decimal("30.0")),  # active not said: billed
        ({"bill_per_minute": 0.5, "active": None}, Decimal("30.0")),
        ({"bill_per_minute": 0.5, "active": False}, Decimal(0)),
        ({"bill_per_minute": 0.5, "exclude_billing": True}, Decimal(0)),
        ({"bill_per_minute": None, "active": True}, Decimal(0)),  # terminated
        ({"active": True}, Decimal(0)),
    ],
)
def test_what_a_usage_row_bills_now(row, per_hour):
    assert _money.billed_per_hour(row) == per_hour


def test_what_the_rows_bill_now_together_is_exact():
    rows = [{"bill_per_minute": 0.1}, {"bill_per_minute": 0.2}, {"bill_per_minute": 9, "active": False}]
    assert _money.billed_now(rows) == Decimal("18.0") and _money.billed_now([]) == 0
