#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_flavor_info
short_description: List the Hyperstack virtual machine flavors, their hardware and whether they are in stock
version_added: 1.1.0
description:
  - Reads the flavors (hardware configurations of a virtual machine) from C(GET /core/flavors) of the
    Hyperstack Infrahub API and returns them as one flat list, not grouped by GPU model as the API does.
  - A flavor offered in several regions appears once per region.
options:
  region:
    description:
      - Only the flavors offered in this region, for example C(NORWAY-1), C(CANADA-1) or C(US-1)
        (sent to the API as the query parameter C(region)).
    type: str
  name:
    description:
      - Only the flavors with this exact name, for example C(n3-A100x1).
    type: str
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
- name: List the flavors of CANADA-1 (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_flavor_info:
    region: CANADA-1
  register: flavors

- name: Show the GPU flavors in stock there
  ansible.builtin.debug:
    msg: "{{ flavors.hyperstack_flavor_info | selectattr('gpu') | selectattr('stock_available') | map(attribute='name') | list }}"
"""

RETURN = r"""
hyperstack_flavor_info:
  description: The flavors, one entry per flavor and region, with every field the API gives.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The flavor's name.
      type: str
      sample: n3-A100x1
    region_name:
      description: The region offering it.
      type: str
      sample: CANADA-1
    gpu:
      description: The GPU model (the name of its price in the price list); empty on CPU-only flavors.
      type: str
      sample: A100-80G-PCIe
    gpu_count:
      description: How many GPUs a machine has.
      type: int
      sample: 1
    cpu:
      description: How many vCPUs a machine has.
      type: int
      sample: 28
    ram:
      description: RAM in GB.
      type: float
      sample: 120.0
    disk:
      description: Root disk in GB.
      type: int
      sample: 100
    ephemeral:
      description: Ephemeral disk in GB.
      type: int
      sample: 750
    stock_available:
      description: Whether a machine of this flavor can be created there now.
      type: bool
      sample: true
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 401
"""


from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._listings import flavors
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule("hyperstack_flavor_info", flavors, {"region": {"type": "str"}, "name": {"type": "str"}})


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
