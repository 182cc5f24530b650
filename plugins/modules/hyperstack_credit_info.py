#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_credit_info
short_description: Read the credit balance and threshold of a Hyperstack organization
version_added: 1.0.0
description:
  - Reads the organization's credit balance and the threshold below which its resources are
    suspended, from C(GET /billing/user-credit/credit) of the Hyperstack Infrahub API.
  - Use it as a gate before provisioning, so a play stops with a clear reason instead of failing
    half-way on an organization without enough credit.
  - The response is checked against a JSON schema; a malformed answer fails the task instead of
    handing a playbook values it cannot trust.
author:
  - NexGen Cloud Hyperstack collection team (@nexgencloud)
extends_documentation_fragment:
  - nexgencloud.hyperstack.api
attributes:
  check_mode:
    support: full
    description: Only reads; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is nothing to diff.
"""

EXAMPLES = r"""
- name: Read the credit (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_credit_info:
  register: hs

- name: Stop the play unless there are at least $100 above the threshold
  ansible.builtin.assert:
    that:
      - hs.hyperstack_credit_info.can_create_instance is not false
      - hs.hyperstack_credit_info.headroom >= 100
    fail_msg: >-
      Not enough Hyperstack credit: headroom ${{ hs.hyperstack_credit_info.headroom }} is below $100

- name: Set the key once for every module of the collection
  module_defaults:
    group/nexgencloud.hyperstack.all:
      api_key: "{{ vault_hyperstack_api_key }}"
      api_timeout: 10
  block:
    - name: Read the credit
      nexgencloud.hyperstack.hyperstack_credit_info:
      register: hs
"""

RETURN = r"""
hyperstack_credit_info:
  description: The organization's credit facts.
  returned: success
  type: dict
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
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 401
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule.of_endpoint("hyperstack_credit_info", CREDIT)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
