# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_plan.py: plan items checked (a bad plan refused with one line), what a Terraform
plan creates counted, and the request: the defaults of hours and margin, and the limits on the net change
(max_added_cost_per_hour, max_added_percent) as Decimals, refused when wrong naming the option as the caller wrote it."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _plan
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES
from ansible_collections.nexgencloud.hyperstack.tests.unit.plugins.module_utils.test_estimate_guardrails import LIMITS
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import refused, terraform_plan_json

# The credit_gate role's declaration (plugin_utils/_roles.py): how it names the options it sets.
ROLE = ROLES["nexgencloud.hyperstack.credit_gate"].caller


@pytest.mark.parametrize(
    "plan, message",
    [
        (
            [{"flavor": "a", "volume_gb": 1}],
            "plan item 1 must have exactly one of flavor (a machine), volume_gb (a Cloud-SSD volume), cluster (a Kubernetes cluster)"
            " and address (a Terraform resource, with hourly_price)",
        ),
        (
            [{"flavor": "a"}, {}],
            "plan item 2 must have exactly one of flavor (a machine), volume_gb (a Cloud-SSD volume), cluster (a Kubernetes cluster)"
            " and address (a Terraform resource, with hourly_price)",
        ),
        ([{"flavor": "a", "count": 0}], "plan item 1: count must be 1 or more, got 0"),
        ([{"flavor": "a", "count": 1.5}], "plan item 1: count must be a whole number, got 1.5"),
        ([{"flavor": "a", "count": True}], "plan item 1: count must be a number, got true"),
        ([{"volume_gb": "lots"}], 'plan item 1: volume_gb must be a number, got "lots"'),
        ([{"volume_gb": 0}], "plan item 1: volume_gb must be more than 0, got 0"),
        ([{"flavor": "a", "hourly_price": -0.01}], "plan item 1: hourly_price must be 0 or more, got -0.01"),
        ([{"flavor": "a", "hourly_price": float("nan")}], "plan item 1: hourly_price must be a number, got NaN"),
        # Two unknown keys, so the separator is pinned too.
        (
            [{"flavour": "a", "amount": 2}],
            "plan item 1 has unknown keys amount, flavour: the keys are flavor, volume_gb, cluster, address, count, hourly_price, public_ip",
        ),
        ([{"volume_gb": 1, "public_ip": True}], "plan item 1: public_ip applies to a flavor, not a volume"),
        (["n3-A100x1"], 'plan item 1 must be a dictionary with flavor, volume_gb, cluster or address, got "n3-A100x1"'),
        ({"flavor": "a"}, "plan must be a list of items, got dict"),
    ],
)
def test_bad_plans_are_refused_with_one_line(plan, message):
    with pytest.raises(HyperstackError) as caught:
        _plan.check_plan(plan)
    assert caught.value.msg == message


def _change(kind, actions, after, address=None):
    return {"address": address or kind + ".x", "type": kind, "change": {"actions": actions, "after": after}}


def test_terraform_plan_counts_what_is_created_only():
    text = terraform_plan_json(
        _change("hyperstack_core_virtual_machine", ["create"], {"flavor_name": "n3-A100x1", "assign_floating_ip": True}, "vm.a[0]"),
        _change("hyperstack_core_virtual_machine", ["delete", "create"], {"flavor_name": "n1-cpu-small"}, "vm.b"),
        _change("hyperstack_core_volume", ["create"], {"size": 100}, "vol.c"),
        _change("hyperstack_core_virtual_machine", ["delete"], None),
        _change("hyperstack_core_virtual_machine", ["update"], {"flavor_name": "n3-H100x8"}),
        _change("hyperstack_core_virtual_machine", ["no-op"], {"flavor_name": "n3-H100x8"}),
        _change("hyperstack_core_keypair", ["create"], {"name": "k"}),
    )
    items = _plan.terraform_plan(text, "p.json")["items"]
    assert [(i["flavor"], i["volume_gb"], i["public_ip"], i["source"]) for i in items] == [
        ("n3-A100x1", None, True, "vm.a[0]"),
        ("n1-cpu-small", None, False, "vm.b"),
        (None, Decimal(100), False, "vol.c"),
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "terraform_plan p.json is not JSON"),
        (json.dumps({"format_version": "4.0", "values": {}}), "terraform_plan p.json is not a Terraform plan in JSON"),
        (json.dumps([1]), "terraform_plan p.json is not a Terraform plan in JSON"),
        (
            terraform_plan_json(_change("hyperstack_core_virtual_machine", ["create"], {})),
            "hyperstack_core_virtual_machine.x has no known flavor_name in the plan",
        ),
        (
            terraform_plan_json(_change("hyperstack_core_volume", ["create"], {"size": -1})),
            "terraform_plan p.json: hyperstack_core_volume.x item 1: volume_gb must be more than 0",
        ),
    ],
)
def test_terraform_plan_that_is_not_one_is_refused(text, message):
    with pytest.raises(HyperstackError) as caught:
        _plan.terraform_plan(text, "p.json")
    assert message in caught.value.msg and "\n" not in caught.value.msg


def test_the_defaults_and_names_of_hours_and_margin():
    request = _plan.plan_request({})
    assert (request["hours"], request["margin"]) == (Decimal(24), Decimal(0))
    assert _plan.plan_request({"hours": 0.5})["hours"] == Decimal("0.5")
    assert refused(_plan.plan_request, {"hours": "x"}) == 'hours must be a number, got "x"'
    assert refused(_plan.plan_request, {"margin_percent": -1}) == "margin_percent must be 0 or more, got -1"


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("max_added_cost_per_hour", -1, "max_added_cost_per_hour must be 0 or more, got -1"),
        ("max_added_cost_per_hour", "lots", 'max_added_cost_per_hour must be a number, got "lots"'),
        ("max_added_percent", -0.5, "max_added_percent must be 0 or more, got -0.5"),
        ("max_added_percent", True, "max_added_percent must be a number, got true"),
    ],
)
def test_a_negative_or_non_numeric_limit_is_refused_naming_the_option(option, value, message):
    with pytest.raises(HyperstackError) as caught:
        _plan.plan_request({option: value})
    assert caught.value.msg == message
    # The role's task names its variable.
    with pytest.raises(HyperstackError) as caught:
        _plan.plan_request({option: value}, ROLE)
    assert caught.value.msg == "hyperstack_credit_gate_" + message


def test_the_request_carries_the_limits_as_decimals():
    assert _plan.plan_request({})["limits"] == LIMITS
    assert _plan.plan_request({"max_added_cost_per_hour": 2.7, "max_added_percent": "50"})["limits"] == {
        "added_cost": Decimal("2.7"),
        "added_percent": Decimal(50),
    }
