# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The one HTTP client that every module and plugin of the collection uses: the session, the
key in its header, retries with backoff and Retry-After (decided by whether the request changes
something), the response size cap, JSON decoding and schema validation, and the wording of every
failure of a request, so that modules stay declarations. A client says whether it may send a
request that changes something (may_act, false unless asked): only a module that changes things,
not in check mode, is given one that may; from any other (a module that reads, the lookup, the
event source) such a request is refused before anything is sent.

It is built on requests (proxies, CA bundles and connection reuse are its) and jsonschema.
What they do not do and the collection promises is added here: no redirect is followed, no
server can hold a request past api_timeout (_deadline.py), bodies are capped.
"""

from __future__ import annotations

import email.utils
import json
import math
import os
import random
import socket
import time
import traceback
from urllib.parse import urlsplit

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._deadline import Adapter, Deadline, Session
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, replace_all, secret_forms, shorten
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import (
    DEFAULT_API_URL,
    DEFAULT_RETRIES,
    DEFAULT_RETRY_MAX_DELAY,
    DEFAULT_TIMEOUT,
    MODULE,
    api_values,
    check_api_options,
    invalid_url,
    is_loopback,
)

try:
    import requests
    import urllib3

    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    requests = urllib3 = None
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

# The first backoff wait; each retry doubles it, up to api_retry_max_delay.
BACKOFF_BASE = 0.5
# Billing responses are a few hundred bytes; anything near this is not the API.
MAX_BODY_BYTES = 1024 * 1024
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))

# What to do about a missing library, said wherever one is missing.
INSTALL_HINT = "pip install -r requirements.txt (the collection's) on the host that runs the check"


def missing_libraries():
    """Names of the required Python libraries that cannot be imported."""
    return [name for name, lib in (("requests", requests), ("jsonschema", jsonschema)) if lib is None]


# Said of a request that acts when its answer was lost: it is not sent again blindly.
UNKNOWN_OUTCOME = " (the request may have been carried out: it is not sent again; read the state before trying again)"


def _never_sent(exc):
    """Whether a failed request certainly never reached the server: no connection could be made."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen = 0
    while exc is not None and seen < 20:
        # urllib3's NewConnectionError: the connection itself failed (refused, unreachable), before any byte was sent.
        if type(exc).__name__ in ("NewConnectionError", "ConnectTimeoutError") or isinstance(exc, ConnectionRefusedError):
            return True
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((a for a in exc.args if isinstance(a, BaseException)), None)
        exc = inner or exc.__cause__ or exc.__context__
        seen += 1
    return False


def _json_path(path):
    return "$" + "".join("[%d]" % p if isinstance(p, int) else ".%s" % p for p in path)


