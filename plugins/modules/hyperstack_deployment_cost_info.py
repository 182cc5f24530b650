#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_deployment_cost_info
short_description: Estimate what a deployment will cost on Hyperstack and whether the credit covers it
version_added: 1.1.0
description:
  - Answers, from the API's own data, whether the organization can pay for what a play is about to
    create, for as long as it is needed, on top of what already runs.
  - It reads the credit (C(GET /billing/user-credit/credit)) and the running resources
    (C(GET /billing/billing/usage)) and, only when the plan needs them, the flavors
    (C(GET /core/flavors)) and the price list (C(GET /pricebook)).
  - B(It is an estimate.) The API has no price for a flavor before it exists; the price is composed
    from the price list the way Hyperstack sells machines (per GPU-hour, vCPU, RAM and local disk
    included). A GPU flavor costs its GPU's price (the price list entry named as the flavor's C(gpu))
    x C(gpu_count); a CPU-only flavor costs the entry "vCPU (cpu-only-flavors)" x C(cpu) + the entry
    "RAM (cpu-only-flavors)" x C(ram); a volume costs C(Cloud-SSD) x GB; O(plan[].public_ip) adds C(PublicIP) per machine;
    a Kubernetes cluster costs its nodes (see O(plan[].cluster)). Names
    are matched without regard to case. Give O(plan[].hourly_price) where a contract price applies.
  - It fails closed - a Terraform resource of the Hyperstack provider that it cannot price fails the task,
    unless O(unpriced_resources=ignore), and is never counted as free silently.
  - The requirement is (current cost per hour - what the plan destroys + plan cost per hour) x O(hours)
    x (1 + O(margin_percent)/100), and it is covered when the headroom (credit - threshold) is at least that.
  - The reads are made at once, each on a thread with a connection of its own, so an estimate takes
    about one round trip to the API, not four.
  - With an empty plan it tells the runway of what already runs, at today's burn rate.
  - Items are checked before any request; a flavor that does not exist (the closest names are given),
    one not offered in O(region), or a price missing from the price list fail the task after the reads.
  - All money is computed on decimals as the API wrote the numbers, so there is no float noise.
seealso:
  - module: nexgencloud.hyperstack.hyperstack_pricebook_info
  - module: nexgencloud.hyperstack.hyperstack_flavor_info
  - module: nexgencloud.hyperstack.hyperstack_usage_info
  - module: nexgencloud.hyperstack.hyperstack_credit_gate_info
  - name: Terraform JSON Output Format
    description: The format of O(terraform_plan).
    link: https://developer.hashicorp.com/terraform/internals/json-format
author:
  - NexGen Cloud Hyperstack collection team (@nexgencloud)
