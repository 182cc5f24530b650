# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The one HTTP client that every module and plugin of the collection uses. It owns
the API options, authentication, retries, the total deadline of a request, the
response size cap, JSON schema validation and the wording of every error, so that
modules stay declarations; and, at its end, the endpoints the collection reads.

It is built on requests (proxies, CA bundles and connection reuse are its) and
jsonschema. What they do not do and the collection promises is added here: no
redirect is followed, no server can hold a request past api_timeout, bodies are capped.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import math
import os
import random
import socket
import threading
import time
import traceback
from decimal import Decimal
from urllib.parse import quote, quote_plus, urlsplit

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, difference

try:
    import requests
    import urllib3  # requests' own transport: its connections are where the deadline ends a request

    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

try:
    import jsonschema

    JSONSCHEMA_IMPORT_ERROR = None
except ImportError:  # pragma: no cover
    jsonschema = None
    JSONSCHEMA_IMPORT_ERROR = traceback.format_exc()

# galaxy.yml's version, repeated because only .py files travel with a module;
# tests/release fails when the two differ.
COLLECTION_VERSION = "1.3.0"
USER_AGENT = "nexgencloud.hyperstack/%s (Ansible collection)" % COLLECTION_VERSION

DEFAULT_API_URL = "https://infrahub-api.nexgencloud.com/v1"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_RETRY_MAX_DELAY = 10.0
# The first backoff wait; each retry doubles it, up to api_retry_max_delay.
BACKOFF_BASE = 0.5
# Billing responses are a few hundred bytes; anything near this is not the API.
MAX_BODY_BYTES = 1024 * 1024
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
REDACTED = "********"

MISSING_KEY = (
    "api_key is missing or empty: set the api_key option, the HYPERSTACK_API_KEY environment variable,"
    " or api_key in module_defaults for group/nexgencloud.hyperstack.all"
)

# name: (type, default, environment variables in order of precedence).
# The modules' argument spec, the lookup plugin and the doc fragment all follow it.
API_OPTIONS = {
    "api_key": ("str", None, ("HYPERSTACK_API_KEY",)),
    "api_url": ("str", DEFAULT_API_URL, ("HYPERSTACK_API_URL", "HYPERSTACK_API_ADDRESS")),
    "api_timeout": ("float", DEFAULT_TIMEOUT, ("HYPERSTACK_API_TIMEOUT",)),
    "api_retries": ("int", DEFAULT_RETRIES, ("HYPERSTACK_API_RETRIES",)),
    "api_retry_max_delay": ("float", DEFAULT_RETRY_MAX_DELAY, ("HYPERSTACK_API_RETRY_MAX_DELAY",)),
    "validate_certs": ("bool", True, ()),
    "ca_path": ("path", None, ()),
}


class HyperstackError(Exception):
    """A failure already worded for the user: one line, no secret in it."""

    def __init__(self, msg, status_code=None, retry_after=None):
        super().__init__(msg)
        self.msg = msg
        self.status_code = status_code
        # Seconds the API asked to wait (429's Retry-After) when the last attempt was refused so:
        # for a caller that polls, such as the event source.
        self.retry_after = retry_after

    def result(self):
        """The keyword arguments for fail_json."""
        result = {"msg": self.msg}
        if self.status_code is not None:
            result["status_code"] = self.status_code
        return result


# What to do about a missing library, said wherever one is missing.
INSTALL_HINT = "pip install -r requirements.txt (the collection's) on the host that runs the check"


def missing_libraries():
    """Names of the required Python libraries that cannot be imported."""
    return [name for name, lib in (("requests", requests), ("jsonschema", jsonschema)) if lib is None]


def _is_loopback(host):
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _one_line(text):
    return " ".join(str(text).split())


def _shorten(text, limit=200):
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_path(path):
    return "$" + "".join("[%d]" % p if isinstance(p, int) else ".%s" % p for p in path)


def _finite_float(text):
    # A number too large for a float (1e400) stays the text it was, so the schema's
    # "number" refuses it, as it refuses NaN and Infinity (parse_constant).
    number = float(text)
    return number if math.isfinite(number) else text


