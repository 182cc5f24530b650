# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py: TLS against a real private CA (trustme) on loopback."""

from __future__ import annotations

import re
import socket
import ssl
import time
import warnings

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import (
    HyperstackError,
    Proxy,
    ScriptedServer,
    at_once,
    check_message,
    credit_body,
    fetch_failure,
    make_client,
    respond,
)


def _tls_server(ca, *names):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    server = ScriptedServer(ssl_context=context)
    server.always(respond(200, credit_body(credit=42.0, threshold=2.0)))
    return server


@pytest.fixture(scope="module")
def good_server(ca):
    server = _tls_server(ca, "127.0.0.1", "localhost")
    yield server
    server.close()


@pytest.fixture(scope="module")
def wrong_name_server(ca):
    server = _tls_server(ca, "api.wrong-name.example")
    yield server
    server.close()


@pytest.fixture(scope="module")
def named_server(ca):
    """A TLS server reached by this machine's host name: not loopback by name, so the client reads
    the environment (CA bundles, proxies) as it does for the real API. The name resolves
    to an address of this machine, so the traffic stays on it."""
    name = socket.gethostname()
    try:
        address = socket.getaddrinfo(name, None, socket.AF_INET, socket.SOCK_STREAM)[0][4][0]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(name).configure_cert(context)
        server = ScriptedServer(ssl_context=context, address=address)
    except OSError as exc:
        pytest.skip("this machine's host name %r does not resolve to an address of its own: %s" % (name, exc))
    server.always(respond(200, credit_body(credit=42.0, threshold=2.0)))
    yield "https://%s:%d/v1" % (name, server.port)
    server.close()


