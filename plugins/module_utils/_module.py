# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

What every module of the collection shares: the argument spec of the API options
(documented once, in the nexgencloud.hyperstack.api doc fragment), the InfoModule
declaration that each module is, and its run as an AnsibleModule.
"""

from __future__ import annotations

import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.validation import check_type_float, check_type_int
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import (
    API_OPTIONS,
    INSTALL_HINT,
    JSONSCHEMA_IMPORT_ERROR,
    REQUESTS_IMPORT_ERROR,
    HyperstackClient,
    HyperstackError,
    missing_libraries,
)

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


class InfoModule:
    """One read-only module, declared: its name (also the key of its result), read(client,
    params) -> facts, the options it has beside the API options, and the endpoints read reads.

    Whatever runs the module (the AnsibleModule below, an action plugin on the controller)
    validates the arguments against argument_spec() and calls run() with them.
    """

    def __init__(self, name, read, options=None, endpoints=()):
        self.name = name
        self._read = read
        self._options = options or {}
        self.endpoints = tuple(endpoints)

    def argument_spec(self, environ=None, problems=None):
        spec = api_argument_spec(environ, problems)
        spec.update(self._options)
        return spec

    def run(self, params):
        """The task's result for validated params; raises HyperstackError on any failure."""
        return {"changed": False, self.name: self._read(HyperstackClient.from_params(params), params)}

    def prepare(self):
        """Compile the validators of its endpoints, so that processes forked afterwards inherit them."""
        for endpoint in self.endpoints:
            endpoint.prepare()

    @classmethod
    def of_endpoint(cls, name, endpoint):
        """A module that reads one endpoint with no options of its own."""
        return cls(name, lambda client, params: endpoint.fetch(client), endpoints=[endpoint])


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
