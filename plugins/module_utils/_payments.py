# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

How the organization pays, as rules: what of an automatic top-up the gate may count and when (a top-up is a
charge to a card, not credit already paid), the runway across the end of a contract (the burn rises when
its discount stops), what the event source tells once per occurrence, and the wording of each. No request is
made here; the reads are _reads.py's, the verdict that uses these is _verdict.py's.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import ROUND_FLOOR, Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import billed_per_hour, decimal, money, plain_number
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._pricing import flavor_price

# The option that lets the gate count top-ups, as the messages name it.
OPTION = "count_auto_topup"
ACTIVE = "active"
# The payment statuses that are money received. The API does not list its strings: any other is not paid.
PAID = ("paid", "succeeded", "success", "successful", "completed", "complete")


def _number(value):
    """A Decimal of an amount as the API wrote it, or None when it is missing or not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        number = decimal(value)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def last_topup_payment(payments):
    """The newest payment of an automatic top-up (one with an auto_topup_id), by when it was made (created_at read as a
    time, offsets included), then attempt_number; None when there is none. Fail closed: a top-up payment not paid whose
    time cannot be read may be the newest, so it is the one taken."""
    topups = [p for p in payments or [] if p.get("auto_topup_id") is not None]
    if not topups:
        return None
    untimed = [p for p in topups if parse_time(p.get("created_at")) is None and not is_paid(p)]
    if untimed:
        return max(untimed, key=lambda p: p.get("attempt_number") or 0)
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    return max(topups, key=lambda p: (parse_time(p.get("created_at")) or oldest, p.get("attempt_number") or 0))


def is_paid(payment):
    """Whether a payment is money received: its status is one of PAID (an unknown status is not paid)."""
    return str(payment.get("status") or "").strip().lower() in PAID


def failed_for_good(payment):
    """Whether a top-up payment failed its last attempt: not paid, and attempt_number reached max_attempts (a payment
    that gives no counts is taken as its last attempt: no retry is promised)."""
    if is_paid(payment) or str(payment.get("status") or "").strip().lower() in ("pending", "processing", "requires_action"):
        return False
    attempt, most = payment.get("attempt_number"), payment.get("max_attempts")
    return attempt is None or most is None or attempt >= most


def _attempts(payment):
    attempt, most = payment.get("attempt_number"), payment.get("max_attempts")
    if attempt is None:
        return ""
    return " (attempt %s of %s)" % (attempt, "?" if most is None else most)


def payment_summary(payment):
    """One line of a top-up payment: its amount, status and attempt."""
    amount = _number(payment.get("amount"))
    return "the last top-up payment%s is %s%s" % (
        "" if amount is None else " of %s" % money(amount),
        payment.get("status") or "without a status",
        _attempts(payment),
    )


def auto_topup_fact(status, payments, threshold):
    """The gate's auto_topup fact from GET /billing/auto-topup/status (status: its body), the payments and the credit
    threshold: status, threshold_amount, topup_amount, last_payment (the newest top-up payment or None), countable
    (whether a top-up may be counted now) and why_not (None when countable, else the reason in words)."""
    state = (status or {}).get("status")
    amount, trigger = _number((status or {}).get("topup_amount")), _number((status or {}).get("threshold_amount"))
    last = last_topup_payment(payments)
    if state is None:
        why = "no auto top-up is set up"
    elif str(state).strip().lower() != ACTIVE:
        why = "auto top-up is %s" % state
    elif amount is None or amount <= 0:
        why = "auto top-up has no top-up amount"
    elif trigger is None or trigger < decimal(threshold):
        # It would charge only once the balance is below the threshold that suspends the resources.
        why = "auto top-up charges below %s, under the threshold %s" % ("an unknown amount" if trigger is None else money(trigger), money(decimal(threshold)))
    elif last is not None and not is_paid(last):
        why = payment_summary(last) + ", not paid"
    else:
        why = None
    return {
        "status": state,
        "threshold_amount": (status or {}).get("threshold_amount"),
        "topup_amount": (status or {}).get("topup_amount"),
        "last_payment": (
            None if last is None else {key: last.get(key) for key in ("payment_id", "amount", "status", "attempt_number", "max_attempts", "created_at")}
        ),
        "countable": why is None,
        "why_not": why,
    }


class Topups:
    """The top-ups a gate may count: count of them (count_auto_topup) of the fact's topup_amount; counted only when the
    fact says they are countable. amount is what they add to the headroom (0 when not counted); possible what they
    would add if they were."""

    def __init__(self, count, fact, option=OPTION):
        # option: the option as the caller wrote it (a role's variable, hyperstack_credit_gate_count_auto_topup).
        self.count, self.fact, self.option = int(count or 0), fact, option
        each = _number((fact or {}).get("topup_amount")) or Decimal(0)
        self.each = each if each > 0 else Decimal(0)
        self.possible = self.each * self.count
        self.amount = self.possible if fact is not None and fact.get("countable") else Decimal(0)

    def words(self):
        return "%s of %s (%s %d)" % (_plural(self.count, "auto top-up"), money(self.each), self.option, self.count)

    def note(self, short, short_without):
        """What a condition's reason adds: short(amount) whether it fails with amount added, short_without whether it
        fails with nothing added. Counted and passing: nothing is said. Counted: which top-ups were. Not counted,
        though they would have covered it: that they would have, and why they may not be counted."""
        if self.count <= 0 or self.possible <= 0:
            return ""
        if self.amount > 0:
            return "; counting %s" % self.words() if short(self.amount) else ""
        if short_without and not short(self.possible):
            return "; %s would cover it, but %s" % (self.words(), self.fact["why_not"] if self.fact else "auto top-up was not read")
        return ""


# -- contracts --------------------------------------------------------------------------------


def parse_time(text):
    """An API date-time (ISO 8601, "Z" or an offset, or none: UTC) as an aware datetime; None when missing or not one."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def list_prices(pricebook):
    """The price list at list price: each entry's original_value as its value (_pricing prices from value); an entry
    without one is left out, so that what it prices is refused rather than priced at a discount."""
    return {
        entry["name"].casefold(): dict(entry, value=entry["original_value"]) for entry in pricebook or [] if _number(entry.get("original_value")) is not None
    }


