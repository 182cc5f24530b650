# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_errors.py: HyperstackError's result, the key redacted in every form,
messages shortened to one line, and failure(), the one failure path of every plugin."""

from __future__ import annotations

from urllib.parse import quote

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _errors, _options
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, SPECIAL_KEY


def test_error_result():
    assert HyperstackError("boom").result() == {"msg": "boom"}
    assert HyperstackError("boom", 503).result() == {"msg": "boom", "status_code": 503}


def test_redact_takes_every_key_in_sight():
    text = "a %s b %s c" % (KEY, quote(SPECIAL_KEY, safe=""))
    assert _errors.redact(text, None, KEY, ["not", "a", "key"], SPECIAL_KEY) == "a ******** b ******** c"
    assert _options.keys_in_sight("given", {"HYPERSTACK_API_KEY": "from-env", "OTHER": "x"}) == ["given", "from-env"]


def test_shorten_keeps_200_characters_on_one_line():
    assert _errors.shorten("a\n\tb  c\r\n") == "a b c"
    assert _errors.shorten("x" * 200) == "x" * 200
    assert _errors.shorten("x" * 201) == "x" * 197 + "..."
    assert _errors.shorten("y" * 81, 80) == "y" * 77 + "..."


def test_any_exception_is_one_failure_line_and_a_worded_one_keeps_its_status():
    # The catch-all the action plugins, the lookup and the event source share.
    assert _errors.failure(RuntimeError("first line\n    second line"), "m") == {"msg": "m: unexpected RuntimeError: first line second line"}
    assert _errors.failure(KeyError("credit")) == {"msg": "unexpected KeyError: 'credit'"}
    assert _errors.failure(HyperstackError("reading the credit: HTTP 401", 401)) == {"msg": "reading the credit: HTTP 401", "status_code": 401}
    assert _errors.failure(HyperstackError("api_key is missing")) == {"msg": "api_key is missing"}
