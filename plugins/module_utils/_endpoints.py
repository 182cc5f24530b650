# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The API endpoints the collection reads: for each, its path, the JSON schema its
200 response must match and the facts a playbook gets from it. Schemas live in
Python because only .py module_utils travel with a module to the host running it.
"""

from __future__ import annotations

from decimal import Decimal

# Far above any real balance (a quadrillion dollars): a number past it is not a balance.
_MONEY = {"type": "number", "minimum": -1e15, "maximum": 1e15}


def _envelope(data_properties, required):
    # Unknown fields are accepted at every level: the API grows.
    return {
        "type": "object",
        "required": ["status", "data"],
        "properties": {
            "status": {"type": "boolean"},
            "message": {"type": "string"},
            "data": {"type": "object", "required": required, "properties": data_properties},
        },
    }


def _difference(a, b):
    # Decimal of the numbers as the API wrote them: 0.3 - 0.1 is 0.2, not 0.19999999999999998.
    if isinstance(a, int) and isinstance(b, int):
        return a - b
    return float(Decimal(repr(a)) - Decimal(repr(b)))


class Endpoint:
    """One GET endpoint: where it is, what it must return, what a playbook gets."""

    def __init__(self, path, what, schema, facts):
        self.path = path
        self.what = what
        self.schema = schema
        self._facts = facts

    def fetch(self, client):
        """Read the endpoint through client; raise HyperstackError on any failure."""
        return self._facts(client.get(self.path, self.schema, self.what)["data"])


def _credit_facts(data):
    return {
        "credit": data["credit"],
        "threshold": data["threshold"],
        "can_create_instance": data.get("can_create_instance"),
        "headroom": _difference(data["credit"], data["threshold"]),
    }


CREDIT = Endpoint(
    path="/billing/user-credit/credit",
    what="reading the credit balance (GET /billing/user-credit/credit)",
    schema=_envelope(
        {"credit": _MONEY, "threshold": _MONEY, "can_create_instance": {"type": "boolean"}},
        ["credit", "threshold"],
    ),
    facts=_credit_facts,
)


_COST_FIELDS = ("instances_cost", "volumes_cost", "clusters_cost", "total_cost")

LAST_DAY_COST = Endpoint(
    path="/billing/billing/last-day-cost",
    what="reading the last day's cost (GET /billing/billing/last-day-cost)",
    schema=_envelope({name: _MONEY for name in _COST_FIELDS}, list(_COST_FIELDS)),
    facts=lambda data: {name: data[name] for name in _COST_FIELDS},
)
