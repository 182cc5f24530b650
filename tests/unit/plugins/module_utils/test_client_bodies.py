# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py: 200 answers whose body is not a credit response, compressed bodies, and the
cap on a body's size (the valid edge cases of the credit endpoint are in test_endpoints_credit.py)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zlib

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import MAX_BODY_BYTES
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT, LAST_DAY_COST
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, SPECIAL_KEY, HyperstackError, credit_body, fetch_failure, make_client, respond


def _envelope(data, **top):
    return json.dumps(dict({"status": True, "message": "Success", "data": data}, **top)).encode()


NOT_JSON = "is not valid JSON"

BAD_BODIES = [
    # (id, body, content type, what the message must say: what is wrong and where, as a JSON path
    # (at $...), the parser's position, or the status false the API itself sent)
    ("html", b"<!DOCTYPE html><html><body>Welcome to nginx</body></html>", "text/html", [NOT_JSON, "text/html", "line 1 column 1 (char 0)"]),
    ("empty", b"", "application/json", [NOT_JSON, "0 bytes", "line 1 column 1 (char 0)"]),
    ("whitespace", b"  \n ", "application/json", [NOT_JSON, "line 2 column 2 (char 4)"]),
    ("truncated-json", b'{"status": true, "message": "Success", "data": {"credit": 12', "application/json", [NOT_JSON, "line 1 column 61 (char 60)"]),
    ("not-utf8", b'{"status": true, "data": {"credit": 1, "threshold": "\xff\xfe"}}', "application/json", [NOT_JSON, "byte 0xff in position 53"]),
    ("top-level-array", b'[{"status": true}]', "application/json", ["at $:", "expected object"]),
    ("top-level-string", b'"Success"', "application/json", ["at $:", "expected object"]),
    ("top-level-null", b"null", "application/json", ["at $:", "expected object"]),
    ("missing-data", b'{"status": true, "message": "Success"}', "application/json", ["at $:", "'data' is a required property"]),
    (
        "missing-status",
        _envelope({"credit": 1, "threshold": 0})[:-1].replace(b'"status": true, ', b"") + b"}",
        "application/json",
        ["at $:", "'status' is a required property"],
    ),
    ("null-data", _envelope(None), "application/json", ["at $.data:", "expected object, got null"]),
    ("data-is-list", _envelope([1, 0]), "application/json", ["at $.data:", "expected object"]),
    ("missing-credit", _envelope({"threshold": 0.0}), "application/json", ["at $.data:", "'credit' is a required property"]),
    ("missing-threshold", _envelope({"credit": 10.0}), "application/json", ["at $.data:", "'threshold' is a required property"]),
    ("null-credit", _envelope({"credit": None, "threshold": 0.0}), "application/json", ["at $.data.credit:", "expected a finite number, got null"]),
    ("string-credit", _envelope({"credit": "10.0", "threshold": 0.0}), "application/json", ["at $.data.credit:", 'got "10.0"']),
    ("string-threshold", _envelope({"credit": 1.0, "threshold": "0"}), "application/json", ["at $.data.threshold:"]),
    ("bool-credit", _envelope({"credit": True, "threshold": 0.0}), "application/json", ["at $.data.credit:", "got true"]),
    ("bool-threshold", _envelope({"credit": 1.0, "threshold": False}), "application/json", ["at $.data.threshold:", "got false"]),
    ("nan", b'{"status": true, "data": {"credit": NaN, "threshold": 0}}', "application/json", ["at $.data.credit:", "finite number"]),
    ("infinity", b'{"status": true, "data": {"credit": 1, "threshold": Infinity}}', "application/json", ["at $.data.threshold:", "finite number"]),
    ("minus-infinity", b'{"status": true, "data": {"credit": -Infinity, "threshold": 0}}', "application/json", ["at $.data.credit:", "finite number"]),
    ("1e400", b'{"status": true, "data": {"credit": 1e400, "threshold": 0}}', "application/json", ["at $.data.credit:", "finite number"]),
    ("huge-int", b'{"status": true, "data": {"credit": 1' + b"0" * 400 + b', "threshold": 0}}', "application/json", ["at $.data.credit:"]),
    ("absurd-int", b'{"status": true, "data": {"credit": 1' + b"0" * 5000 + b', "threshold": 0}}', "application/json", [NOT_JSON, "value has 5001 digits"]),
    ("above-max", _envelope({"credit": 1e16, "threshold": 0}), "application/json", ["at $.data.credit:", "maximum"]),
    ("below-min", _envelope({"credit": 0, "threshold": -(10**16)}), "application/json", ["at $.data.threshold:", "minimum"]),
    (
        "can-create-string",
        _envelope({"credit": 1, "threshold": 0, "can_create_instance": "yes"}),
        "application/json",
        ["at $.data.can_create_instance:", "expected boolean"],
    ),
    (
        "can-create-null",
        _envelope({"credit": 1, "threshold": 0, "can_create_instance": None}),
        "application/json",
        ["at $.data.can_create_instance:", "got null"],
    ),
    (
        "status-string",
        _envelope({"credit": 1, "threshold": 0}).replace(b'"status": true', b'"status": "true"'),
        "application/json",
        ["at $.status:", "expected boolean"],
    ),
    ("message-number", _envelope({"credit": 1, "threshold": 0}, message=200), "application/json", ["at $.message:", "expected string"]),
    ("nested-arrays", b"[" * 100000 + b"]" * 100000, "application/json", ["nested too deeply"]),
    (
        "nested-objects",
        b'{"status": true, "data": {"credit": ' + b'{"a": ' * 100000 + b"1" + b"}" * 100000 + b', "threshold": 0}}',
        "application/json",
        ["nested too deeply"],
    ),
    ("nested-in-data", _envelope({"credit": [[[[[[1]]]]]], "threshold": 0}), "application/json", ["at $.data.credit:", "expected a finite number"]),
    (
        "status-false",
        b'{"status": false, "message": "Organization suspended", "error_reason": "unpaid invoice"}',
        "application/json",
        ["status false: Organization suspended", "error_reason: unpaid invoice"],
    ),
    ("status-false-no-message", b'{"status": false}', "application/json", ["status false: no message"]),
    (
        "status-false-with-data",
        _envelope({"credit": 1, "threshold": 0}).replace(b'"status": true', b'"status": false'),
        "application/json",
        ["status false: Success"],
    ),
]


