# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The monthly budget: the calendar month in UTC, the query of the billing history for the month to
date (_reads.read_month_to_date reads it), and the month's forecast, on decimals. No request is made here:

    month_forecast = month_to_date
                     + what runs after the plan, per hour x the hours left in the month
                     + the plan, per hour x min(the plan's hours, the hours left)
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import ROUND_DOWN, Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, money

# What GET /billing/billing/history takes for start_date and end_date.
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
_SECONDS_PER_HOUR = Decimal(3600)


def utc(now=None):
    """now as an aware UTC datetime (a naive one is taken as UTC); the current time without it."""
    if now is None:
        return datetime.now(timezone.utc)
    return now.replace(tzinfo=timezone.utc) if now.tzinfo is None else now.astimezone(timezone.utc)


def month_bounds(now):
    """(start, end) of now's calendar month in UTC: the first of the month at 00:00 and the first of the next."""
    start = utc(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def hours_left(now):
    """The hours from now to the end of its month, exactly (a Decimal)."""
    now = utc(now)
    left = month_bounds(now)[1] - now
    return (Decimal(left.days * 86400 + left.seconds) + Decimal(left.microseconds) / 1000000) / _SECONDS_PER_HOUR


def history_params(now):
    """The query of GET /billing/billing/history for the month to now: from the first at 00:00:00 to now, in UTC."""
    now = utc(now)
    return {"start_date": month_bounds(now)[0].strftime(DATE_FORMAT), "end_date": now.strftime(DATE_FORMAT)}


def _hours(number):
    # "718 h", "700.3 h": tenths, rounded down so the hours left are never overstated.
    text = "{:f}".format(number.quantize(Decimal("0.1"), rounding=ROUND_DOWN).normalize())
    return text + " h"


def month_forecast(month_to_date, running_per_hour, now, planned_per_hour=0, plan_hours=0, monthly_budget=None):
    """The month's forecast and the verdict on the budget, floats for a playbook computed on Decimals.

    month_to_date: spent this month so far (_reads.read_month_to_date); running_per_hour: what runs after the
    plan, per hour (what runs now, less what the plan stops); planned_per_hour and plan_hours: the plan;
    monthly_budget: dollars for the calendar month, or None for no budget (within_budget is then None).
    Every number may be an int, a float (taken as written: 0.1 is 0.1) or a Decimal.
    budget_summary is the verdict in one line, whichever way it goes.
    """
    left = hours_left(utc(now))
    spent, running, planned, hours = (decimal(n) for n in (month_to_date, running_per_hour, planned_per_hour, plan_hours))
    planned_hours = min(hours, left)
    forecast = spent + running * left + planned * planned_hours
    within = summary = None
    if monthly_budget is not None:
        budget = decimal(monthly_budget)
        within = forecast <= budget
        summary = "the month's forecast %s (%s) is %s the monthly budget %s" % (
            money(forecast),
            _parts(spent, running, planned, hours, left),
            "within" if within else "more than",
            money(budget),
        )
    return {
        "month_to_date": float(spent),
        "month_forecast": float(forecast),
        "hours_left_in_month": float(left),
        "monthly_budget": None if monthly_budget is None else float(monthly_budget),
        "within_budget": within,
        "budget_summary": summary,
    }


def _parts(spent, running, planned, hours, left):
    # What the forecast is made of, in words.
    if not (planned or hours):
        return "%s spent and %s/h running for the %s left" % (money(spent), money(running), _hours(left))
    if hours > left:
        plan = "%s/h planned for all %s left (of its %s)" % (money(planned), _hours(left), _hours(hours))
    else:
        plan = "%s/h planned for the %s of %s left" % (money(planned), _hours(hours), _hours(left))
    return "%s spent, %s/h running and %s" % (money(spent), money(running), plan)
