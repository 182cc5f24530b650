# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_tasks.py, its callers: a task run in the controller (run_info) names an
option the way its caller wrote it: a module's option, the credit_gate role's variable (its gate task), the
runway_guard's; a Terraform resource that cannot be priced is named by its address; and the whole messages of
an empty key that hides the environment's and of a plan path that cannot be read."""

from __future__ import annotations

import json

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import MODULE
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES
from ansible_collections.nexgencloud.hyperstack.tests.unit.plugins.module_utils.test_options_messages import CALLERS, EMPTY_KEY_MESSAGES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, api_requests, terraform_plan_json

# The roles' declarations (plugin_utils/_roles.py), as these tests name them.
ROLE, GUARD = ROLES["nexgencloud.hyperstack.credit_gate"].caller, ROLES["nexgencloud.hyperstack.runway_guard"].caller

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


# -- an empty key given while HYPERSTACK_API_KEY is set ---------------------------------------


@pytest.mark.parametrize("caller", ["module", "role"])
@pytest.mark.parametrize("key", ["", " \t"], ids=["empty", "blank"])
def test_the_whole_message_of_an_empty_key_that_hides_the_environments(emu, caller, key):
    # In the controller, with the task's environment (its environment: keyword included).
    result = run_info(GATE, {"api_key": key, "api_url": emu.api_url}, {"HYPERSTACK_API_KEY": KEY}, "m", caller=CALLERS[caller])
    assert result["msg"] == EMPTY_KEY_MESSAGES[caller]
    assert api_requests(emu, "/billing/user-credit/credit") == []


def test_the_runway_guards_empty_key_is_named_as_its_variable(emu):
    result = run_info(GATE, {"api_key": "", "api_url": emu.api_url}, {"HYPERSTACK_API_KEY": KEY}, "m", caller=GUARD)
    assert result["msg"] == EMPTY_KEY_MESSAGES["role"]


# -- a plan path that cannot be read ---------------------------------------------------------


@pytest.mark.parametrize("caller, option", [(MODULE, "terraform_plan"), (ROLE, "hyperstack_credit_gate_terraform_plan")])
def test_the_whole_message_of_a_relative_plan_path_names_the_directory_it_was_looked_for_in(emu, tmp_path, monkeypatch, caller, option):
    monkeypatch.chdir(tmp_path)
    result = run_info(GATE, {"api_key": KEY, "api_url": emu.api_url, "terraform_plan": "plans/tfplan.json"}, {}, "m", caller=caller)
    assert result["msg"] == (
        "%s plans/tfplan.json could not be read on the host running the task: [Errno 2] No such file or directory: 'plans/tfplan.json';"
        " a relative path is looked for in the task's working directory, %s, not the playbook's: give an absolute path"
        " (for a file beside the playbook, prefix playbook_dir)" % (option, tmp_path)
    )


def test_an_absolute_plan_path_that_does_not_exist_is_named_alone(emu, tmp_path):
    missing = tmp_path / "tfplan.json"
    result = run_info(GATE, {"api_key": KEY, "api_url": emu.api_url, "terraform_plan": str(missing)}, {}, "m")
    assert result["msg"] == "terraform_plan %s could not be read on the host running the task: [Errno 2] No such file or directory: '%s'" % (missing, missing)
