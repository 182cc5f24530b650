# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_endpoints.py: the credit endpoint (CREDIT), what its schema accepts and the facts
it gives for the valid edge cases of a 200 answer."""

from __future__ import annotations

import json

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.plugins.module_utils.test_client_bodies import _envelope
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import make_client, respond


@pytest.mark.parametrize(
    "data, facts",
    [
        ({"credit": 250, "threshold": 0, "can_create_instance": True}, {"credit": 250, "threshold": 0, "can_create_instance": True, "headroom": 250}),
        (
            {"credit": -12.5, "threshold": 0.0, "can_create_instance": False},
            {"credit": -12.5, "threshold": 0.0, "can_create_instance": False, "headroom": -12.5},
        ),
        ({"credit": -3, "threshold": 2.5}, {"credit": -3, "threshold": 2.5, "can_create_instance": None, "headroom": -5.5}),
        ({"credit": 0.3, "threshold": 0.1, "can_create_instance": True}, {"credit": 0.3, "threshold": 0.1, "can_create_instance": True, "headroom": 0.2}),
        ({"credit": 1e15, "threshold": -1e15}, {"credit": 1e15, "threshold": -1e15, "can_create_instance": None, "headroom": 2e15}),
        (
            {"credit": 10.0, "threshold": 0.0, "currency": "USD", "nested": {"x": [1, None]}},
            {"credit": 10.0, "threshold": 0.0, "can_create_instance": None, "headroom": 10.0},
        ),
    ],
    ids=["integers", "negative-credit", "negative-below-threshold", "headroom-exact", "bounds", "extra-fields"],
)
def test_valid_edge_cases(scripted, data, facts):
    scripted.always(respond(200, json.dumps({"status": True, "message": "Success", "data": data, "request_id": "abc", "meta": {"v": 2}})))
    got = CREDIT.fetch(make_client(scripted.url()))
    assert got == facts
    # Types survive: an integer balance stays an integer, a float a float.
    assert [type(got[k]) for k in ("credit", "threshold")] == [type(facts[k]) for k in ("credit", "threshold")]
    assert got["headroom"] == facts["headroom"] and type(got["headroom"]) is type(facts["headroom"])


def test_headroom_has_no_float_noise(scripted):
    # 0.3 - 0.1 is 0.19999999999999998 in floats; a gate on "headroom >= 0.2" must pass.
    assert 0.3 - 0.1 != 0.2
    scripted.always(respond(200, _envelope({"credit": 0.3, "threshold": 0.1})))
    assert CREDIT.fetch(make_client(scripted.url()))["headroom"] == 0.2


def test_can_create_instance_omitted_on_the_emulator(emu):
    emu.state.update({"can_create_instance": "omit", "credit": 5, "threshold": 1})
    assert CREDIT.fetch(make_client(emu.api_url)) == {"credit": 5, "threshold": 1, "can_create_instance": None, "headroom": 4}


def test_message_is_optional(scripted):
    scripted.always(respond(200, b'{"status": true, "data": {"credit": 1, "threshold": 0}}'))
    assert CREDIT.fetch(make_client(scripted.url()))["credit"] == 1