def contract_ends(contracts, machines, rows, pricebook, now):
    """[(hours from now, rise an hour, contract id)] of each contract that ends after now with machines under it that bill
    now, in the order they end. A machine's rise is its flavor at list price (the price entries' original_value, as
    _pricing composes a flavor) less what its usage row bills now; a machine that cannot be priced so is refused by name,
    never taken as free."""
    rates = {row.get("resource_id"): billed_per_hour(row) for row in rows or [] if row.get("resource_type") in (None, "vm")}
    prices = list_prices(pricebook)
    ends = []
    for contract in contracts or []:
        end = parse_time(contract.get("end_date"))
        if end is None or end <= now:
            continue
        rise = Decimal(0)
        for machine in machines or []:
            now_rate = rates.get(machine.get("id"))
            if machine.get("contract_id") is None or machine.get("contract_id") != contract.get("id") or not now_rate:
                continue
            flavor = machine.get("flavor") or {}
            try:
                after = flavor_price(dict(flavor, gpu=flavor.get("gpu") or "", cpu=flavor.get("cpu") or 0, ram=flavor.get("ram") or 0), prices)[0]
            except KeyError as exc:
                raise HyperstackError(
                    "machine %s (id %s) runs under contract %s until %s, and its flavor %s has no list price (original_value of %s in the price list)"
                    % (machine.get("name"), machine["id"], contract.get("id"), contract.get("end_date"), flavor.get("name"), exc.args[0])
                ) from None
            rise += after - now_rate
        if rise > 0:
            ends.append((Decimal(int((end - now).total_seconds())) / 3600, rise, contract.get("id")))
    return sorted(ends, key=lambda end: end[0])


def runway_hours_across(headroom, burn, ends):
    """Hours headroom lasts at burn dollars an hour, the burn rising by each end's rise at its hour (ends as contract_ends
    gives them); None when nothing is spent, ever. A negative headroom gives a negative runway, as _money's does."""
    left, rate, at = decimal(headroom), decimal(burn), Decimal(0)
    if left <= 0:
        return left / rate if rate > 0 else None
    for hours, rise, _contract in ends:
        if hours > at:
            if rate > 0 and rate * (hours - at) >= left:
                return at + left / rate
            left -= rate * (hours - at)
            at = hours
        rate += rise
    return at + left / rate if rate > 0 else None


def _days(hours):
    return plain_number((hours / 24).quantize(Decimal("0.1"), rounding=ROUND_FLOOR))


