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
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._payments import contract_runway_words, runway_hours_across

# The keys of the fact that the verdict sets beside an estimate's.
FACT_KEYS = ("credit", "threshold", "headroom", "can_create_instance", "daily_cost", "runway_days", "passed", "reasons", "error")


class Runway:
    """A runway to judge: how long the headroom lasts (lasts, a Decimal or None for never), the least
    it must (least), in unit ("days" or "hours"), at spend dollars per day or per hour."""

    def __init__(self, lasts, least, spend, unit, lasts_for=None, words=None):
        self.lasts, self.least, self.spend, self.unit = lasts, decimal(least or 0), spend, unit
        # lasts_for(added): how long the headroom lasts with added dollars (top-ups); words: the runway in words when a
        # contract's end changes it (_payments.contract_runway_words), else None.
        self.lasts_for, self.words = lasts_for, words

    def short(self):
        return self.lasts is not None and self.least > 0 and self.lasts < self.least

    def short_with(self, added):
        """Whether the runway would be short with added dollars of headroom."""
        lasts = self.lasts_for(added) if self.lasts_for is not None else self.lasts
        return lasts is not None and self.least > 0 and lasts < self.least

    def reason(self, headroom):
        if self.words is not None:
            return "%s, below the required %s (headroom %s)" % (self.words, plain_number(self.least), money(headroom))
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


def failed_conditions(facts, min_headroom=0, runway=None, require_can_create_instance=True, require_stock=True, topups=None):
    """[(name, reason)] of each condition facts fail, in this order: can_create_instance, headroom,
    runway (a Runway, or None for none), budget (an estimate's or the month's within_budget),
    added_cost and added_percent (an estimate's limits on its net change, each entry not within),
    plan (an estimate's covered) and stock (an estimate's out_of_stock, unless the plan failed: its
    summary names them). topups (a _payments.Topups, or None): the automatic top-ups the headroom and the
    runway may count, and what their reasons say of them."""
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
    added = Decimal(0) if topups is None else topups.amount
    if headroom + added < minimum:
        note = "" if topups is None else topups.note(lambda more: headroom + more < minimum, headroom < minimum)
        failed.append(
            (
                "headroom",
                "headroom %s (credit %s - threshold %s) is below the required %s%s" % (money(headroom), money(credit), money(threshold), money(minimum), note),
            )
        )
    if runway is not None and runway.short():
        note = "" if topups is None else topups.note(runway.short_with, runway.short_with(Decimal(0)))
        failed.append(("runway", runway.reason(headroom) + note))
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


def verdict(facts, daily_cost=None, min_headroom=0, min_runway_days=0, require_can_create_instance=True, require_stock=True, topups=None, ends=None):
    """The gate's fact on facts (credit facts, or an estimate with covered, summary and out_of_stock).

    daily_cost: the last day's total cost, None when no runway is asked for. Returns the
    facts with daily_cost, runway_days (headroom / daily_cost; None when nothing was spent),
    passed, reasons (one line per failed condition) and error (None). topups: the automatic top-ups the
    headroom and the runway may count (_payments.Topups; None: none). ends: the contracts' ends
    (_payments.contract_ends), the burn (daily_cost / 24 an hour) rising at each; None: none read.
    """
    added = Decimal(0) if topups is None else topups.amount

    def lasts_for(more):
        if daily_cost is None:
            return None
        if ends:
            hours = runway_hours_across(decimal(facts["headroom"]) + more, decimal(daily_cost) / 24, ends)
            return None if hours is None else hours / 24
        return runway_days(decimal(facts["headroom"]) + more, daily_cost)

    days = lasts_for(added)
    words = None
    if ends and days is not None:
        words = contract_runway_words(days * 24, decimal(daily_cost) / 24, ends)
    runway = Runway(days, min_runway_days, daily_cost, "days", lasts_for=lasts_for, words=words)
    failed = failed_conditions(facts, min_headroom, runway, require_can_create_instance, require_stock, topups)
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