@pytest.mark.parametrize("name, body, content_type, expected", BAD_BODIES, ids=[case[0] for case in BAD_BODIES])
def test_bad_body_is_a_clear_failure(scripted, name, body, content_type, expected):
    scripted.always(respond(200, body, content_type=content_type))
    exc = fetch_failure(CREDIT, make_client(scripted.url(), api_retries=2))
    assert len(scripted.requests) == 1, "a bad body is not retried"
    assert exc.msg.startswith(CREDIT.what + ": "), exc.msg
    assert exc.status_code == 200
    for text in expected:
        assert text in exc.msg, (text, exc.msg)
    assert len(exc.msg) < 700


def test_of_many_problems_the_first_in_the_schema_is_named_and_the_others_counted(scripted):
    scripted.always(respond(200, _envelope({"credit": "a", "threshold": "b", "can_create_instance": 1})))
    exc = fetch_failure(CREDIT, make_client(scripted.url()))
    assert exc.msg.endswith('does not match the expected schema at $.data.credit: expected a finite number, got "a" (and 2 more problems)'), exc.msg


def test_last_day_cost_names_the_missing_field(scripted):
    scripted.always(respond(200, _envelope({"instances_cost": 1, "volumes_cost": 2, "clusters_cost": 0})))
    exc = fetch_failure(LAST_DAY_COST, make_client(scripted.url()))
    assert "at $.data:" in exc.msg and "'total_cost' is a required property" in exc.msg


@pytest.mark.parametrize("key", [KEY, SPECIAL_KEY], ids=["plain-key", "special-key"])
@pytest.mark.parametrize("padding", [0, 30, 45, 187, 192])
def test_a_key_in_the_body_never_reaches_the_message(scripted, key, padding):
    # Padding places the key where a message is cut short: half a key is still a leak.
    echoed = "x" * padding + key
    scripted.answer(
        respond(200, _envelope({"credit": echoed, "threshold": 0})),
        respond(200, {"status": False, "message": echoed, "error_reason": echoed}),
        respond(400, {"status": False, "message": echoed, "error_reason": echoed}),
        respond(200, _envelope({"credit": 1, "threshold": [echoed], echoed: 1})),
        respond(200, echoed + "not json", content_type=echoed),
    )
    for dummy in range(5):
        fetch_failure(CREDIT, make_client(scripted.url(), api_key=key), key=key)


def test_wrong_content_encoding_is_a_clear_failure(scripted):
    scripted.always(respond(200, b"this is not gzip at all", headers={"Content-Encoding": "gzip"}))
    exc = fetch_failure(CREDIT, make_client(scripted.url(), api_retries=2))
    assert "could not be decoded" in exc.msg
    assert len(scripted.requests) == 1


def test_a_body_compressed_twice_over_is_refused_before_it_is_read(scripted):
    # gzip of gzip: a urllib3 before 2.6 would inflate each layer of a read whole.
    scripted.always(respond(200, gzip.compress(gzip.compress(json.dumps(credit_body()).encode())), headers={"Content-Encoding": "gzip, gzip"}))
    exc = fetch_failure(CREDIT, make_client(scripted.url()))
    assert exc.msg.endswith("/billing/user-credit/credit is compressed 2 times over, which the API never does"), exc.msg


def test_gzip_body_is_decoded(scripted):
    scripted.always(respond(200, gzip.compress(json.dumps(credit_body(credit=7.5, threshold=2.5)).encode()), headers={"Content-Encoding": "gzip"}))
    assert CREDIT.fetch(make_client(scripted.url())) == {"credit": 7.5, "threshold": 2.5, "can_create_instance": True, "headroom": 5.0}


# -- oversized bodies: refused, with memory bounded ----------------------------------

