# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The collection's modules, each declared once: the module files under plugins/modules
(for the remote host, ansible-doc and the action group) and anything else that runs a
module look them up here by name.
"""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT, LAST_DAY_COST
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import InfoModule

MODULES = {
    info.name: info
    for info in (
        InfoModule.of_endpoint("hyperstack_credit_info", CREDIT),
        InfoModule.of_endpoint("hyperstack_last_day_cost_info", LAST_DAY_COST),
    )
}
