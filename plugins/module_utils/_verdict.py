# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The credit gate's verdict, the one place its conditions live: failed_conditions() judges the
credit facts (or an estimate of _estimate.py) and names each condition they fail with its reason,
money worded by _money.money. No request is made here. verdict() is the gate's fact (hyperstack_credit_gate_info and the
credit_gate role), and the event source's `below` is the names of the same conditions. A new
condition of the gate is one more entry of failed_conditions(). The modules' facts also have their
report (_report.py), the same verdict in Markdown.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, money, plain_number, runway_days

# The keys of the fact that the verdict sets beside an estimate's.
FACT_KEYS = ("credit", "threshold", "headroom", "can_create_instance", "daily_cost", "runway_days", "passed", "reasons", "error")


class Runway:
    """A runway to judge: how long the headroom lasts (lasts, a Decimal or None for never), the least
    it must (least), in unit ("days" or "hours"), at spend dollars per day or per hour."""

    def __init__(self, lasts, least, spend, unit):
        self.lasts, self.least, self.spend, self.unit = lasts, decimal(least or 0), spend, unit

    def short(self):
        return self.lasts is not None and self.least > 0 and self.lasts < self.least

    def reason(self, headroom):
        # Rounded down, so a shortfall never reads as the required figure itself (4.96 of 5 is 4.9, not 5.0).
        shown = self.lasts.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
        per = "day" if self.unit == "days" else "h"
        return "runway %s %s is below the required %s (headroom %s at %s/%s)" % (
            shown,
            self.unit,
            plain_number(self.least),
            money(headroom),
            money(decimal(self.spend)),
            per,
        )


def failed_conditions(facts, min_headroom=0, runway=None, require_can_create_instance=True, require_stock=True):
    """[(name, reason)] of each condition facts fail, in this order: can_create_instance, headroom,
    runway (a Runway, or None for none), budget (an estimate's or the month's within_budget),
    added_cost and added_percent (an estimate's limits on its net change, each entry not within),
    plan (an estimate's covered) and stock (an estimate's out_of_stock, unless the plan failed: its
    summary names them)."""
    credit, threshold, headroom = decimal(facts["credit"]), decimal(facts["threshold"]), decimal(facts["headroom"])
    minimum = decimal(min_headroom)
    failed = []
    if require_can_create_instance and facts.get("can_create_instance") is False:
        failed.append(
            (
                "can_create_instance",
                "the API says no instance can be created now (can_create_instance is false; credit %s, threshold %s)" % (money(credit), money(threshold)),
            )
        )
    if headroom < minimum:
        failed.append(
            ("headroom", "headroom %s (credit %s - threshold %s) is below the required %s" % (money(headroom), money(credit), money(threshold), money(minimum)))
        )
    if runway is not None and runway.short():
        failed.append(("runway", runway.reason(headroom)))
    if facts.get("within_budget") is False:
        failed.append(("budget", facts["budget_summary"]))
    for limit in facts.get("limits") or []:
        if limit["within"] is False:
            failed.append((limit["name"], limit["summary"]))
    if "covered" in facts and not facts["covered"]:
        failed.append(("plan", facts["summary"]))
    elif require_stock and facts.get("out_of_stock"):
        failed.append(("stock", "out of stock: %s" % ", ".join(facts["out_of_stock"])))
    return failed


def verdict(facts, daily_cost=None, min_headroom=0, min_runway_days=0, require_can_create_instance=True, require_stock=True):
    """The gate's fact on facts (credit facts, or an estimate with covered, summary and out_of_stock).

    daily_cost: the last day's total cost, None when no runway is asked for. Returns the
    facts with daily_cost, runway_days (headroom / daily_cost; None when nothing was spent),
    passed, reasons (one line per failed condition) and error (None).
    """
    days = None if daily_cost is None else runway_days(facts["headroom"], daily_cost)
    failed = failed_conditions(facts, min_headroom, Runway(days, min_runway_days, daily_cost, "days"), require_can_create_instance, require_stock)
    return dict(
        facts,
        daily_cost=daily_cost,
        runway_days=None if days is None else float(days),
        passed=not failed,
        reasons=[reason for _name, reason in failed],
        error=None,
    )


def failed_fact(message):
    """The fact of a gate that could not decide (the API could not be read, a bad option): passed false, the message as error."""
    return dict({key: None for key in FACT_KEYS}, passed=False, reasons=[message], error=message)
