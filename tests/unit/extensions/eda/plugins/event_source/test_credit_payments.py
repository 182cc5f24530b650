# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of extensions/eda/plugins/event_source/credit.py, how the organization pays: with watch_payments an event
once per occurrence when auto top-up stops being active and when a top-up payment fails its last attempt, with the
credit at that moment; count_auto_topup counts the top-ups in `below` as the gate counts them; neither reads anything
more unless asked."""

from __future__ import annotations

import asyncio
import copy
import time

from ansible_collections.nexgencloud.hyperstack.extensions.eda.plugins.event_source import credit as source
from ansible_collections.nexgencloud.hyperstack.tests.unit.extensions.eda.plugins.event_source.test_credit import _args, _run
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import api_requests, emulator_module

ACTIVE = {"status": "active", "threshold_amount": 100.0, "topup_amount": 50.0}
PAID = [emulator_module.DECLINED_TOPUP[0]]


def test_a_stopped_auto_top_up_and_a_failed_top_up_are_each_told_once(emu):
    emu.state.update({"auto_topup": ACTIVE, "payments": PAID})
    # A poll first with it active (what was so at the first poll is not told), then it stops, then a top-up fails.
    steps = [None, lambda: emu.state.update({"auto_topup": dict(ACTIVE, status="disabled")}), lambda: emu.state.update({"payments": "declined"})]
    events = asyncio.run(_run(emu, _args(emu, watch_payments=True), steps))
    told = [event["hyperstack_payment"] for event in events if "hyperstack_payment" in event]
    assert [(e["type"], e["summary"], e["credit"], e["headroom"]) for e in told] == [
        ("auto_topup_inactive", "auto top-up is disabled, no longer active", 1500.0, 1500.0),
        ("topup_payment_failed", "a top-up payment of $50.00 is failed (attempt 3 of 3)", 1500.0, 1500.0),
    ]
    assert told[1]["payment"]["payment_id"] == "pi-1002" and told[1]["auto_topup"]["countable"] is False
    # The credit events are as without it: one at the first poll, nothing changed since.
    assert [sorted(e["hyperstack_credit"]["below"]) for e in events if "hyperstack_credit" in e] == [[]]


def test_without_watch_payments_nothing_more_is_read(emu):
    asyncio.run(_run(emu, _args(emu), [None]))
    assert api_requests(emu, "/billing/auto-topup/status") == [] and api_requests(emu, "/billing/payment/payment-details") == []


def _watch(emu, **args):
    config = source.settings(_args(emu, min_headroom=1540, **args), {})
    return source.poll(source.HyperstackClient.from_params(config, source.RULEBOOK), config)


def test_count_auto_topup_counts_a_paid_active_top_up_in_below(emu):
    # $1,500 of headroom and a $50 top-up: $1,550, above the $1,540 asked for; a declined one is not counted.
    emu.state.update({"auto_topup": ACTIVE, "payments": PAID})
    facts = _watch(emu, count_auto_topup=1)
    assert (facts["below"], facts["auto_topup"]["countable"]) == ([], True)
    emu.state.update({"payments": "declined"})
    assert _watch(emu, count_auto_topup=1)["below"] == ["headroom"]
    assert _watch(emu)["below"] == ["headroom"] and "auto_topup" not in _watch(emu)


def test_the_runway_counts_a_contracts_end_with_the_issues_figures(emu):
    # $8,256 of headroom at $40.00/h running now (a contract machine at $16.00/h, 60% off 8 x $5.00, and $24.00/h
    # beside it); contract 12 ends in 3 days, after which its machine bills $40.00/h: 72 h x 40 + 84 h x 64 = 8,256.
    end = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + 3 * 86400 + 30))
    vm = copy.deepcopy(emulator_module.VM_FLEET[0])
    flavor = next(f for f in emulator_module.FLAVORS if f["name"] == "n3-A100x8")
    vm.update(id=901, name="train-901", status="ACTIVE", contract_id=12)
    vm["flavor"] = {key: flavor[key] for key in vm["flavor"]}
    pricebook = [dict(e, original_value=5.0) if e["name"] == "A100-80G-PCIe" else e for e in emulator_module.PRICEBOOK]
    other = {"resource_id": 77, "resource_type": "vm", "name": "other", "bill_per_minute": 0.4, "active": True, "exclude_billing": False}
    discount = {"resource_name": "n3-A100x8", "discount_percent": 60.0, "remaining_count": 1}
    emu.state.update(
        {"credit": 8256.0, "pricebook": pricebook, "usage": [other], "vms": [vm], "contracts": [{"id": 12, "end_date": end, "discounts": [discount]}]}
    )
    config = source.settings(_args(emu, runway_contracts=True, min_runway_hours=168), {})
    facts = source.poll(source.HyperstackClient.from_params(config, source.RULEBOOK), config)
    assert facts["cost_per_hour"] == 40.0 and round(facts["runway_hours"], 1) == 156.0
    assert facts["runway_note"] == "runway 6.5 days: the contract 12 ends in 3 days, after which the burn rises from $40.00/h to $64.00/h"
    assert facts["below"] == ["runway"]
    # Without it: 206.4 hours at today's rate, above the 168 asked for.
    config = source.settings(_args(emu, min_runway_hours=168), {})
    facts = source.poll(source.HyperstackClient.from_params(config, source.RULEBOOK), config)
    assert (facts["runway_hours"], facts["below"], "runway_note" in facts) == (206.4, [], False)


def test_a_payments_read_that_fails_does_not_silence_the_credit_watch_and_counts_no_top_up(emu):
    # The key cannot read the payments (a 403 on them alone): the credit events go on, no top-up counted, the reason said.
    emu.state.update({"auto_topup": ACTIVE, "payments": PAID})
    emu.state.add_faults([{"path": "/billing/payment/payment-details", "status": 403, "times": -1}])
    events = asyncio.run(_run(emu, _args(emu, watch_payments=True, count_auto_topup=1, min_headroom=1520), [None]))
    credit = [e["hyperstack_credit"] for e in events if "hyperstack_credit" in e]
    assert len(credit) == 1 and "headroom" in credit[0]["below"], events
    assert "HTTP 403" in credit[0]["payments_error"] and not any("hyperstack_credit_error" in e for e in events)
