# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

What a deployment will cost: the plan's items (_plan.py) priced (_pricing.py), added to what
already runs less what the plan destroys, and set against the credit; with a monthly budget,
the month's forecast (_month.py). Pure functions on Decimal money, given what was read
(_reads.estimate_reads says what that is); no request is made here.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, exact_difference, money, plain_number, rate, runway_hours
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._month import month_forecast
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._pricing import check_region, price_destroyed, price_item

# What an estimate says of the month (None without a monthly_budget).
BUDGET_KEYS = ("month_to_date", "month_forecast", "monthly_budget", "within_budget", "budget_summary")
# What an estimate says of its net change and the limits on it (_plan.LIMIT_OPTIONS).
LIMIT_KEYS = ("added_cost_per_hour", "added_percent", "max_added_cost_per_hour", "max_added_percent", "within_limits", "limits")


def _percent(number, more):
    # Hundredths, rounded away from the limit, so a breach never reads as the limit itself (50.001 is 50.01).
    return plain_number(number.quantize(Decimal("0.01"), rounding=ROUND_CEILING if more else ROUND_FLOOR)) + "%"


def net_change(current, gone, plan, limits=None):
    """The net change of a plan and its verdict on the limits, floats for a playbook computed on Decimals.

    current, gone, plan: what runs now, what the plan destroys and what it adds, per hour (Decimals);
    limits: {"added_cost": dollars an hour, "added_percent": percent}, each a Decimal or None (not set).
    added_percent is the net change over what runs now x 100, None when nothing runs now (undefined:
    only the dollar limit applies then). limits has one entry per limit set, whichever way it goes;
    within_limits is None when none is set.
    """
    limits = limits or {}
    added = plan - gone
    percent = added / current * 100 if current > 0 else None
    entries = []
    cost_limit, percent_limit = limits.get("added_cost"), limits.get("added_percent")
    if cost_limit is not None:
        more = added > cost_limit
        less = " (%s/h less %s/h it destroys)" % (money(plan), money(gone)) if gone else ""
        summary = "the plan adds %s/h%s, %s the %s/h allowed" % (money(added), less, "more than" if more else "within", money(cost_limit))
        entries.append({"name": "added_cost", "limit": float(cost_limit), "value": float(added), "within": not more, "summary": summary})
    if percent_limit is not None:
        if percent is None:
            within, summary = None, "nothing runs now, so the plan's added percent is undefined and the %s%% limit does not apply" % plain_number(percent_limit)
        else:
            more = percent > percent_limit
            within = not more
            summary = "the plan adds %s to the %s/h that runs now, %s the %s%% allowed" % (
                _percent(percent, more),
                money(current),
                "more than" if more else "within",
                plain_number(percent_limit),
            )
        entries.append(
            {"name": "added_percent", "limit": float(percent_limit), "value": None if percent is None else float(percent), "within": within, "summary": summary}
        )
    return {
        "added_cost_per_hour": float(added),
        "added_percent": None if percent is None else float(percent),
        "max_added_cost_per_hour": None if cost_limit is None else float(cost_limit),
        "max_added_percent": None if percent_limit is None else float(percent_limit),
        "within_limits": all(entry["within"] is not False for entry in entries) if entries else None,
        "limits": entries,
    }


def estimate(credit, current_per_hour, items, hours, margin_percent, destroyed=(), not_priced=(), budget=None, limits=None):
    """The verdict's numbers, floats for the playbook computed on Decimals.

    budget: (month_to_date, now, monthly_budget) for the month's forecast, or None for none;
    limits: the limits on the net change (net_change()), or None for none.
    """
    headroom = exact_difference(credit["credit"], credit["threshold"])
    current = decimal(current_per_hour)
    plan = sum((item["cost_per_hour"] for item in items), Decimal(0))
    gone = sum((entry["cost_per_hour"] for entry in destroyed), Decimal(0))
    per_hour = current - gone + plan
    required = per_hour * hours * (1 + margin_percent / 100)
    covered = headroom >= required
    runway = runway_hours(headroom, per_hour)
    out_of_stock = sorted({name for item in items for name in item.get("_out_of_stock", [item["flavor"]] if item["stock_available"] is False else [])})
    summary = "the plan costs %s/h on top of %s/h already running%s: %s for %s h%s, %s the headroom %s" % (
        money(plan),
        money(current),
        ", less %s/h the plan destroys" % money(gone) if destroyed else "",
        money(required),
        plain_number(hours),
        " with a %s%% margin" % plain_number(margin_percent) if margin_percent else "",
        "within" if covered else "more than",
        money(headroom),
    )
    # The month: what runs after the plan (less what it destroys) for the hours left, and the plan for its hours;
    # with no item (an empty plan) no hours are planned, so the summary speaks of no plan.
    month = month_forecast(budget[0], current - gone, budget[1], plan, hours if items else 0, budget[2]) if budget else dict.fromkeys(BUDGET_KEYS)
    lost = [entry["address"] for entry in destroyed if not entry["found"]]
    if lost:
        summary += "; not in the usage, so nothing subtracted: %s" % ", ".join(lost)
    if out_of_stock:
        summary += "; out of stock: %s" % ", ".join(out_of_stock)
    return {
        "credit": credit["credit"],
        "threshold": credit["threshold"],
        "headroom": credit["headroom"],
        "can_create_instance": credit["can_create_instance"],
        "current_cost_per_hour": rate(current),
        "destroyed_cost_per_hour": rate(gone),
        "plan_cost_per_hour": float(plan),
        "hours": float(hours),
        "margin_percent": float(margin_percent),
        "required": float(required),
        "covered": covered,
        "runway_hours": None if runway is None else float(runway),
        "out_of_stock": out_of_stock,
        "summary": summary,
        "breakdown": [
            dict(
                {key: value for key, value in item.items() if not key.startswith("_")},
                unit_price_per_hour=float(item["unit_price_per_hour"]),
                cost_per_hour=float(item["cost_per_hour"]),
            )
            for item in items
        ],
        "destroyed": [dict(entry, cost_per_hour=rate(entry["cost_per_hour"])) for entry in destroyed],
        "not_priced": list(not_priced),
        **{key: month[key] for key in BUDGET_KEYS},
        # The net change and the limits on it, on the same Decimals.
        **net_change(current, gone, plan, limits),
    }


def estimate_from(request, read, region=None):
    """The estimate of request (_plan.plan_request) from the results of its reads (_reads.estimate_reads):
    credit, usage; flavors and pricebook when an item needs them; month_to_date with a monthly budget."""
    flavors = read.get("flavors", [])
    check_region(flavors, region)
    priced = [price_item(item, flavors, read.get("pricebook", []), region) for item in request["items"]]
    destroyed = price_destroyed(request["destroyed"], read["usage"]["resources"])
    budget = (read["month_to_date"], request["now"], request["monthly_budget"]) if request.get("monthly_budget") is not None else None
    usage = read["usage"]["cost_per_hour"]
    return estimate(read["credit"], usage, priced, request["hours"], request["margin"], destroyed, request["not_priced"], budget, request.get("limits"))
