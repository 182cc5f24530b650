#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_vm_hibernation
short_description: Hibernate Hyperstack virtual machines, or restore them, chosen by ids, names and labels
version_added: 1.4.0
description:
  - Hibernates the selected virtual machines (C(GET /core/virtual-machines/{id}/hibernate) of the Hyperstack
    Infrahub API) or restores them from hibernation (C(GET /core/virtual-machines/{id}/hibernate-restore)).
  - A C(HIBERNATED) machine is billed only for its saved root disk and any public address it keeps; a stopped
    (C(SHUTOFF)) one is billed in full. Hibernation is the one way to stop a machine's compute cost and keep
    its state.
  - The machines are chosen by O(ids), O(names) and O(labels); every selector given must match. No selector,
    or an empty list, is refused before any request is made - the module never means every machine. An id or
    a name that no machine has is refused before anything is changed.
  - Idempotent. A machine already in the state asked for is left alone and nothing is sent for it; a machine
    whose status is a change under way (any status but C(ACTIVE), C(SHUTOFF), C(HIBERNATED) and C(ERROR)) is
    waited for, not asked again.
  - A machine the API refuses (not every flavor can hibernate, only an C(ACTIVE) machine can, and only a
    C(HIBERNATED) one can be restored) fails the task in one line naming the machine, its id and the API's reason;
    the other machines are still done, and the result lists what changed.
  - A selector that matches no machine changes nothing and warns, naming the labels no machine carries.
  - A machine that settles in another status than the one asked for (C(ERROR)) while it is waited for fails the
    task at once, naming its status.
  - The machines are read from C(GET /core/virtual-machines), every page, and the price list (C(GET /pricebook))
    prices what hibernating a machine saves and what restoring one adds an hour, before anything is sent.
  - A request that acts is never sent twice. When its answer is lost (a timeout, a dropped connection, a server
    error) the machine is read again. Found changing, it is waited for as asked; found as it was, the task fails
    saying nothing was changed.
author:
  - NexGen Cloud Hyperstack collection team (@nexgencloud)
options:
  state:
    description:
      - V(hibernated) hibernates the selected machines; V(active) restores those hibernated.
    type: str
    choices: [hibernated, active]
    default: hibernated
  ids:
    description:
      - Only the machines with these ids.
    type: list
    elements: int
  names:
    description:
      - Only the machines with these exact names.
    type: list
    elements: str
  labels:
    description:
      - Only the machines that carry every one of these labels, as the API writes them, for example V(hibernate=ok).
    type: list
    elements: str
  retain_ip:
    description:
      - Whether a hibernated machine keeps its public address (billed while it is kept). With V(false) the
        address is released and the machine gets a new one when restored.
      - Only for O(state=hibernated).
    type: bool
    default: true
  wait:
    description:
      - Whether to wait until each machine changed (or already changing) reaches C(HIBERNATED) or C(ACTIVE),
        polling its status (C(GET /core/virtual-machines/{id})), every status but the one asked for counting as
        a change under way.
      - Without it, RV(vms[].status_after) of a machine asked to change is the status asked for.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait at most. When it runs out the task fails naming the machines still changing
        and their status.
    type: float
    default: 600
  mark:
    description:
      - A label (for example V(hibernated-by=runway_guard)) put on each machine before this task hibernates it
        (C(PUT /core/virtual-machines/{id}/label)), and taken off each selected machine that this task restores
        or finds C(ACTIVE) already. Select by it (O(labels)) with O(state=active) to restore only what was
        hibernated with it, never a machine hibernated another way.
      - When the API refuses to hibernate a machine, the mark is taken off again.
      - Without it, no label is changed.
    type: str
extends_documentation_fragment:
  - nexgencloud.hyperstack.api
attributes:
  check_mode:
    support: full
    description:
      - Says which machines would change and what that saves or adds an hour, and sends no request that acts.
      - A machine the API will refuse, as far as its status and the flavors Hyperstack documents as unable to
        hibernate tell (the RTX A4000, the H100 SXM5 in US-1, the CPU-only flavors), is shown unchanged, with the
        reason in RV(vms[].error), is not counted, and is warned of. Without check mode the API is asked, and the
        task fails on its refusal after the other machines are done.
  diff_mode:
    support: full
    description: Shows each selected machine's status before and after (and its labels, with O(mark)), one line per machine.
