# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The collection's modules, each declared once in MODULES: its name, the read it makes and its
options beside the API options (documented once, in the nexgencloud.hyperstack.api doc
fragment). The module files under plugins/modules (for the remote host, ansible-doc and the
action group) and the action plugins (on the controller) run them by name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.validation import check_type_float, check_type_int
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import (
    API_OPTIONS,
    CREDIT,
    FLAVORS,
    INSTALL_HINT,
    JSONSCHEMA_IMPORT_ERROR,
    LAST_DAY_COST,
    PRICEBOOK,
    REQUESTS_IMPORT_ERROR,
    USAGE,
    HyperstackClient,
    HyperstackError,
    missing_libraries,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._cost import check_region, read_deployment_cost
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._gate import read_gate

# What each numeric type must be, and Ansible's own check of it (which takes "3.0" as an int, as an argument would be).
_NOT_A = {"float": ("a number", check_type_float), "int": ("a whole number", check_type_int)}


def _environment_fallback(environ, problems):
    """A fallback strategy that reads environ, and refuses, naming the variable, a value of
    the wrong type: Ansible's own error would name only the option, which the play never set."""

    def fallback(kind, *names):
        for name in names:
            if name in environ:
                value = environ[name]
                if kind in _NOT_A:
                    try:
                        _NOT_A[kind][1](value)
                    except (TypeError, ValueError):
                        problems.append("%s=%r is not %s" % (name, value, _NOT_A[kind][0]))
                        raise AnsibleFallbackNotFound from None
                return value
        raise AnsibleFallbackNotFound

    return fallback


def api_argument_spec(environ=None, problems=None):
    """The API options as an AnsibleModule argument spec, spread into every module's spec.

    environ: where the environment fallbacks look (default os.environ); problems: a list
    that gets one message per variable whose value is not of its option's type.
    """
    fallback = _environment_fallback(os.environ if environ is None else environ, [] if problems is None else problems)
    spec = {}
    for name, (kind, default, env) in API_OPTIONS.items():
        option = {"type": kind}
        if default is not None:
            option["default"] = default
        if env:
            # The option's type first, then its variables: validate-modules wants a list.
            option["fallback"] = (fallback, [kind] + list(env))
        spec[name] = option
    # Not required here: the client's message for a missing key says where one can come from.
    spec["api_key"].update(no_log=True)
    return spec


def plain(value):
    """value with ansible-core's tagged str/int/float (2.19+) turned into the built-in types."""
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, Mapping):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


class InfoModule:
    """One read-only module, declared: its name (also the key of its result), read(client,
    params) -> facts, and the options it has beside the API options.

    Whatever runs the module (the AnsibleModule below, an action plugin on the controller)
    validates the arguments against argument_spec() and calls run() with them.
    """

    def __init__(self, name, read, options=None):
        self.name = name
        self._read = read
        self._options = options or {}

    def argument_spec(self, environ=None, problems=None):
        spec = api_argument_spec(environ, problems)
        spec.update(self._options)
        return spec

    def run(self, params):
        """The task's result for validated params; raises HyperstackError on any failure."""
        return {"changed": False, self.name: self._read(HyperstackClient.from_params(params), params)}

    @classmethod
    def of_endpoint(cls, name, endpoint):
        """A module that reads one endpoint with no options of its own."""
        return cls(name, lambda client, params: endpoint.fetch(client))


def run_module(info):
    """Run info as the module on the host: validate the arguments, read, exit; never changes anything."""
    problems = []
    module = AnsibleModule(argument_spec=info.argument_spec(problems=problems), supports_check_mode=True)
    missing = missing_libraries()
    if missing:
        module.fail_json(
            msg="%s Run %s." % (missing_required_lib(" and ".join(missing)), INSTALL_HINT), exception=REQUESTS_IMPORT_ERROR or JSONSCHEMA_IMPORT_ERROR
        )
    if problems:
        module.fail_json(msg=problems[0])
    try:
        result = info.run(module.params)
    except HyperstackError as exc:
        module.fail_json(**exc.result())
    module.exit_json(**result)


def _read_flavors(client, params):
    # The API filters by region; the name is filtered here (the API has no such parameter).
    flavors = FLAVORS.fetch(client, {"region": params["region"]} if params.get("region") else None)
    if params.get("region") and not flavors:
        # A region with no flavors: say which regions there are.
        check_region(FLAVORS.fetch(client), params["region"])
    return [flavor for flavor in flavors if params.get("name") in (None, flavor["name"])]


# The options of the modules that price a plan (documented in the nexgencloud.hyperstack.plan doc fragment).
# Types checked by Ansible; _cost.check_plan checks the rest (and Terraform's items).
PLAN_OPTIONS = {
    "plan": {
        "type": "list",
        "elements": "dict",
        "default": [],
        "options": {
            "flavor": {"type": "str"},
            "volume_gb": {"type": "float"},
            "cluster": {
                "type": "dict",
                "options": {
                    "master_flavor": {"type": "str"},
                    "master_count": {"type": "int", "default": 2},
                    "node_flavor": {"type": "str"},
                    "node_count": {"type": "int"},
                    "node_groups": {
                        "type": "list",
                        "elements": "dict",
                        "options": {"flavor": {"type": "str", "required": True}, "count": {"type": "int", "default": 1}, "max_count": {"type": "int"}},
                    },
                    "deployment_mode": {"type": "str", "choices": ["full", "standard"], "default": "full"},
                    "support_flavor": {"type": "str"},
                },
            },
            "address": {"type": "str"},
            "count": {"type": "int", "default": 1},
            "hourly_price": {"type": "float"},
            "public_ip": {"type": "bool", "default": False},
        },
    },
    "terraform_plan": {"type": "path"},
    "unpriced_resources": {"type": "str", "choices": ["fail", "ignore"], "default": "fail"},
    "region": {"type": "str"},
    "hours": {"type": "float", "default": 24.0},
    "margin_percent": {"type": "float", "default": 0.0},
    "monthly_budget": {"type": "float"},
}

# The gate's conditions (hyperstack_credit_gate_info), as the credit_gate role's variables.
GATE_OPTIONS = {
    "min_headroom": {"type": "float", "default": 0.0},
    "min_runway_days": {"type": "float", "default": 0.0},
    "require_can_create_instance": {"type": "bool", "default": True},
    "require_stock": {"type": "bool", "default": True},
}

MODULES = {
    info.name: info
    for info in (
        InfoModule.of_endpoint("hyperstack_credit_info", CREDIT),
        InfoModule.of_endpoint("hyperstack_last_day_cost_info", LAST_DAY_COST),
        InfoModule.of_endpoint("hyperstack_pricebook_info", PRICEBOOK),
        InfoModule.of_endpoint("hyperstack_usage_info", USAGE),
        InfoModule("hyperstack_flavor_info", _read_flavors, {"region": {"type": "str"}, "name": {"type": "str"}}),
        InfoModule("hyperstack_deployment_cost_info", read_deployment_cost, PLAN_OPTIONS),
        InfoModule("hyperstack_credit_gate_info", read_gate, dict(PLAN_OPTIONS, **GATE_OPTIONS)),
    )
}
