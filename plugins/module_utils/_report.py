# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The report: an estimate (_estimate.py) or a gate's fact (_verdict.py) as Markdown a reviewer reads in a
CI job summary or a merge-request comment - the plan's items, what it destroys, what runs now, the
total, the credit, the budget and the limits when given, and the verdict with its reasons, money
worded by _money.money. It only renders the facts it is given; no number is worked out here that
the facts do not already hold, except each item's cost for the hours (its cost per hour x hours).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, money, plain_number
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import cluster_name


def _cell(text):
    # A table cell on one line, its pipes escaped.
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _row(cells):
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def item_name(item):
    """What an entry of the breakdown is: its Terraform address (and what it is), its address, its flavor, its cluster or its volume."""
    cluster = item.get("cluster")
    if item.get("flavor"):
        what = item["flavor"]
    elif cluster:
        what = cluster_name(cluster)
    elif item.get("address"):
        what = item["address"]
    elif item.get("volume_gb") is not None:
        what = "%s GB volume" % plain_number(decimal(item["volume_gb"]))
    else:
        what = "item"
    source = item.get("source")
    return "%s (%s)" % (source, what) if source else what


def _per_hour(amount):
    return "%s/h" % money(decimal(amount))


def _plan_section(facts, hours):
    lines = ["| Item | Count | Price an hour | Hours | Cost |", "|---|---:|---:|---:|---:|"]
    total = Decimal(0)
    for item in facts["breakdown"]:
        cost = decimal(item["cost_per_hour"]) * hours
        total += cost
        lines.append(_row([item_name(item), item["count"], _per_hour(item["unit_price_per_hour"]), plain_number(hours), money(cost)]))
    lines.append(_row(["**Plan**", "", _per_hour(facts["plan_cost_per_hour"]), plain_number(hours), "**%s**" % money(total)]))
    return lines


def _destroyed_section(facts):
    if not facts.get("destroyed"):
        return ["The plan destroys nothing."]
    lines = ["The plan destroys:", "", "| Resource | Cost an hour now |", "|---|---:|"]
    for entry in facts["destroyed"]:
        found = _per_hour(entry["cost_per_hour"]) if entry.get("found") else "not in the usage: nothing subtracted"
        lines.append(_row(["%s (%s)" % (entry["address"], entry["type"]), found]))
    return lines


def _net_line(facts):
    added = "**Net change:** %s" % _per_hour(facts["added_cost_per_hour"])
    if facts.get("added_percent") is None:
        return added + " (nothing runs now, so its percent of what runs is undefined)"
    return added + " (%s%% of what runs now)" % plain_number(decimal(facts["added_percent"]).quantize(Decimal("0.01")))


def _estimate_section(facts):
    hours = decimal(facts["hours"])
    lines = _plan_section(facts, hours) + [""] + _destroyed_section(facts) + [""]
    if facts.get("not_priced"):
        lines += ["Left out of the estimate: %s." % "; ".join("%s (%s)" % (entry["address"], entry["reason"]) for entry in facts["not_priced"]), ""]
    margin = decimal(facts["margin_percent"])
    after = decimal(facts["current_cost_per_hour"]) - decimal(facts["destroyed_cost_per_hour"]) + decimal(facts["plan_cost_per_hour"])
    lines += [
        "- **Runs now:** %s" % _per_hour(facts["current_cost_per_hour"]),
        "- %s" % _net_line(facts),
        "- **Total:** %s after the plan; %s for %s h%s"
        % (
            _per_hour(after),
            money(decimal(facts["required"])),
            plain_number(hours),
            " with a %s%% margin" % plain_number(margin) if margin else "",
        ),
    ]
    if facts.get("out_of_stock"):
        lines.append("- **Out of stock:** %s" % ", ".join(facts["out_of_stock"]))
    return lines


def _credit_line(facts):
    line = "- **Credit:** %s (threshold %s, headroom %s)" % tuple(money(decimal(facts[key])) for key in ("credit", "threshold", "headroom"))
    if "covered" in facts:
        line += ", which %s the %s required" % ("covers" if facts["covered"] else "does not cover", money(decimal(facts["required"])))
    return line


def markdown(facts, reasons, title="Hyperstack cost estimate"):
    """The report of facts (an estimate, or a gate's fact) in Markdown, with the verdict of reasons (one line
    per failed condition: passed when there is none)."""
    passed = not reasons
    lines = ["### %s: %s" % (title, "passed" if passed else "failed"), ""]
    if "breakdown" in facts:
        lines += _estimate_section(facts)
    elif "current_cost_per_hour" not in facts:
        lines += ["No plan: the credit alone is judged."]
    lines.append(_credit_line(facts))
    if facts.get("runway_days") is not None:
        lines.append(
            "- **Runway:** %s days at %s/day"
            % (plain_number(decimal(facts["runway_days"]).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)), money(decimal(facts["daily_cost"])))
        )
    if facts.get("monthly_budget") is not None:
        lines.append("- **Budget:** %s" % facts["budget_summary"])
    for limit in facts.get("limits") or []:
        lines.append("- **Limit:** %s" % limit["summary"])
    lines += ["", "**Verdict: %s**" % ("passed" if passed else "failed, %d reason%s" % (len(reasons), "" if len(reasons) == 1 else "s"))]
    if reasons:
        lines += [""] + ["- %s" % _cell(reason) for reason in reasons]
    return "\n".join(lines) + "\n"