class _Deadline:
    """Ends one attempt at api_timeout, whatever it waits for: the connection, the TLS
    handshake, the status line, the headers or the body.

    requests' timeouts bound each read, so a server sending a byte a second holds them for
    ever. A timer shuts the socket down at the deadline instead, which wakes the read that
    waits on it; the attempt then fails as timed out.
    """

    # Where the connections below say which socket this thread's request is using.
    current = threading.local()

    def __init__(self, seconds):
        self.expired = False
        self._connection = None
        self._sock = None
        self._done = False
        self._lock = threading.Lock()
        self._timer = self._arm(seconds)

    def _arm(self, seconds):
        timer = threading.Timer(seconds, self._expire)
        timer.daemon = True
        timer.start()
        return timer

    def __enter__(self):
        _Deadline.current.deadline = self
        return self

    def __exit__(self, *exc_info):
        with self._lock:
            self._done = True
            self._timer.cancel()
        _Deadline.current.deadline = None

    @classmethod
    def watch(cls, connection, sock=None):
        deadline = getattr(cls.current, "deadline", None)
        if deadline is not None:
            deadline._connection, deadline._sock = connection, sock

    def _expire(self):
        # Under the lock, so that no shutdown can come after __exit__, when the connection may
        # already serve the next request from the pool.
        with self._lock:
            if self._done:
                return
            self.expired = True
            sock = self._sock or getattr(self._connection, "sock", None)
            # TLS inside a TLS proxy tunnel (urllib3's SSLTransport) wraps the socket itself.
            while sock is not None and not isinstance(sock, socket.socket):
                sock = getattr(sock, "socket", None)
            if sock is None:
                # Still connecting (bounded by the connect timeout): look again shortly.
                self._timer = self._arm(0.05)
                return
            try:
                # socket's own shutdown, not SSLSocket's, which would drop the TLS state under a read.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass


if requests is not None:

    class _Session(requests.Session):
        """A session that never looks at a redirect's Location.

        Even with allow_redirects=False, requests works out the next request from Location
        and decodes it as UTF-8, which crashes on a Latin-1 byte; redirects are never
        followed here, so there is no target to work out.
        """

        def get_redirect_target(self, resp):
            return None

    class _Watched:
        """Tells the deadline which connection this thread's request uses, new or reused."""

        def connect(self):
            _Deadline.watch(self)
            super().connect()

        def request(self, *args, **kwargs):
            _Deadline.watch(self)
            return super().request(*args, **kwargs)

        def getresponse(self, *args, **kwargs):
            # The socket itself: a response that ends with "Connection: close" takes it from the connection.
            _Deadline.watch(self, self.sock)
            return super().getresponse(*args, **kwargs)

    class _HTTPConnection(_Watched, urllib3.connection.HTTPConnection):
        pass

    class _HTTPSConnection(_Watched, urllib3.connection.HTTPSConnection):
        pass

    class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    _POOLS = {"http": _HTTPPool, "https": _HTTPSPool}

    class _Adapter(requests.adapters.HTTPAdapter):
        """requests' adapter, its pools making the connections above (proxied ones too)."""

        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = _POOLS

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            if isinstance(manager, urllib3.ProxyManager):  # a SOCKS manager keeps its own pools
                manager.pool_classes_by_scheme = _POOLS
            return manager


