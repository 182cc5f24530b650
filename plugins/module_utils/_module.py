# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The one base of the collection's modules, those that read and those that change things: a module is
declared once in its file under plugins/modules: its name (also the key of its result), its task, its
options beside the API options (documented once, in the nexgencloud.hyperstack.api doc fragment) and
whether it changes things. run_module() runs it on the host (async, become, a remote host); the action
plugins run the same declaration in the controller.
"""

from __future__ import annotations

import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import (
    INSTALL_HINT,
    JSONSCHEMA_IMPORT_ERROR,
    REQUESTS_IMPORT_ERROR,
    HyperstackClient,
    missing_libraries,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import failure
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import MODULE, api_argument_spec, keys_in_sight


class HyperstackModule:
    """One module, declared: its name (also the key of its result), its task, the options it has beside the API
    options, on_failure(msg), the value its result key holds when it fails (none without it), and changes, whether
    it changes things.

    A module that reads (changes=False) has task(client, params) -> its facts, put under its name with changed
    false (client.caller says whose names its messages use). A module that changes things has
    task(client, params, check_mode, diff) -> the task's whole result (changed, diff included).
    Either way its client may send a request that changes something only when the module changes things and the
    task is not in check mode: anything else is refused by the client before it is sent.

    Whatever runs the module (run_module below, an action plugin in the controller) validates
    the arguments against argument_spec(), calls run() with them and words a failure with failed().
    """

    def __init__(self, name, task, options=None, on_failure=None, changes=False):
        self.name = name
        self._task = task
        self._options = options or {}
        self._on_failure = on_failure
        self.changes = changes

    def argument_spec(self, environ=None, problems=None):
        spec = api_argument_spec(environ, problems)
        spec.update(self._options)
        return spec

    def run(self, params, caller=MODULE, check_mode=False, diff=False, environ=None):
        """The task's result for validated params (in check mode, with --diff: the task's flags; environ: the task's
        environment, default os.environ); raises on any failure."""
        client = HyperstackClient.from_params(params, caller, environ, may_act=self.changes and not check_mode)
        if self.changes:
            return self._task(client, params, check_mode, diff)
        return {"changed": False, self.name: self._task(client, params)}

    def failed(self, result):
        """A failed result (fail_json's keywords, msg already redacted) with the module's failure value."""
        if self._on_failure is not None:
            result[self.name] = self._on_failure(result["msg"])
        return result

    @classmethod
    def of_endpoint(cls, name, endpoint):
        """A module that reads one endpoint with no options of its own."""
        return cls(name, lambda client, params: endpoint.fetch(client))


def run_module(info):
    """Run info (a HyperstackModule) on the host: validate the arguments, run its task, exit; changes something
    only when info says it changes things, and then not in check mode. Every failure, a bug included, is one
    redacted line (failure())."""

    class Module(AnsibleModule):
        # AnsibleModule's own failures (a wrong argument) carry the module's failure value too.
        def fail_json(self, msg, **kwargs):
            super().fail_json(**info.failed(dict(kwargs, msg=msg)))

    problems = []
    module = Module(argument_spec=info.argument_spec(problems=problems), supports_check_mode=True)
    missing = missing_libraries()
    if missing:
        module.fail_json(
            msg="%s Run %s." % (missing_required_lib(" and ".join(missing)), INSTALL_HINT), exception=REQUESTS_IMPORT_ERROR or JSONSCHEMA_IMPORT_ERROR
        )
    if problems:
        module.fail_json(msg=problems[0])
    try:
        result = info.run(module.params, check_mode=module.check_mode, diff=module._diff)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        module.fail_json(**failure(exc, info.name, keys_in_sight(module.params.get("api_key"), os.environ)))
    # A result's warnings are the module's own (the action plugin hands the list on as the task's).
    for warning in result.pop("warnings", []):
        module.warn(warning)
    module.exit_json(**result)
