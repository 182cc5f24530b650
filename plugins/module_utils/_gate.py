# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The credit gate's verdict, the one place its conditions live: failed_conditions() judges the
credit facts (or an estimate of _cost.py) and names each condition they fail with its reason,
money worded by _money.money. verdict() is the gate's fact (hyperstack_credit_gate_info and the
credit_gate role), and the event source's `below` is the names of the same conditions. A new
condition of the gate is one more entry of failed_conditions(). The modules' facts also have their
report (_report.py), the same verdict in Markdown.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import read_concurrently
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._cost import BUDGET_KEYS, estimate_from, plan_reads, read_deployment_cost
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT, LAST_DAY_COST
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, money, plain_number, runway_days
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import MODULE, gate_number
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import plan_limits, plan_request
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._report import markdown

# The gate's conditions (hyperstack_credit_gate_info), as the credit_gate role's variables.
GATE_OPTIONS = {
    "min_headroom": {"type": "float", "default": 0.0},
    "min_runway_days": {"type": "float"},
    "require_can_create_instance": {"type": "bool", "default": True},
    "require_stock": {"type": "bool", "default": True},
}

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


def read_estimate(client, params):
    """hyperstack_deployment_cost_info's read: the estimate (_cost.read_deployment_cost) and its report, with
    the verdict the gate gives it with its default conditions."""
    facts = read_deployment_cost(client, params)
    return dict(facts, report=markdown(facts, [reason for _name, reason in failed_conditions(facts)]))


def failed_fact(message):
    """The fact of a gate that could not decide (the API could not be read, a bad option): passed false, the message as error."""
    return dict({key: None for key in FACT_KEYS}, passed=False, reasons=[message], error=message)


def read_gate(client, params):
    """Read what the gate of params needs, at once, and return its verdict.

    The credit alone without a plan; with one (plan or terraform_plan), the estimate's
    reads; the last day's cost only when a runway is asked for; with monthly_budget, what
    runs and the month-to-date too (without a plan, the verdict then adds only the budget).
    """
    # Checked before any request, as the plan is; named as the caller wrote them.
    caller = getattr(client, "caller", MODULE)
    min_runway = gate_number(params, "min_runway_days", caller)
    min_headroom = gate_number(params, "min_headroom", caller) or 0
    planned = bool(params.get("plan")) or bool(params.get("terraform_plan"))
    # Checked without a plan too (plan_request checks them with one); with no plan there is no change to judge.
    plan_limits(params, caller)
    # A monthly budget needs what runs (the usage) as a plan does: it is priced as an empty plan.
    budgeted = params.get("monthly_budget") is not None
    request = plan_request(params, caller) if planned or budgeted else None
    reads = plan_reads(request) if request else {"credit": CREDIT.fetch}
    if min_runway is not None:
        reads["last_day_cost"] = LAST_DAY_COST.fetch
    read = read_concurrently(client, params, reads)
    facts = estimate_from(request, read, params.get("region")) if request else read["credit"]
    if budgeted and not planned:
        # No plan, so no coverage of one to judge: the credit facts and the month's.
        facts = dict(read["credit"], **{key: facts[key] for key in BUDGET_KEYS})
    fact = verdict(
        facts,
        daily_cost=read["last_day_cost"]["total_cost"] if min_runway is not None else None,
        min_headroom=min_headroom,
        min_runway_days=min_runway,
        require_can_create_instance=params.get("require_can_create_instance", True) is not False,
        require_stock=params.get("require_stock", True) is not False,
    )
    # The module's fact (and the role's) has its report: the same verdict in Markdown.
    return dict(fact, report=markdown(fact, fact["reasons"], "Hyperstack credit gate"))
