#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_vm
short_description: Create, delete, start, stop and hibernate Hyperstack virtual machines by name, through the credit gate
version_added: 1.4.0
description:
  - Brings the virtual machines named by O(name) or O(names) to O(state), side by side (created, waited for and deleted
    at once, not one after another).
  - B(The gate is inside the create.) Before the first create the task prices what it adds (the flavor of each new
    machine, its public address with O(assign_floating_ip), its bootable volume with O(create_bootable_volume)) from the
    price list, as M(nexgencloud.hyperstack.hyperstack_deployment_cost_info) prices a plan, and judges it as the
    P(nexgencloud.hyperstack.credit_gate#role) role does, with the same options and the same one-line reasons. The API's
    C(can_create_instance), the flavor's stock in the environment's region and the environment's machine quota
    (C(GET /core/environments/{id}/vm-quota)) are always checked. A failed condition fails the whole task, naming each
    condition and its numbers, and no machine is created.
  - B(The default gate), with no gate option given, refuses what the API would refuse (C(can_create_instance) false,
    the flavor out of stock, the quota reached) and a create that would leave the credit under its threshold within
    O(hours) (24 by default) at what already runs plus what the task adds. O(gate=false) turns the conditions off
    but for those the API itself would refuse; leaving options out never does.
  - A machine found changing (a status other than C(ACTIVE), C(SHUTOFF), C(HIBERNATED), C(ERROR)) is waited for, not
    asked again; if it settles in another status than O(state) asks for, the task fails saying so, and a second run
    acts on it.
  - Idempotent by name. A machine that exists is left alone (its labels are set when O(labels) differs); one with
    another flavor, image or environment than asked, or a name the API gives to two machines, fails the task before
    anything is changed. It is never deleted and created again.
  - Acts only on the machines named in the task; never on a selection by label, never on every machine.
  - A create whose answer is lost (a timeout, a dropped connection, a server error) is not sent again blindly; the
    machines are read again, and only a machine still missing is asked for once more. A failure half-way (no stock, the
    quota, a machine in C(ERROR)) fails the task in one line naming the machines; RV(vms), RV(created) and RV(deleted)
    say exactly what was done, and running the task again converges.
author:
  - NexGen Cloud Hyperstack collection team (@nexgencloud)
options:
  name:
    description:
      - The one machine the task acts on. Exactly one of O(name) and O(names) is given.
    type: str
  names:
    description:
      - The machines the task acts on, by exact name, each at most 50 characters. An empty list is refused.
    type: list
    elements: str
  state:
    description:
      - V(present) creates the machines that are missing and leaves the others as they are.
      - V(absent) deletes each named machine (with O(environment), only one in that environment) and waits until it is gone.
      - V(active) creates those missing and starts a stopped machine or restores a hibernated one.
      - V(stopped) stops the named machines (a stopped machine is billed in full); V(hibernated) hibernates them, as
        M(nexgencloud.hyperstack.hyperstack_vm_hibernation) does, from the same code. Neither creates a machine.
    type: str
    choices: [present, absent, active, stopped, hibernated]
    default: present
  environment:
    description:
      - The environment the machines are in, or are created in. Required to create a machine.
    type: str
  flavor:
    description:
      - The flavor of the machines to create, for example V(n3-A100x1). Required to create a machine.
    type: str
  image:
    description:
      - The image of the machines to create, as the API names it, for example V(Ubuntu Server 22.04 LTS); it must be
        offered in the environment's region (checked before any create).
    type: str
  key_name:
    description:
      - The name of the key pair, in O(environment), put on the machines created. Required to create a machine.
    type: str
  assign_floating_ip:
    description:
      - Whether a created machine gets a public address (priced by the gate with the machine).
    type: bool
    default: false
  create_bootable_volume:
    description:
      - Whether a created machine boots from a volume of its flavor's disk size (priced by the gate as a Cloud-SSD volume).
    type: bool
    default: false
  user_data:
    description:
      - Cloud-init user data for the machines created.
    type: str
  labels:
    description:
      - The labels of the machines, for example V(team=ml). A created machine gets them; an existing machine whose
        labels differ gets them set (C(PUT /core/virtual-machines/{id}/label)). Without it, labels are left alone.
    type: list
    elements: str
  security_rules:
    description:
      - Security rules of the machines created.
    type: list
    elements: dict
    suboptions:
      direction:
        description: V(ingress) or V(egress).
        type: str
        required: true
        choices: [ingress, egress]
      ethertype:
        description: The IP version.
        type: str
        default: IPv4
        choices: [IPv4, IPv6]
      protocol:
        description: The protocol, for example V(tcp).
        type: str
        required: true
      remote_ip_prefix:
        description: The addresses the rule applies to, for example V(0.0.0.0/0).
        type: str
        required: true
      port_range_min:
        description: The first port.
        type: int
      port_range_max:
        description: The last port.
        type: int
  retain_ip:
    description:
      - With O(state=hibernated), whether a hibernated machine keeps its public address.
    type: bool
    default: true
  wait:
    description:
      - Whether to wait until each machine changed reaches the status asked for (C(ACTIVE) once created, gone once
        deleted), reading the list of machines once a round.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait at most; when it runs out the task fails naming the machines still changing.
    type: float
    default: 900
  gate:
    description:
      - Whether the gate's conditions refuse the create. With V(false) the estimate and the verdict are still in
        RV(gate), and what the API itself would refuse (C(can_create_instance) false, the flavor out of stock in the
        region, the quota reached) still refuses the create before it is sent.
    type: bool
    default: true
  min_headroom:
    description:
      - The gate refuses the create when the credit's headroom (credit less threshold) is below this, in dollars.
    type: float
    default: 0
  min_runway_days:
    description:
      - The gate refuses the create when the headroom lasts fewer days than this at the last day's cost. Not set, no
        runway condition.
    type: float
  hours:
    description:
      - The gate refuses the create unless the headroom covers this many hours of what runs plus what the task adds
        (with O(margin_percent)).
    type: float
    default: 24
  margin_percent:
    description:
      - A safety margin on the cost of O(hours), in percent.
    type: float
    default: 0
  monthly_budget:
    description:
      - The gate refuses the create when the month's forecast with the new machines exceeds this, in dollars.
    type: float
  max_added_cost_per_hour:
    description:
      - The gate refuses the create when it adds more than this many dollars an hour.
    type: float
  count_auto_topup:
    description:
      - How many automatic top-ups of the organization's C(topup_amount) the gate may count in the headroom, the runway
        and the cover, V(0) or more, as O(nexgencloud.hyperstack.hyperstack_credit_gate_info#module:count_auto_topup)
        counts them - only while the auto top-up is C(active) and its last top-up payment was paid.
      - V(0), the default, counts none and reads nothing more; above V(0) RV(gate) has C(auto_topup).
    type: int
    default: 0
  max_added_percent:
    description:
      - The gate refuses the create when it raises the burn rate by more than this percent.
    type: float
extends_documentation_fragment:
  - nexgencloud.hyperstack.api
attributes:
  check_mode:
    support: full
    description:
      - Reads, prices and judges as the run would, and says what would be created, changed and deleted, with the
        dollars an hour it adds (RV(added_per_hour)) or saves (RV(saved_per_hour)) and the gate's verdict; sends no
        request that changes anything. A refusal of the gate fails the task in check mode too.
  diff_mode:
    support: full
    description: Shows each named machine's status (and labels) before and after, one line per machine.
seealso:
  - module: nexgencloud.hyperstack.hyperstack_environment
  - module: nexgencloud.hyperstack.hyperstack_keypair
  - module: nexgencloud.hyperstack.hyperstack_vm_info
  - module: nexgencloud.hyperstack.hyperstack_credit_gate_info
"""

EXAMPLES = r"""
- name: See what two training machines would cost and whether the gate lets them through
  nexgencloud.hyperstack.hyperstack_vm:
    names: [train-01, train-02]
    environment: ml-CANADA-1
    flavor: n3-A100x1
    image: Ubuntu Server 22.04 LTS R535 CUDA 12.2
    key_name: ops-key
    assign_floating_ip: true
    labels: [team=ml]
    min_runway_days: 3
  check_mode: true
  diff: true
  register: would

- name: Create them (the gate is checked again, in the same task, before the first create)
  nexgencloud.hyperstack.hyperstack_vm:
    names: [train-01, train-02]
    environment: ml-CANADA-1
    flavor: n3-A100x1
    image: Ubuntu Server 22.04 LTS R535 CUDA 12.2
    key_name: ops-key
    assign_floating_ip: true
    labels: [team=ml]
    min_runway_days: 3
  register: created

- name: Say where they are
  ansible.builtin.debug:
    msg: "{{ created.vms | map(attribute='floating_ip') | join(', ') }} for ${{ created.added_per_hour }}/h"

- name: Delete them when the job is done
  nexgencloud.hyperstack.hyperstack_vm:
    names: [train-01, train-02]
    environment: ml-CANADA-1
    state: absent
"""

RETURN = r"""
changed:
  description: Whether a machine was created, deleted, started, stopped, hibernated, restored or relabelled (in check mode, would be).
  returned: always
  type: bool
vms:
  description: The named machines, in the order named, as they are at the end (in check mode, would be), also when the task failed.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The machine's id; null for a machine that does not exist (or would be created, in check mode).
      type: int
    name:
      description: The machine's name.
      type: str
    status:
      description: Its status (C(ACTIVE) once created and waited for); V((gone)) when there is no such machine.
      type: str
    environment:
      description: Its environment's name.
      type: str
    flavor:
      description: Its flavor's name.
      type: str
    fixed_ip:
      description: Its private address.
      type: str
    floating_ip:
      description: Its public address, when it has one.
      type: str
    labels:
      description: Its labels.
      type: list
      elements: str
    cost_per_hour:
      description:
        - What it costs an hour, in US dollars, from its usage row; for a machine the task would create (check mode),
          its price as the gate priced it. Null when it cannot be known.
      type: float
    changes:
      description: What the task did to it (in check mode, would do), among V(created), V(deleted), V(started),
        V(stopped), V(hibernated), V(restored), V(labels).
      type: list
      elements: str
    changed:
      description: Whether the task changed it.
      type: bool
created:
  description: The names of the machines the task created (in check mode, would create).
  returned: always
  type: list
  elements: str
deleted:
  description: The names of the machines the task deleted (in check mode, would delete).
  returned: always
  type: list
  elements: str
added_per_hour:
  description: What the machines created or restored add to the burn rate, in US dollars an hour; null when one cannot be priced.
  returned: always
  type: float
saved_per_hour:
  description: What the machines deleted or hibernated save an hour, from their usage rows; null when one cannot be priced.
  returned: always
  type: float
gate:
  description:
    - The gate's verdict on what the task creates, with the estimate it judged (the fields of
      M(nexgencloud.hyperstack.hyperstack_credit_gate_info)'s fact with a plan), and RV(gate.quota), the environment's quota.
  returned: when the task creates (or would create) a machine, also when the gate refused it
  type: dict
  contains:
    passed:
      description: Whether every condition passed.
      type: bool
    reasons:
      description: One line per failed condition.
      type: list
      elements: str
    plan_cost_per_hour:
      description: What the new machines cost an hour.
      type: float
    quota:
      description: The environment's quota, C(current_vms), C(max_vms), C(available_vms).
      type: dict
    auto_topup:
      description:
        - With O(count_auto_topup) above 0, the auto top-up as read, as M(nexgencloud.hyperstack.hyperstack_credit_gate_info)
          returns it (C(status), C(threshold_amount), C(topup_amount), C(last_payment), C(countable), C(why_not)).
      type: dict
      returned: when count_auto_topup is above 0
diff:
  description: With --diff, each named machine's status (and labels) before and after.
  returned: with --diff
  type: dict
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._provision import VM_OPTIONS
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._vms import provision

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule("hyperstack_vm", provision, options=VM_OPTIONS, changes=True)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
