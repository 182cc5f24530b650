# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The action plugin every module of the collection has. On the controller (connection
local, not async, no become) it runs the module's HyperstackModule declaration in the
controller process, without shipping the module and starting a new Python per task;
anywhere else it runs the module on the target exactly as a task without an action
plugin does.

Importing this file imports the HTTP client, requests and jsonschema, and the client
compiles every endpoint's schema validator as it is imported: the linear and free
strategies load an action plugin's class before they fork their workers, so that work is
done once per run, not once per task.
"""

from __future__ import annotations

import functools
import json
import os

from ansible import constants as C
from ansible.errors import AnsibleUndefinedConfigEntry
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import DEFAULT_TYPE_VALIDATORS, remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action.normal import ActionModule as NormalAction

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import missing_libraries
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, failure, shorten
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import MODULE, check_number, keys_in_sight, plain
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES

_KINDS = {"bool": "true or false", "list": "a list", "str": "a string"}
_ELEMENTS = {"dict": "dictionaries", "str": "strings"}


def check_role_types(variable, types):
    """Each variable of types (name: its spec, as a role's types, _roles.Role), as variable(name) gives it, unless
    null: of its type and among its choices, else HyperstackError naming it, its type and the value given.

    Checked before anything is read, as the modules would (ansible-core's validators; a number by the collection's
    one rule, check_number), in one line. The roles' argument specs say raw and have no choices: ansible-core's own
    check, which runs before the role's first task and which only the caller can turn off, prints the whole spec
    (some 6 KB) on a wrong value. The action plugin always runs in the controller, so this holds wherever the module
    then runs (async, become, a remote host)."""
    for name, spec in types.items():
        value = plain(variable(name))
        if value is None:
            continue
        if spec["type"] == "float":
            check_number(value, name)
            continue
        shown = shorten(json.dumps(value, default=str), 100)
        try:
            checked = DEFAULT_TYPE_VALIDATORS[spec["type"]](value)
            for item in checked if "elements" in spec else ():
                DEFAULT_TYPE_VALIDATORS[spec["elements"]](item)
        except (TypeError, ValueError):
            what = _KINDS[spec["type"]] + (" of " + _ELEMENTS[spec["elements"]] if "elements" in spec else "")
            raise HyperstackError("%s must be %s, got %s" % (name, what, shown)) from None
        if "choices" in spec and checked not in spec["choices"]:
            raise HyperstackError("%s must be %s or %s, got %s" % (name, ", ".join(spec["choices"][:-1]), spec["choices"][-1], shown))


def run_info(info, args, environ, module_name, invocation=True, caller=MODULE, check_mode=False, diff=False):
    """The result the module info would give for the task args, run in this process.

    environ: the environment the module would see on the host (the controller's and the
    task's environment: keyword). module_name: the task's action, as the module names
    itself in its messages. invocation: whether the module would add its arguments to the
    result. caller: whose names the messages use (the role's variables for the role's task).
    check_mode, diff: the task's --check and --diff, as the module gets them.
    Never raises: any failure is one worded line without the key.
    """
    problems = []
    spec = info.argument_spec(environ, problems)
    params, no_log = dict(args), []
    try:
        validation = ArgumentSpecValidator(spec).validate(plain(params))
        params = plain(validation.validated_parameters)
        # The values AnsibleModule hides in its result: those of the no_log options.
        no_log = [str(params[name]) for name, option in spec.items() if option.get("no_log") and params.get(name) not in (None, "")]
        if validation.error_messages or problems:
            msg = validation.errors.msg if validation.error_messages else problems[0]
            if validation.error_messages and isinstance(validation.errors[0], UnsupportedError):
                msg = "Unsupported parameters for (%s) module: %s" % (module_name, msg)
            raise HyperstackError(msg)
        result = info.run(params, caller, check_mode, diff, environ)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # Every key in sight, in every form the client knows, even before validation found one.
        keys = no_log + keys_in_sight(args.get("api_key"), environ)
        result = dict(info.failed(failure(exc, module_name, keys)), failed=True)
    if invocation:
        result["invocation"] = {"module_args": params}
    return remove_values(result, no_log)


def _inject_invocation(task_vars):
    # What _execute_module tells a module: ansible-core 2.21 made the invocation optional.
    try:
        return C.config.get_config_value("INJECT_INVOCATION", variables=task_vars)
    except AnsibleUndefinedConfigEntry:
        return True  # before 2.21 a module always adds it


class ModuleAction(NormalAction):
    """The action plugin of one module: a subclass names its declaration (HyperstackModule) in MODULE."""

    MODULE = None

    def run(self, tmp=None, task_vars=None):
        # Before the path is chosen: a role variable is refused in one line naming it, wherever the module would run.
        role, variable = ROLES.get(self._role_name()), functools.partial(self._variable, task_vars or {})
        try:
            if role is not None:
                check_role_types(variable, role.types)
                role.check(variable)
        except HyperstackError as exc:
            return dict(self.MODULE.failed({"msg": exc.msg}), failed=True, changed=False)
        if not self._in_controller():
            return super().run(tmp, task_vars)
        result = super(NormalAction, self).run(tmp, task_vars)  # ActionBase's checks (check mode, async support)
        environ = {}
        self._compute_environment_string(environ)
        environ = dict(os.environ, **{str(k): str(v) for k, v in environ.items()}) if environ else os.environ
        caller = MODULE if role is None else role.caller
        flags = dict(check_mode=bool(self._task.check_mode), diff=bool(self._task.diff))
        result.update(run_info(self.MODULE, self._task.args, environ, self._task.action, _inject_invocation(task_vars), caller, **flags))
        return result

    def _variable(self, task_vars, name):
        return self._templar.template(task_vars.get(name))

    def _role_name(self):
        role = getattr(self._task, "_role", None)
        return role.get_name() if role is not None else None

    def _in_controller(self):
        # Async, become and a real remote host need the module on the target; and when the
        # controller lacks a library the module on the host may have it and says so itself.
        return self._connection.transport == "local" and not self._task.async_val and not self._play_context.become and not missing_libraries()
