# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py: the API's own errors, not retried, worded with the API's message and reason."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT, LAST_DAY_COST
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, ROOT, api_requests, credit_body, fetch_failure, make_client, respond


@pytest.mark.parametrize(
    "status, message, reason, hint",
    [
        (400, "Bad Request", "organization id missing", None),
        (401, "No valid API key provided", "Unauthorized", "api_key"),
        (403, "Forbidden", "the key lacks the billing permission", "not allowed"),
        (404, "Not Found", "no such endpoint", "api_url"),
        (409, "Conflict", "state changed", None),
        (422, "Unprocessable Entity", "validation failed", None),
    ],
)
def test_client_errors_are_not_retried(emu, status, message, reason, hint):
    emu.state.add_faults([{"status": status, "body": {"status": False, "message": message, "error_reason": reason}, "times": -1}])
    exc = fetch_failure(CREDIT, make_client(emu.api_url, api_retries=3, api_retry_max_delay=0.05))
    assert len(api_requests(emu, CREDIT.path, LAST_DAY_COST.path)) == 1
    assert exc.status_code == status
    assert "HTTP %d" % status in exc.msg
    assert message in exc.msg and "error_reason: %s" % reason in exc.msg
    assert CREDIT.path in exc.msg
    if hint:
        assert hint in exc.msg
    assert exc.result() == {"msg": exc.msg, "status_code": status}


def test_wrong_key_gets_the_emulators_401(emu):
    exc = fetch_failure(CREDIT, make_client(emu.api_url, api_key="hs-not-the-right-one", api_retries=3))
    assert exc.status_code == 401
    assert "No valid API key provided" in exc.msg and "HYPERSTACK_API_KEY" in exc.msg
    assert len(api_requests(emu, CREDIT.path, LAST_DAY_COST.path)) == 1


def test_unknown_path_gets_a_404(emu):
    exc = fetch_failure(CREDIT, make_client(emu.base_url + "/v2", api_retries=3))
    assert exc.status_code == 404 and "api_url" in exc.msg and "/v1" in exc.msg


def test_same_message_and_reason_are_not_repeated(emu):
    emu.state.add_faults([{"status": 403, "body": {"status": False, "message": "Forbidden", "error_reason": "Forbidden"}}])
    exc = fetch_failure(CREDIT, make_client(emu.api_url))
    assert exc.msg.endswith(": Forbidden; the key is valid but not allowed this call") and "error_reason" not in exc.msg


def test_500_with_html_says_it_is_not_the_api_json(emu):
    emu.state.add_faults([{"status": 500, "body": "<html><body><h1>500 Internal Server Error</h1>\n<p>nginx</p></body></html>", "times": -1}])
    exc = fetch_failure(CREDIT, make_client(emu.api_url, api_retries=1, api_retry_max_delay=0.05))
    assert exc.status_code == 500
    assert "HTTP 500" in exc.msg and "text/html" in exc.msg and "not the API's JSON" in exc.msg
    assert "<html>" not in exc.msg
    assert len(api_requests(emu, CREDIT.path, LAST_DAY_COST.path)) == 2


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"", None),
        (b"\xff\xfe\x00garbage", "application/octet-stream"),
        (b'{"message": ', "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"message": 42, "error_reason": ["x"]}', "application/json"),
        (b"[" * 100000 + b"]" * 100000, "application/json"),
    ],
)
def test_error_bodies_that_are_not_the_error_model(scripted, body, content_type):
    scripted.always(respond(418, body, content_type=content_type))
    exc = fetch_failure(CREDIT, make_client(scripted.url(), api_retries=2))
    assert exc.status_code == 418 and "HTTP 418" in exc.msg
    assert len(scripted.requests) == 1
    if body:
        assert "not the API's JSON" in exc.msg


def test_long_api_message_is_shortened_to_one_line(scripted):
    scripted.always(respond(400, {"status": False, "message": "line one\nline two\r\n" + "x" * 5000, "error_reason": "\tspaced\n"}))
    exc = fetch_failure(CREDIT, make_client(scripted.url()))
    assert "line one line two" in exc.msg and "error_reason: spaced" in exc.msg
    assert len(exc.msg) < 800


def test_last_day_cost_errors_use_the_same_model(emu):
    emu.state.add_faults([{"status": 403, "body": {"status": False, "message": "Forbidden", "error_reason": "no billing role"}}])
    exc = fetch_failure(LAST_DAY_COST, make_client(emu.api_url))
    assert exc.status_code == 403 and "no billing role" in exc.msg and LAST_DAY_COST.path in exc.msg


def test_every_request_says_who_sends_it(scripted):
    # The User-Agent names the collection and the version galaxy.yml gives it.
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    scripted.always(respond(200, credit_body()))
    CREDIT.fetch(make_client(scripted.url()))
    request = scripted.requests[0]
    assert (request.method, request.target) == ("GET", "/v1/billing/user-credit/credit")
    assert request.header("user-agent") == "nexgencloud.hyperstack/%s (Ansible collection)" % version
    assert request.header("api_key") == KEY and request.header("accept") == "application/json"