def _finite_float(text):
    # A number too large for a float (1e400) stays the text it was, so the schema's
    # "number" refuses it, as it refuses NaN and Infinity (parse_constant).
    number = float(text)
    return number if math.isfinite(number) else text


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
        caller=MODULE,
        environ=None,
        may_act=False,
    ):
        missing = missing_libraries()
        if missing:
            raise HyperstackError("the Python libraries %s are required: %s" % (" and ".join(missing), INSTALL_HINT))
        self._secrets = secret_forms(api_key)
        options = dict(
            api_key=api_key, api_url=api_url, api_timeout=api_timeout, api_retries=api_retries, api_retry_max_delay=api_retry_max_delay, ca_path=ca_path
        )
        try:
            options = check_api_options(options, caller, environ)
            # What urllib3 does with api_url at request time, where it would fail less clearly.
            urllib3.util.parse_url(options["api_url"])
        except HyperstackError as exc:
            raise self._error(exc.msg) from None
        except ValueError as exc:
            raise self._error(invalid_url(options["api_url"], exc, caller).msg) from None
        self.api_url = options["api_url"]
        self.timeout = options["api_timeout"]
        self.retries = options["api_retries"]
        self.retry_max_delay = options["api_retry_max_delay"]
        self._sleep = sleep
        self.caller = caller
        self.may_act = may_act
        self._session = Session()
        self._session.mount("http://", Adapter(max_retries=0))
        self._session.mount("https://", Adapter(max_retries=0))
        self._session.headers.update({"api_key": options["api_key"], "Accept": "application/json", "User-Agent": USER_AGENT})
        # Given with each request: requests lets REQUESTS_CA_BUNDLE override a session's
        # verify, which would silently drop ca_path and validate_certs=false.
        self._verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)
        if self._verify is ca_path and not os.path.exists(ca_path):
            raise self._error("%s %s does not exist: give the path of a PEM file of CA certificates" % (caller.name("ca_path"), ca_path))
        if is_loopback(urlsplit(self.api_url).hostname):
            # No proxy can reach this host's loopback; one from HTTP_PROXY would get the key in clear text.
            self._session.trust_env = False

    @classmethod
    def from_params(cls, params, caller=MODULE, environ=None, may_act=False):
        """A client from a mapping of the API options (validated module params, settings, lookup options);
        environ: the environment they were read from (default os.environ), for the message of an empty key;
        may_act: whether it may send a request that changes something."""
        return cls(**api_values(params, {}), caller=caller, environ=environ, may_act=may_act)

    def sibling(self, params):
        """Another client from the same options (params) for another thread, with the same caller and leave to act."""
        return type(self).from_params(params, self.caller, may_act=self.may_act)

    def redact(self, text):
        return replace_all(text, self._secrets)

    def _short(self, text, limit=200):
        # Redact before cutting: a key cut in half by the limit would escape redaction.
        return shorten(self.redact(text), limit)

    def _error(self, msg, status_code=None, retry_after=None):
        return HyperstackError(self.redact(msg), status_code, retry_after)

    def get(self, path, schema, what, params=None):
        """GET api_url + path (with the query params, a dict), validate the JSON body against schema and return it."""
        return self.request("GET", path, schema, what, params)

    def request(self, method, path, schema, what, params=None, body=None, acts=None):
        """method api_url + path (with the query params, a dict, and body sent as JSON), validate the JSON answer
        against schema and return it. acts: whether the request changes something (default: any method but GET).

        A read is retried on the failures that may pass. A request that acts is retried only when it certainly
        did not act (no connection could be made, or a 429): after a timeout, a dropped connection or a 5xx it may
        have, so the failure is raised, saying so, for the caller to read the state again rather than ask twice.

        The one place that guarantees every caller (module, lookup, action plugin) gets a
        HyperstackError: whatever requests, urllib3, json, ssl or jsonschema raise that no
        handler below words is still one redacted line, never a traceback.
        """
        url = self.api_url + path
        acts = method != "GET" if acts is None else acts
        if acts and not self.may_act:
            # A bug, never the user's doing: a read-only module, or check mode, reached a request that changes something.
            raise self._error("%s: not sent, because this task may not change anything (a module that only reads, or check mode)" % what)
        try:
            return self._send(method, url, schema, what, params, body, acts)
        except HyperstackError:
            raise
        except Exception as exc:  # pylint: disable=broad-exception-caught
            raise self._error("%s: the request to %s failed unexpectedly: %s" % (what, url, self._exc_reason(exc))) from None

    def _send(self, method, url, schema, what, params, data, acts):
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            status, retry_after = None, None
            try:
                status, reason, headers, body = self._request(method, url, what, params, data)
            except HyperstackError as exc:
                # An answer refused as it came (past the body cap).
                raise self._answered(exc, acts) from None
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
                if acts and not _never_sent(exc):
                    raise self._error(worded + UNKNOWN_OUTCOME) from None
            except requests.exceptions.ContentDecodingError as exc:
                raise self._error("%s: the response body from %s could not be decoded: %s" % (what, url, self._exc_reason(exc)))
            # Anything else (from requests or below) is worded once, in get, and not retried.
            else:
                if status not in RETRY_STATUSES:
                    break
                worded = self._http_failure(what, url, status, reason, headers, body)
                retry_after = headers.get("Retry-After")
                if acts and status != 429:
                    raise self._error(worded + UNKNOWN_OUTCOME, status) from None
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
        try:
            return self._decode(what, url, status, headers, body, schema)
        except HyperstackError as exc:
            raise self._answered(exc, acts) from None

    def _answered(self, exc, acts):
        """exc, the failure of a request the API answered: one that acts reached it, and may have acted whatever
        its answer says, so its message says so."""
        return self._error(exc.msg + UNKNOWN_OUTCOME, exc.status_code) if acts else exc

    def _request(self, method, url, what, params=None, data=None):
        with Deadline(self.timeout) as deadline:
            try:
                return self._attempt(method, url, what, params, data)
            finally:
                if deadline.expired:
                    # The deadline shut the socket under whatever the attempt waited for: what
                    # that read raised, or the body it cut short, is the timeout.
                    raise requests.exceptions.Timeout() from None

    def _attempt(self, method, url, what, params, data):
        response = self._session.request(method, url, params=params, json=data, timeout=self.timeout, allow_redirects=False, stream=True, verify=self._verify)
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
        name = self.caller.name
        hint = {
            401: "check %s or HYPERSTACK_API_KEY" % name("api_key"),
            403: "the key is valid but not allowed this call",
            404: "check %s, which should end in /v1" % name("api_url"),
            429: "rate limited (500 requests per minute per IP); wait a minute or raise %s" % name("api_retries"),
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


_VALIDATORS = {}


def validator(schema):
    """The jsonschema validator of schema, made once per process (the schema kept, so its id stays its own)."""
    if id(schema) not in _VALIDATORS:
        _VALIDATORS[id(schema)] = (schema, jsonschema.Draft7Validator(schema))
    return _VALIDATORS[id(schema)][1]
