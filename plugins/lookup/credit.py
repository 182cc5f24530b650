# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: credit
short_description: Read the credit balance of a Hyperstack organization, inline in a condition
version_added: 1.0.0
description:
  - Reads the organization's credit balance and threshold from C(GET /billing/user-credit/credit) of
    the Hyperstack Infrahub API, on the controller, and gives the same facts as the
    M(nexgencloud.hyperstack.hyperstack_credit_info) module returns under C(hyperstack_credit_info).
  - Meant for inline conditions in a C(when) or an C(assert); see the examples.
  - The C(lookup) function gives the facts dictionary itself; C(query) gives a list holding that one dictionary.
  - Takes no terms. The API options are given as keyword arguments or through their environment variables.
  - Uses the same HTTP client as the modules (retries, timeout, TLS, schema validation), and every
    failure ends the task with one message in which the API key never appears.
  - Each call makes a request. To use the facts more than once, keep them in a variable with
    M(ansible.builtin.set_fact), or use the module and C(register).
author:
  - NexGen Cloud Hyperstack collection team (@nexgencloud)
extends_documentation_fragment:
  - nexgencloud.hyperstack.api.lookup
  - nexgencloud.hyperstack.api
"""

EXAMPLES = r"""
- name: Create the instances only with more than $100 above the threshold (key from HYPERSTACK_API_KEY)
  ansible.builtin.debug:
    msg: would create the instances here
  when: lookup('nexgencloud.hyperstack.credit').headroom > 100

- name: Give the options as keyword arguments
  ansible.builtin.set_fact:
    hs_credit: "{{ lookup('nexgencloud.hyperstack.credit', api_key=vault_hyperstack_api_key, api_timeout=10) }}"

- name: Stop when the API says no instance can be created
  ansible.builtin.assert:
    that: hs_credit.can_create_instance is not false
    fail_msg: "Hyperstack refuses new instances: credit ${{ hs_credit.credit }}, threshold ${{ hs_credit.threshold }}"
"""

RETURN = r"""
_raw:
  description:
    - The organization's credit facts, as one dictionary (C(query) gives a list of one).
  type: list
  elements: dict
  contains:
    credit:
      description: The current credit balance, in US dollars. May be negative.
      type: float
      sample: 1250.5
    threshold:
      description: The balance at which resource access is suspended, in US dollars (usually 0).
      type: float
      sample: 0.0
    can_create_instance:
      description: Whether the API allows creating instances now; null when the API does not say.
      type: bool
      sample: true
    headroom:
      description: C(credit - threshold), in US dollars, computed without float rounding noise.
      type: float
      sample: 1250.5
"""

import os

from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackClient
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, failure
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import API_OPTIONS, LOOKUP, api_values, keys_in_sight, plain


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        try:
            return [CREDIT.fetch(HyperstackClient(**self._client_options(terms, kwargs), caller=LOOKUP))]
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # Any message could quote an option value, so each one is redacted with every key in sight.
            raise AnsibleLookupError(failure(exc, keys=keys_in_sight(kwargs.get("api_key"), os.environ))["msg"]) from None

    def _client_options(self, terms, kwargs):
        if terms:
            raise HyperstackError("this lookup takes no terms, only keyword options (%s)" % ", ".join(API_OPTIONS))
        unknown = sorted(set(kwargs) - set(API_OPTIONS))
        if unknown:
            raise HyperstackError("unknown option %s; the options are %s" % (", ".join(unknown), ", ".join(API_OPTIONS)))
        if kwargs.get("api_key") is not None and not isinstance(kwargs["api_key"], str):
            # Refused here, because Ansible's own type error would quote the value.
            raise HyperstackError("api_key must be a string, not a %s" % ("list" if isinstance(kwargs["api_key"], (list, tuple)) else "non-string value"))
        try:
            # Ansible's own checks of the options given ...
            self.set_options(direct=kwargs)
            # ... handed over as tagged str, int and float (ansible-core 2.19+): the client gets built-in types.
            given = {name: plain(self.get_option(name)) for name in kwargs}
        except AnsibleError as exc:
            # Ansible's own option parsing, which quotes the value it refused.
            raise HyperstackError(exc.message) from None
        # The environment and the defaults as the modules and the event source read them (an empty variable is unset).
        return api_values(given, os.environ)
