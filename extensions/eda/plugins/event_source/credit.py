# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An ansible-rulebook event source: the credit of a Hyperstack organization, watched between deployments."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys

try:
    import ansible_collections.nexgencloud.hyperstack.plugins.module_utils  # noqa: F401 pylint: disable=unused-import
except ImportError:
    # ansible-rulebook runs a source from its file (runpy) without the directory that holds
    # ansible_collections/ on sys.path: add it, seven levels above this file.
    sys.path.append(os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 7)))

# pylint: disable=wrong-import-position
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackClient  # noqa: E402
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import PRICEBOOK, USAGE  # noqa: E402
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, failure  # noqa: E402
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, runway_hours  # noqa: E402
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._month import month_forecast, utc  # noqa: E402
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import (  # noqa: E402
    API_OPTIONS,
    GATE_NUMBERS,
    NUMBER_OPTIONS,
    PAYMENT_OPTIONS,
    RULEBOOK,
    api_values,
    check_api_options,
    check_bool,
    check_number,
    count_auto_topup,
    gate_number,
    keys_in_sight,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._payments import (  # noqa: E402
    Topups,
    auto_topup_fact,
    contract_ends,
    contract_runway_words,
    parse_time,
    payment_events,
    runway_hours_across,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._reads import read_contracts, read_payments, read_vms, read_watch  # noqa: E402
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._verdict import Runway, failed_conditions  # noqa: E402

# pylint: enable=wrong-import-position

DOCUMENTATION = r"""
---
short_description: Watch a Hyperstack organization's credit, runway and monthly budget
description:
  - An ansible-rulebook event source plugin that polls the Hyperstack Infrahub API for the organization's
    credit (C(GET /billing/user-credit/credit)), what runs now (C(GET /billing/billing/usage)) and, with
    O(monthly_budget), the month-to-date spend (C(GET /billing/billing/history)).
  - Each poll makes an event C(hyperstack_credit) holding C(credit), C(threshold), C(headroom),
    C(can_create_instance), C(cost_per_hour), C(runway_hours), C(month_to_date), C(month_forecast),
    C(budget_used_percent), C(budget_level) and C(below). It is put on the queue at the first poll and
    whenever C(below) or C(budget_level) changes, so a rule fires once when the credit crosses a line or
    the month's spend a budget level, not at every poll; with O(every_poll), at every poll.
  - C(below) names the conditions of the credit gate's verdict that fail now, in the gate's order -
    C(can_create_instance) (the API says no instance can be created), C(headroom) (the headroom is less
    than O(min_headroom)), C(runway) (the headroom lasts fewer than O(min_runway_hours) at the live burn
    rate) and C(budget) (the month's forecast is more than O(monthly_budget)).
  - C(cost_per_hour) is what runs now, per hour (active resources not excluded from billing);
    C(runway_hours) is the headroom divided by it (negative when the headroom is, null when nothing
    is billed). C(month_forecast) is the month-to-date spend plus what runs now for the hours left in
    the calendar month (UTC); both are null without O(monthly_budget).
  - C(budget_used_percent) is the month-to-date spend over O(monthly_budget) x 100, null without it (or with
    a budget of 0). C(budget_level) is the highest of O(budget_levels) that C(budget_used_percent) has
    reached, null without O(budget_levels) or below the lowest; a rule on
    C(event.hyperstack_credit.budget_level == 75) fires once when the spend reaches 75% of the budget. A
    new month (the spend starting again) lowers the level, and that is an event too.
  - A failed read puts one event C(hyperstack_credit_error) (C(msg), and C(status_code) when there was
    an HTTP status) on the queue per failing streak, and polling goes on. HTTP 429 and server errors are retried within a poll as the collection's
    modules retry them (O(api_retries), honouring C(Retry-After) up to O(api_retry_max_delay)).
  - The API key never appears in an event or a log line. Every read runs in a thread, so the event loop
    never waits for the API.
  - It uses the same HTTP client as the collection's modules, which needs the Python libraries of the
    collection's C(requirements.txt) where ansible-rulebook runs.
options:
  api_key:
    description:
      - The Hyperstack API key. If not set, the environment variable E(HYPERSTACK_API_KEY) is used.
    type: str
  api_url:
    description:
      - The base URL of the Infrahub API. If not set, E(HYPERSTACK_API_URL) or E(HYPERSTACK_API_ADDRESS)
        is used, else the default.
    type: str
    default: https://infrahub-api.nexgencloud.com/v1
  api_timeout:
    description:
      - Seconds a request may take. If not set, E(HYPERSTACK_API_TIMEOUT) is used.
    type: float
    default: 30
  api_retries:
    description:
      - How many times a read is retried after a connection error, HTTP 429 or a server error. If not
        set, E(HYPERSTACK_API_RETRIES) is used.
    type: int
    default: 3
  api_retry_max_delay:
    description:
      - The longest wait in seconds between two attempts, C(Retry-After) included. If not set,
        E(HYPERSTACK_API_RETRY_MAX_DELAY) is used.
    type: float
    default: 10
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to trust for the API's TLS certificate.
    type: path
  interval:
    description:
      - Seconds between two polls; any positive number.
    type: float
    default: 300
  min_headroom:
    description:
      - The least headroom (credit minus threshold) in dollars; less puts C(headroom) in C(below).
      - V(0), the default, puts it there when the headroom is negative (the credit below the threshold); a
        negative value lets the headroom go that far below 0 first.
    type: float
    default: 0
  min_runway_hours:
    description:
      - The least hours the headroom must last at the live burn rate, more than 0; fewer puts C(runway) in
        C(below). Not set, the runway is not checked. V(0) or less is refused, as the modules refuse
        O(nexgencloud.hyperstack.hyperstack_credit_gate_info#module:min_runway_days=0).
    type: float
  monthly_budget:
    description:
      - Dollars for the calendar month (UTC), 0 or more. When set, each poll also reads the month-to-date
        spend, and a month's forecast above it puts C(budget) in C(below); V(0) is a budget of $0, which
        any spend passes over. Not set, there is no budget.
    type: float
  budget_levels:
    description:
      - Percents of O(monthly_budget) to be told of as the month's spend reaches each, for example
        V([50, 75, 90]), as budget alerts warn at several levels; each more than 0 and at most 100 (past
        100 the budget itself is spent). Needs O(monthly_budget), more than 0.
      - The event's C(budget_level) is the highest level reached, and an event is put when it changes.
    type: list
    elements: float
  every_poll:
    description:
      - Put an event on the queue at every poll, not only when C(below) changes.
    type: bool
    default: false
  count_auto_topup:
    description:
      - How many automatic top-ups of the organization's C(topup_amount) the headroom and the runway may count,
        V(0) or more, as O(nexgencloud.hyperstack.hyperstack_credit_gate_info#module:count_auto_topup) counts them -
        only while the auto top-up is C(active) and its last top-up payment was paid. V(0), the default, counts none.
      - Above V(0) each poll also reads the auto top-up (C(GET /billing/auto-topup/status)) and the payments
        (C(GET /billing/payment/payment-details)), and the event has C(auto_topup).
    type: int
    default: 0
    version_added: 1.4.0
  watch_payments:
    description:
      - Read the auto top-up and the payments at each poll and put an event C(hyperstack_payment) on the queue, once
        per occurrence, when the auto top-up stops being C(active) (C(type) C(auto_topup_inactive)) and when a
        top-up payment fails its last attempt (C(type) C(topup_payment_failed), with C(payment)). Each has
        C(summary), C(auto_topup), and the credit at that moment (C(credit), C(threshold), C(headroom),
        C(runway_hours)).
      - What was so at the first poll is not told; a payment is told once, by its C(payment_id).
      - When the payments cannot be read (a key without the right to them), the credit is still watched, no top-up
        is counted, and the C(hyperstack_credit) event carries C(payments_error), the one-line reason.
    type: bool
    default: false
    version_added: 1.4.0
  runway_contracts:
    description:
      - Count the end of each running contract in the runway - from its C(end_date) on, the machines placed under it
        bill at list price (their flavor priced from the price list's C(original_value)), as
        O(nexgencloud.hyperstack.hyperstack_credit_gate_info#module:runway_contracts) counts it. The event then has
        C(runway_note), the runway in words (C(runway 6.5 days), then each contract's end before it with the burn
        before and after).
      - Each poll also reads the contracts (C(GET /pricebook/contracts)) and, with one running, the machines, the
        usage and the price list.
    type: bool
    default: false
    version_added: 1.4.0
"""

EXAMPLES = r"""
- name: Act before the Hyperstack credit runs out
  hosts: localhost
  sources:
    - nexgencloud.hyperstack.credit:
        interval: 300
        min_headroom: 100
        min_runway_hours: 24
        monthly_budget: 2000
        budget_levels: [50, 75, 90]
        watch_payments: true
  rules:
    - name: Less than a day of runway
      condition: '"runway" in event.hyperstack_credit.below'
      action:
        run_playbook:
          name: hibernate_idle.yml
    - name: Three quarters of the month's budget is spent
      condition: event.hyperstack_credit.budget_level == 75
      action:
        debug:
          msg: "{{ event.hyperstack_credit.budget_used_percent }}% of the monthly budget is spent"
    - name: A top-up failed or auto top-up stopped
      condition: event.hyperstack_payment is defined
      action:
        debug:
          msg: "{{ event.hyperstack_payment.summary }} (credit {{ event.hyperstack_payment.credit }})"
    - name: The API cannot be read
      condition: event.hyperstack_credit_error is defined
      action:
        debug:
          msg: "{{ event.hyperstack_credit_error.msg }}"
"""

logger = logging.getLogger(__name__)

# The source's arguments beside the API options: its own, and the gate's numbers from their one table
# (NUMBER_OPTIONS: off when not set, except min_headroom, 0: a negative headroom), checked by the modules' rule.
WATCH_OPTIONS = {
    "interval": {"type": "float", "default": 300.0},
    "min_headroom": NUMBER_OPTIONS["min_headroom"],
    "min_runway_hours": NUMBER_OPTIONS["min_runway_hours"],
    "monthly_budget": NUMBER_OPTIONS["monthly_budget"],
    "budget_levels": {"type": "list", "elements": "float"},
    "every_poll": {"type": "bool", "default": False},
    # How the organization pays (PAYMENT_OPTIONS' count, as the modules take it), and whether to tell of it.
    "count_auto_topup": PAYMENT_OPTIONS["count_auto_topup"],
    "watch_payments": {"type": "bool", "default": False},
    "runway_contracts": PAYMENT_OPTIONS["runway_contracts"],
}

_JSON_TYPES = {"str": ["string"], "path": ["string"], "float": ["number"], "int": ["integer"], "bool": ["boolean"], "list": ["array"]}

# The arguments' schema, as the community's sources publish one: the API options as the modules
# take them, and the source's own.
ARGUMENT_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "nexgencloud.hyperstack.credit",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        name: dict({"type": _JSON_TYPES[kind] + ["null"]}, **({} if default is None else {"default": default}))
        for name, (kind, default) in [(n, spec[:2]) for n, spec in API_OPTIONS.items()]
        + [(n, (spec["type"], spec.get("default"))) for n, spec in WATCH_OPTIONS.items()]
    },
}
ARGUMENT_SCHEMA["properties"]["interval"]["exclusiveMinimum"] = 0
# The modules' rules of the numbers the source shares with them, in the schema's words.
_SCHEMA_BOUNDS = {"above": "exclusiveMinimum", "minimum": "minimum"}
for _name in set(GATE_NUMBERS) & set(WATCH_OPTIONS):
    ARGUMENT_SCHEMA["properties"][_name].update({_SCHEMA_BOUNDS[key]: bound for key, bound in GATE_NUMBERS[_name][0].items()})
