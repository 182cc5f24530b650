#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_usage_info
short_description: Read the running resources of a Hyperstack organization and what they cost per hour
version_added: 1.1.0
description:
  - Reads the organization's active resources (machines, volumes, ...) with what each is billed per
    minute, from C(GET /billing/billing/usage) of the Hyperstack Infrahub API.
  - Adds up the current burn rate in dollars per hour, RV(hyperstack_usage_info.cost_per_hour), as the
    sum of C(bill_per_minute) x 60 over active resources not excluded from billing (a null
    C(bill_per_minute), as terminated resources have, counts 0). The sum is exact to the digits the
    API wrote.
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
- name: Read what already runs (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_usage_info:
  register: usage

- name: Show the burn rate
  ansible.builtin.debug:
    msg: "{{ usage.hyperstack_usage_info.resources | length }} resources cost ${{ usage.hyperstack_usage_info.cost_per_hour }} per hour"
"""

RETURN = r"""
hyperstack_usage_info:
  description: The active resources and what they cost together.
  returned: success
  type: dict
  contains:
    resources:
      description:
        - The resources as the API lists them, with C(resource_id), C(resource_type), C(name),
          C(bill_per_minute), C(create_time), C(terminate_time), C(total_up_time) (minutes),
          C(total_bill), C(active) and C(exclude_billing).
      type: list
      elements: dict
      sample: [{"resource_id": 501, "resource_type": "vm", "name": "train-01", "bill_per_minute": 0.0225, "active": true, "exclude_billing": false}]
    cost_per_hour:
      description: What the active, billed resources cost per hour, in US dollars.
      type: float
      sample: 1.41
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 401
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import USAGE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule.of_endpoint("hyperstack_usage_info", USAGE)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
