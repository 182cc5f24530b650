# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A message names an option the way its caller wrote it: a module's option, the credit_gate role's
variable (its gate task in the controller), a rulebook's argument, a lookup's keyword; and a Terraform
resource that cannot be priced is named by its address."""

from __future__ import annotations

import json

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import LOOKUP, MODULE, RULEBOOK
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, ROOT, api_requests, terraform_plan_json

# The roles' declarations (plugin_utils/_roles.py), as these tests name them.
ROLE, GUARD = ROLES["nexgencloud.hyperstack.credit_gate"].caller, ROLES["nexgencloud.hyperstack.runway_guard"].caller
ROLE_VARIABLES = ROLE.names

GATE = MODULES["hyperstack_credit_gate_info"]


def _gate(emu, caller, **args):
    return run_info(GATE, dict({"api_key": KEY, "api_url": emu.api_url}, **args), {}, "nexgencloud.hyperstack.hyperstack_credit_gate_info", caller=caller)


@pytest.mark.parametrize(
    "caller, args, msg",
    [
        (MODULE, {"hours": 0, "plan": [{"flavor": "n3-A100x1"}]}, "hours must be more than 0, got 0.0"),
        (ROLE, {"hours": 0, "plan": [{"flavor": "n3-A100x1"}]}, "hyperstack_credit_gate_hours must be more than 0, got 0.0"),
        (ROLE, {"monthly_budget": -1}, "hyperstack_credit_gate_monthly_budget must be 0 or more, got -1.0"),
        (ROLE, {"plan": [{"flavor": "n3-A100x1", "count": 0}]}, "hyperstack_credit_gate_plan item 1: count must be 1 or more, got 0"),
        (ROLE, {"api_key": ""}, "hyperstack_api_key is missing or empty: set hyperstack_api_key or the HYPERSTACK_API_KEY environment variable"),
        (MODULE, {"api_key": ""}, MODULE.missing_key()),
        (ROLE, {"api_url": "http://example.com/v1"}, "hyperstack_api_url 'http://example.com/v1' uses plain http"),
    ],
)
def test_the_gate_names_each_option_as_its_caller_wrote_it(emu, caller, args, msg):
    result = _gate(emu, caller, **args)
    assert result["failed"] is True and result["msg"].startswith(msg), result["msg"]
    # Refused before any request, and the failed fact says the same.
    assert api_requests(emu, "/billing/user-credit/credit") == []
    assert result["hyperstack_credit_gate_info"]["passed"] is False and result["hyperstack_credit_gate_info"]["error"] == result["msg"]


def test_a_wrong_key_is_told_to_check_the_roles_variable(emu):
    result = _gate(emu, ROLE, api_key="wrong-" + KEY)
    assert result["msg"].endswith("; check hyperstack_api_key or HYPERSTACK_API_KEY"), result["msg"]
    assert _gate(emu, MODULE, api_key="wrong-" + KEY)["msg"].endswith("; check api_key or HYPERSTACK_API_KEY")


def test_each_caller_says_where_a_key_comes_from():
    assert MODULE.missing_key().endswith("or api_key in module_defaults for group/nexgencloud.hyperstack.all")
    assert LOOKUP.missing_key().endswith("(a lookup does not read module_defaults)")
    assert RULEBOOK.missing_key() == "api_key is missing or empty: set api_key in the source's arguments or the HYPERSTACK_API_KEY environment variable"


def test_the_role_variables_are_the_roles():
    # ROLE names exactly the variables the role passes to its gate task, each documented in its argument spec.
    spec = yaml.safe_load((ROOT / "roles" / "credit_gate" / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    tasks = (ROOT / "roles" / "credit_gate" / "tasks" / "main.yml").read_text()
    for option, variable in ROLE_VARIABLES.items():
        assert variable in spec, variable
        assert variable in tasks, variable
        assert option in GATE.argument_spec(), option


def test_a_terraform_resource_whose_flavor_does_not_exist_is_named_by_its_address(emu, tmp_path):
    plan = tmp_path / "plan.json"
    change = {"type": "hyperstack_core_virtual_machine", "address": "hyperstack_core_virtual_machine.trainer[1]", "name": "trainer"}
    change["change"] = {"actions": ["create"], "after": {"flavor_name": "n3-A100x9"}}
    plan.write_text(terraform_plan_json(change))
    result = run_info(MODULES["hyperstack_deployment_cost_info"], {"api_key": KEY, "api_url": emu.api_url, "terraform_plan": str(plan)}, {}, "m")
    assert result["msg"].startswith("hyperstack_core_virtual_machine.trainer[1]: flavor n3-A100x9 does not exist; the closest are n3-A100x"), result["msg"]
    # A flavor written by hand is named as it was before.
    result = run_info(MODULES["hyperstack_deployment_cost_info"], {"api_key": KEY, "api_url": emu.api_url, "plan": [{"flavor": "n3-A100x9"}]}, {}, "m")
    assert result["msg"].startswith("flavor n3-A100x9 does not exist"), json.dumps(result)
