# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py: POST, PUT and DELETE with a JSON body go through the same key header,
deadline, body cap, schema validation and failure path as GET, against a raw socket server on loopback; and whether a
request is sent again is decided by its nature: one that changes something only when it certainly did not act (a
connection never made: test_client_transient_faults.py); and a client may act only when it is told so."""

from __future__ import annotations

import json

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import MAX_BODY_BYTES, UNKNOWN_OUTCOME, HyperstackClient
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, hang, make_client, respond

ANSWER = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
WHAT = "creating the thing (POST /core/things)"


def _request(url, method="POST", body=None, **options):
    client = make_client(url, api_retries=2, api_retry_max_delay=0.01, **options)
    return client.request(method, "/core/things", ANSWER, WHAT, body=body)


def _failure(url, method="POST", **options):
    with pytest.raises(HyperstackError) as caught:
        _request(url, method, {"name": "x"}, **options)
    return caught.value


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_changing_request_carries_the_key_and_its_json_body_and_its_answer_is_validated(scripted, method):
    scripted.answer(respond(200, {"id": 7}))
    assert _request(scripted.url(), method, {"name": "gpu-1", "count": 2}) == {"id": 7}
    (request,) = scripted.requests
    assert (request.method, request.target) == (method, "/v1/core/things")
    assert request.headers["api_key"] == KEY and request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == {"name": "gpu-1", "count": 2}


def test_an_answer_that_breaks_the_schema_is_the_same_failure_as_a_reads(scripted):
    scripted.answer(respond(200, {"id": "seven"}))
    error = _failure(scripted.url())
    # Answered, so it reached the API: the message also says it may have acted, and it is not sent again.
    assert error.msg == '%s: the response from %s/core/things does not match the expected schema at $.id: expected integer, got "seven"%s' % (
        WHAT,
        scripted.url(),
        UNKNOWN_OUTCOME,
    )
    assert error.status_code == 200 and len(scripted.requests) == 1


def test_an_answer_past_the_body_cap_is_refused_as_a_reads(scripted):
    scripted.answer(respond(200, b"x" * (MAX_BODY_BYTES + 1)))
    msg = _failure(scripted.url()).msg
    assert "is larger than the %d byte cap" % MAX_BODY_BYTES in msg and msg.endswith(UNKNOWN_OUTCOME), msg


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_once_sent_is_not_sent_again(scripted, status):
    scripted.always(respond(status, {"status": False, "message": "busy"}))
    error = _failure(scripted.url())
    assert len(scripted.requests) == 1 and error.status_code == status
    assert error.msg.startswith("%s: HTTP %d " % (WHAT, status)) and error.msg.endswith(UNKNOWN_OUTCOME), error.msg


def test_a_timeout_once_sent_is_not_sent_again(scripted):
    scripted.always(hang(5))
    error = _failure(scripted.url(), api_timeout=0.3)
    assert len(scripted.requests) == 1 and error.msg.endswith(UNKNOWN_OUTCOME), error.msg


def test_a_429_is_sent_again_it_did_not_act(scripted):
    scripted.answer(respond(429, {"status": False, "message": "slow down"}, headers={"Retry-After": "0"}), respond(200, {"id": 8}))
    assert _request(scripted.url(), "DELETE", {"name": "x"}) == {"id": 8}
    assert [r.method for r in scripted.requests] == ["DELETE", "DELETE"]


def test_a_client_may_not_act_unless_it_is_told_so(scripted):
    # The lookup's and the event source's clients, and a module's that reads: a changing request is refused unsent.
    for client in (HyperstackClient(KEY, scripted.url()), HyperstackClient.from_params({"api_key": KEY, "api_url": scripted.url()})):
        assert client.may_act is False and client.sibling({"api_key": KEY, "api_url": scripted.url()}).may_act is False
        with pytest.raises(HyperstackError) as caught:
            client.request("PUT", "/core/things", ANSWER, WHAT, body={"name": "x"})
        assert caught.value.msg == WHAT + ": not sent, because this task may not change anything (a module that only reads, or check mode)"
    assert scripted.requests == []
    # A module's that changes things, and each client it makes for another thread.
    acting = HyperstackClient.from_params({"api_key": KEY, "api_url": scripted.url()}, may_act=True)
    assert acting.sibling({"api_key": KEY, "api_url": scripted.url()}).may_act is True


def test_a_read_is_still_retried_on_a_server_error(scripted):
    scripted.answer(respond(503, {"status": False, "message": "busy"}), respond(200, {"id": 9}))
    assert make_client(scripted.url(), api_retries=1, api_retry_max_delay=0.01).request("GET", "/core/things", ANSWER, WHAT) == {"id": 9}
    assert len(scripted.requests) == 2