ARGUMENT_SCHEMA["properties"]["count_auto_topup"]["minimum"] = 0
ARGUMENT_SCHEMA["properties"]["budget_levels"].update(items={"type": "number", "exclusiveMinimum": 0, "maximum": 100})


def settings(args, environ=None):
    """The source's settings from the rulebook's args: each API option from its argument, else its
    environment variables, else its default, checked as the modules check them; the source's own
    from their arguments. HyperstackError on a wrong one."""
    environ = os.environ if environ is None else environ
    unknown = sorted(set(args) - set(ARGUMENT_SCHEMA["properties"]))
    if unknown:
        raise HyperstackError("unknown argument %s; the arguments are %s" % (", ".join(unknown), ", ".join(ARGUMENT_SCHEMA["properties"])))
    config = check_api_options(api_values(args, environ), RULEBOOK, environ)
    config["validate_certs"] = check_bool(config["validate_certs"], "validate_certs")
    for name, spec in WATCH_OPTIONS.items():
        value = args.get(name)
        if value is None:
            config[name] = spec.get("default")
        elif spec["type"] == "bool":
            config[name] = check_bool(value, name)
        elif spec["type"] == "list":
            config[name] = _levels(value, config["monthly_budget"])
        elif name == "count_auto_topup":
            config[name] = count_auto_topup({name: value}, RULEBOOK)
        elif name in GATE_NUMBERS:
            config[name] = float(gate_number({name: _float(value)}, name, RULEBOOK))
        else:
            config[name] = float(check_number(value, name, above=0))
    return config


