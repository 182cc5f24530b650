# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The collection's one failure path: HyperstackError (a failure already worded for the user),
the redaction of every form of an API key, and failure(), which turns any exception into one
redacted line, for the modules on a host, the action plugins, the lookup and the event source.
"""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

REDACTED = "********"


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


def one_line(text):
    return " ".join(str(text).split())


def shorten(text, limit=200):
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def secret_forms(api_key):
    """Every form in which a server may echo api_key (raw, JSON-escaped, URL-quoted), longest first."""
    if not isinstance(api_key, str) or not api_key.strip():
        return []
    key = api_key.strip()
    # quote() keeps "/" by default and quote_plus() turns spaces to "+": servers use all three.
    forms = {key, api_key, json.dumps(key)[1:-1], quote(key, safe=""), quote(key), quote_plus(key)}
    return sorted((f for f in forms if f), key=len, reverse=True)


def replace_all(text, forms):
    text = str(text)
    for form in forms:
        text = text.replace(form, REDACTED)
    return text


def redact(text, *api_keys):
    """text with every form of each api key replaced.

    A key that is not a string (None, a list) has no forms to redact. The longest forms go first, so that
    a key that begins with another is not left with its tail in sight."""
    forms = {form for api_key in api_keys for form in secret_forms(api_key)}
    return replace_all(text, sorted(forms, key=len, reverse=True))


def failure(exc, where=None, keys=()):
    """Any exception as a failed task's fail_json keywords, one line without any of keys: a
    HyperstackError's own message (and HTTP status); anything else, a bug, as "unexpected
    <type>: <text>" after where (the module's name), never a traceback."""
    if isinstance(exc, HyperstackError):
        result = exc.result()
    else:
        result = {"msg": "%sunexpected %s: %s" % (where + ": " if where else "", type(exc).__name__, one_line(exc))}
    result["msg"] = one_line(redact(result["msg"], *keys))
    return result
