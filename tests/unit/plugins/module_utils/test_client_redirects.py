# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py: the key never follows a redirect, nor goes through a proxy it should not."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, SPECIAL_KEY, ScriptedServer, credit_body, fetch_failure, make_client, respond


@pytest.fixture(scope="module")
def _recorder():
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture
def recorder(_recorder):
    """A second server, on another port, that records anything sent to it and answers a valid body."""
    _recorder.reset()
    _recorder.always(respond(200, credit_body()))
    yield _recorder
    _recorder.reset()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("target", ["other-port", "other-host", "same-server"])
def test_redirect_is_not_followed(scripted, recorder, status, target):
    location = {
        "other-port": recorder.url("/v1/billing/user-credit/credit"),
        "other-host": "http://localhost:%d/v1/billing/user-credit/credit" % recorder.port,
        "same-server": scripted.url("/v2/billing/user-credit/credit"),
    }[target]
    scripted.answer(respond(status, b"", headers={"Location": location}))
    exc = fetch_failure(CREDIT, make_client(scripted.url(), api_retries=3))
    assert recorder.requests == [] and recorder.connections == 0, "the redirect target got a request"
    assert len(scripted.requests) == 1, "one request, no retry, no follow"
    assert exc.status_code == status
    assert "HTTP %d" % status in exc.msg and location in exc.msg
    assert "set api_url to the final address" in exc.msg and "not followed" in exc.msg


def test_redirect_that_echoes_the_key_in_location(scripted):
    scripted.answer(respond(302, b"", headers={"Location": "https://evil.example/steal?k=%s&raw=%s" % (quote(KEY, safe=""), KEY)}))
    exc = fetch_failure(CREDIT, make_client(scripted.url()))
    assert "evil.example" in exc.msg and "********" in exc.msg


def test_redirect_to_a_latin1_location(scripted):
    # requests decodes Location as UTF-8 even when it does not follow it: one Latin-1 byte (é as 0xe9)
    # ended the module with "Module failed: 'utf-8' codec can't decode byte 0xe9" and a traceback.
    scripted.answer(respond(302, b"", headers={"Location": "https://api.example/caf\u00e9/v1"}))
    exc = fetch_failure(CREDIT, make_client(scripted.url(), api_retries=3))
    assert exc.status_code == 302 and len(scripted.requests) == 1
    assert "the API answered HTTP 302 with a redirect to https://api.example/caf\u00e9/v1, which is not followed" in exc.msg


def _plain_session(client):
    # A plain requests.Session, without the client's fix for the Location above: a real way
    # for the library below to raise something no handler of the client names.
    session = requests.Session()
    session.headers.update(client._session.headers)
    session.trust_env = False
    client._session = session
    return session


def test_an_exception_from_below_is_one_worded_line(scripted):
    client = make_client(scripted.url(), api_retries=3)
    _plain_session(client)
    scripted.always(respond(302, b"", headers={"Location": "https://api.example/caf\u00e9"}))
    exc = fetch_failure(CREDIT, client)
    assert exc.msg.startswith(CREDIT.what + ": the request to %s/billing/user-credit/credit failed unexpectedly: UnicodeDecodeError: " % scripted.url())
    assert exc.status_code is None
    assert len(scripted.requests) == 1, "an unforeseen failure is not retried"


@pytest.mark.parametrize("key", [KEY, SPECIAL_KEY], ids=["key", "special-key"])
def test_an_exception_from_below_is_redacted(scripted, key):
    # A library error that quotes what the server sent: here a response hook (a requests feature)
    # that parses an echoed header, as a library might, and fails quoting the key.
    client = make_client(scripted.url(), api_key=key)
    _plain_session(client).hooks["response"].append(lambda response, **kwargs: int(response.headers["X-Echo"]))
    scripted.always(respond(200, credit_body(), headers={"X-Echo": "%s %s" % (key, quote(key, safe=""))}))
    exc = fetch_failure(CREDIT, client, key=key)
    # fetch_failure checked that no form of the key is left; the error's own words are.
    assert "failed unexpectedly: ValueError: invalid literal for int() with base 10: '********" in exc.msg, exc.msg


def test_redirect_without_location(scripted):
    scripted.answer(respond(302, b""))
    exc = fetch_failure(CREDIT, make_client(scripted.url()))
    assert "redirect" in exc.msg and exc.status_code == 302


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_loopback_http_never_goes_through_a_proxy(emu, recorder, monkeypatch, variable):
    # The loopback exception to https only holds if the request stays on this host:
    # a proxy from the environment would carry the key in clear text across the network.
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "http://127.0.0.1:%d" % recorder.port)
    facts = CREDIT.fetch(make_client(emu.api_url))
    assert facts["credit"] == 1500.0
    assert recorder.requests == [], "the request went through the proxy"