# The child reports its own peak: VmHWM belongs to the memory it has had since it started
# its program. ru_maxrss would not do: it keeps the peak of the pytest process it was forked
# from, so the baseline and the result would both be pytest's figure.
_CHILD = r"""
import json, sys
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackClient
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
client = HyperstackClient(api_key=sys.argv[2], api_url=sys.argv[1], api_timeout=20, api_retries=0)
try:
    outcome = {"facts": CREDIT.fetch(client)}
except HyperstackError as exc:
    outcome = {"msg": exc.msg}
with open("/proc/self/status") as status:
    outcome["peak_mb"] = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024.0
print(json.dumps(outcome))
"""

BIG = 200 * 1024 * 1024


def _fetch_in_child(collection_tree, url):
    env = dict(os.environ, PYTHONPATH=str(collection_tree))
    done = subprocess.run([sys.executable, "-c", _CHILD, url, KEY], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def gzip_bomb():
    # 200 MB of zeros in about 200 kB.
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    parts = [packer.compress(block) for dummy in range(200)]
    return b"".join(parts) + packer.flush()


@pytest.fixture
def bloated_pytest():
    """A pytest process whose own peak is far above what the client needs, as after a big test."""
    ballast = bytearray(150 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page, so it counts as resident
    yield
    del ballast


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the peak from /proc (Linux)")
def test_memory_is_measured_in_a_fresh_process(emu, collection_tree, bloated_pytest):
    # With the test process at 150 MB more, the child still reports its own few tens of MB.
    assert _fetch_in_child(collection_tree, emu.api_url)["peak_mb"] < 100


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the peak from /proc (Linux)")
@pytest.mark.parametrize("how", ["content-length", "no-content-length", "gzip-bomb"])
def test_oversized_body_is_refused_with_bounded_memory(emu, scripted, collection_tree, gzip_bomb, how):
    baseline = _fetch_in_child(collection_tree, emu.api_url)
    assert baseline["facts"]["credit"] == 1500.0
    if how == "gzip-bomb":
        scripted.always(respond(200, gzip_bomb, headers={"Content-Encoding": "gzip"}))
        url = scripted.url()
    else:
        emu.state.add_faults([{"action": "oversized", "size": BIG, "declare_length": how == "content-length"}])
        url = emu.api_url
    outcome = _fetch_in_child(collection_tree, url)
    assert "larger than the 1048576 byte cap" in outcome.get("msg", ""), outcome
    if how == "content-length":
        assert "of %d bytes" % BIG in outcome["msg"]
    growth = outcome["peak_mb"] - baseline["peak_mb"]
    # Reading the body whole would add 200 MB (400 with the join); the cap allows about 2.
    assert growth < 40, (baseline, outcome)
    assert outcome["peak_mb"] < BIG / 1024 / 1024 / 2, outcome


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "no-content-length"])
@pytest.mark.parametrize("extra, accepted", [(0, True), (1, False)], ids=["exactly-the-cap", "one-byte-more"])
def test_the_cap_is_exactly_one_mib(scripted, declare_length, extra, accepted):
    head = json.dumps(credit_body(credit=3.0))[:-1] + ', "padding": "'
    body = (head + "x" * (MAX_BODY_BYTES + extra - len(head) - 2) + '"}').encode()
    assert len(body) == MAX_BODY_BYTES + extra
    scripted.always(respond(200, body, length=declare_length))
    client = make_client(scripted.url())
    if accepted:
        assert CREDIT.fetch(client)["credit"] == 3.0
    else:
        assert "larger than the 1048576 byte cap" in fetch_failure(CREDIT, client).msg


def test_a_schema_with_a_choice_of_types_names_them_all(scripted):
    scripted.always(respond(200, {"note": 1}))
    schema = {"type": "object", "properties": {"note": {"type": ["string", "null"]}}}
    with pytest.raises(HyperstackError) as caught:
        make_client(scripted.url()).get("/anything", schema, "reading a note")
    assert caught.value.msg.endswith("does not match the expected schema at $.note: expected string or null, got 1")


@pytest.mark.parametrize("declare_length", [True, False])
def test_oversized_body_in_process(emu, declare_length):
    emu.state.add_faults([{"action": "oversized", "size": 3 * 1024 * 1024, "declare_length": declare_length}])
    exc = fetch_failure(CREDIT, make_client(emu.api_url, api_retries=2))
    assert "byte cap" in exc.msg


@pytest.mark.parametrize("header", ["Content-Length", "Retry-After"])
def test_latin1_digit_headers_are_not_numbers(scripted, header):
    # "²".isdigit() is true, but no number: it must neither crash the client nor count as one.
    scripted.answer(
        respond(429, {"status": False, "message": "slow down"}, headers={header: "\u00b2"}, length=header != "Content-Length"),
        respond(200, credit_body(credit=7.0), headers={header: "\u00b2"}, length=header != "Content-Length"),
    )
    facts = CREDIT.fetch(make_client(scripted.url(), api_retries=1, api_retry_max_delay=0.1))
    assert facts["credit"] == 7.0
