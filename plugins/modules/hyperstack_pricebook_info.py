#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_pricebook_info
short_description: Read the Hyperstack price list (dollars per hour of each resource)
version_added: 1.1.0
description:
  - Reads the organization's price list from C(GET /pricebook) of the Hyperstack Infrahub API, the
    hourly price of each GPU model (named as a flavor's C(gpu)), of a vCPU and a GB of RAM of
    CPU-only flavors, of a GB of Cloud-SSD volume and of a public IP.
  - Prices given by the API as strings of digits are returned as numbers; anything else in their
    place fails the task, naming where in the answer it was.
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
- name: Read the price list (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_pricebook_info:
  register: prices

- name: Show what an H100 costs per hour
  ansible.builtin.debug:
    msg: "{{ prices.hyperstack_pricebook_info | selectattr('name', 'equalto', 'H100-80G-PCIe') | map(attribute='value') | first | default('not listed') }}"
"""

RETURN = r"""
hyperstack_pricebook_info:
  description: The price list, one entry per resource, in US dollars per hour.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The resource, for example a GPU model, "vCPU (cpu-only-flavors)", C(Cloud-SSD) (per GB) or C(PublicIP).
      type: str
      sample: A100-80G-PCIe
    value:
      description: The hourly price that applies to this organization, after any discount.
      type: float
      sample: 1.35
    original_value:
      description: The list price per hour.
      type: float
      sample: 1.35
    discount_applied:
      description: Whether a discount makes RV(hyperstack_pricebook_info[].value) lower than the list price.
      type: bool
      sample: false
    start_time:
      description: When a discounted price starts, or null.
      type: str
      sample: null
    end_time:
      description: When a discounted price ends, or null.
      type: str
      sample: null
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 401
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import PRICEBOOK
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule.of_endpoint("hyperstack_pricebook_info", PRICEBOOK)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
