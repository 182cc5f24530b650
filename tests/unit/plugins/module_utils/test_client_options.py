# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py, its options: a client given bad options is refused before any
request, naming the option (and never printing the key); loose but unambiguous spellings reach the right place."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackClient
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, HyperstackError, check_message, credit_body, respond

BAD_OPTIONS = [
    # (id, options, the option the message must name, more words it must have)
    ("key-none", {"api_key": None}, "api_key", ["HYPERSTACK_API_KEY"]),
    ("key-empty", {"api_key": ""}, "api_key", ["missing or empty"]),
    ("key-whitespace", {"api_key": " \t\n "}, "api_key", ["missing or empty"]),
    ("key-not-a-string", {"api_key": 12345}, "api_key", []),
    ("key-with-space", {"api_key": "hs-SECRET 6f1c9a"}, "api_key", ["spaces"]),
    ("key-with-newline", {"api_key": "hs-SECRET\n6f1c9a"}, "api_key", ["spaces or control"]),
    ("key-with-control", {"api_key": "hs-SECRET\x076f1c9a"}, "api_key", ["control"]),
    ("key-not-ascii", {"api_key": "ключ-6f1c9a"}, "api_key", ["ASCII"]),
    ("key-latin1", {"api_key": "hs-SECRÉT-6f1c9a"}, "api_key", ["ASCII"]),
    ("url-empty", {"api_url": ""}, "api_url", ["http:// or https://"]),
    ("url-none", {"api_url": None}, "api_url", []),
    ("url-not-a-string", {"api_url": 8080}, "api_url", []),
    ("url-no-scheme", {"api_url": "infrahub-api.nexgencloud.com/v1"}, "api_url", ["http:// or https://"]),
    ("url-words", {"api_url": "not a url"}, "api_url", []),
    ("url-ftp", {"api_url": "ftp://127.0.0.1/v1"}, "api_url", ["http:// or https://"]),
    ("url-file", {"api_url": "file:///etc/passwd"}, "api_url", ["http:// or https://"]),
    ("url-javascript", {"api_url": "javascript:alert(1)"}, "api_url", []),
    ("url-no-host", {"api_url": "https:///v1"}, "api_url", ["host"]),
    ("url-plain-http-remote", {"api_url": "http://example.com/v1"}, "api_url", ["plain http", "https"]),
    ("url-plain-http-private-ip", {"api_url": "http://10.0.0.5/v1"}, "api_url", ["plain http"]),
    ("url-plain-http-any-address", {"api_url": "http://0.0.0.0:8080/v1"}, "api_url", ["plain http"]),
    ("url-bad-port", {"api_url": "https://127.0.0.1:99999/v1"}, "api_url", ["not a valid URL"]),
    ("url-text-port", {"api_url": "https://127.0.0.1:https/v1"}, "api_url", ["not a valid URL"]),
    ("url-bad-ipv6", {"api_url": "https://[::1/v1"}, "api_url", ["not a valid URL"]),
    ("url-space-in-host", {"api_url": "https://infrahub api.nexgencloud.com/v1"}, "api_url", ["not a valid URL"]),
    ("url-empty-label", {"api_url": "https://infrahub-api..nexgencloud.com/v1"}, "api_url", ["not a valid URL"]),
    ("url-label-too-long", {"api_url": "https://%s.nexgencloud.com/v1" % ("a" * 70)}, "api_url", ["not a valid URL"]),
    ("url-credentials", {"api_url": "https://user:pw@infrahub-api.nexgencloud.com/v1"}, "api_url", ["credentials"]),
    ("url-query", {"api_url": "https://infrahub-api.nexgencloud.com/v1?api_key=x"}, "api_url", ["query"]),
    ("url-fragment", {"api_url": "https://infrahub-api.nexgencloud.com/v1#x"}, "api_url", ["fragment"]),
    ("timeout-negative", {"api_timeout": -1}, "api_timeout", ["more than 0"]),
    ("timeout-zero", {"api_timeout": 0}, "api_timeout", ["more than 0"]),
    ("timeout-nan", {"api_timeout": float("nan")}, "api_timeout", []),
    ("timeout-inf", {"api_timeout": float("inf")}, "api_timeout", []),
    ("timeout-text", {"api_timeout": "soon"}, "api_timeout", ["number"]),
    ("timeout-none", {"api_timeout": None}, "api_timeout", ["number"]),
    ("retries-negative", {"api_retries": -1}, "api_retries", ["0 or more"]),
    ("retries-text", {"api_retries": "many"}, "api_retries", ["number"]),
    ("retries-inf", {"api_retries": float("inf")}, "api_retries", []),
    ("retries-fraction", {"api_retries": "2.5"}, "api_retries", ["whole number"]),
    ("max-delay-negative", {"api_retry_max_delay": -0.5}, "api_retry_max_delay", ["0 or more"]),
    ("max-delay-nan", {"api_retry_max_delay": float("nan")}, "api_retry_max_delay", []),
    ("ca-path-not-a-string", {"ca_path": 42}, "ca_path", []),
]


