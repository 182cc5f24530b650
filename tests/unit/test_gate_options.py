# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The credit gate's facts and options (plugins/module_utils/_gate.py): the keys of its facts, the verdict's
defaults and boundaries, and hyperstack_credit_gate_info passing each option on."""

from __future__ import annotations

from types import SimpleNamespace

import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _options, _tasks, _verdict
from ansible_collections.nexgencloud.hyperstack.plugins.modules import hyperstack_credit_gate_info
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, credit_facts, refused, terraform_create, terraform_plan_json

# The roles' declarations (plugin_utils/_roles.py), as these tests name them.
ROLE, GUARD = ROLES["nexgencloud.hyperstack.credit_gate"].caller, ROLES["nexgencloud.hyperstack.runway_guard"].caller


def test_the_facts_keys():
    assert _verdict.FACT_KEYS == ("credit", "threshold", "headroom", "can_create_instance", "daily_cost", "runway_days", "passed", "reasons", "error")


def test_the_verdicts_defaults_and_boundaries():
    assert _verdict.verdict(credit_facts(0.5, 0))["passed"] is True  # no least headroom by default
    assert _verdict.verdict(credit_facts(0.5, 0), daily_cost=1)["passed"] is True  # no least runway by default: half a day passes
    assert _verdict.verdict(credit_facts(-5, 0), daily_cost=1, min_headroom=-10, min_runway_days=0)["passed"] is True  # 0 is off, even for a negative runway
    assert _verdict.verdict(credit_facts(1, 0), daily_cost=0.5)["runway_days"] == 2.0  # a spend below $1 a day is a spend
    assert _verdict.verdict(credit_facts(1, 0), daily_cost=2, min_runway_days=0.5)["passed"] is True  # exactly the least runway
    assert _verdict.verdict(credit_facts(1, 0), daily_cost=4, min_runway_days=0.5)["reasons"] == [
        "runway 0.2 days is below the required 0.5 (headroom $1.00 at $4.00/day)"
    ]


def _gate_run(emu, **options):
    return MODULES["hyperstack_credit_gate_info"].run(dict(api_key=KEY, api_url=emu.api_url, **options))["hyperstack_credit_gate_info"]


def test_the_gate_module_passes_each_option_on(emu, tmp_path):
    emu.state.update({"can_create_instance": False, "credit": 0.5})
    assert _gate_run(emu, require_can_create_instance=False)["passed"] is True
    assert _gate_run(emu)["reasons"][0].startswith("the API says no instance can be created now")
    assert _gate_run(emu, require_can_create_instance=False, min_headroom=0.75)["reasons"] == [
        "headroom $0.50 (credit $0.50 - threshold $0.00) is below the required $0.75"
    ]
    # A runway of half a day is asked for: the last day's cost is read ($56.40).
    assert _gate_run(emu, require_can_create_instance=False, min_runway_days=0.5)["daily_cost"] == 56.4
    emu.state.update({"can_create_instance": True, "credit": 1500})
    assert _gate_run(emu, plan=[{"flavor": "n3-H100x8"}], require_stock=False)["passed"] is True
    assert _gate_run(emu, plan=[{"flavor": "n3-A100x1"}], region="CANADA-1")["breakdown"][0]["region"] == ["CANADA-1"]
    path = tmp_path / "p.json"
    path.write_text(terraform_plan_json(terraform_create("hyperstack_core_volume", {"size": 10})))
    assert _gate_run(emu, terraform_plan=str(path))["breakdown"][0]["source"] == "hyperstack_core_volume.x"
    assert refused(_tasks.credit_gate, None, {"min_runway_days": "x"}) == 'min_runway_days must be a number, got "x"'
    assert refused(_tasks.credit_gate, None, {"min_headroom": "x"}) == 'min_headroom must be a number, got "x"'
    # The role's client names the role's variables.
    assert refused(_tasks.credit_gate, SimpleNamespace(caller=ROLE), {"min_headroom": "x"}) == 'hyperstack_credit_gate_min_headroom must be a number, got "x"'


def test_the_conditions_are_on_by_default_and_in_the_estimates_report(emu):
    # An estimate judged with no options (the deployment cost module's report): the API's no and the stock each fail it.
    facts = dict(credit_facts(1000, 0), can_create_instance=False, covered=True, summary="the plan costs ...", out_of_stock=["n3-H100x8"])
    assert [name for name, _reason in _verdict.failed_conditions(facts)] == ["can_create_instance", "stock"]
    emu.state.update({"can_create_instance": False})
    options = dict(api_key=KEY, api_url=emu.api_url, plan=[{"flavor": "n3-H100x8"}])
    report = MODULES["hyperstack_deployment_cost_info"].run(options)["hyperstack_deployment_cost_info"]["report"]
    assert report.endswith(
        "**Verdict: failed, 2 reasons**\n\n"
        "- the API says no instance can be created now (can_create_instance is false; credit $1,500.00, threshold $0.00)\n"
        "- out of stock: n3-H100x8\n"
    )


def _validated(**options):
    # The module's arguments as ansible-core gives them to it: validated against its spec, defaults filled in.
    result = ArgumentSpecValidator(MODULES["hyperstack_credit_gate_info"].argument_spec()).validate(dict(api_key=KEY, **options))
    assert not result.error_messages
    return result.validated_parameters


def test_the_gate_modules_conditions_have_their_documented_types_and_defaults(emu):
    assert {name: _validated()[name] for name in _options.GATE_OPTIONS} == {
        "min_headroom": 0.0,
        "min_runway_days": None,
        "require_can_create_instance": True,
        "require_stock": True,
    }
    given = _validated(min_headroom="1.5", min_runway_days="2", require_can_create_instance="no", require_stock="false")
    assert [given[name] for name in _options.GATE_OPTIONS] == [1.5, 2.0, False, False]
    documented = yaml.safe_load(hyperstack_credit_gate_info.DOCUMENTATION)["options"]
    assert {name: (option["type"], option.get("default")) for name, option in documented.items()} == {
        name: (option["type"], option.get("default")) for name, option in _options.GATE_OPTIONS.items()
    }
    # The module run on those defaults: the API's no fails the gate.
    emu.state.update({"can_create_instance": False})
    fact = MODULES["hyperstack_credit_gate_info"].run(dict(_validated(), api_url=emu.api_url))["hyperstack_credit_gate_info"]
    assert [reason.split(" (")[0] for reason in fact["reasons"]] == ["the API says no instance can be created now"]
