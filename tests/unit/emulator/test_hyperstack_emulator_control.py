# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of emulator/hyperstack_emulator.py: its control endpoints (outside /v1), what they answer over HTTP.

The state is read by playbooks, scripts and people who paste it into an issue: it says whether a key is set,
never the key.
"""

from __future__ import annotations

import json
import urllib.request

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, find_secret, get_json

NEW_KEY = "hs-ROTATED-3e8d47"


def control(emu, path, body=None):
    """The text of a control endpoint's answer: a GET, or a POST of body as JSON."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(emu.base_url + "/_emulator" + path, data=data, method="GET" if body is None else "POST")
    with urllib.request.urlopen(request, timeout=5) as answer:  # nosec - loopback emulator
        assert answer.status == 200
        return answer.read().decode()


def test_the_state_never_shows_the_key_it_was_started_with(emu):
    for text in (control(emu, "/state"), control(emu, "/state", {"credit": 7}), control(emu, "/reset", {})):
        assert find_secret(text) is None, text
        state = json.loads(text)
        assert "api_key" not in state and state["api_key_set"] is True


def test_a_key_set_by_post_is_taken_and_not_shown(emu):
    text = control(emu, "/state", {"api_key": NEW_KEY})
    assert find_secret(text, NEW_KEY) is None and find_secret(text) is None, text
    assert json.loads(text)["api_key_set"] is True
    assert find_secret(control(emu, "/state"), NEW_KEY) is None
    assert get_json(emu.api_url + CREDIT.path, key=NEW_KEY)[0] == 200
    assert get_json(emu.api_url + CREDIT.path, key=KEY)[0] == 401