def contract_runway_words(hours, burn, ends):
    """The runway across the ends of contracts in words: "runway 6.5 days: the contract 12 ends in 3 days, after which
    the burn rises from $40.00/h to $64.00/h" (each end before the headroom runs out named in turn)."""
    rate, said = decimal(burn), []
    for when, rise, contract in ends:
        if hours is not None and when >= hours:
            break
        said.append("the contract %s ends in %s days, after which the burn rises from %s/h to %s/h" % (contract, _days(when), money(rate), money(rate + rise)))
        rate += rise
    shown = "never" if hours is None else "%s days" % _days(hours)
    return "runway %s%s" % (shown, ": " + "; ".join(said) if said else "")


# -- the event source: what is told once per occurrence ---------------------------------------------


def payment_events(seen, fact, payments):
    """(events, seen) of one poll: an event when auto top-up stops being active (once, until it is active again), and one
    for each top-up payment that failed its last attempt (once per payment_id). seen: what the previous poll returned
    (None at the first: nothing is told of what already was)."""
    first = seen is None
    seen = dict(seen or {"active": None, "failed": []})
    events, failed = [], list(seen["failed"])
    state = (fact or {}).get("status")
    if seen["active"] is True and state != ACTIVE:
        events.append({"type": "auto_topup_inactive", "status": state, "summary": "auto top-up is %s, no longer active" % (state or "not set up")})
    for payment in payments or []:
        key = payment.get("payment_id")
        if payment.get("auto_topup_id") is None or key is None or key in failed or not failed_for_good(payment):
            continue
        failed.append(key)
        if not first:
            events.append({"type": "topup_payment_failed", "payment": payment, "summary": payment_summary(payment).replace("the last ", "a ", 1)})
    return events, {"active": state == ACTIVE, "failed": failed}


def contract_cover(contracts, flavor_names, now):
    """[{flavor, contract_id, remaining_count, end_date}] for each planned flavor (flavor_names) a discount of a contract
    still running at now covers (remaining_count above 0): named in the estimate, never priced again (the price list's
    value is already the organization's)."""
    covered = []
    for contract in contracts or []:
        end = parse_time(contract.get("end_date"))
        if end is not None and end <= now:
            continue
        for discount in contract.get("discounts") or []:
            remaining = discount.get("remaining_count")
            for name in sorted(set(flavor_names)):
                if str(discount.get("resource_name") or "").casefold() == name.casefold() and isinstance(remaining, int) and remaining > 0:
                    covered.append({"flavor": name, "contract_id": contract.get("id"), "remaining_count": remaining, "end_date": contract.get("end_date")})
    return covered


_DISCOUNT_KEYS = ("resource_name", "discount_type", "discount_percent", "discount_amount", "remaining_count", "resource_count", "discount_status")


def contract_facts(contracts, machines):
    """hyperstack_contract_info's facts: each contract with its status, description, dates, discounts (resource, type,
    percent or amount, remaining count) and the machines placed under it (by their contract_id: id, name, status,
    flavor name)."""
    facts = []
    for contract in contracts or []:
        placed = [
            {"id": m["id"], "name": m.get("name"), "status": m.get("status"), "flavor": (m.get("flavor") or {}).get("name")}
            for m in machines or []
            if m.get("contract_id") is not None and m.get("contract_id") == contract.get("id")
        ]
        facts.append(
            dict(
                {key: contract.get(key) for key in ("id", "status", "description", "start_date", "end_date", "expiration_policy")},
                discounts=[{key: discount.get(key) for key in _DISCOUNT_KEYS} for discount in contract.get("discounts") or []],
                vms=placed,
            )
        )
    return facts


def cover(facts, topups):
    """An estimate's facts (covered, headroom, required, summary) with topups (a Topups, or None) counted in its cover:
    covered when the headroom and the top-ups counted reach what is required, and its summary saying which were counted,
    or that they would have covered it and why they may not be counted."""
    if topups is None or "covered" not in facts:
        return facts
    headroom, required = decimal(facts["headroom"]), decimal(facts["required"])

    def short(more):
        return headroom + more < required

    if facts["covered"]:
        return facts
    if topups.amount > 0 and not short(topups.amount):
        return dict(facts, covered=True, summary=facts["summary"] + "; covered counting %s" % topups.words())
    return dict(facts, summary=facts["summary"] + topups.note(short, True))
