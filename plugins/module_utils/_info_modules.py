# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The collection's modules, each declared once: the module files under plugins/modules
(for the remote host, ansible-doc and the action group) and anything else that runs a
module look them up here by name.
"""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._cost import check_region, read_deployment_cost
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import BILLING_HISTORY, CREDIT, FLAVORS, LAST_DAY_COST, PRICEBOOK, USAGE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._gate import read_gate
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import InfoModule


def _read_flavors(client, params):
    # The API filters by region; the name is filtered here (the API has no such parameter).
    flavors = FLAVORS.fetch(client, {"region": params["region"]} if params.get("region") else None)
    if params.get("region") and not flavors:
        # A region with no flavors: say which regions there are.
        check_region(FLAVORS.fetch(client), params["region"])
    return [flavor for flavor in flavors if params.get("name") in (None, flavor["name"])]


# The options of the modules that price a plan (documented in the nexgencloud.hyperstack.plan doc fragment).
# Types checked by Ansible; _cost.check_plan checks the rest (and Terraform's items).
PLAN_OPTIONS = {
    "plan": {
        "type": "list",
        "elements": "dict",
        "default": [],
        "options": {
            "flavor": {"type": "str"},
            "volume_gb": {"type": "float"},
            "cluster": {
                "type": "dict",
                "options": {
                    "master_flavor": {"type": "str"},
                    "master_count": {"type": "int", "default": 2},
                    "node_flavor": {"type": "str"},
                    "node_count": {"type": "int"},
                    "node_groups": {
                        "type": "list",
                        "elements": "dict",
                        "options": {"flavor": {"type": "str", "required": True}, "count": {"type": "int", "default": 1}, "max_count": {"type": "int"}},
                    },
                    "deployment_mode": {"type": "str", "choices": ["full", "standard"], "default": "full"},
                    "support_flavor": {"type": "str"},
                },
            },
            "address": {"type": "str"},
            "count": {"type": "int", "default": 1},
            "hourly_price": {"type": "float"},
            "public_ip": {"type": "bool", "default": False},
        },
    },
    "terraform_plan": {"type": "path"},
    "unpriced_resources": {"type": "str", "choices": ["fail", "ignore"], "default": "fail"},
    "region": {"type": "str"},
    "hours": {"type": "float", "default": 24.0},
    "margin_percent": {"type": "float", "default": 0.0},
    "monthly_budget": {"type": "float"},
}

# The gate's conditions (hyperstack_credit_gate_info), as the credit_gate role's variables.
GATE_OPTIONS = {
    "min_headroom": {"type": "float", "default": 0.0},
    "min_runway_days": {"type": "float", "default": 0.0},
    "require_can_create_instance": {"type": "bool", "default": True},
    "require_stock": {"type": "bool", "default": True},
}

MODULES = {
    info.name: info
    for info in (
        InfoModule.of_endpoint("hyperstack_credit_info", CREDIT),
        InfoModule.of_endpoint("hyperstack_last_day_cost_info", LAST_DAY_COST),
        InfoModule.of_endpoint("hyperstack_pricebook_info", PRICEBOOK),
        InfoModule.of_endpoint("hyperstack_usage_info", USAGE),
        InfoModule("hyperstack_flavor_info", _read_flavors, {"region": {"type": "str"}, "name": {"type": "str"}}, endpoints=[FLAVORS]),
        InfoModule("hyperstack_deployment_cost_info", read_deployment_cost, PLAN_OPTIONS, endpoints=[CREDIT, USAGE, FLAVORS, PRICEBOOK, BILLING_HISTORY]),
        InfoModule(
            "hyperstack_credit_gate_info",
            read_gate,
            dict(PLAN_OPTIONS, **GATE_OPTIONS),
            endpoints=[CREDIT, LAST_DAY_COST, USAGE, FLAVORS, PRICEBOOK, BILLING_HISTORY],
        ),
    )
}