def _float(value):
    """value as a module's float option takes it (ansible-core converts an int or a string), so that a value
    is worded alike in both: -5 is -5.0. Anything else is left for the check to refuse."""
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            return float(value)
        except (ValueError, OverflowError):
            pass
    return value


def _levels(value, budget):
    """budget_levels, checked: percents in (0, 100], sorted and each once (Decimals); needs a budget of more than 0."""
    if not isinstance(value, list):
        raise HyperstackError("budget_levels must be a list of percents of monthly_budget, for example [50, 75, 90], got %s" % json.dumps(value, default=str))
    levels = sorted({check_number(level, "budget_levels item %d" % index, above=0, maximum=100) for index, level in enumerate(value, 1)})
    if levels and (budget is None or budget <= 0):
        raise HyperstackError("budget_levels needs monthly_budget, more than 0: the levels are percents of it")
    return levels


def _level(level):
    # A level as written: 75, not 75.0, so that a rule's budget_level == 75 matches it.
    return int(level) if level == level.to_integral_value() else float(level)


def watch(credit, cost_per_hour, month_to_date, config, now, paying=None, ends=None):
    """The event's facts from one poll's readings: credit (CREDIT's facts), cost_per_hour (USAGE's),
    month_to_date (a Decimal, or None without a budget) and config (settings()). `below` names the
    conditions of the gate's verdict (_verdict.failed_conditions) that fail, the runway in hours at
    the live burn rate; budget_level is the highest of budget_levels the month's spend has reached. paying: (the auto
    top-up's status, the payments) when they were read (count_auto_topup above 0, or watch_payments), else None; the
    facts then have auto_topup (_payments.auto_topup_fact), and the top-ups count as the gate counts them. ends: the running
    contracts' ends (_payments.contract_ends) with runway_contracts, else None: the runway then rises with each, and the
    facts have runway_note, the runway in words."""

    def lasts_for(more):
        if ends:
            return runway_hours_across(decimal(credit["headroom"]) + more, decimal(cost_per_hour), ends)
        return runway_hours(decimal(credit["headroom"]) + more, cost_per_hour)

    runway = lasts_for(decimal(0)) if ends else runway_hours(credit["headroom"], cost_per_hour)
    facts = dict(
        {name: credit[name] for name in ("credit", "threshold", "headroom", "can_create_instance")},
        cost_per_hour=cost_per_hour,
        runway_hours=None if runway is None else float(runway),
        month_to_date=None,
        month_forecast=None,
        budget_used_percent=None,
        budget_level=None,
    )
    month = {}
    if config["monthly_budget"] is not None:
        month = month_forecast(month_to_date, cost_per_hour, now, monthly_budget=config["monthly_budget"])
        facts.update(month_to_date=month["month_to_date"], month_forecast=month["month_forecast"])
        budget = decimal(config["monthly_budget"])
        if budget > 0:
            used = decimal(month_to_date) / budget * 100
            reached = [level for level in config.get("budget_levels") or [] if used >= level]
            facts.update(budget_used_percent=float(used), budget_level=_level(reached[-1]) if reached else None)
    topups = None
    if paying is not None:
        facts["auto_topup"] = auto_topup_fact(paying[0], paying[1], credit["threshold"])
        if config.get("count_auto_topup"):
            topups = Topups(config["count_auto_topup"], facts["auto_topup"], RULEBOOK.name("count_auto_topup"))
    if ends is not None:
        facts["runway_note"] = contract_runway_words(runway, decimal(cost_per_hour), ends)
    lasts = runway if topups is None else lasts_for(topups.amount)
    failed = failed_conditions(
        dict(facts, **month),
        config["min_headroom"],
        Runway(lasts, config["min_runway_hours"], cost_per_hour, "hours", lasts_for=lasts_for),
        topups=topups,
    )
    facts["below"] = [name for name, _reason in failed]
    return facts