class HyperstackClient:
    """Talks to the Hyperstack Infrahub API; raises HyperstackError on any failure."""

    def __init__(
        self,
        api_key,
        api_url=DEFAULT_API_URL,
        api_timeout=DEFAULT_TIMEOUT,
        api_retries=DEFAULT_RETRIES,
        api_retry_max_delay=DEFAULT_RETRY_MAX_DELAY,
        validate_certs=True,
        ca_path=None,
        sleep=time.sleep,
    ):
        missing = missing_libraries()
        if missing:
            raise HyperstackError("the Python libraries %s are required: %s" % (" and ".join(missing), INSTALL_HINT))
        self._secrets = self._secret_forms(api_key)
        self.api_url = self._check_options(api_key, api_url, api_timeout, api_retries, api_retry_max_delay, ca_path)
        self.timeout = float(api_timeout)
        self.retries = int(api_retries)
        self.retry_max_delay = float(api_retry_max_delay)
        self._sleep = sleep
        self._session = _Session()
        self._session.mount("http://", _Adapter(max_retries=0))
        self._session.mount("https://", _Adapter(max_retries=0))
        self._session.headers.update({"api_key": api_key.strip(), "Accept": "application/json", "User-Agent": USER_AGENT})
        # Given with each request: requests lets REQUESTS_CA_BUNDLE override a session's
        # verify, which would silently drop ca_path and validate_certs=false.
        self._verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)
        if self._verify is ca_path and not os.path.exists(ca_path):
            raise self._error("ca_path %s does not exist: give the path of a PEM file of CA certificates" % ca_path)
        if _is_loopback(urlsplit(self.api_url).hostname):
            # No proxy can reach this host's loopback; one from HTTP_PROXY would get the key in clear text.
            self._session.trust_env = False

    @classmethod
    def from_params(cls, params):
        """Build a client from a mapping holding the API_OPTIONS (module params, lookup options)."""
        return cls(**{name: params.get(name, spec[1]) for name, spec in API_OPTIONS.items()})

    @staticmethod
    def _secret_forms(api_key):
        # Servers echo a key raw, JSON-escaped or URL-quoted; redact every form.
        if not isinstance(api_key, str) or not api_key.strip():
            return []
        key = api_key.strip()
        # quote() keeps "/" by default and quote_plus() turns spaces to "+": servers use all three.
        forms = {key, api_key, json.dumps(key)[1:-1], quote(key, safe=""), quote(key), quote_plus(key)}
        return sorted((f for f in forms if f), key=len, reverse=True)

    def redact(self, text):
        return _replace_all(text, self._secrets)

    def _short(self, text, limit=200):
        # Redact before cutting: a key cut in half by the limit would escape redaction.
        return _shorten(self.redact(text), limit)

    def _error(self, msg, status_code=None, retry_after=None):
        return HyperstackError(self.redact(msg), status_code, retry_after)

    def _check_options(self, api_key, api_url, api_timeout, api_retries, api_retry_max_delay, ca_path):
        # Refused before any request, so a typo never turns into a network call.
        if not isinstance(api_key, str) or not api_key.strip():
            raise HyperstackError(MISSING_KEY)
        if any(c.isspace() for c in api_key.strip()) or not api_key.strip().isprintable():
            raise HyperstackError("api_key contains spaces or control characters: check that the whole key was copied")
        if not api_key.isascii():
            # An HTTP header cannot carry it (and no Hyperstack key has such characters).
            raise HyperstackError("api_key contains characters that are not ASCII: check that the whole key was copied")
        url = (api_url if isinstance(api_url, str) else "").strip().rstrip("/")
        try:
            parts = urlsplit(url)
            host = parts.hostname
            parts.port  # noqa: B018 - raises ValueError on a bad port
            if host:
                # What urllib3 does with it at request time, where it would fail less clearly.
                urllib3.util.parse_url(url)
                host.encode("idna")
        except (ValueError, UnicodeError) as exc:
            raise HyperstackError("api_url %r is not a valid URL: %s" % (self._short(url, 100), exc))
        if parts.scheme not in ("http", "https") or not host:
            raise HyperstackError("api_url %r must be an http:// or https:// URL with a host name" % self._short(url, 100))
        if parts.scheme == "http" and not _is_loopback(host):
            raise HyperstackError(
                "api_url %r uses plain http to a host that is not loopback: the API key would cross the network"
                " in clear text; use https" % self._short(url, 100)
            )
        if parts.query or parts.fragment or parts.username or parts.password:
            raise HyperstackError("api_url must not carry a query, fragment or credentials")
        for name, value, minimum in (
            ("api_timeout", api_timeout, 0.0),
            ("api_retries", api_retries, 0),
            ("api_retry_max_delay", api_retry_max_delay, 0.0),
        ):
            try:
                number = float(value)
            except (TypeError, ValueError, OverflowError):
                raise HyperstackError("%s must be a number, got %r" % (name, self._short(value, 50)))
            if not math.isfinite(number) or number < minimum or (name == "api_timeout" and number == 0):
                raise HyperstackError("%s must be %s, got %r" % (name, "greater than 0" if name == "api_timeout" else "0 or more", value))
        if ca_path is not None and not isinstance(ca_path, str):
            raise HyperstackError("ca_path must be a path to a PEM file")
        return url

    def get(self, path, schema, what, params=None):
        """GET api_url + path (with the query params, a dict), validate the JSON body against schema and return it.

        The one place that guarantees every caller (module, lookup, action plugin) gets a
        HyperstackError: whatever requests, urllib3, json, ssl or jsonschema raise that no
        handler below words is still one redacted line, never a traceback.
        """
        url = self.api_url + path
        try:
            return self._get(url, schema, what, params)
        except HyperstackError:
            raise
        except Exception as exc:  # pylint: disable=broad-exception-caught
            raise self._error("%s: the request to %s failed unexpectedly: %s" % (what, url, self._exc_reason(exc))) from None

    def _get(self, url, schema, what, params):
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            status, retry_after = None, None
            try:
                status, reason, headers, body = self._request(url, what, params)
            except requests.exceptions.SSLError as exc:
                reason = self._exc_reason(exc)
                if "match" in reason:
                    # A name mismatch ("Hostname mismatch", "doesn't match") is not fixed by trusting another CA.
                    worded = "TLS verification failed for %s (%s); use the host name the certificate is issued for in api_url"
                elif "verify failed" in reason.lower():
                    worded = "TLS verification failed for %s (%s); trust a private CA with ca_path"
                elif isinstance(self._verify, str):
                    worded = "TLS failed for %s (%s); check that ca_path is a PEM file of CA certificates"
                else:
                    worded = "TLS failed for %s (%s)"
                raise self._error("%s: %s" % (what, worded % (url, reason)))
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                worded = "%s: could not reach %s: %s" % (what, url, self._exc_reason(exc))
            except requests.exceptions.ContentDecodingError as exc:
                raise self._error("%s: the response body from %s could not be decoded: %s" % (what, url, self._exc_reason(exc)))
            # Anything else (from requests or below) is worded once, in get, and not retried.
            else:
                if status not in RETRY_STATUSES:
                    break
                worded = self._http_failure(what, url, status, reason, headers, body)
                retry_after = headers.get("Retry-After")
            if attempt == attempts:
                # Capped at an hour: a poller should not sleep for a year on one header.
                wait = None if retry_after is None else self._parse_retry_after(retry_after)
                wait = None if wait is None else min(wait, 3600.0)
                raise self._error(worded + (" (gave up after %d attempts)" % attempts if attempts > 1 else ""), status, wait)
            self._sleep(self._delay(attempt, retry_after))
        if 300 <= status < 400:
            raise self._error(
                "%s: the API answered HTTP %d with a redirect to %s, which is not followed so the API key stays"
                " with %s; set api_url to the final address" % (what, status, self._short(headers.get("Location", "?"), 100), self.api_url),
                status,
            )
        if status >= 400:
            raise self._error(self._http_failure(what, url, status, reason, headers, body), status)
        return self._decode(what, url, status, headers, body, schema)

    def _request(self, url, what, params=None):
        with _Deadline(self.timeout) as deadline:
            try:
                return self._attempt(url, what, params)
            finally:
                if deadline.expired:
                    # The deadline shut the socket under whatever the attempt waited for: what
                    # that read raised, or the body it cut short, is the timeout.
                    raise requests.exceptions.Timeout() from None

    def _attempt(self, url, what, params):
        response = self._session.get(url, params=params, timeout=self.timeout, allow_redirects=False, stream=True, verify=self._verify)
        try:
            declared = response.headers.get("Content-Length", "")
            # isascii: "²".isdigit() is true, and headers arrive decoded as Latin-1.
            if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                raise self._error("%s: the response body of %s bytes from %s is larger than the %d byte cap" % (what, declared, url, MAX_BODY_BYTES))
            chunks, size = [], 0
            codings = [c for c in response.headers.get("Content-Encoding", "").split(",") if c.strip() not in ("", "identity")]
            if len(codings) > 1:
                # Before urllib3 2.6 each coding inflates a whole read: stacked, a small body could fill memory.
                raise self._error("%s: the response from %s is compressed %d times over, which the API never does" % (what, url, len(codings)))
            # Decoded piece by piece, so a gzip bomb is stopped at the cap, not inflated whole (a
            # urllib3 before 2.6 inflates each small read whole: at most about a MiB).
            for chunk in response.iter_content(1024):
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise self._error("%s: the response body from %s is larger than the %d byte cap" % (what, url, MAX_BODY_BYTES))
                chunks.append(chunk)
            return response.status_code, response.reason or "", response.headers, b"".join(chunks)
        finally:
            response.close()

    def _exc_reason(self, exc):
        # requests nests urllib3 errors in reasons, args and causes; their own text is
        # noise ("Max retries exceeded" when none were made). Say what happened instead.
        chain = [exc]
        while len(chain) < 20:
            current = chain[-1]
            inner = getattr(current, "reason", None)
            if not isinstance(inner, BaseException):
                inner = next((a for a in current.args if isinstance(a, BaseException)), None)
            inner = inner or current.__cause__ or current.__context__
            if inner is None or any(inner is seen for seen in chain):
                break
            chain.append(inner)
        if isinstance(exc, requests.exceptions.Timeout):
            return "timed out: no complete answer within the api_timeout of %s seconds" % self.timeout
        unresolved = [e for e in chain if isinstance(e, socket.gaierror) or type(e).__name__ == "NameResolutionError"]
        if unresolved:
            return "could not resolve the host name %s (%s)" % (urlsplit(self.api_url).hostname, self._short(unresolved[-1], 100))
        innermost = chain[-1]
        return self._short("%s: %s" % (type(innermost).__name__, str(innermost) or "no detail"), 300)

    def _delay(self, attempt, retry_after):
        """Seconds to wait before the next attempt, never above api_retry_max_delay."""
        if retry_after is not None:
            seconds = self._parse_retry_after(retry_after)
            if seconds is not None:
                return min(seconds, self.retry_max_delay)
        # Exponential backoff with "equal jitter": half fixed, half random, so that
        # many hosts retrying at once spread out yet each still waits.
        ceiling = min(self.retry_max_delay, BACKOFF_BASE * (2 ** (attempt - 1)))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    @staticmethod
    def _parse_retry_after(value):
        value = value.strip()
        if value.isascii() and value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None or when.tzinfo is None:
            return None
        return max(0.0, when.timestamp() - time.time())

    def _http_failure(self, what, url, status, reason, headers, body):
        text = "%s: HTTP %d %s from %s" % (what, status, self._short(reason, 80), url)
        api_message, error_reason = self._api_message(body)
        if api_message:
            text += ": %s" % api_message
        if error_reason and error_reason != api_message:
            text += " (error_reason: %s)" % error_reason
        if not api_message and not error_reason and body:
            text += " (the body is %s, not the API's JSON error)" % self._short(headers.get("Content-Type", "of unknown type"), 60)
        hint = {
            401: "check api_key or HYPERSTACK_API_KEY",
            403: "the key is valid but not allowed this call",
            404: "check api_url, which should end in /v1",
            429: "rate limited (500 requests per minute per IP); wait a minute or raise api_retries",
        }.get(status)
        if hint is None and status >= 500:
            hint = "the API had a server error; try again later"
        return text + ("; " + hint if hint else "")

    def _api_message(self, body):
        try:
            document = json.loads(body)
        except (ValueError, RecursionError):
            return None, None
        if not isinstance(document, dict):
            return None, None
        message, error_reason = document.get("message"), document.get("error_reason")
        return (
            self._short(message) if isinstance(message, str) and message.strip() else None,
            self._short(error_reason) if isinstance(error_reason, str) and error_reason.strip() else None,
        )

    def _decode(self, what, url, status, headers, body, schema):
        try:
            document = json.loads(body, parse_float=_finite_float, parse_constant=str)
        except RecursionError:
            raise self._error("%s: the response from %s is nested too deeply to be the API's JSON" % (what, url), status)
        except ValueError as exc:
            kind = self._short(headers.get("Content-Type", "unknown type"), 60)
            raise self._error("%s: the response from %s is not valid JSON (%s, %d bytes): %s" % (what, url, kind, len(body), self._short(exc, 120)), status)
        if isinstance(document, dict) and document.get("status") is False:
            api_message, error_reason = self._api_message(body)
            raise self._error(
                "%s: the API answered HTTP %d with status false: %s%s"
                % (what, status, api_message or "no message", " (error_reason: %s)" % error_reason if error_reason else ""),
                status,
            )
        errors = list(validator(schema).iter_errors(document))
        if errors:
            # The shallowest problem (a missing "data" before what is inside it); of equals, the
            # first in the schema's order of properties, as jsonschema meets them.
            first = min(errors, key=lambda error: len(error.absolute_path))
            more = " (and %d more problems)" % (len(errors) - 1) if len(errors) > 1 else ""
            raise self._error(
                "%s: the response from %s does not match the expected schema at %s: %s%s"
                % (what, url, _json_path(first.absolute_path), self._describe(first), more),
                status,
            )
        return document

    def _describe(self, error):
        if error.validator == "type":
            expected = error.validator_value
            expected = " or ".join(expected) if isinstance(expected, list) else _expected({"type": expected})
        elif error.validator in ("anyOf", "oneOf"):
            # jsonschema's own words ("is not valid under any of the given schemas") name no choice.
            expected = " or ".join(_expected(choice) for choice in error.validator_value)
        else:
            return self._short(error.message, 160)
        return "expected %s, got %s" % (expected, self._short(json.dumps(error.instance, default=str), 60))


