# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The collection's modules, each declared once: the module files under plugins/modules
(for the remote host, ansible-doc and the action group) and anything else that runs a
module look them up here by name.
"""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._cost import read_deployment_cost
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT, FLAVORS, LAST_DAY_COST, PRICEBOOK, USAGE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import InfoModule


def _read_flavors(client, params):
    # The API filters by region; the name is filtered here (the API has no such parameter).
    flavors = FLAVORS.fetch(client, {"region": params["region"]} if params.get("region") else None)
    return [flavor for flavor in flavors if params.get("name") in (None, flavor["name"])]


MODULES = {
    info.name: info
    for info in (
        InfoModule.of_endpoint("hyperstack_credit_info", CREDIT),
        InfoModule.of_endpoint("hyperstack_last_day_cost_info", LAST_DAY_COST),
        InfoModule.of_endpoint("hyperstack_pricebook_info", PRICEBOOK),
        InfoModule.of_endpoint("hyperstack_usage_info", USAGE),
        InfoModule("hyperstack_flavor_info", _read_flavors, {"region": {"type": "str"}, "name": {"type": "str"}}, endpoints=[FLAVORS]),
        InfoModule(
            "hyperstack_deployment_cost_info",
            read_deployment_cost,
            {
                "plan": {
                    "type": "list",
                    "elements": "dict",
                    "default": [],
                    # Types checked by Ansible; _cost.check_plan checks the rest (and Terraform's items).
                    "options": {
                        "flavor": {"type": "str"},
                        "volume_gb": {"type": "float"},
                        "count": {"type": "int", "default": 1},
                        "hourly_price": {"type": "float"},
                        "public_ip": {"type": "bool", "default": False},
                    },
                },
                "terraform_plan": {"type": "path"},
                "region": {"type": "str"},
                "hours": {"type": "float", "default": 24.0},
                "margin_percent": {"type": "float", "default": 0.0},
            },
            endpoints=[CREDIT, USAGE, FLAVORS, PRICEBOOK],
        ),
    )
}
