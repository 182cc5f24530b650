# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_options.py, its numbers: check_number, and the gate's numbers (GATE_NUMBERS),
one rule each, held to the gate module's options and to every place that documents what 0 means. No server:
the gate module refusing them is in test_tasks_gate_options.py."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _options
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import API_OPTIONS
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import MODULES, ROOT, HyperstackError


@pytest.mark.parametrize(
    "value, kwargs, expected",
    [
        (7, {}, Decimal(7)),
        ("1.5", {}, Decimal("1.5")),
        (" 2 \n", {}, Decimal(2)),
        (0.1, {}, Decimal("0.1")),  # the float as written, not its binary expansion
        (Decimal("2.50"), {}, Decimal("2.50")),
        (-3, {}, Decimal(-3)),  # no bound unless asked
        (2.5, {}, Decimal("2.5")),  # a fraction unless integer=True
        ("3.0", {"integer": True}, Decimal(3)),
        (0, {"minimum": 0}, Decimal(0)),
        (100, {"maximum": 100}, Decimal(100)),
        (0.001, {"above": 0}, Decimal("0.001")),
    ],
)
def test_check_number_gives_the_decimal(value, kwargs, expected):
    number = _options.check_number(value, "n", **kwargs)
    assert isinstance(number, Decimal) and number == expected


@pytest.mark.parametrize(
    "value, kwargs, message",
    [
        (True, {}, "n must be a number, got true"),
        (None, {}, "n must be a number, got null"),
        ([1], {}, "n must be a number, got [1]"),
        ("soon", {}, 'n must be a number, got "soon"'),
        ("", {}, 'n must be a number, got ""'),
        ("nan", {}, 'n must be a number, got "nan"'),
        (float("inf"), {}, "n must be a number, got Infinity"),
        (Decimal("-Infinity"), {}, 'n must be a number, got "-Infinity"'),
        (2.5, {"integer": True}, "n must be a whole number, got 2.5"),
        (-0.5, {"minimum": 0}, "n must be 0 or more, got -0.5"),
        (100.5, {"maximum": 100}, "n must be 100 or less, got 100.5"),
        (0, {"above": 0}, "n must be more than 0, got 0"),
        ("-1", {"above": 0}, "n must be more than 0, got -1"),
    ],
)
def test_check_number_refuses_naming_what_and_the_value(value, kwargs, message):
    with pytest.raises(HyperstackError) as caught:
        _options.check_number(value, "n", **kwargs)
    assert caught.value.msg == message


# -- the gate's numbers: one rule, and what 0 means (_options.GATE_NUMBERS) ---------------------


GATE = MODULES["hyperstack_credit_gate_info"]


def test_every_number_of_the_gate_has_its_rule():
    # Each float option of the gate module (not of a plan's item, not the API's) is in the table, and only those
    # and the event source's runway in hours.
    numbers = {name for name, option in GATE.argument_spec().items() if option.get("type") == "float" and name not in API_OPTIONS}
    assert numbers == set(_options.GATE_NUMBERS) - {"min_runway_hours"}


def _documented(doc, option):
    return " ".join(doc["options"][option]["description"]) if isinstance(doc["options"][option]["description"], list) else doc["options"][option]["description"]


def test_each_number_says_what_0_means_where_it_is_documented():
    # The gate module's own options and those of its plan fragment, the credit_gate role's variables, the event source's arguments.
    module = yaml.safe_load(importlib.import_module("ansible_collections.nexgencloud.hyperstack.plugins.modules.hyperstack_credit_gate_info").DOCUMENTATION)
    fragment = yaml.safe_load(importlib.import_module("ansible_collections.nexgencloud.hyperstack.plugins.doc_fragments.plan").ModuleDocFragment.DOCUMENTATION)
    role = yaml.safe_load((ROOT / "roles" / "credit_gate" / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]
    role = {"options": {name[len("hyperstack_credit_gate_") :]: spec for name, spec in role["options"].items()}}
    source = yaml.safe_load(importlib.import_module("ansible_collections.nexgencloud.hyperstack.extensions.eda.plugins.event_source.credit").DOCUMENTATION)
    seen = set()
    for doc in (module, fragment, role, source):
        for option, (bounds, _instead) in _options.GATE_NUMBERS.items():
            if option not in doc["options"]:
                continue
            seen.add(option)
            words = {"above": "more than 0", "minimum": "0 or more"}.get(next(iter(bounds), None), "V(0)")
            assert words in _documented(doc, option), (option, _documented(doc, option))
    assert seen == set(_options.GATE_NUMBERS)
    guide = (ROOT / "docs" / "docsite" / "rst" / "guide_options.rst").read_text()
    assert all("``%s``" % option in guide for option in _options.GATE_NUMBERS)
