# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The plan options of plugins/module_utils/_plan.py PLAN_OPTIONS, for the modules that price a plan.
    DOCUMENTATION = r"""
options:
  plan:
    description:
      - What the deployment creates. Each item is exactly one of a machine, O(plan[].flavor), a Cloud-SSD
        volume, O(plan[].volume_gb), a Kubernetes cluster, O(plan[].cluster), or a resource of
        O(terraform_plan) priced by hand, O(plan[].address) with O(plan[].hourly_price).
    type: list
    elements: dict
    default: []
    suboptions:
      flavor:
        description: The name of a virtual machine flavor, for example C(n3-A100x1).
        type: str
      volume_gb:
        description: The size of a Cloud-SSD volume in GB.
        type: float
      cluster:
        version_added: 1.3.0
        description:
          - A Kubernetes cluster, priced per node (Hyperstack bills a cluster by its machines; there is no
            control-plane fee) - masters x O(plan[].cluster.master_flavor) + workers x
            O(plan[].cluster.node_flavor) + each node group at its O(plan[].cluster.node_groups[].max_count)
            when given (the autoscaler's worst case; the breakdown's C(cost_per_hour_at_count)
            has the price at O(plan[].cluster.node_groups[].count)) + in C(full) mode one bastion and one load balancer.
          - Each flavor must exist, and be offered in O(region) (or, without it, in one region with all the others).
        type: dict
        suboptions:
          master_flavor:
            description: The flavor of the master nodes (required), a CPU-only flavor such as C(n1-cpu-medium).
            type: str
          master_count:
            description: How many masters, 2 or 3.
            type: int
            default: 2
          node_flavor:
            description: The flavor of the default worker group; with O(plan[].cluster.node_count).
            type: str
          node_count:
            description: How many workers the default group has, 1 or more.
            type: int
          node_groups:
            description: More worker groups, each of one flavor.
            type: list
            elements: dict
            suboptions:
              flavor:
                description: The flavor of the group's workers.
                type: str
                required: true
              count:
                description: How many workers the group starts with.
                type: int
                default: 1
              max_count:
                description: The most workers the group scales to (at most 20); the group is priced at it.
                type: int
          deployment_mode:
            description: C(full) has a bastion and a load balancer node; C(standard) has neither.
            type: str
            choices: [full, standard]
            default: full
          support_flavor:
            description:
              - The flavor the bastion and load balancer of C(full) mode are priced as. Hyperstack does not
                publish theirs, so by default they are priced as the master flavor.
            type: str
      address:
        version_added: 1.3.0
        description:
          - The address of a resource of O(terraform_plan) that the estimate does not price by itself
            (for example C(hyperstack_core_floating_ip.web)), priced at O(plan[].hourly_price).
          - The Terraform resource at that address is then priced by this item alone.
        type: str
      count:
        description: How many of these machines, volumes, clusters or resources, 1 or more.
        type: int
        default: 1
      hourly_price:
        description:
          - The price in dollars per hour of one machine, volume, cluster or resource, used instead of the
            price list (for contract prices). 0 or more.
        type: float
      public_ip:
        description: Whether each machine gets a public IP, adding the C(PublicIP) price.
        type: bool
        default: false
  terraform_plan:
    description:
      - The path of the JSON that C(terraform show -json PLANFILE) writes, for a plan of the official
        Hyperstack Terraform provider. It is read on the host that runs the task.
      - Each C(hyperstack_core_virtual_machine) to be created (also when replaced) becomes a flavor
        item (C(flavor_name), with C(assign_floating_ip) as O(plan[].public_ip)); each
        C(hyperstack_core_volume) to be created a volume item (C(size)); each C(hyperstack_core_cluster)
        a cluster item (C(master_flavor_name), C(master_count) default 2, C(node_flavor_name),
        C(node_count), C(deployment_mode) default C(full)).
      - What the plan destroys (C(delete), and the old half of a replacement) stops costing what it costs
        now - the usage row of its C(change.before.id) (a machine's C(vm) row, a volume's C(volume) row),
        at C(bill_per_minute) x 60 an hour, is subtracted from what runs. One not found in the usage
        subtracts nothing and is listed so in the result's C(destroyed).
      - Updates in place and unchanged resources cost what they cost now, which the running resources
        already cover. A C(flavor_name), C(size) or cluster flavor known only after apply fails the task.
      - A created resource of the Hyperstack provider of another type fails the task (the estimate fails
        closed), unless O(plan[].address) prices it or O(unpriced_resources=ignore). Types that are not
        billed by themselves (keypair, environment, security rule, volume attachment, auth role) pass, and
        so do other providers' resources, listed in the result's C(not_priced).
      - Adds up with O(plan).
    type: path
  unpriced_resources:
    version_added: 1.3.0
    description:
      - What to do with a resource of O(terraform_plan) of the Hyperstack provider that the estimate does not price.
      - V(fail) refuses the plan, naming each such resource; V(ignore) goes on without it and lists it in
        the result's C(not_priced).
    type: str
    choices: [fail, ignore]
    default: fail
  region:
    description:
      - The region the plan will run in, for example C(NORWAY-1). Each flavor must be offered there,
        and its stock there is what counts. A region with no flavors fails, naming the regions there are.
      - Without it, an item takes the regions where its flavor is offered, reports them, and is in
        stock when any of them has stock.
    type: str
  hours:
    description: How long the plan will run, in hours; more than 0.
    type: float
    default: 24.0
  margin_percent:
    description: A safety margin on the requirement, in percent; 0 or more (V(0), no margin).
    type: float
    default: 0.0
  monthly_budget:
    description:
      - A budget for the calendar month (UTC), in US dollars; 0 or more. V(0) is a budget of $0, which any
        forecast above $0 fails; not set, there is no budget. Only when it is given, the month's
        spend so far is read too (C(GET /billing/billing/history) from the first of the month at 00:00:00
        to now, the sum of its C(incurred_bill)).
      - "The month's forecast is that spend + what runs after the plan (what runs now, less what the plan
        destroys), per hour, for the hours left in the month + the plan, per hour, for O(hours) or the hours
        left, whichever is fewer. A forecast past the budget fails the gate."
    type: float
    version_added: 1.3.0
  max_added_cost_per_hour:
    description:
      - The most the plan may add, in US dollars an hour, net - what it creates less what it destroys
        (the result's C(added_cost_per_hour)); 0 or more. V(0) lets the plan add nothing, net; not set, there is no limit.
      - A net change above it fails the gate with one reason naming both, for example
        C(the plan adds $2.70/h, more than the $2.00/h allowed).
    type: float
    version_added: 1.3.0
  max_added_percent:
    description:
      - The most the plan may add as a percent of what runs now - the net change (what it creates less what
        it destroys) / the current cost per hour x 100 (the result's C(added_percent)); 0 or more. V(0) lets the
        plan add nothing, net; not set, there is no limit.
      - A net change above it fails the gate with one reason naming both, for example
        C(the plan adds 191.49% to the $1.41/h that runs now, more than the 50% allowed).
      - With nothing running now the percent is undefined (C(added_percent) is null) and this limit does
        not apply; only O(max_added_cost_per_hour) does.
    type: float
    version_added: 1.3.0
"""
