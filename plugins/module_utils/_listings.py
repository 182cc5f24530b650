# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The tasks of the modules that list things (hyperstack_vm_info, hyperstack_flavor_info, hyperstack_contract_info): check the
options, read (_reads.py), and keep what was asked for (_machines.py's rules). Apart from
_tasks.py, so that a module that lists carries no estimate, verdict or report to a host.
"""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._machines import check_selectors, selected, vms_facts
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._payments import contract_facts
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._reads import contract_info_reads, read_concurrently, read_flavors, vm_info_reads


def vm_info(client, params):
    """hyperstack_vm_info: the machines selected, each with its current rate from the usage rows."""
    check_selectors(params, required=False)
    read = read_concurrently(client, params, vm_info_reads(params.get("environment")))
    return vms_facts([m for m in read["vms"] if selected(m, params)], read["usage"]["resources"])


def flavors(client, params):
    """hyperstack_flavor_info: the flavors of params' region (every region without one), of its name when given."""
    # The API filters by region; the name is filtered here (the API has no such parameter).
    return [flavor for flavor in read_flavors(client, params.get("region")) if params.get("name") in (None, flavor["name"])]


def contracts(client, params):
    """hyperstack_contract_info: every contract (every page) with its discounts and the machines placed under it, the
    contracts and the machines read at once."""
    read = read_concurrently(client, params, contract_info_reads())
    return contract_facts(read["contracts"], read["vms"])
