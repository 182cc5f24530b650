# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_client.py, its small parts: from_params, Retry-After, the backoff and its
jitter, JSON paths, floats too large, and the libraries it needs. Its requests against real servers are in
test_client_<aspect>.py."""

from __future__ import annotations

import email.utils
import os
import random
import subprocess
import sys
import time

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _client, _errors, _options
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackClient
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, SPECIAL_KEY, secret_forms


def test_from_params_fills_defaults():
    client = HyperstackClient.from_params({"api_key": KEY})
    assert client.api_url == _options.DEFAULT_API_URL
    assert (client.timeout, client.retries, client.retry_max_delay) == (_options.DEFAULT_TIMEOUT, _options.DEFAULT_RETRIES, _options.DEFAULT_RETRY_MAX_DELAY)


@pytest.mark.parametrize(
    "value, low, high",
    [
        ("1", 1, 1),
        ("0", 0, 0),
        (" 7 ", 7, 7),
        ("soon", None, None),
        ("-1", None, None),
        ("1.5", None, None),
        ("", None, None),
        ("Wed, 21 Oct 2015 07:28:00", None, None),
    ],
)
def test_parse_retry_after(value, low, high):
    got = HyperstackClient._parse_retry_after(value)
    if low is None:
        assert got is None
    else:
        assert low <= got <= high


def test_parse_retry_after_dates():
    ahead = HyperstackClient._parse_retry_after(email.utils.formatdate(time.time() + 30, usegmt=True))
    assert 28 <= ahead <= 30
    assert HyperstackClient._parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_delay_is_capped_and_jittered():
    client = HyperstackClient(api_key=KEY, api_url="http://127.0.0.1:1/v1", api_retry_max_delay=2)
    waits = [client._delay(attempt, None) for attempt in range(1, 8) for dummy in range(20)]
    assert all(0 < w <= 2 for w in waits)
    assert len({round(w, 6) for w in waits}) > 20, "jitter spreads the waits"
    assert client._delay(1, "30") == 2 and client._delay(1, "1") == 1 and client._delay(1, "junk") <= 0.5


def test_backoff_is_equal_jitter_between_half_and_the_whole_ceiling():
    client = HyperstackClient(api_key=KEY, api_url="http://127.0.0.1:1/v1", api_retry_max_delay=3)
    state = random.getstate()
    random.seed(10)  # the same draws every run; 300 of them reach both ends of each range
    try:
        for attempt in range(1, 6):
            ceiling = min(3, 0.5 * 2 ** (attempt - 1))
            waits = [client._delay(attempt, None) for dummy in range(300)]
            assert ceiling / 2 <= min(waits) <= ceiling * 0.52, (attempt, min(waits))
            assert ceiling * 0.98 <= max(waits) <= ceiling, (attempt, max(waits))
    finally:
        random.setstate(state)
    # Retry-After replaces the backoff (longer or shorter), capped by api_retry_max_delay.
    assert client._delay(4, "1") == 1.0 and client._delay(1, "2") == 2.0 and client._delay(1, "0") == 0.0 and client._delay(1, "9") == 3.0


def test_json_path():
    assert _client._json_path([]) == "$"
    assert _client._json_path(["data", 0, "credit"]) == "$.data[0].credit"


def test_a_float_too_large_stays_text():
    assert _client._finite_float("2.5") == 2.5 and _client._finite_float("-1e300") == -1e300
    for bad in ("1e400", "-1e400"):
        assert _client._finite_float(bad) == bad


def test_missing_libraries_names_none_here():
    assert _client.missing_libraries() == []


def test_client_names_the_missing_library(collection_tree):
    code = "import sys; sys.modules['jsonschema'] = None; from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _client, _errors\n"
    code += "try:\n    _client.HyperstackClient(api_key='k', api_url='http://127.0.0.1:1/v1')\nexcept _errors.HyperstackError as exc:\n    print(exc.msg)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(collection_tree)), capture_output=True, text=True, timeout=60, check=True
    )
    assert (
        done.stdout.strip()
        == "the Python libraries jsonschema are required: pip install -r requirements.txt (the collection's) on the host that runs the check"
    )


# A key that ends in a character its other forms escape is a prefix of those forms: the longest
# form must go first, or "key\\" would come out as "********\\".
@pytest.mark.parametrize("key", [KEY, SPECIAL_KEY, "  %s  " % KEY, KEY + "\\", KEY + "%"], ids=["key", "special", "padded", "backslash", "percent"])
def test_redact_every_form(key):
    client = HyperstackClient(api_key=key, api_url="http://127.0.0.1:1/v1")
    for form in secret_forms(key.strip()) | {"api_key=%s" % key.strip()}:
        assert client.redact("before %s after" % form) == "before %s after" % form.replace(form.replace("api_key=", ""), "********")
    assert _errors.redact("x %s y" % key.strip(), key) == "x ******** y"
    assert _errors.redact("nothing", None) == "nothing"