def _expected(schema):
    # A schema's own description says best what it wants; else its type.
    kind = schema.get("type")
    return schema.get("description") or ("a finite number" if kind == "number" else str(kind))


def _replace_all(text, secrets):
    text = str(text)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def redact(text, *api_keys):
    """text with every form of each api key replaced, for errors raised before or outside a client.

    A key that is not a string (None, a list) has no forms to redact. The longest forms go first, so that
    a key that begins with another is not left with its tail in sight."""
    forms = {form for api_key in api_keys for form in HyperstackClient._secret_forms(api_key)}
    return _replace_all(text, sorted(forms, key=len, reverse=True))


def keys_in_sight(api_key, environ):
    """Every API key a message could quote: the one given and those of the environment variables."""
    return [api_key] + [environ.get(name) for name in API_OPTIONS["api_key"][2]]


def failure(exc, where=None):
    """Any exception as a failed task's fail_json keywords, one line: a HyperstackError's own
    message (and HTTP status); anything else, a bug, as "unexpected <type>: <text>" after
    where (the module's name), never a traceback. The caller redacts the keys in sight."""
    if isinstance(exc, HyperstackError):
        return exc.result()
    return {"msg": "%sunexpected %s: %s" % (where + ": " if where else "", type(exc).__name__, _one_line(exc))}


