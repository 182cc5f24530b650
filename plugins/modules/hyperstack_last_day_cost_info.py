#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_last_day_cost_info
short_description: Read what a Hyperstack organization spent on the previous day
version_added: 1.0.0
description:
  - Reads the cost of the previous day, split into instances, volumes and clusters, from
    C(GET /billing/billing/last-day-cost) of the Hyperstack Infrahub API.
  - With M(nexgencloud.hyperstack.hyperstack_credit_info) it tells how many days the credit lasts at
    the current rate of spending; the C(nexgencloud.hyperstack.credit_gate) role does that for a play.
  - The response is checked against a JSON schema (all four costs present and finite numbers); a
    malformed answer fails the task instead of handing a playbook values it cannot trust.
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
- name: Read yesterday's cost (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_last_day_cost_info:
  register: cost

- name: Read the credit too
  nexgencloud.hyperstack.hyperstack_credit_info:
  register: hs

- name: Stop the play unless the credit lasts a week at yesterday's rate
  ansible.builtin.assert:
    that:
      - cost.hyperstack_last_day_cost_info.total_cost <= 0
        or hs.hyperstack_credit_info.headroom / cost.hyperstack_last_day_cost_info.total_cost >= 7
    fail_msg: >-
      The credit lasts less than 7 days at ${{ cost.hyperstack_last_day_cost_info.total_cost }}/day
"""

RETURN = r"""
hyperstack_last_day_cost_info:
  description: The organization's cost for the previous day, in US dollars.
  returned: success
  type: dict
  contains:
    instances_cost:
      description: What virtual machines cost on the previous day.
      type: float
      sample: 52.8
    volumes_cost:
      description: What volumes cost on the previous day.
      type: float
      sample: 3.6
    clusters_cost:
      description: What Kubernetes clusters cost on the previous day.
      type: float
      sample: 0.0
    total_cost:
      description: The whole cost of the previous day.
      type: float
      sample: 56.4
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 401
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import LAST_DAY_COST
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule.of_endpoint("hyperstack_last_day_cost_info", LAST_DAY_COST)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