options:
  count_auto_topup:
    description:
      - How many automatic top-ups of the organization's C(topup_amount) the plan's cover (RV(hyperstack_deployment_cost_info.covered))
        and its report's verdict may count, V(0) or more, as
        O(nexgencloud.hyperstack.hyperstack_credit_gate_info#module:count_auto_topup) counts them - only while the auto
        top-up is C(active), charges at or above the threshold and its last top-up payment was paid.
      - V(0), the default, counts none and reads nothing more. Above V(0) the auto top-up and the payments are read at
        once with the rest, and the result has RV(hyperstack_deployment_cost_info.auto_topup).
    type: int
    default: 0
    version_added: 1.4.0
  runway_contracts:
    description:
      - Name each planned flavor a running contract's discount covers, in RV(hyperstack_deployment_cost_info.contract_cover),
        reading the contracts (C(GET /pricebook/contracts)) with the rest. The plan is priced at the price list's
        C(value), the organization's price, all the same - a discount is never applied twice.
      - The name is the gate's (O(nexgencloud.hyperstack.hyperstack_credit_gate_info#module:runway_contracts)), where it
        also counts each contract's end in the runway; this module has no runway.
    type: bool
    default: false
    version_added: 1.4.0
extends_documentation_fragment:
  - nexgencloud.hyperstack.plan
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
- name: Price two A100 machines with public IPs and a 500 GB volume for three days (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_deployment_cost_info:
    region: CANADA-1
    hours: 72
    margin_percent: 10
    plan:
      - flavor: n3-A100x1
        count: 2
        public_ip: true
      - volume_gb: 500
  register: cost

- name: Stop unless the credit covers it
  ansible.builtin.assert:
    that: cost.hyperstack_deployment_cost_info.covered
    fail_msg: "{{ cost.hyperstack_deployment_cost_info.summary }}"

- name: Price a Terraform plan (terraform plan -out tfplan && terraform show -json tfplan > tfplan.json)
  nexgencloud.hyperstack.hyperstack_deployment_cost_info:
    terraform_plan: tfplan.json
    hours: 168
  register: tf_cost

- name: Price a Kubernetes cluster of eight H100 workers, and a plan that replaces machines, net
  nexgencloud.hyperstack.hyperstack_deployment_cost_info:
    region: CANADA-1
    terraform_plan: tfplan.json   # what it destroys is subtracted from what runs
    unpriced_resources: ignore    # go on without what cannot be priced; see not_priced
    plan:
      - cluster:
          master_flavor: n1-cpu-medium
          node_flavor: n3-H100x1
          node_count: 8
  register: cluster_cost

- name: Say how much the plan adds, refuse more than $5.00/h or 50% more than runs now, and keep the report
  nexgencloud.hyperstack.hyperstack_deployment_cost_info:
    region: CANADA-1
    plan:
      - {flavor: n3-A100x1, count: 2}
    max_added_cost_per_hour: 5
    max_added_percent: 50
  register: change

- name: Write the report to the GitHub Actions job summary
  ansible.builtin.copy:
    content: "{{ change.hyperstack_deployment_cost_info.report }}"
    dest: "{{ lookup('ansible.builtin.env', 'GITHUB_STEP_SUMMARY') }}"
    mode: "0644"
  when: lookup('ansible.builtin.env', 'GITHUB_STEP_SUMMARY') | length > 0

- name: How long the credit lasts at today's burn rate
  nexgencloud.hyperstack.hyperstack_deployment_cost_info:
  register: runway
"""

RETURN = r"""
hyperstack_deployment_cost_info:
  description: The estimate and the numbers of the verdict; money in US dollars, rates per hour.
  returned: success
  type: dict
  contains:
    credit:
      description: The organization's credit balance.
      type: float
      sample: 250.0
    threshold:
      description: The credit threshold below which resources are suspended.
      type: float
      sample: 0.0
    headroom:
      description: Credit minus threshold.
      type: float
      sample: 250.0
    can_create_instance:
      description: What the API says about creating instances now; null when it does not say.
      type: bool
      sample: true
    current_cost_per_hour:
      description: What the running resources cost per hour (see M(nexgencloud.hyperstack.hyperstack_usage_info)).
      type: float
      sample: 3.1
    destroyed_cost_per_hour:
      description: What the resources the Terraform plan destroys cost per hour now, subtracted from what runs.
      type: float
      sample: 1.35
      version_added: 1.3.0
    plan_cost_per_hour:
      description: What the plan adds per hour.
      type: float
      sample: 12.4
    hours:
      description: O(hours).
      type: float
      sample: 24.0
    margin_percent:
      description: O(margin_percent).
      type: float
      sample: 10.0
    required:
      description: (current - destroyed + plan cost per hour) x hours x (1 + margin_percent / 100).
      type: float
      sample: 409.2
    auto_topup:
      description:
        - With O(count_auto_topup) above 0, the organization's auto top-up as read, as
          M(nexgencloud.hyperstack.hyperstack_credit_gate_info) returns it (C(status), C(threshold_amount),
          C(topup_amount), C(last_payment), C(countable), C(why_not)).
      type: dict
      returned: when count_auto_topup is above 0
      version_added: 1.4.0
      sample: {status: active, threshold_amount: 100.0, topup_amount: 50.0, last_payment: null, countable: true, why_not: null}
    contract_cover:
      description:
        - With O(runway_contracts), each planned flavor a running contract's discount covers - C(flavor), C(contract_id),
          C(remaining_count) (machines it still covers), C(end_date).
      type: list
      elements: dict
      returned: when runway_contracts is true
      version_added: 1.4.0
      sample: [{flavor: n3-A100x8, contract_id: 12, remaining_count: 2, end_date: "2027-03-01T00:00:00+00:00"}]
    covered:
      description: Whether the headroom is at least RV(hyperstack_deployment_cost_info.required).
      type: bool
      sample: false
    runway_hours:
      description: Headroom / (current - destroyed + plan cost per hour); null when nothing costs anything.
      type: float
      sample: 16.13
    out_of_stock:
      description: The planned flavors (clusters' included) that are not in stock (in O(region), or in any region without it).
      type: list
      elements: str
      sample: []
    summary:
      description:
        - The verdict in one line; it says what the plan destroys, what of that the usage did not have, and what is out of stock.
      type: str
      sample: "the plan costs $12.40/h on top of $3.10/h already running: $409.20 for 24 h with a 10% margin, more than the headroom $250.00"
    destroyed:
      description: What the Terraform plan destroys (deleted, or the old half of a replacement), and what each costs now.
      type: list
      elements: dict
      returned: always; empty without O(terraform_plan)
      version_added: 1.3.0
      contains:
        address:
          description: The Terraform resource address.
          type: str
          sample: hyperstack_core_virtual_machine.old
        type:
          description: The Terraform resource type.
          type: str
          sample: hyperstack_core_virtual_machine
        id:
          description: Its C(change.before.id), matched against the usage rows' C(resource_id).
          type: str
          sample: "501"
        cost_per_hour:
          description: Its usage row's C(bill_per_minute) x 60; 0 when not found.
          type: float
          sample: 1.35
        found:
          description: Whether the usage has a row of that type and id; when not, nothing is subtracted.
          type: bool
          sample: true
    not_priced:
      description: The created resources of O(terraform_plan) left out of the estimate, and why.
      type: list
      elements: dict
      returned: always; empty without O(terraform_plan)
      version_added: 1.3.0
      contains:
        address:
          description: The Terraform resource address.
          type: str
          sample: tls_private_key.ops
        type:
          description: The Terraform resource type.
          type: str
          sample: tls_private_key
        reason:
          description: Why - another provider's resource is not Hyperstack's bill; a Hyperstack one is left out by O(unpriced_resources=ignore).
          type: str
          sample: not Hyperstack's bill (provider registry.terraform.io/hashicorp/tls)
    month_to_date:
      description: What the organization spent this calendar month (UTC) so far; null without O(monthly_budget).
      type: float
      returned: always; null without O(monthly_budget)
      version_added: 1.3.0
      sample: 1900.0
    month_forecast:
      description: The month's forecast (see O(monthly_budget)); null without O(monthly_budget).
      type: float
      returned: always; null without O(monthly_budget)
      version_added: 1.3.0
      sample: 3224.8
    monthly_budget:
      description: O(monthly_budget), or null.
      type: float
      returned: always
      version_added: 1.3.0
      sample: 2000.0
    within_budget:
      description: Whether C(month_forecast) is within O(monthly_budget); null without it.
      type: bool
      returned: always; null without O(monthly_budget)
      version_added: 1.3.0
      sample: false
    budget_summary:
      description: The budget's verdict in one line, whichever way it goes; null without O(monthly_budget).
      type: str
      returned: always; null without O(monthly_budget)
      version_added: 1.3.0
      sample: >-
        the month's forecast $3,224.80 ($1,900.00 spent, $1.80/h running and $1.35/h planned for the 24 h of 718 h left)
        is more than the monthly budget $2,000.00
    added_cost_per_hour:
      description:
        - The plan's net change per hour - what it creates (C(plan_cost_per_hour)) less what it destroys
          (C(destroyed_cost_per_hour)), exactly; given whether or not a limit is.
      type: float
      returned: always
      version_added: 1.3.0
      sample: 2.7
    added_percent:
      description:
        - C(added_cost_per_hour) / C(current_cost_per_hour) x 100; null when nothing runs now (the percent is
          undefined, and O(max_added_percent) does not apply).
      type: float
      returned: always
      version_added: 1.3.0
      sample: 191.48936170212767
    max_added_cost_per_hour:
      description: O(max_added_cost_per_hour), or null.
      type: float
      returned: always
      version_added: 1.3.0
      sample: 2.0
    max_added_percent:
      description: O(max_added_percent), or null.
      type: float
      returned: always
      version_added: 1.3.0
      sample: 50.0
    within_limits:
      description:
        - Whether the net change is within every limit given (a percent limit with nothing running counts as
          within); null when no limit is given.
      type: bool
      returned: always
      version_added: 1.3.0
      sample: false
    limits:
      description: One entry per limit given, whichever way it goes; empty without one.
      type: list
      elements: dict
      returned: always
      version_added: 1.3.0
      contains:
        name:
          description: The gate's condition - C(added_cost) (O(max_added_cost_per_hour)) or C(added_percent) (O(max_added_percent)).
          type: str
          sample: added_cost
        limit:
          description: The limit.
          type: float
          sample: 2.0
        value:
          description: C(added_cost_per_hour) or C(added_percent); null for a percent with nothing running.
          type: float
          sample: 2.7
        within:
          description: Whether the value is within the limit; null when the percent is undefined.
          type: bool
          sample: false
        summary:
          description: The limit's verdict in one line; the gate's reason when it is not within.
          type: str
          sample: the plan adds $2.70/h, more than the $2.00/h allowed
    report:
      description:
        - The estimate in Markdown, for a CI job summary or a merge-request comment - a table of the plan's
          items (name or address, count, price an hour, hours, cost), what the plan destroys, what runs now,
          the net change, the total, the credit, the budget and the limits when given, and the verdict with
          its reasons (the gate's, with its default conditions), money as C($1,234.50).
      type: str
      returned: always
      version_added: 1.3.0
      sample: |-
        ### Hyperstack cost estimate: failed

        | Item | Count | Price an hour | Hours | Cost |
        |---|---:|---:|---:|---:|
        | n3-A100x1 | 2 | $1.35/h | 24 | $64.80 |
        | **Plan** |  | $2.70/h | 24 | **$64.80** |
    breakdown:
      description:
        - One entry per plan item, then one per Terraform resource, priced.
        - Named so, not C(items), so that Jinja's dot notation reaches it (C(.items) is a dictionary's method).
      type: list
      elements: dict
      contains:
        flavor:
          description: The flavor, or null for a volume, a cluster or an address item.
          type: str
          sample: n3-A100x1
        volume_gb:
          description: The volume size in GB, or null for a machine.
          type: float
          sample: null
        count:
          description: How many.
          type: int
          sample: 2
        unit_price_per_hour:
          description: The price of one per hour.
          type: float
          sample: 1.35672
        cost_per_hour:
          description: unit_price_per_hour x count.
          type: float
          sample: 2.71344
        region:
          description:
            - The regions where the flavor (a cluster's flavors, all of them) is priced and its stock counted;
              empty for a volume without O(region).
            - A list even when O(region) is given, since without it an item may be offered in several regions;
              with O(region) it is that region alone.
          type: list
          elements: str
          sample: [CANADA-1]
        stock_available:
          description: Whether the flavor is in stock there (for a cluster, every one of its flavors); null for a volume or an address item.
          type: bool
          sample: true
        priced_by:
          description: How the price was found.
          type: str
          sample: pricebook A100-80G-PCIe x 1 GPU + PublicIP
        cluster:
          description: The cluster item as priced (defaults filled in).
          type: dict
          returned: for a cluster
          version_added: 1.3.0
          sample: {master_flavor: n1-cpu-medium, master_count: 2, node_flavor: n3-H100x1, node_count: 8, node_groups: [],
                   deployment_mode: full, support_flavor: n1-cpu-medium}
        cost_per_hour_at_count:
          description: The cluster's cost per hour with its node groups at their C(count), not their C(max_count).
          type: float
          returned: for a cluster
          version_added: 1.3.0
          sample: 15.3
        address:
          description: O(plan[].address), for an item that prices a Terraform resource by hand.
          type: str
          returned: for an address item
          version_added: 1.3.0
          sample: hyperstack_core_floating_ip.web
        source:
          description: The Terraform resource address, for items from O(terraform_plan).
          type: str
          returned: for items from a Terraform plan
          sample: hyperstack_core_virtual_machine.trainer[0]
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 401
"""


from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import PAYMENT_OPTIONS
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import PLAN_OPTIONS
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._tasks import deployment_cost

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule("hyperstack_deployment_cost_info", deployment_cost, dict(PLAN_OPTIONS, **PAYMENT_OPTIONS))


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
