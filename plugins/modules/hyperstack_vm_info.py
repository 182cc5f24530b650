#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_vm_info
short_description: List the virtual machines of a Hyperstack organization, their status, labels and what each costs now
version_added: 1.4.0
description:
  - Lists the organization's virtual machines from C(GET /core/virtual-machines) of the Hyperstack Infrahub
    API, following every page however the server pages them (until the count the API gives is read or a
    page comes back empty; a list that does not end after 1000 pages fails rather than reading for ever).
  - Each machine's current rate, RV(hyperstack_vm_info[].cost_per_hour), comes from the usage rows of
    C(GET /billing/billing/usage) by C(resource_id). An C(ACTIVE) or C(SHUTOFF) machine is billed in
    full, a C(HIBERNATED) one only for its saved disk and any address it keeps.
  - Every answer is validated against a schema, as every read of the collection is.
  - Every filter given must match. Without any, every machine is listed; an empty list, or an empty name
    or label, selects none by construction and is refused before any request.
options:
  labels:
    description:
      - Only the machines that carry every one of these labels, written as the API writes them, for
        example V(hibernate=ok) or V(team=ml).
    type: list
    elements: str
  names:
    description:
      - Only the machines with one of these exact names.
    type: list
    elements: str
  environment:
    description:
      - Only the machines of the environment of this exact name, for example V(default-NORWAY-1).
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
seealso:
  - module: nexgencloud.hyperstack.hyperstack_vm_hibernation
"""

EXAMPLES = r"""
- name: List the machines labelled as able to wait (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_vm_info:
    labels:
      - hibernate=ok
  register: able_to_wait

- name: Show what they cost an hour now
  ansible.builtin.debug:
    msg: "{{ item.name }} is {{ item.status }} at ${{ item.cost_per_hour }}/h"
  loop: "{{ able_to_wait.hyperstack_vm_info }}"
  loop_control:
    label: "{{ item.name }}"
"""

RETURN = r"""
hyperstack_vm_info:
  description: The machines selected, oldest first as the API lists them.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The machine's id.
      type: int
      sample: 501
    name:
      description: The machine's name.
      type: str
      sample: train-01
    status:
      description:
        - The machine's status, such as C(ACTIVE), C(SHUTOFF), C(HIBERNATED), C(ERROR), or a transitional
          status while a change is under way.
      type: str
      sample: ACTIVE
    flavor:
      description: The machine's flavor.
      type: dict
      contains:
        name:
          description: The flavor's name.
          type: str
          sample: n3-A100x1
        gpu:
          description: The GPU model; empty on CPU-only flavors.
          type: str
          sample: A100-80G-PCIe
        gpu_count:
          description: How many GPUs the machine has.
          type: int
          sample: 1
    labels:
      description: The machine's labels.
      type: list
      elements: str
      sample: ["team=ml", "hibernate=ok"]
    environment:
      description: The name of the machine's environment.
      type: str
      sample: default-NORWAY-1
    region:
      description: The region of the machine's environment.
      type: str
      sample: NORWAY-1
    fixed_ip:
      description: The machine's private address in its environment's network; null when the API gives none.
      type: str
      sample: 10.0.0.11
    floating_ip:
      description:
        - The machine's public address; null when it has none (for example hibernated without
          O(nexgencloud.hyperstack.hyperstack_vm_hibernation#module:retain_ip)).
      type: str
      sample: 38.80.122.11
    cost_per_hour:
      description:
        - What the machine is billed now, in US dollars an hour, from its usage rows (C(bill_per_minute) x 60
          of its active rows not excluded from billing), to 15 significant digits, so that a rate the API wrote per
          minute (0.03166666666666667) reads as the hourly price it is (V(1.9)), without float noise.
        - Null when the usage has no row for the machine.
      type: float
      sample: 1.35
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 401
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._listings import vm_info
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule(
    "hyperstack_vm_info",
    vm_info,
    options={
        "labels": {"type": "list", "elements": "str"},
        "names": {"type": "list", "elements": "str"},
        "environment": {"type": "str"},
    },
)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