def poll(client, config, now=None):
    """One poll's event facts, read through client (blocking: run it in a thread); raises HyperstackError."""
    now = utc(now)
    paying, unread = None, None
    if config.get("count_auto_topup") or config.get("watch_payments"):
        try:
            paying = read_payments(client)
        except HyperstackError as exc:
            # The credit is still watched: no top-up is counted (fail closed), and the event says why.
            unread = exc.msg
    ends = None
    if config.get("runway_contracts"):
        running = [c for c in read_contracts(client) if (parse_time(c.get("end_date")) or now) > now]
        ends = []
        if running:
            usage = USAGE.fetch(client)["resources"]
            ends = contract_ends(running, read_vms(client), usage, PRICEBOOK.fetch(client), now)
    facts = watch(*read_watch(client, config["monthly_budget"], now), config, now, paying, ends)
    if paying is not None:
        # What payment_events needs; not in the event itself.
        facts["_payments"] = paying[1]
    if unread is not None:
        facts["payments_error"] = unread
    return facts


async def main(queue, args):
    """Poll the API every interval seconds and put the events on queue, until cancelled."""
    keys = keys_in_sight(args.get("api_key"), os.environ)
    try:
        config = settings(args)
        client = HyperstackClient.from_params(config, RULEBOOK)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # The rulebook is wrong: say so in one line, without the key, and stop.
        raise ValueError("nexgencloud.hyperstack.credit: %s" % failure(exc, keys=keys)["msg"]) from None
    last, failing, seen = None, False, None
    while True:
        wait = config["interval"]
        try:
            facts = await asyncio.to_thread(poll, client, config)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            error = dict({"status_code": None}, **failure(exc, keys=keys))
            logger.warning("nexgencloud.hyperstack.credit: %s", error["msg"])
            if not failing:
                await queue.put({"hyperstack_credit_error": error})
            failing = True
            # A rate limit that outlasted the client's retries: the next poll waits as long as it asks.
            wait = max(wait, getattr(exc, "retry_after", None) or 0)
        else:
            failing = False
            payments = facts.pop("_payments", None)
            if "auto_topup" in facts and config["watch_payments"]:
                # Once per occurrence: auto top-up no longer active, a top-up payment failed its last attempt.
                told, seen = payment_events(seen, facts["auto_topup"], payments)
                credit = {name: facts[name] for name in ("credit", "threshold", "headroom", "runway_hours")}
                for event in told:
                    await queue.put({"hyperstack_payment": dict(event, auto_topup=facts["auto_topup"], **credit)})
            # A line crossed (below) or a budget level reached (or left, as a new month starts).
            if config["every_poll"] or (facts["below"], facts["budget_level"]) != last:
                await queue.put({"hyperstack_credit": facts})
            last = (facts["below"], facts["budget_level"])
        await asyncio.sleep(wait)


if __name__ == "__main__":
    # Run by hand: print the events (the key from HYPERSTACK_API_KEY).

    class _PrintQueue:
        async def put(self, event):
            print(event)  # noqa: T201

    asyncio.run(main(_PrintQueue(), {"interval": 5}))