@pytest.fixture
def clean_env(monkeypatch):
    for name in (
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_ca_bundle_variable_is_read_on_a_host_name(named_server, ca_file, clean_env, variable):
    # Without ca_path the client trusts what requests trusts: the private CA named by
    # REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE alone is enough.
    clean_env.setenv(variable, ca_file)
    assert CREDIT.fetch(make_client(named_server))["credit"] == 42.0


def test_without_a_bundle_the_private_ca_is_refused_on_a_host_name(named_server, clean_env):
    # The test above proves the variable, not a trust that was there anyway.
    exc = fetch_failure(CREDIT, make_client(named_server, api_retries=0))
    assert "TLS verification failed" in exc.msg and "trust a private CA with ca_path" in exc.msg, exc.msg


@pytest.mark.parametrize("option", ["ca_path", "validate_certs"])
def test_options_win_over_requests_ca_bundle_on_a_host_name(named_server, ca_file, clean_env, option):
    # REQUESTS_CA_BUNDLE names a bundle without the private CA; ca_path, or validate_certs=false, still decides.
    clean_env.setenv("REQUESTS_CA_BUNDLE", ssl.get_default_verify_paths().openssl_cafile)
    options = {"ca_path": ca_file} if option == "ca_path" else {"validate_certs": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # urllib3's InsecureRequestWarning for validate_certs=false
        assert CREDIT.fetch(make_client(named_server, **options))["credit"] == 42.0


@pytest.fixture
def proxy():
    server = Proxy()
    yield server
    server.close()


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"])
def test_https_goes_through_the_proxy_the_environment_names(named_server, ca_file, clean_env, proxy, variable):
    # The key stays inside TLS to the API: the proxy sees a CONNECT to the host, nothing else.
    clean_env.setenv(variable, "http://proxy-user:p%%40ss@127.0.0.1:%d" % proxy.port)
    assert CREDIT.fetch(make_client(named_server, ca_path=ca_file))["credit"] == 42.0
    host = named_server.split("/")[2]
    # HTTP/1.0 from Python 3.11's http.client, 1.1 from 3.12 on.
    assert len(proxy.heads) == 1 and re.match(r"CONNECT %s HTTP/1\.[01]\r\n" % re.escape(host), proxy.heads[0]), proxy.heads
    # Proxy credentials from the URL, decoded: proxy-user:p@ss.
    assert "proxy-authorization: basic cHJveHktdXNlcjpwQHNz\r\n".lower() in proxy.heads[0].lower(), proxy.heads
    assert "hs-SECRET" not in proxy.heads[0]


def test_no_proxy_keeps_a_host_off_the_proxy(named_server, ca_file, clean_env, proxy):
    clean_env.setenv("HTTPS_PROXY", "http://127.0.0.1:%d" % proxy.port)
    clean_env.setenv("NO_PROXY", named_server.split("/")[2].split(":")[0])
    assert CREDIT.fetch(make_client(named_server, ca_path=ca_file))["credit"] == 42.0
    assert proxy.heads == []


@pytest.fixture(params=["system-bundle", "no-env-bundle"])
def ca_bundle_env(request, monkeypatch):
    """Run each test with and without REQUESTS_CA_BUNDLE set, as on machines behind a proxy."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    if request.param == "system-bundle":
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", ssl.get_default_verify_paths().openssl_cafile)
    return request.param


def test_private_ca_is_refused_by_default(good_server, ca_bundle_env):
    start = time.monotonic()
    exc = fetch_failure(CREDIT, make_client(good_server.url(), api_retries=3))
    assert time.monotonic() - start < 2, "a TLS failure is not retried"
    assert re.fullmatch(
        re.escape("%s: TLS verification failed for %s/billing/user-credit/credit (" % (CREDIT.what, good_server.url()))
        + r"SSLCertVerificationError: .*certificate verify failed.*\); trust a private CA with ca_path",
        exc.msg,
    ), exc.msg
    assert exc.status_code is None
    assert good_server.requests == [], "no request crossed an untrusted connection"


def test_private_ca_is_trusted_through_ca_path(good_server, ca_file, ca_bundle_env):
    facts = CREDIT.fetch(make_client(good_server.url(), ca_path=ca_file))
    assert facts["headroom"] == 40.0
    assert good_server.requests[-1].header("api_key")


def test_localhost_name_is_verified_too(good_server, ca_file):
    url = "https://localhost:%d/v1" % good_server.port
    assert CREDIT.fetch(make_client(url, ca_path=ca_file))["credit"] == 42.0


def test_validate_certs_false_accepts_it(good_server, ca_bundle_env):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # urllib3's InsecureRequestWarning is the expected noise
        facts = CREDIT.fetch(make_client(good_server.url(), validate_certs=False))
    assert facts["credit"] == 42.0


def test_ca_path_is_ignored_when_validate_certs_is_false(good_server, tmp_path):
    missing = str(tmp_path / "no-such-ca.pem")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert CREDIT.fetch(make_client(good_server.url(), validate_certs=False, ca_path=missing))["credit"] == 42.0


def test_hostname_mismatch_is_refused(wrong_name_server, ca_file, ca_bundle_env):
    exc = fetch_failure(CREDIT, make_client(wrong_name_server.url(), ca_path=ca_file, api_retries=2))
    assert re.fullmatch(
        re.escape("%s: TLS verification failed for %s/billing/user-credit/credit (" % (CREDIT.what, wrong_name_server.url()))
        + r".+\); use the host name the certificate is issued for in api_url",
        exc.msg,
    ), exc.msg
    assert "127.0.0.1" in exc.msg and ("mismatch" in exc.msg.lower() or "doesn't match" in exc.msg or "not valid for" in exc.msg.lower())
    assert wrong_name_server.requests == []


def test_missing_ca_file_is_refused_before_any_request(good_server, tmp_path):
    missing = str(tmp_path / "no-such-ca.pem")
    before = good_server.connections
    with pytest.raises(HyperstackError) as caught:
        make_client(good_server.url(), ca_path=missing)
    assert "ca_path" in check_message(caught.value.msg) and missing in caught.value.msg
    assert good_server.connections == before


def test_garbage_ca_file_is_a_clear_failure(good_server, tmp_path):
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    exc = fetch_failure(CREDIT, make_client(good_server.url(), ca_path=str(garbage), api_retries=2))
    assert re.fullmatch(
        re.escape("%s: TLS failed for %s/billing/user-credit/credit (" % (CREDIT.what, good_server.url()))
        + r".+\); check that ca_path is a PEM file of CA certificates",
        exc.msg,
    ), exc.msg


@pytest.fixture
def plain_http_server(scripted):
    """Answers every connection in plain HTTP at once, as a web server does to a TLS hello."""
    scripted.always(at_once(respond(400, content_type=None)))
    return "https://127.0.0.1:%d/v1" % scripted.port


def test_plain_http_server_on_an_https_url(plain_http_server):
    # Speaking TLS to a plain HTTP server: one clear line, not a traceback.
    exc = fetch_failure(CREDIT, make_client(plain_http_server, api_retries=1, api_retry_max_delay=0.05))
    assert re.fullmatch(re.escape("%s: TLS failed for %s/billing/user-credit/credit (" % (CREDIT.what, plain_http_server)) + r".+\)", exc.msg), exc.msg
