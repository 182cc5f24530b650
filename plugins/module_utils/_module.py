# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

What every module of the collection shares: the argument spec of the API options
(documented once, in the nexgencloud.hyperstack.api doc fragment) and the run of
an _info module that reads one endpoint.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import (
    API_OPTIONS,
    JSONSCHEMA_IMPORT_ERROR,
    REQUESTS_IMPORT_ERROR,
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


def run_info_module(endpoint, result_key):
    """Read endpoint and exit with its facts under result_key; never changes anything."""
    module = AnsibleModule(argument_spec=api_argument_spec(), supports_check_mode=True)
    missing = missing_libraries()
    if missing:
        module.fail_json(msg=missing_required_lib(" and ".join(missing)), exception=REQUESTS_IMPORT_ERROR or JSONSCHEMA_IMPORT_ERROR)
    try:
        facts = endpoint.fetch(HyperstackClient.from_params(module.params))
    except HyperstackError as exc:
        module.fail_json(**exc.result())
    module.exit_json(changed=False, **{result_key: facts})
