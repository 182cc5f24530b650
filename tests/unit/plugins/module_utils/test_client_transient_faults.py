# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py: transient faults the client must ride out, against the emulator on loopback,
and a request that acts retried only when it certainly did not act."""

from __future__ import annotations

import email.utils
import socket
import time

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import UNKNOWN_OUTCOME
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT, LABEL, LAST_DAY_COST
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import api_requests, fetch_failure, make_client, refused, reset_connection, respond


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_then_success(emu, status):
    emu.state.update({"credit": 321.5, "threshold": 21.5})
    emu.state.add_faults([{"status": status, "times": 2}])
    facts = CREDIT.fetch(make_client(emu.api_url, api_retries=3, api_retry_max_delay=0.05))
    assert facts == {"credit": 321.5, "threshold": 21.5, "can_create_instance": True, "headroom": 300.0}
    sent = api_requests(emu, CREDIT.path)
    assert len(sent) == 3
    assert all(r["api_key_valid"] for r in sent), "every retry carries the key"


def test_last_day_cost_recovers_too(emu):
    emu.state.add_faults([{"status": 503, "body": "<html>busy</html>"}])
    facts = LAST_DAY_COST.fetch(make_client(emu.api_url, api_retries=1, api_retry_max_delay=0.05))
    assert facts == emu.state.snapshot()["last_day_cost"]


@pytest.mark.slow
def test_retry_after_seconds_is_honoured(emu):
    emu.state.add_faults([{"status": 429, "headers": {"Retry-After": "1"}}])
    start = time.monotonic()
    facts = CREDIT.fetch(make_client(emu.api_url, api_retries=1, api_retry_max_delay=5))
    elapsed = time.monotonic() - start
    assert facts["credit"] == 1500.0
    assert len(api_requests(emu, CREDIT.path)) == 2
    # Backoff alone would wait at most 0.5 s: only Retry-After explains a full second.
    assert 0.95 <= elapsed < 3.5, elapsed


@pytest.mark.parametrize("header, expected", [("7", 7.0), (None, None)], ids=["retry-after", "none"])
def test_the_last_refusal_tells_its_retry_after(emu, header, expected):
    # For a caller that polls (the event source): how long the API asked it to wait, uncapped.
    emu.state.add_faults([{"status": 429, "times": 2, "headers": {"Retry-After": header} if header else {}}])
    exc = fetch_failure(CREDIT, make_client(emu.api_url, api_retries=1, api_retry_max_delay=0.05))
    assert exc.status_code == 429 and exc.retry_after == expected


@pytest.mark.slow
def test_retry_after_http_date_is_honoured(emu):
    # An HTTP date has whole seconds: 2 s ahead means a wait of more than 1 s.
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    emu.state.add_faults([{"status": 503, "headers": {"Retry-After": when}}])
    start = time.monotonic()
    CREDIT.fetch(make_client(emu.api_url, api_retries=1, api_retry_max_delay=5))
    elapsed = time.monotonic() - start
    assert len(api_requests(emu, CREDIT.path)) == 2
    assert 0.95 <= elapsed < 4, elapsed


def test_retry_after_in_the_past_retries_at_once(emu):
    emu.state.add_faults([{"status": 429, "headers": {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}}])
    start = time.monotonic()
    CREDIT.fetch(make_client(emu.api_url, api_retries=1, api_retry_max_delay=5))
    assert time.monotonic() - start < 0.9


@pytest.mark.parametrize("retry_after", ["30", "86400", "99999999999999999999999"])
def test_retry_after_is_capped_by_api_retry_max_delay(emu, retry_after):
    emu.state.add_faults([{"status": 429, "headers": {"Retry-After": retry_after}}])
    start = time.monotonic()
    CREDIT.fetch(make_client(emu.api_url, api_retries=1, api_retry_max_delay=0.4))
    elapsed = time.monotonic() - start
    assert 0.35 <= elapsed < 2.5, elapsed
    assert len(api_requests(emu, CREDIT.path)) == 2


@pytest.mark.parametrize("retry_after", ["soon", "-5", "1.5e3", ""])
def test_unparseable_retry_after_falls_back_to_backoff(emu, retry_after):
    emu.state.add_faults([{"status": 429, "headers": {"Retry-After": retry_after}}])
    start = time.monotonic()
    CREDIT.fetch(make_client(emu.api_url, api_retries=1, api_retry_max_delay=0.3))
    assert time.monotonic() - start < 2.5


def test_connection_reset_then_success(emu):
    emu.state.add_faults([{"action": "reset"}, {"action": "close"}])
    facts = CREDIT.fetch(make_client(emu.api_url, api_retries=2, api_retry_max_delay=0.05))
    assert facts["credit"] == 1500.0
    assert len(api_requests(emu, CREDIT.path)) == 3


def test_read_timeout_then_success(emu):
    emu.state.add_faults([{"action": "hang", "seconds": 5}])
    start = time.monotonic()
    facts = CREDIT.fetch(make_client(emu.api_url, api_timeout=0.5, api_retries=1, api_retry_max_delay=0.05))
    elapsed = time.monotonic() - start
    assert facts["credit"] == 1500.0
    assert len(api_requests(emu, CREDIT.path)) == 2
    assert 0.45 <= elapsed < 3, elapsed


def test_truncated_body_then_success(emu):
    # A body cut short of its Content-Length is a broken connection: worth a retry.
    emu.state.add_faults([{"action": "truncated"}])
    facts = CREDIT.fetch(make_client(emu.api_url, api_retries=1, api_retry_max_delay=0.05))
    assert facts["credit"] == 1500.0
    assert len(api_requests(emu, CREDIT.path)) == 2


def test_raw_reset_then_success(scripted):
    scripted.answer(reset_connection(), respond(200, {"status": True, "data": {"credit": 5, "threshold": 1}}))
    facts = CREDIT.fetch(make_client(scripted.url(), api_retries=1, api_retry_max_delay=0.05))
    assert facts == {"credit": 5, "threshold": 1, "can_create_instance": None, "headroom": 4}
    assert len(scripted.requests) == 2


def test_backoff_grows_and_stays_under_the_cap(emu):
    waits = []
    emu.state.add_faults([{"status": 502, "times": 5}])
    client = make_client(emu.api_url, api_retries=5, api_retry_max_delay=1.5, sleep=waits.append)
    CREDIT.fetch(client)
    assert len(waits) == 5
    # Equal jitter: each wait is within [ceiling/2, ceiling], ceiling = min(cap, 0.5 * 2**n).
    for n, wait in enumerate(waits):
        ceiling = min(1.5, 0.5 * 2**n)
        assert ceiling / 2 <= wait <= ceiling, (n, wait)


# -- a request that acts is retried only when it certainly did not act ------------------------------

LABEL_PATH = "/core/virtual-machines/501/label"


def _label(client):
    return LABEL.fetch(client, body={"labels": ["team=ml"]}, id=501, name="train-01")


@pytest.mark.parametrize("fault", [{"status": 503}, {"status": 500}, {"action": "reset"}, {"action": "close"}, {"action": "hang", "seconds": 3}])
def test_a_request_that_acts_is_not_sent_again_once_it_may_have_acted(emu, fault):
    emu.state.update({"vms": "fleet"})
    emu.state.add_faults([dict(fault, times=-1)])
    msg = refused(_label, make_client(emu.api_url, api_retries=3, api_retry_max_delay=0.05, api_timeout=0.5))
    # Once: a read is retried on these, a change never is; the message says what to do instead.
    assert len(api_requests(emu, LABEL_PATH)) == 1, api_requests(emu, LABEL_PATH)
    assert msg.startswith("setting the labels of virtual machine train-01 (id 501) (PUT /core/virtual-machines/501/label): ") and UNKNOWN_OUTCOME in msg, msg


def test_a_429_on_a_request_that_acts_is_sent_again(emu):
    emu.state.update({"vms": "fleet"})
    emu.state.add_faults([{"status": 429, "times": 2, "headers": {"Retry-After": "0"}}])
    assert _label(make_client(emu.api_url, api_retries=2, api_retry_max_delay=0.05)) == "Labels of virtual machine 501 edited successfully"
    sent = api_requests(emu, LABEL_PATH)
    assert len(sent) == 3 and all(r["method"] == "PUT" and r["body"] == {"labels": ["team=ml"]} for r in sent), sent


def test_a_request_that_acts_is_sent_again_when_no_connection_could_be_made():
    # A port nothing listens on: refused before a byte is sent, so asking again cannot act twice.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits = []
    msg = refused(_label, make_client("http://127.0.0.1:%d/v1" % port, api_retries=2, api_retry_max_delay=0.05, sleep=waits.append))
    assert len(waits) == 2 and "gave up after 3 attempts" in msg and UNKNOWN_OUTCOME not in msg, msg


def test_a_read_is_still_retried_as_before(emu):
    emu.state.add_faults([{"action": "reset"}])
    assert CREDIT.fetch(make_client(emu.api_url, api_retries=1, api_retry_max_delay=0.05))["credit"] == 1500.0
    assert len(api_requests(emu, CREDIT.path)) == 2
