# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

Money, exactly: every sum and product of prices and balances is made on Decimals of the
numbers as the API wrote them, and every amount in a message is written one way; and the
two runways, how long the headroom lasts at a day's cost and at an hour's; and what a usage row
bills now, the one rule of it (here, so that a module that reads only the usage carries no pricing).
"""

from __future__ import annotations

from decimal import Context, Decimal


def decimal(value):
    """The number as it was written: Decimal(repr) of a float, so 0.1 stays 0.1."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def exact_difference(a, b):
    """a - b as a Decimal of the numbers as written, to the last digit (for sums and verdicts)."""
    return decimal(a) - decimal(b)


def difference(a, b):
    """a - b without float noise, for a playbook: 0.3 - 0.1 is 0.2, not 0.19999999999999998 (a float, or an int of two ints)."""
    if isinstance(a, int) and isinstance(b, int):
        return a - b
    return float(exact_difference(a, b))


def rate(amount):
    """Dollars an hour as a float for a playbook, to 15 significant digits: a rate the API wrote per minute
    (0.03166666666666667) times 60 is 1.9, not 1.9000000000000001 (the per-minute figure's own rounding)."""
    return float(Context(prec=15).plus(decimal(amount)))


def money(amount):
    """Dollars as "$1,234.50" and "-$5.00": the one money format of the collection's messages."""
    return ("-$" if amount < 0 else "$") + "{:,.2f}".format(abs(amount))


def plain_number(number):
    """A Decimal as plain text: 100 rather than 1E+2, 24 rather than 24.0."""
    return "{:f}".format(number.normalize())


def _lasts(headroom, spend):
    # No spend (or a refund) means the headroom never runs out: None. A negative headroom gives a
    # negative runway, how long ago it ran out.
    spend = decimal(spend)
    return decimal(headroom) / spend if spend > 0 else None


def runway_days(headroom, daily_cost):
    """Days the headroom lasts at the last day's cost (the gate's runway), a Decimal, or None."""
    return _lasts(headroom, daily_cost)


def runway_hours(headroom, cost_per_hour):
    """Hours the headroom lasts at a burn rate per hour (the estimate's and the event source's runway), a Decimal, or None."""
    return _lasts(headroom, cost_per_hour)


def billed_per_hour(row):
    """What a usage row bills an hour now: active (or not said), not excluded from billing; a null
    bill_per_minute (terminated) is 0. The one rule of what is billed now."""
    if row.get("active") is False or row.get("exclude_billing"):
        return Decimal(0)
    return decimal(row.get("bill_per_minute") or 0) * 60


def billed_now(rows):
    """What the usage rows bill an hour now, together (a Decimal)."""
    return sum((billed_per_hour(row) for row in rows), Decimal(0))
