# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_tasks.py, the credit gate's options: hyperstack_credit_gate_info passing each
option on, its conditions on by default (and in the estimate's report), their documented types and defaults,
and the gate's numbers refused before any request, as the module and as the credit_gate role."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _options, _tasks, _verdict
from ansible_collections.nexgencloud.hyperstack.plugins.modules import hyperstack_credit_gate_info
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import (
    KEY,
    MODULES,
    ROOT,
    api_requests,
    credit_facts,
    refused,
    terraform_create,
    terraform_plan_json,
)

# The roles' declarations (plugin_utils/_roles.py), as these tests name them.
ROLE = ROLES["nexgencloud.hyperstack.credit_gate"].caller


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


# -- the gate's numbers: one rule, and what 0 means (_options.GATE_NUMBERS) ---------------------


GATE = MODULES["hyperstack_credit_gate_info"]


def _gate_with(emu, **options):
    return run_info(GATE, dict(api_key=KEY, api_url=emu.api_url, **options), {}, "m")


@pytest.mark.parametrize("option", sorted(set(_options.GATE_NUMBERS) - {"min_runway_hours"}))
def test_each_number_of_the_gate_module_follows_its_rule(emu, option):
    bounds, instead = _options.GATE_NUMBERS[option]
    plan = {"plan": [{"address": "vm.new", "hourly_price": 1}]}
    # 0 is the line itself where the rule takes it, and refused where it would be no line at all.
    result = _gate_with(emu, **{option: 0}, **plan)
    if "above" in bounds:
        assert result["msg"] == "%s must be more than 0, got 0.0%s" % (option, instead)
    else:
        assert "failed" not in result, result["msg"]
    # Below 0 only min_headroom takes a number (a headroom allowed below 0).
    result = _gate_with(emu, **{option: -1}, **plan)
    if bounds:
        assert result["msg"] == "%s must be %s, got -1.0%s" % (option, "more than 0" if "above" in bounds else "0 or more", instead)
    else:
        assert "failed" not in result, result["msg"]


def test_a_runway_of_0_days_is_refused_and_not_set_is_off(emu):
    # Before 1.4.0, 0 meant off; now it is refused, saying what to do instead.
    result = _gate_with(emu, min_runway_days=0)
    assert result["msg"] == "min_runway_days must be more than 0, got 0.0: leave it unset (null) for no runway condition"
    assert api_requests(emu, "/billing/user-credit/credit") == []
    fact = _gate_with(emu)["hyperstack_credit_gate_info"]
    assert fact["passed"] is True and fact["daily_cost"] is None and api_requests(emu, "/billing/billing/last-day-cost") == []
    fact = _gate_with(emu, min_runway_days=0.5)["hyperstack_credit_gate_info"]
    assert fact["daily_cost"] == 56.4


def test_the_role_names_the_runway_it_refuses_as_its_variable(emu):
    result = run_info(GATE, dict(api_key=KEY, api_url=emu.api_url, min_runway_days=0), {}, "m", caller=ROLE)
    assert result["msg"] == "hyperstack_credit_gate_min_runway_days must be more than 0, got 0.0: leave it unset (null) for no runway condition"
    defaults = yaml.safe_load((ROOT / "roles" / "credit_gate" / "defaults" / "main.yml").read_text())
    assert defaults["hyperstack_credit_gate_min_runway_days"] is None
