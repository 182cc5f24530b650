# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The credit gate's verdict: one function on the credit facts (or an estimate of
_cost.py) and the last day's cost, returning passed and one reason per failed
condition, money worded by _money.money; read_gate() reads what the verdict needs,
at once.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import CREDIT, LAST_DAY_COST
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._cost import (
    BUDGET_KEYS,
    check_number,
    estimate_from,
    plan_reads,
    plan_request,
    read_concurrently,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, money, plain_number

# The keys of the fact that the verdict sets beside an estimate's.
FACT_KEYS = ("credit", "threshold", "headroom", "can_create_instance", "daily_cost", "runway_days", "passed", "reasons", "error")


def verdict(facts, daily_cost=None, min_headroom=0, min_runway_days=0, require_can_create_instance=True, require_stock=True):
    """The gate on facts (credit facts, or an estimate with covered, summary and out_of_stock).

    daily_cost: the last day's total cost, None when no runway is asked for. Returns the
    facts with daily_cost, runway_days (headroom / daily_cost; None when nothing was spent),
    passed, reasons (one line per failed condition) and error (None).
    """
    credit, threshold, headroom = decimal(facts["credit"]), decimal(facts["threshold"]), decimal(facts["headroom"])
    minimum, least_days = decimal(min_headroom), decimal(min_runway_days)
    spent = None if daily_cost is None else decimal(daily_cost)
    # No spend (or a refund) means the headroom never runs out: an unlimited runway, None.
    runway = headroom / spent if spent is not None and spent > 0 else None
    reasons = []
    if require_can_create_instance and facts.get("can_create_instance") is False:
        reasons.append(
            "the API says no instance can be created now (can_create_instance is false; credit %s, threshold %s)" % (money(credit), money(threshold))
        )
    if headroom < minimum:
        reasons.append("headroom %s (credit %s - threshold %s) is below the required %s" % (money(headroom), money(credit), money(threshold), money(minimum)))
    if runway is not None and least_days > 0 and runway < least_days:
        # Rounded down, so a shortfall never reads as the required figure itself (4.96 of 5 is 4.9, not 5.0).
        shown = runway.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
        reasons.append("runway %s days is below the required %s (headroom %s at %s/day)" % (shown, plain_number(least_days), money(headroom), money(spent)))
    if facts.get("within_budget") is False:
        reasons.append(facts["budget_summary"])
    if "covered" in facts and not facts["covered"]:
        reasons.append(facts["summary"])  # it names what is out of stock too
    elif require_stock and facts.get("out_of_stock"):
        reasons.append("out of stock: %s" % ", ".join(facts["out_of_stock"]))
    return dict(
        facts,
        daily_cost=daily_cost,
        runway_days=None if runway is None else float(runway),
        passed=not reasons,
        reasons=reasons,
        error=None,
    )


def failed_fact(message):
    """The fact of a gate that could not decide (the API could not be read, a bad option): passed false, the message as error."""
    return dict({key: None for key in FACT_KEYS}, passed=False, reasons=[message], error=message)


def read_gate(client, params):
    """Read what the gate of params needs, at once, and return its verdict.

    The credit alone without a plan; with one (plan or terraform_plan), the estimate's
    reads; the last day's cost only when a runway is asked for; with monthly_budget, what
    runs and the month-to-date too (without a plan, the verdict then adds only the budget).
    """
    # Checked before any request, as the plan is.
    min_runway = check_number(params.get("min_runway_days") or 0, "min_runway_days")
    min_headroom = check_number(params.get("min_headroom") or 0, "min_headroom")
    planned = bool(params.get("plan")) or bool(params.get("terraform_plan"))
    # A monthly budget needs what runs (the usage) as a plan does: it is priced as an empty plan.
    budgeted = params.get("monthly_budget") is not None
    request = plan_request(params) if planned or budgeted else None
    reads = plan_reads(request) if request else {"credit": CREDIT.fetch}
    if min_runway > 0:
        reads["last_day_cost"] = LAST_DAY_COST.fetch
    read = read_concurrently(client, params, reads)
    facts = estimate_from(request, read, params.get("region")) if request else read["credit"]
    if budgeted and not planned:
        # No plan, so no coverage of one to judge: the credit facts and the month's.
        facts = dict(read["credit"], **{key: facts[key] for key in BUDGET_KEYS})
    return verdict(
        facts,
        daily_cost=read["last_day_cost"]["total_cost"] if min_runway > 0 else None,
        min_headroom=min_headroom,
        min_runway_days=min_runway,
        require_can_create_instance=params.get("require_can_create_instance", True) is not False,
        require_stock=params.get("require_stock", True) is not False,
    )
