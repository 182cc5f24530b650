# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_endpoints.py, the price list's and the usage's facts against the emulator: prices
in strings made numbers, the billed minutes of the usage summed exactly, and a body that fails the schema named
where it fails, each choice of schema said."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import PRICEBOOK, USAGE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import make_client


def test_pricebook_strings_become_numbers_and_others_fail_the_schema(emu):
    emu.state.update({"pricebook": [{"name": "a", "value": "1.50", "original_value": "2"}, {"name": "b", "value": 0.5}]})
    facts = PRICEBOOK.fetch(make_client(emu.api_url))
    assert [(f["value"], f["original_value"]) for f in facts] == [(1.5, 2), (0.5, None)]
    assert isinstance(facts[0]["original_value"], int)
    emu.state.update({"pricebook": [{"name": "a", "value": "1.5e3"}]})
    with pytest.raises(HyperstackError) as caught:
        PRICEBOOK.fetch(make_client(emu.api_url))
    assert 'does not match the expected schema at $[0].value: expected a finite number or a decimal number in a string, got "1.5e3"' in caught.value.msg


def test_usage_sums_active_billed_minutes_exactly(emu):
    rows = [
        {"bill_per_minute": 0.1, "active": True, "exclude_billing": False},
        {"bill_per_minute": 0.2, "active": True},
        {"bill_per_minute": None, "active": True},
        {"bill_per_minute": 5, "active": False},
        {"bill_per_minute": 5, "active": True, "exclude_billing": True},
    ]
    emu.state.update({"usage": rows})
    facts = USAGE.fetch(make_client(emu.api_url))
    assert repr(facts["cost_per_hour"]) == "18.0" and facts["resources"] == rows


def test_a_choice_of_schemas_names_each_choice(emu):
    emu.state.update({"usage": [{"bill_per_minute": "0.1", "active": True}]})
    with pytest.raises(HyperstackError) as caught:
        USAGE.fetch(make_client(emu.api_url))
    assert caught.value.msg.endswith('does not match the expected schema at $.data[0].bill_per_minute: expected a finite number or null, got "0.1"')
