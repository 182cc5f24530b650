# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py, by property: whatever a server answers, the client returns the right facts
or one clean error.

Every example goes over real HTTP to one long-lived raw-socket server on loopback, whose next
answer the example sets. The facts are checked against an oracle written apart from the client.
"""

from __future__ import annotations

import json
import math
import string
from urllib.parse import quote

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, SPECIAL_KEY, HyperstackError, check_message, make_client, respond

# How many examples, derandomized: the settings profile conftest.py loads.
SECRETS = sorted({KEY, json.dumps(KEY)[1:-1], quote(KEY, safe=""), "x" * 190 + KEY, "Bearer " + KEY, KEY + "\n" + KEY})
texts = st.one_of(st.text(max_size=40), st.sampled_from(SECRETS))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -0.0, 1e15, -1e15, 1e15 + 1, 10**15, 10**15 + 1, 0.1, 0.3, 1e-300, 5e-324]),
    texts,
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4), max_leaves=12)
# A header value the wire can carry: latin-1, no line breaks.
header_texts = st.one_of(st.text(alphabet=string.printable.strip("\r\n\x0b\x0c") + "éü²³¹", max_size=60), st.sampled_from([KEY, "x" * 100 + KEY]))
statuses = st.integers(min_value=100, max_value=599)

_MISSING = object()


def _money(value):
    # Written apart from the client: a JSON number (not a boolean), finite, within +-1e15.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return -(10**15) <= value <= 10**15


def oracle(body):
    """The facts a correct client returns for this 200 body, or None if it must fail."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("status") is not True:
        return None
    if "message" in document and not isinstance(document["message"], str):
        return None
    data = document.get("data")
    if not isinstance(data, dict) or not _money(data.get("credit")) or not _money(data.get("threshold")):
        return None
    can_create = data.get("can_create_instance", _MISSING)
    if can_create is not _MISSING and not isinstance(can_create, bool):
        return None
    return {"credit": data["credit"], "threshold": data["threshold"], "can_create_instance": None if can_create is _MISSING else can_create}


def _loads(body):
    # The body as the client's JSON parser sees it, for what text the server sent.
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _client(server):
    # One retry, no waiting: retries are exercised, the example stays fast.
    return make_client(server.url(), api_retries=1, api_timeout=2, sleep=lambda seconds: None)


def check(server, status, body, content_type="application/json", reason=None, headers=None):
    server.only(respond(status, body, content_type=content_type, reason=reason, headers=headers))
    served = "\n".join([body.decode("latin-1"), json.dumps(_loads(body)), content_type, reason or ""] + list((headers or {}).values()))
    expected = oracle(body) if 200 <= status < 300 and status != 204 else None
    try:
        facts = CREDIT.fetch(_client(server))
    except HyperstackError as exc:
        check_message(exc.msg, served=served)
        assert expected is None or status == 100, "valid body refused: %r -> %s" % (body[:300], exc.msg)
        if status >= 400:
            assert exc.status_code == status and ("HTTP %d" % status) in exc.msg
        elif 300 <= status < 400:
            assert exc.status_code == status and ("HTTP %d with a redirect" % status) in exc.msg, exc.msg
        return
    assert expected is not None, "facts %r from an answer that is not a valid credit response (HTTP %d, %r)" % (facts, status, body[:300])
    headroom = facts.pop("headroom")
    assert facts == expected
    assert [type(facts[k]) for k in ("credit", "threshold")] == [type(expected[k]) for k in ("credit", "threshold")]
    exact = expected["credit"] - expected["threshold"]
    assert math.isfinite(headroom)
    if isinstance(expected["credit"], int) and isinstance(expected["threshold"], int):
        assert headroom == exact and isinstance(headroom, int)
    else:
        assert abs(headroom - exact) <= 1e-9 * max(1.0, abs(expected["credit"]), abs(expected["threshold"]))


@given(value=json_values)
def test_any_json_body(_scripted, value):
    check(_scripted, 200, json.dumps(value, allow_nan=True).encode())


@given(body=st.binary(max_size=1500))
def test_any_bytes_body(_scripted, body):
    check(_scripted, 200, body, content_type="application/octet-stream")


envelopes = st.fixed_dictionaries(
    {
        "status": st.one_of(st.just(True), st.just(True), json_values),
        "data": st.one_of(
            st.fixed_dictionaries(
                {"credit": scalars, "threshold": scalars},
                optional={"can_create_instance": st.one_of(st.booleans(), scalars), "extra": json_values},
            ),
            st.fixed_dictionaries(
                {"credit": st.floats(-1e16, 1e16) | st.integers(-(10**16), 10**16), "threshold": st.floats(-1e16, 1e16) | st.integers(-(10**16), 10**16)}
            ),
            json_values,
        ),
    },
    optional={"message": st.one_of(texts, json_values), "error_reason": texts, "request_id": json_values},
)


@given(document=envelopes)
def test_envelopes_with_fuzzed_data(_scripted, document):
    check(_scripted, 200, json.dumps(document, allow_nan=True).encode())


@given(
    status=statuses,
    body=st.one_of(envelopes.map(json.dumps), json_values.map(json.dumps), st.binary(max_size=300).map(lambda b: b.decode("latin-1")), st.just("")),
    reason=st.one_of(st.none(), header_texts),
    content_type=header_texts,
    extra=st.dictionaries(st.sampled_from(["Retry-After", "Location", "X-Api-Key-Echo", "WWW-Authenticate"]), header_texts, max_size=3),
)
# Found by this test: requests decoded a redirect's Location as UTF-8 and crashed on a Latin-1 byte.
@example(status=302, body="", reason=None, content_type="application/json", extra={"Location": "https://api.example/caf\u00e9"})
@example(status=301, body="{}", reason="Moved \u00e9", content_type="text/html; charset=\u00e9", extra={"Location": "/v1/\u00ff" + KEY})
def test_any_status_and_headers(_scripted, status, body, reason, content_type, extra):
    check(_scripted, status, body.encode("latin-1", "replace") if isinstance(body, str) else body, content_type=content_type, reason=reason, headers=extra)


@settings(max_examples=60)
@given(message=st.one_of(texts, st.text(min_size=150, max_size=400).map(lambda t: t + SPECIAL_KEY)), status=st.sampled_from([200, 400, 401, 403, 429, 500]))
def test_an_echoed_special_key_never_leaks(_scripted, message, status):
    # A key whose JSON-escaped and URL-quoted forms differ from it, echoed at any place in a message.
    message = message.replace(SPECIAL_KEY, KEY).replace(KEY, SPECIAL_KEY)
    body = json.dumps({"status": False, "message": message, "error_reason": quote(SPECIAL_KEY) + " " + message})
    _scripted.only(respond(status, body, reason="Bad " + SPECIAL_KEY, headers={"Location": SPECIAL_KEY}))
    try:
        CREDIT.fetch(make_client(_scripted.url(), api_key=SPECIAL_KEY, api_retries=0))
    except HyperstackError as exc:
        check_message(exc.msg, key=SPECIAL_KEY, served=body + message)
    else:
        raise AssertionError("status false must fail")
