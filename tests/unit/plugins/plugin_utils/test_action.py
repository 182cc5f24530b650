# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/plugin_utils/_action.py: the action plugins, which run a module's declaration in the
controller process, and the role's variables they check before choosing where the module runs.

Each result of run_info is compared whole with what the module itself returns, run as
Ansible runs it (a child Python), for the same arguments against the same server.
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import connection_loader

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import plain
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import (
    ModuleAction,
    check_role_types,
    run_info,
)
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import MODULES as INFO_MODULES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import ROOT, SPECIAL_KEY, find_secret, run_module

# The roles' declarations (plugin_utils/_roles.py), as these tests name them.
ROLE_TYPES = {name: role.types for name, role in ROLES.items()}

MODULE_FILES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))

ACTION_FILES = sorted(p.stem for p in (ROOT / "plugins" / "action").glob("*.py") if not p.name.startswith("_"))

# The module gets its invocation only when asked, from ansible-core 2.21 on.
INJECT = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}

FQCN = "nexgencloud.hyperstack.%s"

# -- every module has its action plugin and its declaration --------------------------------


@pytest.mark.parametrize("name", MODULE_FILES)
def test_every_module_has_an_action_plugin_and_a_declaration(name):
    assert name in INFO_MODULES, "%s declares no MODULE" % name
    assert name in ACTION_FILES, "plugins/action/%s.py is missing: the module would run through AnsiballZ" % name
    plugin = importlib.import_module("ansible_collections.nexgencloud.hyperstack.plugins.action.%s" % name)
    assert issubclass(plugin.ActionModule, ModuleAction) and plugin.ActionModule.MODULE is INFO_MODULES[name] and INFO_MODULES[name].name == name


def test_no_action_plugin_without_its_module():
    assert ACTION_FILES == MODULE_FILES


# What makes each module read every endpoint it can.
_EVERY_READ = {
    "hyperstack_deployment_cost_info": {"plan": [{"flavor": "n3-A100x8", "count": 1}], "region": "NORWAY-1", "monthly_budget": 5000},
    "hyperstack_credit_gate_info": {"plan": [{"flavor": "n3-A100x8", "count": 1}], "region": "NORWAY-1", "min_runway_days": 1, "monthly_budget": 5000},
    # A selector (the module refuses none); the emulator's default serves no machine, so nothing changes.
    "hyperstack_vm_hibernation": {"labels": ["hibernate=ok"]},
    # As they are already (nothing changes): what each reads to know.
    "hyperstack_environment": {"name": "ml-CANADA-1", "region": "CANADA-1", "state": "present"},
    "hyperstack_keypair": {"name": "gone-key", "environment": "ml-CANADA-1", "state": "absent"},
    "hyperstack_vm": {"name": "gone-vm", "state": "absent"},
}

_CREDIT, _LAST_DAY, _PRICES, _USAGE = "/billing/user-credit/credit", "/billing/billing/last-day-cost", "/pricebook", "/billing/billing/usage"

_FLAVORS, _HISTORY, _VMS = "/core/flavors", "/billing/billing/history", "/core/virtual-machines"

# What each module reads, with _EVERY_READ's arguments.
_READS = {
    "hyperstack_credit_info": [_CREDIT],
    "hyperstack_last_day_cost_info": [_LAST_DAY],
    "hyperstack_pricebook_info": [_PRICES],
    "hyperstack_usage_info": [_USAGE],
    "hyperstack_flavor_info": [_FLAVORS],
    "hyperstack_deployment_cost_info": [_CREDIT, _USAGE, _FLAVORS, _PRICES, _HISTORY],
    "hyperstack_credit_gate_info": [_CREDIT, _LAST_DAY, _USAGE, _FLAVORS, _PRICES, _HISTORY],
    "hyperstack_vm_info": [_VMS, _USAGE],
    "hyperstack_vm_hibernation": [_VMS, _PRICES],
    "hyperstack_contract_info": ["/pricebook/contracts", _VMS],
    "hyperstack_environment": ["/core/environments"],
    "hyperstack_keypair": ["/core/keypairs"],
    "hyperstack_vm": [_VMS, _USAGE],
}

