# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_module.py: a module run as Ansible runs it on a host (a child Python
reading its arguments, run_module), in check mode, with the environment it runs in, and each way it fails."""

from __future__ import annotations

import json

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.plugins.module_utils.test_options_messages import EMPTY_KEY_MESSAGES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, find_secret, respond, run_module


def test_module_success_and_check_mode(emu, collection_tree):
    rc, result = run_module(collection_tree, "hyperstack_credit_info", {"api_key": KEY, "api_url": emu.api_url, "_ansible_check_mode": True})
    assert rc == 0 and result["changed"] is False
    assert result["hyperstack_credit_info"] == {"credit": 1500.0, "threshold": 0.0, "can_create_instance": True, "headroom": 1500.0}
    assert KEY not in json.dumps(result)


def test_module_failure_has_status_code(emu, collection_tree):
    emu.state.add_faults([{"action": "echo_key", "times": -1}])
    rc, result = run_module(collection_tree, "hyperstack_credit_info", {"api_key": KEY, "api_url": emu.api_url, "api_retries": 0})
    assert rc == 1 and result["failed"] is True and result["status_code"] == 401
    assert KEY not in json.dumps(result)


def test_module_reads_the_environment(emu, collection_tree):
    emu.state.update({"last_day_cost": {"instances_cost": 1, "volumes_cost": 2, "clusters_cost": 0, "total_cost": 3}})
    rc, result = run_module(collection_tree, "hyperstack_last_day_cost_info", {}, env={"HYPERSTACK_API_KEY": KEY, "HYPERSTACK_API_ADDRESS": emu.api_url})
    assert rc == 0, result
    assert list(result["hyperstack_last_day_cost_info"].values()) == [1, 2, 0, 3]


def test_module_failure_from_below_is_one_line(scripted, collection_tree):
    # A Latin-1 byte in a redirect's Location is a clean failure, not "Module failed: 'utf-8' codec
    # can't decode byte 0xe9" with an exception in the result.
    scripted.always(respond(301, b"", headers={"Location": "https://api.example/caf\u00e9?k=%s" % KEY}))
    rc, result = run_module(collection_tree, "hyperstack_credit_info", {"api_key": KEY, "api_url": scripted.url(), "api_retries": 1})
    assert rc == 1 and result["failed"] is True and result["status_code"] == 301
    assert "Traceback" not in result.get("exception", ""), result["exception"]
    assert result["msg"].startswith(CREDIT.what + ": the API answered HTTP 301 with a redirect to https://api.example/caf\u00e9?k=********"), result["msg"]
    assert find_secret(json.dumps(result)) is None


@pytest.mark.parametrize("missing", [["requests"], ["jsonschema"], ["requests", "jsonschema"]], ids="+".join)
def test_module_names_the_missing_library(scripted, collection_tree, missing):
    args = {"api_key": KEY, "api_url": scripted.url(), "_ansible_tracebacks_for": ["error"]}
    rc, result = run_module(collection_tree, "hyperstack_credit_info", args, without=missing)
    assert rc == 1 and result["failed"] is True
    assert "Failed to import the required Python library (%s)" % " and ".join(missing) in result["msg"], result["msg"]
    assert result["msg"].endswith(" Run pip install -r requirements.txt (the collection's) on the host that runs the check."), result["msg"]
    # The import's own traceback, for -vvv: the first library that failed.
    assert "import of %s halted" % missing[0] in result["exception"], result["exception"]
    assert scripted.requests == []


def test_module_without_a_key(collection_tree):
    rc, result = run_module(collection_tree, "hyperstack_credit_info", {"api_url": "http://127.0.0.1:1/v1"})
    assert rc == 1 and result["msg"] == (
        "api_key is missing or empty: set the api_key option, the HYPERSTACK_API_KEY environment variable,"
        " or api_key in module_defaults for group/nexgencloud.hyperstack.all"
    ), result["msg"]


def test_module_names_the_environment_variable_of_a_bad_value(scripted, collection_tree):
    args = {"api_key": KEY, "api_url": scripted.url()}
    rc, result = run_module(collection_tree, "hyperstack_credit_info", args, env={"HYPERSTACK_API_TIMEOUT": "abc"})
    assert rc == 1 and result["msg"] == 'HYPERSTACK_API_TIMEOUT must be a number, got "abc"', result["msg"]
    assert scripted.requests == []
    # A value the task gives wins: the variable is not read, so it is not refused.
    rc, result = run_module(collection_tree, "hyperstack_credit_info", dict(args, api_timeout=5), env={"HYPERSTACK_API_TIMEOUT": "abc"})
    assert rc == 1 and "HYPERSTACK_API_TIMEOUT" not in result["msg"] and len(scripted.requests) == 1


def test_the_whole_message_of_an_empty_key_on_a_host(emu, collection_tree):
    # The module on a host reads the environment it runs in.
    rc, result = run_module(collection_tree, "hyperstack_credit_info", {"api_key": "", "api_url": emu.api_url}, {"HYPERSTACK_API_KEY": KEY})
    assert rc == 1 and result["msg"] == EMPTY_KEY_MESSAGES["module"]


def test_a_relative_plan_path_on_a_host_names_the_modules_working_directory(emu, collection_tree, tmp_path):
    # A module on a host runs where Ansible starts it; here the child Python's working directory.
    args = {"api_key": KEY, "api_url": emu.api_url, "terraform_plan": "tfplan.json"}
    rc, result = run_module(collection_tree, "hyperstack_credit_gate_info", args, cwd=tmp_path)
    assert rc == 1 and "a relative path is looked for in the task's working directory, %s, not the playbook's" % tmp_path in result["msg"], result["msg"]
