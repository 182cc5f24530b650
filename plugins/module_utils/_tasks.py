# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The tasks of the modules that judge money, each the same three steps: check the options (the pure
rules, before any request), read what they need at once (_reads.py), and judge what was read (the
pure rules: _estimate.py, _verdict.py, _report.py). A module's declaration names its task; the
modules that list things have theirs in _listings.py, which carries none of these rules to a host.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._estimate import BUDGET_KEYS, estimate_from
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._month import month_forecast
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import MODULE, check_bool, count_auto_topup, gate_number
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._payments import Topups, auto_topup_fact, contract_cover, contract_ends, cover, parse_time
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import plan_limits, plan_request
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._reads import (
    contract_runway_reads,
    estimate_reads,
    gate_reads,
    payment_reads,
    read_concurrently,
    read_contracts,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._report import markdown
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._verdict import failed_conditions, verdict


def deployment_cost(client, params):
    """hyperstack_deployment_cost_info: the estimate of the plan, and its report with the verdict the gate gives
    it with its default conditions."""
    request = plan_request(params, client.caller)
    topups = count_auto_topup(params, client.caller)
    contracts = check_bool(params.get("runway_contracts") or False, client.caller.name("runway_contracts"))
    reads = estimate_reads(request)
    if topups:
        # Read only when asked, at once with the rest.
        reads.update(payment_reads())
    if contracts:
        reads["contracts"] = read_contracts
    read = read_concurrently(client, params, reads)
    facts, counted = estimate_from(request, read, params.get("region")), None
    if topups:
        counted = Topups(topups, auto_topup_fact(read["auto_topup"], read["payments"], read["credit"]["threshold"]), client.caller.name("count_auto_topup"))
        facts = dict(cover(facts, counted), auto_topup=counted.fact)
    if contracts:
        # The planned flavors a running contract's discount covers, named; priced at the price list's value all the same.
        flavors = [item["flavor"] for item in request["items"] if item.get("flavor")]
        facts = dict(facts, contract_cover=contract_cover(read["contracts"], flavors, datetime.now(timezone.utc)))
    return dict(facts, report=markdown(facts, [reason for _name, reason in failed_conditions(facts, topups=counted)]))


def credit_gate(client, params):
    """hyperstack_credit_gate_info (and the credit_gate role): the verdict of the gate of params.

    The credit alone without a plan; with one (plan or terraform_plan), the estimate; the last day's
    cost only when a runway is asked for; with monthly_budget and no plan, the credit and the month's
    forecast of what runs now.
    """
    # Checked before any request, as the plan is; named as the caller wrote them.
    caller = getattr(client, "caller", MODULE)
    min_runway = gate_number(params, "min_runway_days", caller)
    min_headroom = gate_number(params, "min_headroom", caller) or 0
    planned = bool(params.get("plan")) or bool(params.get("terraform_plan"))
    # Checked without a plan too (plan_request checks them with one); with no plan there is no change to judge.
    plan_limits(params, caller)
    budgeted = params.get("monthly_budget") is not None
    # With a budget and no plan the plan's options are checked all the same (as with one), and nothing is priced.
    request = plan_request(params, caller) if planned or budgeted else None
    # How the organization pays, read only when asked (count_auto_topup above 0; runway_contracts), at once
    # with the rest: the credit-only gate reads the credit alone, as without them.
    topups = count_auto_topup(params, caller)
    contracts = check_bool(params.get("runway_contracts") or False, caller.name("runway_contracts"))
    reads = gate_reads(request, planned, runway=min_runway is not None)
    if topups:
        reads.update(payment_reads())
    if contracts:
        reads["contracts"] = read_contracts
    read = read_concurrently(client, params, reads)
    ends, now = None, datetime.now(timezone.utc)
    if contracts:
        running = [c for c in read["contracts"] if (parse_time(c.get("end_date")) or now) > now]
        if running and min_runway is not None:
            read.update(read_concurrently(client, params, contract_runway_reads(read)))
            ends = contract_ends(running, read["vms"], read["usage"]["resources"], read["pricebook"], now)
    fact_of = auto_topup_fact(read["auto_topup"], read["payments"], read["credit"]["threshold"]) if topups else None
    counted = Topups(topups, fact_of, caller.name("count_auto_topup")) if topups else None
    if planned:
        # The top-ups counted in the plan's cover as in the headroom and the runway.
        facts = cover(estimate_from(request, read, params.get("region")), counted)
    elif budgeted:
        month = month_forecast(read["month_to_date"], read["usage"]["cost_per_hour"], request["now"], monthly_budget=request["monthly_budget"])
        facts = dict(read["credit"], **{key: month[key] for key in BUDGET_KEYS})
    else:
        facts = read["credit"]
    fact = verdict(
        facts,
        daily_cost=read["last_day_cost"]["total_cost"] if min_runway is not None else None,
        min_headroom=min_headroom,
        min_runway_days=min_runway,
        require_can_create_instance=params.get("require_can_create_instance", True) is not False,
        require_stock=params.get("require_stock", True) is not False,
        topups=counted,
        ends=ends,
    )
    if contracts and planned:
        # The planned flavors a running contract's discount covers, named; priced at the price list's value all the same.
        fact["contract_cover"] = contract_cover(read["contracts"], [item["flavor"] for item in request["items"] if item.get("flavor")], now)
    if topups:
        # Reported only when read: with count_auto_topup above 0.
        fact["auto_topup"] = counted.fact
    # The module's fact (and the role's) has its report: the same verdict in Markdown.
    return dict(fact, report=markdown(fact, fact["reasons"], "Hyperstack credit gate"))
