# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_payments.py: what of an automatic top-up may be counted and when (only active,
only when its last payment was paid, an unknown status not paid), the notes a condition's reason gets, the runway across
a contract's end with its figures and words, the planned flavors a contract covers, and the events told once."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _payments
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
ACTIVE = {"status": "active", "threshold_amount": 100.0, "topup_amount": 50.0}


def _payment(status, attempt=1, most=3, payment_id="pay-1", created_at="2026-03-10T11:00:00Z", amount=50.0):
    return {
        "payment_id": payment_id,
        "amount": amount,
        "status": status,
        "auto_topup_id": 7,
        "attempt_number": attempt,
        "max_attempts": most,
        "created_at": created_at,
    }


def test_an_active_top_up_whose_last_payment_was_paid_is_countable():
    fact = _payments.auto_topup_fact(ACTIVE, [_payment("failed", payment_id="old", created_at="2026-03-01T00:00:00Z"), _payment("succeeded")], 0)
    assert fact == {
        "status": "active",
        "threshold_amount": 100.0,
        "topup_amount": 50.0,
        "last_payment": {
            "payment_id": "pay-1",
            "amount": 50.0,
            "status": "succeeded",
            "attempt_number": 1,
            "max_attempts": 3,
            "created_at": "2026-03-10T11:00:00Z",
        },
        "countable": True,
        "why_not": None,
    }


@pytest.mark.parametrize(
    "status, payments, why",
    [
        ({"status": None, "threshold_amount": None, "topup_amount": None}, [], "no auto top-up is set up"),
        (dict(ACTIVE, status="disabled"), [], "auto top-up is disabled"),
        (dict(ACTIVE, status="pending_setup"), [], "auto top-up is pending_setup"),
        (dict(ACTIVE, topup_amount=0), [], "auto top-up has no top-up amount"),
        (dict(ACTIVE, threshold_amount=5), [], "auto top-up charges below $5.00, under the threshold $10.00"),
        (ACTIVE, [_payment("declined", 3, 3)], "the last top-up payment of $50.00 is declined (attempt 3 of 3), not paid"),
        # A status the collection does not know is not paid.
        (ACTIVE, [_payment("on_hold", 1, 3)], "the last top-up payment of $50.00 is on_hold (attempt 1 of 3), not paid"),
        # The newest payment decides, not an older success.
        (
            ACTIVE,
            [_payment("paid", created_at="2026-03-10T12:00:00Z", payment_id="a"), _payment("failed", 2, 3, "a", "2026-03-10T13:00:00Z")],
            "the last top-up payment of $50.00 is failed (attempt 2 of 3), not paid",
        ),
    ],
)
def test_a_top_up_is_not_countable_unless_active_and_paid(status, payments, why):
    fact = _payments.auto_topup_fact(status, payments, 10)
    assert (fact["countable"], fact["why_not"]) == (False, why)


def test_the_newest_payment_is_found_by_its_time_with_its_offset_and_a_failed_one_without_a_time_is_not_paid():
    paid = _payment("succeeded", payment_id="paid", created_at="2026-01-01T10:00:00+00:00")
    # 09:00 at UTC-5 is 14:00 UTC: the declined attempt is the newer one, though its text sorts first.
    later = _payment("declined", 3, 3, payment_id="later", created_at="2026-01-01T09:00:00-05:00")
    assert _payments.auto_topup_fact(ACTIVE, [paid, later], 0)["countable"] is False
    assert _payments.last_topup_payment([paid, later])["payment_id"] == "later"
    untimed = _payment("declined", 3, 3, payment_id="untimed", created_at=None)
    assert _payments.auto_topup_fact(ACTIVE, [paid, untimed], 0)["countable"] is False
    # A status written in capitals is the same status.
    assert _payments.auto_topup_fact(dict(ACTIVE, status="Active"), [paid], 0)["countable"] is True


def test_payments_not_of_a_top_up_do_not_decide():
    fact = _payments.auto_topup_fact(ACTIVE, [dict(_payment("failed"), auto_topup_id=None)], 0)
    assert (fact["countable"], fact["last_payment"]) == (True, None)


def test_the_top_ups_counted_are_count_times_the_amount_and_only_when_countable():
    countable = _payments.auto_topup_fact(ACTIVE, [], 0)
    assert _payments.Topups(2, countable).amount == Decimal("100.0")
    assert _payments.Topups(0, countable).amount == Decimal(0)
    refused = _payments.auto_topup_fact(dict(ACTIVE, status="disabled"), [], 0)
    assert (_payments.Topups(2, refused).amount, _payments.Topups(2, refused).possible) == (Decimal(0), Decimal("100.0"))


def test_the_notes_say_what_was_counted_and_what_would_have_covered():
    headroom, minimum = Decimal(60), Decimal(120)

    def short(added):
        return headroom + added < minimum

    counted = _payments.Topups(1, _payments.auto_topup_fact(ACTIVE, [], 0))
    assert counted.note(short, short(0)) == "; counting 1 auto top-up of $50.00 (count_auto_topup 1)"
    assert _payments.Topups(2, _payments.auto_topup_fact(ACTIVE, [], 0)).note(short, short(0)) == ""
    declined = _payments.Topups(2, _payments.auto_topup_fact(ACTIVE, [_payment("declined", 3, 3)], 0))
    assert declined.note(short, short(0)) == (
        "; 2 auto top-ups of $50.00 (count_auto_topup 2) would cover it, but the last top-up payment of $50.00 is declined (attempt 3 of 3), not paid"
    )
    # Top-ups that would not have covered it are not offered as a way out.
    assert _payments.Topups(1, _payments.auto_topup_fact(dict(ACTIVE, status="disabled"), [], 0)).note(short, short(0)) == ""