_LOADED = """
import json, sys, ansible_collections.nexgencloud.hyperstack.plugins.action.{0} as action
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _client
print(sorted({{'requests', 'jsonschema'}} & set(sys.modules)))
compiled = len(_client._VALIDATORS)
action.ActionModule.MODULE.run(json.loads(sys.argv[1]))
print(compiled > 0 and len(_client._VALIDATORS) == compiled)
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", MODULE_FILES)
def test_the_action_plugin_imports_the_client_and_compiles_every_validator_its_module_needs_when_it_loads(emu, name):
    # What makes the controller path cheap: the strategy loads the class before it forks,
    # and every task's worker inherits what the load did; a read that compiled a validator
    # of its own would compile it in every task's worker.
    args = json.dumps(dict(api_key=KEY, api_url=emu.api_url, **_EVERY_READ.get(name, {})))
    out = subprocess.run(
        [sys.executable, "-c", _LOADED.format(name), args],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
    )
    assert out.stdout.split("\n")[:2] == ["['jsonschema', 'requests']", "True"], out.stdout
    assert sorted({request["path"] for request in emu.state.requests}) == sorted(_READS[name])


# -- the same result as the module ----------------------------------------------------------


def _both(tree, name, args, environ=None):
    """(result in this process, result of the module in a child Python) for the same arguments."""
    environ = environ or {}
    here = run_info(INFO_MODULES[name], args, environ, FQCN % name)
    # As _execute_module sends it: the module names itself after the task's action.
    rc, module = run_module(tree, name, dict(args, _ansible_module_name=FQCN % name, **INJECT), environ)
    assert rc == (1 if here.get("failed") else 0), (here, module)
    return here, module


def _cases(api_url):
    return {
        "success": {"api_key": KEY, "api_url": api_url},
        "strings for numbers": {"api_key": KEY, "api_url": api_url, "api_timeout": "7.5", "api_retries": "1", "validate_certs": "yes"},
        "unknown option": {"api_key": KEY, "api_url": api_url, "bogus": 1},
        "no key": {"api_url": api_url},
        "empty key": {"api_key": "", "api_url": api_url},
        "bad type": {"api_key": KEY, "api_url": api_url, "api_timeout": "soon"},
        "bad url": {"api_key": KEY, "api_url": "ftp://%s@example.com/v1" % KEY},
        "negative retries": {"api_key": KEY, "api_url": api_url, "api_retries": -1},
        "wrong key": {"api_key": "wrong-" + KEY, "api_url": api_url, "api_retries": 0},
    }


@pytest.mark.slow
@pytest.mark.parametrize("case", list(_cases("")))
@pytest.mark.parametrize("name", sorted(INFO_MODULES))
def test_same_result_as_the_module(emu, collection_tree, name, case):
    here, module = _both(collection_tree, name, _cases(emu.api_url)[case])
    assert here == module
    assert find_secret(json.dumps(here)) is None


def test_same_result_when_the_server_echoes_the_key(emu, collection_tree):
    emu.state.add_faults([{"action": "echo_key", "times": -1}])
    here, module = _both(collection_tree, "hyperstack_credit_info", {"api_key": SPECIAL_KEY, "api_url": emu.api_url, "api_retries": 0})
    assert here == module and here["status_code"] == 401
    assert find_secret(json.dumps(here), SPECIAL_KEY) is None


def test_no_log_masks_the_key_in_the_invocation(emu):
    here = run_info(INFO_MODULES["hyperstack_credit_info"], {"api_key": KEY, "api_url": emu.api_url}, {}, "m")
    assert here["invocation"]["module_args"]["api_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert "invocation" not in run_info(INFO_MODULES["hyperstack_credit_info"], {"api_key": KEY, "api_url": emu.api_url}, {}, "m", invocation=False)


# -- the environment the module would see ----------------------------------------------------


def test_environment_fallbacks_read_the_given_environment(emu, collection_tree):
    # The task's environment: keyword, merged by the action plugin; not this process's os.environ.
    assert "HYPERSTACK_API_KEY" not in os.environ
    environ = {"HYPERSTACK_API_KEY": KEY, "HYPERSTACK_API_ADDRESS": "http://127.0.0.1:9/v1", "HYPERSTACK_API_URL": emu.api_url}
    here, module = _both(collection_tree, "hyperstack_credit_info", {}, environ)
    assert here == module and here["hyperstack_credit_info"]["credit"] == 1500.0


def test_an_option_wins_over_the_environment(emu, collection_tree):
    environ = {"HYPERSTACK_API_KEY": KEY, "HYPERSTACK_API_URL": "http://127.0.0.1:9/v1"}
    here, module = _both(collection_tree, "hyperstack_credit_info", {"api_url": emu.api_url}, environ)
    assert here == module and here["hyperstack_credit_info"]["credit"] == 1500.0


# -- a bug is still one line ------------------------------------------------------------------


def _broken(client, params):
    # The key raw, URL-quoted and JSON-escaped, as a careless library might word it.
    key = params["api_key"]
    raise RuntimeError("could not use %s (%s, %s) at %s" % (key, quote(key, safe=""), json.dumps(key), params["api_url"]))


@pytest.mark.parametrize("key", [KEY, SPECIAL_KEY])
def test_an_unexpected_exception_is_one_line_without_the_key(key):
    result = run_info(
        HyperstackModule("hyperstack_broken_info", _broken), {"api_key": key, "api_url": "http://127.0.0.1:9/v1"}, {}, "ns.c.hyperstack_broken_info"
    )
    assert result["failed"] is True
    assert result["msg"].startswith("ns.c.hyperstack_broken_info: unexpected RuntimeError: could not use ")
    assert find_secret(json.dumps(result), key) is None
    assert "Traceback" not in json.dumps(result)


def test_an_unexpected_exception_hides_a_key_from_the_environment():
    result = run_info(HyperstackModule("hyperstack_broken_info", _broken), {"api_url": "http://127.0.0.1:9/v1"}, {"HYPERSTACK_API_KEY": KEY}, "m")
    assert result["msg"].startswith("m: unexpected RuntimeError") and find_secret(json.dumps(result)) is None


def _lines(client, params):
    raise RuntimeError("first line\n    second line")


def test_an_unexpected_exception_over_several_lines_is_one_line():
    result = run_info(HyperstackModule("hyperstack_broken_info", _lines), {"api_key": KEY, "api_url": "http://127.0.0.1:9/v1"}, {}, "m")
    assert result["msg"] == "m: unexpected RuntimeError: first line second line"


# -- the invocation, plain values, and where the action runs -----------------------------------


_INJECTED = """
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils import _action
print(repr(_action._inject_invocation({})))
"""


@pytest.mark.slow
@pytest.mark.parametrize("setting", [None, "true", "false"])
def test_the_invocation_is_injected_as_the_core_says(setting):
    # Before 2.21 a module always adds its invocation; from 2.21 on, only when INJECT_INVOCATION says so
    # (off by default). A plugin that never added it, or always did, would differ from the module.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("ANSIBLE_INJECT_INVOCATION", None)
    if setting is not None:
        env["ANSIBLE_INJECT_INVOCATION"] = setting
    out = subprocess.run([sys.executable, "-c", _INJECTED], capture_output=True, text=True, check=True, env=env)
    expected = (setting == "true") if "inject_invocation" in PASS_VARS else True
    assert out.stdout.strip() == repr(expected), out.stdout + out.stderr


def test_plain_keeps_a_value_of_another_type(emu):
    # A YAML date (unquoted 2026-01-01) given as a flavor's name: Ansible makes it the string, which
    # names no flavor; turned into None, it would filter nothing and return every flavor.
    when = datetime.date(2026, 1, 1)
    assert plain(when) is when and plain([when]) == [when]
    result = run_info(INFO_MODULES["hyperstack_flavor_info"], {"api_key": KEY, "api_url": emu.api_url, "name": when}, {}, FQCN % "hyperstack_flavor_info")
    assert result.get("failed") is not True and result["hyperstack_flavor_info"] == [], result


_WHERE = """
import os, sys
if sys.argv[1] == "missing":
    sys.modules["requests"] = None  # as on a controller without it: the import fails
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import connection_loader
from ansible_collections.nexgencloud.hyperstack.plugins.action.hyperstack_credit_info import ActionModule