seealso:
  - module: nexgencloud.hyperstack.hyperstack_vm_info
"""

EXAMPLES = r"""
- name: See which machines labelled hibernate=ok would be hibernated, and what that saves
  nexgencloud.hyperstack.hyperstack_vm_hibernation:
    labels:
      - hibernate=ok
  check_mode: true
  diff: true
  register: would

- name: Hibernate them, keeping their public addresses (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_vm_hibernation:
    labels:
      - hibernate=ok
    wait_timeout: 1200
  register: hibernated

- name: Say what it saves
  ansible.builtin.debug:
    msg: "Hibernated {{ hibernated.vms | selectattr('changed') | map(attribute='name') | join(', ') }}: ${{ hibernated.saved_per_hour }}/h saved"

- name: Bring two of them back
  nexgencloud.hyperstack.hyperstack_vm_hibernation:
    state: active
    names:
      - train-01
      - train-02
"""

RETURN = r"""
changed:
  description: Whether a machine was asked to change (in check mode, would be).
  returned: always
  type: bool
  sample: true
vms:
  description: The selected machines, oldest first, also when the task failed.
  returned: success, and failure after the machines were read
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
    labels:
      description: The machine's labels.
      type: list
      elements: str
      sample: ["team=ml", "hibernate=ok"]
    flavor:
      description: The name of the machine's flavor.
      type: str
      sample: n3-A100x1
    status_before:
      description: The machine's status when the task read it.
      type: str
      sample: ACTIVE
    status_after:
      description:
        - Its status at the end. With O(wait), as last read; in check mode or without O(wait), the status asked
          for when the machine is asked to change.
      type: str
      sample: HIBERNATED
    changed:
      description: Whether this machine was asked to change (in check mode, would be).
      type: bool
      sample: true
    saved_per_hour:
      description:
        - What its flavor costs an hour, saved by hibernating it (its disk and any address it keeps go on being
          billed), priced from the price list as M(nexgencloud.hyperstack.hyperstack_deployment_cost_info) prices
          a flavor. Null when it is not hibernated by this task or cannot be priced.
      type: float
      sample: 1.35
    added_per_hour:
      description:
        - What its flavor costs an hour, added by restoring it, priced as RV(vms[].saved_per_hour). Null when it is
          not restored by this task or cannot be priced.
      type: float
      sample: 10.8
    priced_by:
      description: How RV(vms[].saved_per_hour) or RV(vms[].added_per_hour) was priced, or why it could not be.
      returned: when the machine is hibernated or restored by this task
      type: str
      sample: pricebook A100-80G-PCIe x 1 GPU
    error:
      description:
        - The one line of the API's refusal, or of the failure, for this machine; in check mode, why the API will
          refuse it.
      returned: when the machine was, or will be, refused
      type: str
saved_per_hour:
  description:
    - The sum of RV(vms[].saved_per_hour) of the machines hibernated by this task (in check mode, that would be),
      in US dollars an hour; V(0) with O(state=active).
    - Null when one of them cannot be priced (never counted as free).
  returned: success, and failure after the machines were read
  type: float
  sample: 3.25
added_per_hour:
  description:
    - The sum of RV(vms[].added_per_hour) of the machines restored by this task (in check mode, that would be),
      in US dollars an hour, what waking them adds to the burn rate; V(0) with O(state=hibernated).
    - Null when one of them cannot be priced (never counted as free).
  returned: success, and failure after the machines were read
  type: float
  sample: 10.8
diff:
  description: With --diff, each selected machine's status before and after, one line per machine.
  returned: with --diff
  type: dict
  sample: {"before": "train-01 (id 501): ACTIVE\n", "after": "train-01 (id 501): HIBERNATED\n"}
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error of a read.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 401
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._hibernation import change_state
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import HIBERNATION_OPTIONS

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule(
    "hyperstack_vm_hibernation",
    change_state,
    options=HIBERNATION_OPTIONS,
    changes=True,
)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
