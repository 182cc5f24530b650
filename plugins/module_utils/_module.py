# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

What every module of the collection shares: the argument spec of the API options
(documented once, in the nexgencloud.hyperstack.api doc fragment), the InfoModule
declaration that each module is, and its run as an AnsibleModule.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import (
    API_OPTIONS,
    FASTJSONSCHEMA_IMPORT_ERROR,
    URLLIB3_IMPORT_ERROR,
    HyperstackClient,
    HyperstackError,
    missing_libraries,
)


def api_argument_spec():
    """The API options as an AnsibleModule argument spec, spread into every module's spec."""
    spec = {}
    for name, (kind, default, env) in API_OPTIONS.items():
        option = {"type": kind}
        if default is not None:
            option["default"] = default
        if env:
            option["fallback"] = (env_fallback, list(env))
        spec[name] = option
    spec["api_key"].update(required=True, no_log=True)
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

    def argument_spec(self):
        spec = api_argument_spec()
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
    module = AnsibleModule(argument_spec=info.argument_spec(), supports_check_mode=True)
    missing = missing_libraries()
    if missing:
        module.fail_json(msg=missing_required_lib(" and ".join(missing)), exception=URLLIB3_IMPORT_ERROR or FASTJSONSCHEMA_IMPORT_ERROR)
    try:
        result = info.run(module.params)
    except HyperstackError as exc:
        module.fail_json(**exc.result())
    module.exit_json(**result)