_VALIDATORS = {}


def validator(schema):
    """The jsonschema validator of schema, made once per process (the schema kept, so its id stays its own)."""
    if id(schema) not in _VALIDATORS:
        _VALIDATORS[id(schema)] = (schema, jsonschema.Draft7Validator(schema))
    return _VALIDATORS[id(schema)][1]


# -- The API endpoints the collection reads: for each, its path, the JSON schema its 200 response must
# match and the facts a playbook gets from it. Schemas live in Python because only .py module_utils
# travel with a module to the host running it.

# Far above any real balance (a quadrillion dollars): a number past it is not a balance.
_MONEY = {"type": "number", "minimum": -1e15, "maximum": 1e15}


def _object(properties, required):
    # Unknown fields are accepted at every level: the API grows.
    return {"type": "object", "required": list(required), "properties": properties}


def _envelope(data):
    return _object({"status": {"type": "boolean"}, "message": {"type": "string"}, "data": data}, ["status", "data"])


def _list_of(item):
    return {"type": "array", "items": item}


class Endpoint:
    """One GET endpoint: where it is, what it must return, what a playbook gets.

    facts() gets the body's data, or the whole body when envelope is false (a bare array).
    """

    def __init__(self, path, what, schema, facts, envelope=True):
        self.path = path
        self.what = what
        self.schema = schema
        self._facts = facts
        self._envelope = envelope
        if jsonschema is not None:
            # Made with the endpoint, when this file is imported: the action plugins import it before
            # the strategy forks its workers, so every worker inherits every validator.
            validator(schema)

    def fetch(self, client, params=None):
        """Read the endpoint through client, with the query params (a dict); raise HyperstackError on any failure."""
        body = client.get(self.path, self.schema, self.what, params=params)
        return self._facts(body["data"] if self._envelope else body)