@pytest.mark.parametrize("name, options, option, words", BAD_OPTIONS, ids=[case[0] for case in BAD_OPTIONS])
def test_bad_option_is_refused_before_any_request(scripted, name, options, option, words):
    params = dict(api_key=KEY, api_url=scripted.url(), api_timeout=1.0, api_retries=0, api_retry_max_delay=0.1, validate_certs=True, ca_path=None)
    params.update(options)
    with pytest.raises(HyperstackError) as caught:
        HyperstackClient(**params)
    msg = check_message(caught.value.msg)
    assert msg.startswith(option), msg
    for word in words:
        assert word in msg, (word, msg)
    assert caught.value.status_code is None
    assert scripted.connections == 0


def test_the_key_is_never_in_an_option_error(scripted):
    # A key pasted into the wrong option must not be printed back.
    for options in ({"api_url": KEY}, {"api_url": "https://%s.invalid/v1?x" % KEY}, {"api_timeout": KEY}, {"api_retries": KEY + "x" * 60}):
        params = dict(api_key=KEY, api_url=scripted.url())
        params.update(options)
        with pytest.raises(HyperstackError) as caught:
            HyperstackClient(**params)
        check_message(caught.value.msg)


@pytest.mark.parametrize(
    "options",
    [
        {"api_key": "  %s  " % KEY},
        {"api_url": "  http://127.0.0.1:{port}/v1/  "},
        {"api_url": "HTTP://LOCALHOST:{port}/v1"},
        {"api_url": "http://[::1]:{port}/v1", "api_retries": 0, "expect_refused": True},
        {"api_timeout": "0.5", "api_retries": "2", "api_retry_max_delay": "0"},
        {"api_retries": 0, "api_retry_max_delay": 0},
    ],
    ids=["key-padded", "url-padded-trailing-slash", "url-upper-case", "ipv6-loopback", "numbers-as-strings", "zeros"],
)
def test_acceptable_options(scripted, options):
    # Loose but unambiguous spellings work, and reach the right place.
    scripted.always(respond(200, credit_body()))
    options = dict(options)
    refused = options.pop("expect_refused", False)
    params = dict(api_key=KEY, api_url=scripted.url(), api_timeout=1.0)
    params.update({k: v.format(port=scripted.port) if isinstance(v, str) else v for k, v in options.items()})
    client = HyperstackClient(**params)
    if refused:
        # The server listens on IPv4 only; reaching [::1] must fail cleanly.
        with pytest.raises(HyperstackError):
            CREDIT.fetch(client)
        return
    assert CREDIT.fetch(client)["credit"] == 10.0
    assert scripted.requests[-1].header("api_key") == KEY
    assert scripted.requests[-1].target == "/v1/billing/user-credit/credit"


def test_plain_http_remote_makes_no_dns_lookup_nor_request():
    # Refused from the text alone: the name is not even resolved.
    with pytest.raises(HyperstackError) as caught:
        HyperstackClient(api_key=KEY, api_url="http://never-resolved.invalid/v1")
    assert "plain http" in caught.value.msg