for transport, async_val, become in [("local", 0, False), ("local", 10, False), ("local", 0, True), ("ssh", 0, False)]:
    context = PlayContext()
    context.become = become
    task = Task()
    task.async_val = async_val
    plugin = ActionModule(task, connection_loader.get(transport, context, os.devnull), context, None, None, None)
    print(transport, async_val, become, plugin._in_controller())
"""


@pytest.mark.slow
@pytest.mark.parametrize("libraries", ["present", "missing"])
def test_only_a_local_task_without_async_or_become_runs_in_the_controller_with_the_libraries(libraries):
    # Anything else runs the module on the target: async and become need a process there, a remote
    # host is another machine, and a controller without a library leaves it to the host's.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", _WHERE, libraries], capture_output=True, text=True, check=True, env=env)
    local = "True" if libraries == "present" else "False"
    assert out.stdout.split("\n")[:4] == ["local 0 False " + local, "local 10 False False", "local 0 True False", "ssh 0 False False"], out.stdout + out.stderr


# -- a role variable of the wrong type ----------------------------------------------------------


CREDIT_GATE, RUNWAY_GUARD = "nexgencloud.hyperstack.credit_gate", "nexgencloud.hyperstack.runway_guard"


@pytest.mark.parametrize(
    "role, name, value, message",
    [
        (CREDIT_GATE, "hyperstack_credit_gate_min_headroom", [1], "hyperstack_credit_gate_min_headroom must be a number, got [1]"),
        (CREDIT_GATE, "hyperstack_credit_gate_hours", "lots", 'hyperstack_credit_gate_hours must be a number, got "lots"'),
        (CREDIT_GATE, "hyperstack_credit_gate_monthly_budget", True, "hyperstack_credit_gate_monthly_budget must be a number, got true"),
        (CREDIT_GATE, "hyperstack_credit_gate_require_stock", "maybe", 'hyperstack_credit_gate_require_stock must be true or false, got "maybe"'),
        (CREDIT_GATE, "hyperstack_credit_gate_plan", {"flavor": "x"}, 'hyperstack_credit_gate_plan must be a list of dictionaries, got {"flavor": "x"}'),
        (CREDIT_GATE, "hyperstack_credit_gate_plan", ["n3-A100x1"], 'hyperstack_credit_gate_plan must be a list of dictionaries, got ["n3-A100x1"]'),
        (CREDIT_GATE, "hyperstack_credit_gate_unpriced_resources", "skip", 'hyperstack_credit_gate_unpriced_resources must be fail or ignore, got "skip"'),
        (RUNWAY_GUARD, "hyperstack_runway_guard_labels", {"team": "ml"}, 'hyperstack_runway_guard_labels must be a list of strings, got {"team": "ml"}'),
        (RUNWAY_GUARD, "hyperstack_runway_guard_act", 2, "hyperstack_runway_guard_act must be true or false, got 2"),
        (RUNWAY_GUARD, "hyperstack_runway_guard_retain_ip", [True], "hyperstack_runway_guard_retain_ip must be true or false, got [true]"),
        (RUNWAY_GUARD, "hyperstack_runway_guard_wait_timeout", "soon", 'hyperstack_runway_guard_wait_timeout must be a number, got "soon"'),
        (RUNWAY_GUARD, "hyperstack_runway_guard_restore", "all", 'hyperstack_runway_guard_restore must be marked, labelled or none, got "all"'),
        (RUNWAY_GUARD, "hyperstack_runway_guard_restore", ["marked"], 'hyperstack_runway_guard_restore must be marked, labelled or none, got ["marked"]'),
    ],
)
def test_a_role_variable_of_the_wrong_type_is_one_line_naming_it(role, name, value, message):
    # ansible-core's check of the argument spec would print the whole spec; the specs say raw, and this says it.
    with pytest.raises(HyperstackError) as caught:
        check_role_types({name: value}.get, ROLE_TYPES[role])
    assert caught.value.msg == message


def test_a_long_value_of_the_wrong_type_is_shortened():
    with pytest.raises(HyperstackError) as caught:
        check_role_types({"hyperstack_credit_gate_plan": ["x" * 500]}.get, ROLE_TYPES[CREDIT_GATE])
    assert caught.value.msg == 'hyperstack_credit_gate_plan must be a list of dictionaries, got ["%s...' % ("x" * 95)


@pytest.mark.parametrize(
    "name, value",
    [
        # What ansible-core's check took, the role takes: the modules convert it as it did.
        ("hyperstack_credit_gate_min_headroom", "1.5"),
        ("hyperstack_credit_gate_min_headroom", -5),
        ("hyperstack_credit_gate_min_runway_days", None),
        ("hyperstack_credit_gate_require_stock", "yes"),
        ("hyperstack_credit_gate_require_can_create_instance", 0),
        ("hyperstack_credit_gate_plan", []),
        ("hyperstack_credit_gate_plan", [{"flavor": "n3-A100x1", "count": 2}, "volume_gb=100"]),
        ("hyperstack_credit_gate_unpriced_resources", "ignore"),
        ("hyperstack_runway_guard_labels", "hibernate=ok"),
        ("hyperstack_runway_guard_labels", ["hibernate=ok", 7]),
        ("hyperstack_runway_guard_act", "true"),
        ("hyperstack_runway_guard_wait_timeout", 60),
        ("hyperstack_runway_guard_restore", "none"),
    ],
)
def test_a_role_variable_that_ansible_core_took_is_taken(name, value):
    check_role_types({name: value}.get, dict(ROLE_TYPES[CREDIT_GATE], **ROLE_TYPES[RUNWAY_GUARD]))


class _Role:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name


class _Templar:
    def template(self, value):
        return value


@pytest.mark.parametrize("where", ["controller", "async", "become", "ssh"])
@pytest.mark.parametrize("role", [CREDIT_GATE, RUNWAY_GUARD])
def test_the_roles_task_refuses_a_wrong_type_in_one_line_wherever_its_module_would_run(emu, role, where):
    # The action plugin runs in the controller whatever the task's path: it refuses before choosing one, so the
    # module on a host never sees the variable (and would name its own option, not the role's variable).
    name = "hyperstack_credit_gate_info" if role == CREDIT_GATE else "hyperstack_credit_info"
    plugin_class = importlib.import_module("ansible_collections.nexgencloud.hyperstack.plugins.action." + name).ActionModule
    context = PlayContext()
    context.become = where == "become"
    task = Task()
    task.async_val = 10 if where == "async" else 0
    task._role = _Role(role)
    connection = connection_loader.get("ssh" if where == "ssh" else "local", context, os.devnull)
    plugin = plugin_class(task, connection, context, None, _Templar(), None)
    assert plugin._in_controller() is (where == "controller")
    variable = "hyperstack_credit_gate_min_headroom" if role == CREDIT_GATE else "hyperstack_runway_guard_restore"
    result = plugin.run(task_vars={variable: [1], "hyperstack_api_url": emu.api_url, "hyperstack_api_key": KEY})
    expected = variable + (" must be a number, got [1]" if role == CREDIT_GATE else " must be marked, labelled or none, got [1]")
    assert result["failed"] is True and result["msg"] == expected, result
    if role == CREDIT_GATE:
        assert result[name]["passed"] is False and result[name]["reasons"] == [expected]
    assert emu.state.requests == []
