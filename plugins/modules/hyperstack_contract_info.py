#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_contract_info
short_description: List a Hyperstack organization's contracts, their discounts and the machines placed under each
version_added: 1.4.0
description:
  - Lists the organization's contracts (reserved capacity at a discount) from C(GET /pricebook/contracts) of the
    Hyperstack Infrahub API, every page, each with its status, dates, discounts and the machines placed under it.
  - The machines come from C(GET /core/virtual-machines) (every page), read at the same time; a machine is placed
    under a contract when its C(contract_id) is the contract's id.
  - A discount applies to a resource (a flavor) while C(remaining_count) machines of it can still be placed under
    the contract, and only until its C(end_date); after it the machines bill at list price, which
    O(nexgencloud.hyperstack.hyperstack_credit_gate_info#module:runway_contracts) counts in the gate's runway.
  - Every answer is validated against a schema, as every read of the collection is.
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
  - module: nexgencloud.hyperstack.hyperstack_credit_gate_info
  - module: nexgencloud.hyperstack.hyperstack_vm_info
"""

EXAMPLES = r"""
- name: List the contracts (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_contract_info:
  register: contracts

- name: Say when each contract ends and how many machines run under it
  ansible.builtin.debug:
    msg: "contract {{ item.id }} ends {{ item.end_date }} with {{ item.vms | length }} machines under it"
  loop: "{{ contracts.hyperstack_contract_info }}"
  loop_control:
    label: "{{ item.id }}"
"""

RETURN = r"""
hyperstack_contract_info:
  description: The organization's contracts, as the API lists them.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The contract's id.
      type: int
      sample: 12
    status:
      description: The contract's status, as the API writes it.
      type: str
      sample: active
    description:
      description: The contract's description.
      type: str
      sample: reserved A100s
    start_date:
      description: When the contract starts, as the API writes it.
      type: str
      sample: "2026-01-01T00:00:00+00:00"
    end_date:
      description: When the contract and its discounts end, as the API writes it.
      type: str
      sample: "2026-12-31T00:00:00+00:00"
    expiration_policy:
      description: The contract's expiration policy, as the API gives it.
      type: int
      sample: 0
    discounts:
      description:
        - Each discount of the contract - C(resource_name) (a flavor), C(discount_type), C(discount_percent) or
          C(discount_amount), C(remaining_count) (how many more machines of it the contract covers),
          C(resource_count) and C(discount_status).
      type: list
      elements: dict
      sample: [{resource_name: n3-A100x8, discount_type: percent, discount_percent: 40.0, discount_amount: 0.0, remaining_count: 2,
                resource_count: 4, discount_status: active}]
    vms:
      description: The machines placed under the contract - C(id), C(name), C(status) and C(flavor) (its name).
      type: list
      elements: dict
      sample: [{id: 901, name: train-901, status: ACTIVE, flavor: n3-A100x8}]
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 401
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._listings import contracts
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule("hyperstack_contract_info", contracts)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
