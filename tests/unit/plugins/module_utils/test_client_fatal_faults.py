# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py: faults that never clear must end in one clear failure, in bounded time."""

from __future__ import annotations

import json
import socket
import time

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import api_requests, at_once, credit_body, fetch_failure, hang, make_client, trickle


def test_rate_limited_forever(emu):
    emu.state.add_faults(
        [
            {
                "status": 429,
                "headers": {"Retry-After": "60"},
                "body": {"status": False, "message": "Too Many Requests", "error_reason": "rate limit exceeded"},
                "times": -1,
            }
        ]
    )
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client(emu.api_url, api_retries=2, api_retry_max_delay=0.2))
    elapsed = time.monotonic() - start
    assert exc.status_code == 429
    assert len(api_requests(emu, CREDIT.path)) == 3
    assert "HTTP 429" in exc.msg and "Too Many Requests" in exc.msg and "rate limit exceeded" in exc.msg
    assert "gave up after 3 attempts" in exc.msg and "api_retries" in exc.msg
    # Two waits, each Retry-After: 60 capped to 0.2 s.
    assert 0.35 <= elapsed < 2.5, elapsed


def test_emulator_rate_limit_forever(emu):
    # The emulator's own model of the documented limit: past it, every call gets 429.
    emu.state.update({"rate_limit": 2, "rate_window": 60})
    client = make_client(emu.api_url, api_retries=1, api_retry_max_delay=0.05)
    CREDIT.fetch(client)
    CREDIT.fetch(client)
    exc = fetch_failure(CREDIT, client)
    assert exc.status_code == 429 and "gave up after 2 attempts" in exc.msg


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("retries", [0, 3])
def test_server_error_forever(emu, status, retries):
    emu.state.add_faults([{"status": status, "times": -1}])
    exc = fetch_failure(CREDIT, make_client(emu.api_url, api_retries=retries, api_retry_max_delay=0.05))
    assert len(api_requests(emu, CREDIT.path)) == retries + 1
    assert exc.status_code == status
    assert "HTTP %d" % status in exc.msg and "server error" in exc.msg
    assert ("gave up after %d attempts" % (retries + 1) in exc.msg) == (retries > 0)


@pytest.mark.slow
def test_server_that_never_answers(scripted):
    # Accepts connections and never says a word (nor reads one).
    scripted.always(at_once(hang()))
    url = scripted.url()
    timeout, retries, cap = 0.4, 2, 0.2
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client(url, api_timeout=timeout, api_retries=retries, api_retry_max_delay=cap))
    elapsed = time.monotonic() - start
    attempts = retries + 1
    assert scripted.connections == attempts
    assert "could not reach" in exc.msg and "timed out" in exc.msg.lower() and "gave up after 3 attempts" in exc.msg
    assert exc.status_code is None
    assert attempts * timeout * 0.9 <= elapsed <= attempts * timeout + retries * cap + 1.5, elapsed


def test_hang_forever_on_the_emulator(emu):
    emu.state.add_faults([{"action": "hang", "seconds": 5, "times": -1}])
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client(emu.api_url, api_timeout=0.3, api_retries=1, api_retry_max_delay=0.05))
    assert time.monotonic() - start < 0.6 + 0.05 + 1.5
    assert len(api_requests(emu, CREDIT.path)) == 2
    assert "timed out" in exc.msg.lower()


def test_connection_refused():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client("http://127.0.0.1:%d/v1" % port, api_retries=1, api_retry_max_delay=0.05))
    assert time.monotonic() - start < 2
    assert "could not reach http://127.0.0.1:%d/v1" % port in exc.msg
    assert "refused" in exc.msg.lower()
    assert exc.status_code is None


def test_dns_failure():
    # .invalid is reserved (RFC 6761): it never resolves, so no API host can be reached.
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client("https://hyperstack-api.invalid/v1", api_retries=1, api_retry_max_delay=0.05))
    assert time.monotonic() - start < 15
    assert "hyperstack-api.invalid" in exc.msg
    assert "resolve" in exc.msg.lower(), exc.msg


@pytest.mark.slow
def test_slow_drip_body_is_cut_by_the_deadline(scripted):
    # Each byte arrives well within the timeout; only a deadline for the whole body stops it.
    scripted.always(trickle("body", delay=0.1))
    timeout = 0.5
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client(scripted.url(), api_timeout=timeout, api_retries=1, api_retry_max_delay=0.05))
    elapsed = time.monotonic() - start
    assert len(scripted.requests) == 2
    assert "timed out" in exc.msg.lower() or "did not arrive" in exc.msg
    # Two attempts of at most the timeout each (the body alone would take 8 s per attempt).
    assert elapsed < 2 * (timeout + 0.3) + 0.05 + 1.0, elapsed


def test_slow_drip_on_the_emulator(emu):
    emu.state.add_faults([{"action": "drip", "delay": 0.05, "times": -1}])
    start = time.monotonic()
    fetch_failure(CREDIT, make_client(emu.api_url, api_timeout=0.4, api_retries=0))
    assert time.monotonic() - start < 1.5


def test_slow_drip_of_a_hang_after_the_head(scripted):
    # Head at once, then nothing: the read timeout ends it.
    scripted.always(trickle("body", delay=30))
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client(scripted.url(), api_timeout=0.4, api_retries=0))
    assert time.monotonic() - start < 1.5
    assert "timed out" in exc.msg.lower() or "did not arrive" in exc.msg


def test_hang_before_the_head(scripted):
    scripted.always(hang(30))
    start = time.monotonic()
    fetch_failure(CREDIT, make_client(scripted.url(), api_timeout=0.4, api_retries=0))
    assert time.monotonic() - start < 1.5


@pytest.mark.slow
def test_a_read_never_waits_past_the_deadline(scripted):
    # Head and a first byte of the body at once, the next byte late in the timeout, then silence:
    # the read after it may wait only what is left of the timeout, not a whole timeout more.
    timeout = 1.0

    def late_then_silent(conn, request, server):
        body = json.dumps(credit_body()).encode()
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:1])
        if not server.wake.wait(0.7):
            conn.sendall(body[1:2])
            server.wake.wait(5)

    scripted.always(late_then_silent)
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client(scripted.url(), api_timeout=timeout, api_retries=0))
    elapsed = time.monotonic() - start
    assert "did not arrive within 1.0 seconds" in exc.msg or "timed out" in exc.msg, exc.msg
    # At the deadline (1 s), not 0.7 s + a whole second of timeout (1.7 s).
    assert elapsed < 1.45, elapsed