def test_the_runway_across_a_contracts_end_is_the_issues_example():
    # $8,256 of headroom at $40.00/h, rising to $64.00/h when contract 12 ends in 3 days: 72 h x 40 + 84 h x 64 = 8,256.
    ends = [(Decimal(72), Decimal(24), 12)]
    hours = _payments.runway_hours_across(Decimal("8256"), Decimal(40), ends)
    assert hours == Decimal(156)
    assert _payments.contract_runway_words(hours, Decimal(40), ends) == (
        "runway 6.5 days: the contract 12 ends in 3 days, after which the burn rises from $40.00/h to $64.00/h"
    )
    # Without the end it would read 8.6 days: the end takes two days off.
    assert _payments.runway_hours_across(Decimal("8256"), Decimal(40), []) == Decimal("206.4")


def test_a_contract_that_ends_after_the_headroom_runs_out_changes_nothing():
    ends = [(Decimal(300), Decimal(24), 12)]
    assert _payments.runway_hours_across(Decimal("8256"), Decimal(40), ends) == Decimal("206.4")
    assert _payments.contract_runway_words(Decimal("206.4"), Decimal(40), ends) == "runway 8.6 days"


def _machine(vm_id, contract_id, gpu="A100-80G-PCIe", gpus=8):
    return {
        "id": vm_id,
        "name": "train-%d" % vm_id,
        "contract_id": contract_id,
        "flavor": {"name": "n3-A100x%d" % gpus, "gpu": gpu, "gpu_count": gpus, "cpu": 28, "ram": 120.0},
    }


def test_a_contracts_end_raises_the_burn_to_the_list_price_of_its_machines():
    pricebook = [{"name": "A100-80G-PCIe", "value": 1.35, "original_value": 2.2}]
    contracts = [{"id": 12, "end_date": "2026-03-13T12:00:00Z", "discounts": [{"resource_name": "n3-A100x8", "discount_percent": 38.6}]}]
    # The machine under the contract bills $10.80/h (8 x 1.35); at list price 8 x 2.2 = $17.60/h. The other is not under it.
    rows = [
        {"resource_id": 1, "resource_type": "vm", "bill_per_minute": 0.18, "active": True},
        {"resource_id": 2, "resource_type": "vm", "bill_per_minute": 0.18, "active": True},
    ]
    ends = _payments.contract_ends(contracts, [_machine(1, 12), _machine(2, None)], rows, pricebook, NOW)
    assert ends == [(Decimal(72), Decimal("6.80"), 12)]
    # An ended contract and a contract without a running machine rise nothing.
    assert _payments.contract_ends([dict(contracts[0], end_date="2026-03-01T00:00:00Z")], [_machine(1, 12)], rows, pricebook, NOW) == []
    assert _payments.contract_ends(contracts, [_machine(1, 12)], [dict(rows[0], active=False)], pricebook, NOW) == []


def test_a_machine_under_a_contract_without_a_list_price_is_refused():
    with pytest.raises(HyperstackError) as raised:
        _payments.contract_ends(
            [{"id": 12, "end_date": "2026-03-13T12:00:00Z"}],
            [_machine(1, 12)],
            [{"resource_id": 1, "resource_type": "vm", "bill_per_minute": 0.18}],
            [{"name": "A100-80G-PCIe", "value": 1.35, "original_value": None}],
            NOW,
        )
    assert raised.value.msg == (
        "machine train-1 (id 1) runs under contract 12 until 2026-03-13T12:00:00Z, and its flavor n3-A100x8 has no list price"
        " (original_value of A100-80G-PCIe in the price list)"
    )


def test_the_estimate_names_a_planned_flavor_a_running_contract_covers():
    contracts = [
        {
            "id": 12,
            "end_date": "2026-03-13T12:00:00Z",
            "discounts": [{"resource_name": "n3-A100x8", "remaining_count": 2}, {"resource_name": "n3-H100x8", "remaining_count": 0}],
        },
        {"id": 9, "end_date": "2026-01-01T00:00:00Z", "discounts": [{"resource_name": "n3-A100x8", "remaining_count": 5}]},
    ]
    assert _payments.contract_cover(contracts, ["n3-A100x8", "n3-H100x8"], NOW) == [
        {"flavor": "n3-A100x8", "contract_id": 12, "remaining_count": 2, "end_date": "2026-03-13T12:00:00Z"}
    ]


def test_the_events_are_told_once_per_occurrence():
    events, seen = _payments.payment_events(None, {"status": "active"}, [_payment("failed", 3, 3, "old")])
    # The first poll tells nothing of what already was.
    assert not events
    declined = _payment("declined", 3, 3, "pay-2")
    events, seen = _payments.payment_events(seen, {"status": "disabled"}, [_payment("failed", 3, 3, "old"), _payment("failed", 1, 3, "pay-3"), declined])
    assert [event["summary"] for event in events] == [
        "auto top-up is disabled, no longer active",
        "a top-up payment of $50.00 is declined (attempt 3 of 3)",
    ]
    # The same state polled again: nothing new.
    assert not _payments.payment_events(seen, {"status": "disabled"}, [declined])[0]
