# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_deadline.py: api_timeout bounds a whole attempt, no server holds one longer, however
slowly it sends.

Each server here sends every byte well within any read timeout, so only a deadline on the
whole attempt (connection, TLS handshake, status line, headers, body) can end it.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time

import pytest
from urllib3.util.ssltransport import SSLTransport

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._deadline import Deadline
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import Proxy, fetch_failure, make_client, trickle

TIMEOUT = 1.0
# How far past api_timeout one attempt may end: the slack of a busy machine.
SLACK = 1.0


def _timed_failure(url, **options):
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client(url, api_timeout=TIMEOUT, api_retries=0, **options))
    return exc, time.monotonic() - start


def _assert_timed_out(exc, elapsed):
    assert exc.msg.endswith("timed out: no complete answer within the api_timeout of %s seconds" % TIMEOUT), exc.msg
    assert exc.status_code is None
    # At least the deadline (not an early failure of another kind), at most the deadline and its slack.
    assert TIMEOUT * 0.9 <= elapsed <= TIMEOUT + SLACK, elapsed


@pytest.mark.slow
@pytest.mark.parametrize("part", ["status", "headers", "body"])
def test_a_trickle_over_http_is_cut_at_the_deadline(scripted, part):
    scripted.always(trickle(part, delay=0.2))
    _assert_timed_out(*_timed_failure(scripted.url()))
    assert len(scripted.requests) == 1


@pytest.mark.slow
@pytest.mark.parametrize("part", ["status", "headers", "body"])
def test_a_trickle_over_tls_is_cut_at_the_deadline(tls_scripted, ca_file, part):
    tls_scripted.always(trickle(part, delay=0.2))
    _assert_timed_out(*_timed_failure(tls_scripted.url(), ca_path=ca_file))
    assert len(tls_scripted.requests) == 1


@pytest.mark.slow
def test_a_trickled_tls_handshake_is_cut_at_the_deadline(tls_scripted, ca_file):
    tls_scripted.always(trickle("body", delay=0))
    proxy = Proxy(upstream=tls_scripted.port, delay=0.05)
    try:
        _assert_timed_out(*_timed_failure("https://127.0.0.1:%d/v1" % proxy.port, ca_path=ca_file))
    finally:
        proxy.close()
    assert tls_scripted.requests == [], "the handshake never finished, so no request was sent"


def test_the_deadline_finds_the_socket_under_tls_in_a_tls_tunnel(ca):
    # Through an https:// proxy, urllib3 puts an SSLTransport (TLS inside the proxy's TLS) where the
    # socket is: the deadline must still shut the socket under it.
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    near, far = socket.socketpair()
    threading.Thread(target=lambda: server_context.wrap_socket(far, server_side=True).recv(1), daemon=True).start()
    transport = SSLTransport(near, client_context, server_hostname="127.0.0.1")

    class Connection:
        sock = transport

    near.settimeout(5)
    start = time.monotonic()
    with Deadline(0.2) as deadline:
        Deadline.watch(Connection())
        # Woken at the deadline by the shutdown (EOF, or an error of the closed TLS), not after 5 s.
        with contextlib.suppress(OSError):
            transport.recv(1)
    assert deadline.expired and time.monotonic() - start < 2


def test_no_shutdown_comes_after_the_attempt_has_ended():
    # The connection goes back to the pool when the attempt ends: a deadline that expires at that
    # moment must either have shut the socket before __exit__ returned, or never shut it.
    for dummy in range(200):
        near, far = socket.socketpair()

        class Connection:
            sock = near

        with Deadline(0.0005):
            Deadline.watch(Connection())
            time.sleep(0.0005)
        ended = deadline_state(near)
        time.sleep(0.002)
        assert deadline_state(near) == ended, "the socket was shut after the attempt had ended"
        near.close()
        far.close()


def deadline_state(sock):
    # Whether the socket was shut down: a shut socket reads as EOF at once.
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False


@pytest.mark.slow
def test_each_retry_gets_its_own_deadline(scripted):
    # Two attempts, each cut at its deadline: the retry is not cut short by the first one's.
    scripted.always(trickle("headers", delay=0.2))
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client(scripted.url(), api_timeout=TIMEOUT, api_retries=1, api_retry_max_delay=0.05))
    elapsed = time.monotonic() - start
    assert len(scripted.requests) == 2 and "gave up after 2 attempts" in exc.msg, exc.msg
    assert 2 * TIMEOUT * 0.9 <= elapsed <= 2 * TIMEOUT + 0.05 + SLACK, elapsed


@pytest.mark.slow
def test_an_answer_within_the_deadline_is_not_cut(scripted):
    # A slow but finished answer passes (in a fifth of api_timeout: room for a busy machine); the connection is reused.
    scripted.always(trickle("body", delay=0.002))
    client = make_client(scripted.url(), api_timeout=TIMEOUT, api_retries=0)
    assert CREDIT.fetch(client)["credit"] == 10.0
    assert CREDIT.fetch(client)["credit"] == 10.0
