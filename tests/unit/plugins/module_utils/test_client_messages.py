# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py, its whole messages: each failure of a request, word for word,
from its first character to its last.

The other tests check that a message holds the right facts; these pin the wording a user reads
(and a playbook may match on), so a change to any of it is a deliberate one.
"""

from __future__ import annotations

import re
import socket

import pytest
import requests

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import credit_body, fetch_failure, hang, make_client, respond

WHAT = re.escape(CREDIT.what)

PATH = re.escape(CREDIT.path)

CASES = [
    # (id, answers, client options, status_code, the whole message as a regular expression; {url} is the API URL)
    (
        "http-400",
        [respond(400, {"status": False, "message": "Bad Request", "error_reason": "organization id missing"})],
        {},
        400,
        r"HTTP 400 Bad Request from {url}: Bad Request \(error_reason: organization id missing\)",
    ),
    (
        "http-401",
        [respond(401, {"status": False, "message": "No valid API key provided", "error_reason": "Unauthorized"})],
        {},
        401,
        r"HTTP 401 Unauthorized from {url}: No valid API key provided \(error_reason: Unauthorized\); check api_key or HYPERSTACK_API_KEY",
    ),
    (
        "http-403",
        [respond(403, {"status": False, "message": "Forbidden", "error_reason": "Forbidden"})],
        {},
        403,
        r"HTTP 403 Forbidden from {url}: Forbidden; the key is valid but not allowed this call",
    ),
    (
        "http-404",
        [respond(404, {"status": False, "error_reason": "no such endpoint"})],
        {},
        404,
        r"HTTP 404 Not Found from {url} \(error_reason: no such endpoint\); check api_url, which should end in /v1",
    ),
    (
        "http-429-gave-up",
        [respond(429, {"status": False, "message": "Too Many Requests"})] * 2,
        {"api_retries": 1},
        429,
        r"HTTP 429 Too Many Requests from {url}: Too Many Requests; rate limited \(500 requests per minute per IP\); wait a minute"
        r" or raise api_retries \(gave up after 2 attempts\)",
    ),
    (
        "http-503-html",
        [respond(503, "<html>busy</html>", content_type="text/html")],
        {},
        503,
        r"HTTP 503 Service Unavailable from {url} \(the body is text/html, not the API's JSON error\); the API had a server error; try again later",
    ),
    ("http-418-no-body", [respond(418, b"")], {}, 418, r"HTTP 418 I'm a Teapot from {url}"),
    (
        "redirect",
        [respond(308, b"", headers={"Location": "https://api.example/v1"})],
        {},
        308,
        r"the API answered HTTP 308 with a redirect to https://api\.example/v1, which is not followed so the API key stays with {api};"
        r" set api_url to the final address",
    ),
    (
        "not-json",
        [respond(200, b"<html>hello</html>", content_type="text/html")],
        {},
        200,
        r"the response from {url} is not valid JSON \(text/html, 18 bytes\): Expecting value: line 1 column 1 \(char 0\)",
    ),
    (
        "not-json-untyped",
        [respond(200, b"hello", content_type=None)],
        {},
        200,
        r"the response from {url} is not valid JSON \(unknown type, 5 bytes\): Expecting value: line 1 column 1 \(char 0\)",
    ),
    ("too-deep", [respond(200, b"[" * 100000 + b"]" * 100000)], {}, 200, r"the response from {url} is nested too deeply to be the API's JSON"),
    (
        "status-false",
        [respond(200, {"status": False, "message": "Organization suspended", "error_reason": "unpaid"})],
        {},
        200,
        r"the API answered HTTP 200 with status false: Organization suspended \(error_reason: unpaid\)",
    ),
    ("status-false-bare", [respond(200, {"status": False})], {}, 200, r"the API answered HTTP 200 with status false: no message"),
    (
        "schema",
        [respond(200, {"status": True, "data": {"credit": "1", "threshold": None, "can_create_instance": 0}})],
        {},
        200,
        r"the response from {url} does not match the expected schema at \$\.data\.credit: expected a finite number, got \"1\" \(and 2 more problems\)",
    ),
    (
        "schema-one",
        [respond(200, {"status": True, "data": {"credit": 1, "threshold": 0, "can_create_instance": "yes"}})],
        {},
        200,
        r"the response from {url} does not match the expected schema at \$\.data\.can_create_instance: expected boolean, got \"yes\"",
    ),
    (
        "schema-maximum",
        [respond(200, {"status": True, "data": {"credit": 1e16, "threshold": 0}})],
        {},
        200,
        r"the response from {url} does not match the expected schema at \$\.data\.credit: 1e\+16 is greater than the maximum of 1000000000000000\.0",
    ),
    (
        "cap-declared",
        [respond(200, b"x" * 1048577)],
        {},
        None,
        r"the response body of 1048577 bytes from {url} is larger than the 1048576 byte cap",
    ),
    (
        "cap-streamed",
        [respond(200, b"x" * 1048577, length=False)],
        {},
        None,
        r"the response body from {url} is larger than the 1048576 byte cap",
    ),
    (
        "timeout-gave-up",
        [hang(5)] * 2,
        {"api_timeout": 0.3, "api_retries": 1},
        None,
        r"could not reach {url}: timed out: no complete answer within the api_timeout of 0\.3 seconds \(gave up after 2 attempts\)",
    ),
    (
        "not-decodable",
        [respond(200, b"not gzip", headers={"Content-Encoding": "gzip"})],
        {},
        None,
        r"the response body from {url} could not be decoded: error: Error -3 while decompressing data: incorrect header check",
    ),
]


@pytest.mark.parametrize("name, answers, options, status, expected", CASES, ids=[case[0] for case in CASES])
def test_the_whole_message(scripted, name, answers, options, status, expected):
    scripted.answer(*answers)
    scripted.always(respond(200, credit_body()))
    options = dict({"api_retries": 0, "api_retry_max_delay": 0.01}, **options)
    exc = fetch_failure(CREDIT, make_client(scripted.url(), **options))
    url = re.escape(scripted.url()) + PATH
    pattern = WHAT + ": " + expected.format(url=url, api=re.escape(scripted.url()))
    assert re.fullmatch(pattern, exc.msg), exc.msg
    assert exc.status_code == status


def test_the_whole_message_when_nothing_listens():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = "http://127.0.0.1:%d/v1" % sock.getsockname()[1]
    sock.close()  # nothing listens there now
    exc = fetch_failure(CREDIT, make_client(url, api_retries=0))
    assert re.fullmatch(WHAT + ": could not reach " + re.escape(url) + PATH + r": ConnectionRefusedError: \[Errno \d+\] Connection refused", exc.msg), exc.msg


def test_the_whole_message_when_the_name_does_not_resolve():
    # .invalid never resolves (RFC 6761).
    exc = fetch_failure(CREDIT, make_client("https://hyperstack-api.invalid/v1", api_retries=0))
    expected = (
        WHAT
        + ": could not reach https://hyperstack-api\\.invalid/v1"
        + PATH
        + r": could not resolve the host name hyperstack-api\.invalid \(\[Errno -?\d+\] [^()<>]+\)"
    )
    assert re.fullmatch(expected, exc.msg), exc.msg


def test_an_error_without_words_says_so():
    # The innermost error of the chain names itself even when it has no message of its own.
    client = make_client("http://127.0.0.1:1/v1")
    assert client._exc_reason(requests.exceptions.ConnectionError(OSError())) == "OSError: no detail"