def _credit_facts(data):
    return {
        "credit": data["credit"],
        "threshold": data["threshold"],
        "can_create_instance": data.get("can_create_instance"),
        "headroom": difference(data["credit"], data["threshold"]),
    }


CREDIT = Endpoint(
    path="/billing/user-credit/credit",
    what="reading the credit balance (GET /billing/user-credit/credit)",
    schema=_envelope(_object({"credit": _MONEY, "threshold": _MONEY, "can_create_instance": {"type": "boolean"}}, ["credit", "threshold"])),
    facts=_credit_facts,
)


_COST_FIELDS = ("instances_cost", "volumes_cost", "clusters_cost", "total_cost")

LAST_DAY_COST = Endpoint(
    path="/billing/billing/last-day-cost",
    what="reading the last day's cost (GET /billing/billing/last-day-cost)",
    schema=_envelope(_object({name: _MONEY for name in _COST_FIELDS}, _COST_FIELDS)),
    facts=lambda data: {name: data[name] for name in _COST_FIELDS},
)


def _pricebook_number(value):
    # The pricebook's numbers may arrive as strings of digits (the schema let only those through).
    if not isinstance(value, str):
        return value
    text = value.strip()
    return int(text) if text.lstrip("-").isdigit() else float(text)


_PRICE = {"anyOf": [_MONEY, {"type": "string", "pattern": r"^\s*-?[0-9]+(\.[0-9]+)?\s*$", "description": "a decimal number in a string"}]}
_PRICEBOOK_FIELDS = ("name", "value", "original_value", "discount_applied", "start_time", "end_time")

PRICEBOOK = Endpoint(
    path="/pricebook",
    what="reading the price list (GET /pricebook)",
    schema=_list_of(
        _object({"name": {"type": "string"}, "value": _PRICE, "original_value": _PRICE, "discount_applied": {"type": "boolean"}}, ["name", "value"])
    ),
    facts=lambda entries: [
        dict(
            {name: entry.get(name) for name in _PRICEBOOK_FIELDS},
            value=_pricebook_number(entry["value"]),
            original_value=_pricebook_number(entry.get("original_value")),
        )
        for entry in entries
    ],
    envelope=False,
)


_COUNT = {"type": "integer", "minimum": 0}
# What pricing a flavor needs is required; the rest is passed on as the API sent it.
_FLAVOR = _object(
    {
        "name": {"type": "string"},
        "region_name": {"type": "string"},
        "gpu": {"type": ["string", "null"]},
        "gpu_count": _COUNT,
        "cpu": _COUNT,
        "ram": {"type": "number", "minimum": 0},
        "stock_available": {"type": "boolean"},
    },
    ["name", "region_name", "gpu", "gpu_count", "cpu", "ram", "stock_available"],
)

FLAVORS = Endpoint(
    path="/core/flavors",
    what="reading the flavors (GET /core/flavors)",
    schema=_envelope(_list_of(_object({"flavors": _list_of(_FLAVOR)}, ["flavors"]))),
    # The API groups flavors by GPU model and region; a playbook wants one list.
    facts=lambda groups: [dict(flavor, gpu=flavor["gpu"] or "") for group in groups for flavor in group["flavors"]],
)


def _usage_facts(rows):
    # Billed now: active rows not excluded from billing; a null bill_per_minute (terminated) is 0.
    per_minute = sum(
        (decimal(row.get("bill_per_minute") or 0) for row in rows if row.get("active") is not False and not row.get("exclude_billing")),
        Decimal(0),
    )
    return {"resources": rows, "cost_per_hour": float(per_minute * 60)}


USAGE = Endpoint(
    path="/billing/billing/usage",
    what="reading the running resources (GET /billing/billing/usage)",
    schema=_envelope(
        _list_of(
            _object(
                {
                    "bill_per_minute": {"anyOf": [_MONEY, {"type": "null"}]},
                    "active": {"type": ["boolean", "null"]},
                    "exclude_billing": {"type": ["boolean", "null"]},
                },
                [],
            )
        )
    ),
    facts=_usage_facts,
)


def _history_facts(body):
    # The spend over the window: the sum of the rows' incurred_bill, on the numbers as the API wrote them.
    rows = body["billing_history"]["billing_history"]
    return {"rows": rows, "spent": sum((decimal(row["metrics"]["incurred_bill"]) for row in rows), Decimal(0))}


BILLING_HISTORY = Endpoint(
    path="/billing/billing/history",
    what="reading the billing history (GET /billing/billing/history)",
    # No data envelope: the rows sit under billing_history.billing_history. A row without its
    # incurred_bill is refused rather than counted as nothing spent.
    schema=_object(
        {
            "status": {"type": "boolean"},
            "message": {"type": "string"},
            "billing_history": _object(
                {"billing_history": _list_of(_object({"metrics": _object({"incurred_bill": _MONEY}, ["incurred_bill"])}, ["metrics"]))}, ["billing_history"]
            ),
        },
        ["billing_history"],
    ),
    facts=_history_facts,
    envelope=False,
)
