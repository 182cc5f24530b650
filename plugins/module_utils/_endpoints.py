# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The API endpoints the collection calls: for each, its path and method, whether it changes something,
the JSON schema its 200 response must match and the facts a playbook gets from it. Schemas live in
Python because only .py module_utils travel with a module to the host running it. A new endpoint is
one Endpoint here; which endpoints a task reads is _reads.py's.
"""

from __future__ import annotations

from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import jsonschema, validator
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import billed_now, decimal, difference, rate

# Far above any real balance (a quadrillion dollars): a number past it is not a balance.
_MONEY = {"type": "number", "minimum": -1e15, "maximum": 1e15}


def _object(properties, required):
    # Unknown fields are accepted at every level: the API grows.
    return {"type": "object", "required": list(required), "properties": properties}


def _envelope(data):
    return _object({"status": {"type": "boolean"}, "message": {"type": "string"}, "data": data}, ["status", "data"])


def _list_of(item):
    return {"type": "array", "items": item}


class Endpoint:
    """One endpoint: where it is, what it must return, what a playbook gets.

    facts() gets the body's data, or the whole body when envelope is false (a bare array). method is
    the HTTP method; acts says whether the request changes something (a PUT, or one of the API's GETs that
    act; by default any method but GET): the client never retries such a request blindly
    (_client.HyperstackClient.request).
    """

    def __init__(self, path, what, schema, facts, envelope=True, method="GET", acts=None):
        self.path = path
        self.what = what
        self.schema = schema
        self._facts = facts
        self._envelope = envelope
        self.method = method
        self.acts = acts
        if jsonschema is not None:
            # Made with the endpoint, when this file is imported: the action plugins import it before
            # the strategy forks its workers, so every worker inherits every validator.
            validator(schema)

    def fetch(self, client, params=None, body=None, **where):
        """Call the endpoint through client, with the query params (a dict) and body (sent as JSON); raise
        HyperstackError on any failure.

        where fills the path's and what's fields ({id} of a machine's path, {name} in what)."""
        path, what = self.path.format(**where), self.what.format(**where)
        body = client.request(self.method, path, self.schema, what, params=params, body=body, acts=self.acts)
        return self._facts(body["data"] if self._envelope else body)


def _credit_facts(data):
    return {
        "credit": data["credit"],
        "threshold": data["threshold"],
        "can_create_instance": data.get("can_create_instance"),
        "headroom": difference(data["credit"], data["threshold"]),
    }


CREDIT = Endpoint(
    path="/billing/user-credit/credit",
    what="reading the credit balance (GET /billing/user-credit/credit)",
    schema=_envelope(_object({"credit": _MONEY, "threshold": _MONEY, "can_create_instance": {"type": "boolean"}}, ["credit", "threshold"])),
    facts=_credit_facts,
)


_COST_FIELDS = ("instances_cost", "volumes_cost", "clusters_cost", "total_cost")

LAST_DAY_COST = Endpoint(
    path="/billing/billing/last-day-cost",
    what="reading the last day's cost (GET /billing/billing/last-day-cost)",
    schema=_envelope(_object({name: _MONEY for name in _COST_FIELDS}, _COST_FIELDS)),
    facts=lambda data: {name: data[name] for name in _COST_FIELDS},
)


def _pricebook_number(value):
    # The pricebook's numbers may arrive as strings of digits (the schema let only those through).
    if not isinstance(value, str):
        return value
    text = value.strip()
    return int(text) if text.lstrip("-").isdigit() else float(text)


_PRICE = {"anyOf": [_MONEY, {"type": "string", "pattern": r"^\s*-?[0-9]+(\.[0-9]+)?\s*$", "description": "a decimal number in a string"}]}
_PRICEBOOK_FIELDS = ("name", "value", "original_value", "discount_applied", "start_time", "end_time")

PRICEBOOK = Endpoint(
    path="/pricebook",
    what="reading the price list (GET /pricebook)",
    schema=_list_of(
        _object({"name": {"type": "string"}, "value": _PRICE, "original_value": _PRICE, "discount_applied": {"type": "boolean"}}, ["name", "value"])
    ),
    facts=lambda entries: [
        dict(
            {name: entry.get(name) for name in _PRICEBOOK_FIELDS},
            value=_pricebook_number(entry["value"]),
            original_value=_pricebook_number(entry.get("original_value")),
        )
        for entry in entries
    ],
    envelope=False,
)


_COUNT = {"type": "integer", "minimum": 0}
# What pricing a flavor needs is required; the rest is passed on as the API sent it.
_FLAVOR = _object(
    {
        "name": {"type": "string"},
        "region_name": {"type": "string"},
        "gpu": {"type": ["string", "null"]},
        "gpu_count": _COUNT,
        "cpu": _COUNT,
        "ram": {"type": "number", "minimum": 0},
        "stock_available": {"type": "boolean"},
    },
    ["name", "region_name", "gpu", "gpu_count", "cpu", "ram", "stock_available"],
)

FLAVORS = Endpoint(
    path="/core/flavors",
    what="reading the flavors (GET /core/flavors)",
    schema=_envelope(_list_of(_object({"flavors": _list_of(_FLAVOR)}, ["flavors"]))),
    # The API groups flavors by GPU model and region; a playbook wants one list.
    facts=lambda groups: [dict(flavor, gpu=flavor["gpu"] or "") for group in groups for flavor in group["flavors"]],
)


def _usage_facts(rows):
    return {"resources": rows, "cost_per_hour": rate(billed_now(rows))}


USAGE = Endpoint(
    path="/billing/billing/usage",
    what="reading the running resources (GET /billing/billing/usage)",
    schema=_envelope(
        _list_of(
            _object(
                {
                    "bill_per_minute": {"anyOf": [_MONEY, {"type": "null"}]},
                    "active": {"type": ["boolean", "null"]},
                    "exclude_billing": {"type": ["boolean", "null"]},
                },
                [],
            )
        )
    ),
    facts=_usage_facts,
)


def _history_facts(body):
    # The spend over the window: the sum of the rows' incurred_bill, on the numbers as the API wrote them.
    rows = body["billing_history"]["billing_history"]
    return {"rows": rows, "spent": sum((decimal(row["metrics"]["incurred_bill"]) for row in rows), Decimal(0))}


BILLING_HISTORY = Endpoint(
    path="/billing/billing/history",
    what="reading the billing history (GET /billing/billing/history)",
    # No data envelope: the rows sit under billing_history.billing_history. A row without its
    # incurred_bill is refused rather than counted as nothing spent.
    schema=_object(
        {
            "status": {"type": "boolean"},
            "message": {"type": "string"},
            "billing_history": _object(
                {"billing_history": _list_of(_object({"metrics": _object({"incurred_bill": _MONEY}, ["incurred_bill"])}, ["metrics"]))}, ["billing_history"]
            ),
        },
        ["billing_history"],
    ),
    facts=_history_facts,
    envelope=False,
)


# -- virtual machines ------------------------------------------------------------------------

_NULLABLE_STRING = {"type": ["string", "null"]}
# What the VM modules use of a machine is required (id, name, status); the rest is tolerated missing or null.
_VM = _object(
    {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "status": {"type": "string"},
        "labels": {"anyOf": [_list_of({"type": "string"}), {"type": "null"}]},
        "flavor": {
            "anyOf": [
                _object(
                    {
                        "name": _NULLABLE_STRING,
                        "gpu": _NULLABLE_STRING,
                        "gpu_count": {"anyOf": [_COUNT, {"type": "null"}]},
                        "cpu": {"anyOf": [_COUNT, {"type": "null"}]},
                        "ram": {"type": ["number", "null"], "minimum": 0},
                    },
                    [],
                ),
                {"type": "null"},
            ]
        },
        "environment": {"anyOf": [_object({"name": _NULLABLE_STRING, "region": _NULLABLE_STRING}, []), {"type": "null"}]},
        "fixed_ip": _NULLABLE_STRING,
        "floating_ip": _NULLABLE_STRING,
    },
    ["id", "name", "status"],
)

VM_LIST_PATH = "/core/virtual-machines"
VM_PAGE = Endpoint(
    path=VM_LIST_PATH,
    what="reading the virtual machines (GET /core/virtual-machines)",
    # No data envelope: the machines of the page sit under instances, count is the total across the pages.
    schema=_object(
        {"status": {"type": "boolean"}, "message": {"type": "string"}, "count": {"anyOf": [_COUNT, {"type": "null"}]}, "instances": _list_of(_VM)},
        ["instances"],
    ),
    facts=lambda body: {"count": body.get("count"), "instances": body["instances"]},
    envelope=False,
)

VM = Endpoint(
    path="/core/virtual-machines/{id}",
    what="reading virtual machine {name} (id {id}) (GET /core/virtual-machines/{id})",
    schema=_object({"status": {"type": "boolean"}, "message": {"type": "string"}, "instance": _VM}, ["instance"]),
    facts=lambda body: body["instance"],
    envelope=False,
)

# The requests that act on a machine: their 200 answer is the API's ResponseModel, {status, message}.
_ACTED = _object({"status": {"type": "boolean"}, "message": {"type": "string"}}, [])


def _acting(path, what, method="GET"):
    """An endpoint that acts on the machine of path ({id}), answering the API's ResponseModel."""
    return Endpoint(path=path, what=what, schema=_ACTED, facts=lambda body: body.get("message"), envelope=False, method=method, acts=True)


HIBERNATE = _acting("/core/virtual-machines/{id}/hibernate", "hibernating virtual machine {name} (id {id}) (GET /core/virtual-machines/{id}/hibernate)")
RESTORE = _acting(
    "/core/virtual-machines/{id}/hibernate-restore",
    "restoring virtual machine {name} (id {id}) from hibernation (GET /core/virtual-machines/{id}/hibernate-restore)",
)
# Sets a machine's labels, the whole list (body {"labels": [...]}).
LABEL = _acting(
    "/core/virtual-machines/{id}/label",
    "setting the labels of virtual machine {name} (id {id}) (PUT /core/virtual-machines/{id}/label)",
    method="PUT",
)
STOP = _acting("/core/virtual-machines/{id}/stop", "stopping virtual machine {name} (id {id}) (GET /core/virtual-machines/{id}/stop)")
START = _acting("/core/virtual-machines/{id}/start", "starting virtual machine {name} (id {id}) (GET /core/virtual-machines/{id}/start)")
DELETE_VM = _acting("/core/virtual-machines/{id}", "deleting virtual machine {name} (id {id}) (DELETE /core/virtual-machines/{id})", method="DELETE")
CREATE_VM = Endpoint(
    path=VM_LIST_PATH,
    what="creating virtual machine {name} (POST /core/virtual-machines)",
    schema=_object({"status": {"type": "boolean"}, "message": {"type": "string"}, "instances": _list_of(_VM)}, ["instances"]),
    facts=lambda body: body["instances"],
    envelope=False,
    method="POST",
)


# -- what a machine needs first: environments, key pairs, images, quota -------------------------

_ENVIRONMENT = _object({"id": {"type": "integer"}, "name": {"type": "string"}, "region": _NULLABLE_STRING}, ["id", "name"])
_KEYPAIR = _object(
    {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "environment": {"anyOf": [_object({"name": _NULLABLE_STRING}, []), {"type": "null"}]},
        "public_key": _NULLABLE_STRING,
        "fingerprint": _NULLABLE_STRING,
    },
    ["id", "name"],
)


def _page(key, item):
    # A page of a list (environments, key pairs): no data envelope; count is the total across the pages.
    return _object({"count": {"anyOf": [_COUNT, {"type": "null"}]}, key: _list_of(item)}, [key])


def _listing(path, noun, key, item):
    """A paged list (environments, key pairs): facts {count, items}, for _reads' one paged read."""
    what = "reading the %s (GET %s)" % (noun, path)
    return Endpoint(path=path, what=what, schema=_page(key, item), facts=lambda body: {"count": body.get("count"), "items": body[key]}, envelope=False)


def _creating(path, what, key, item):
    """A POST creating one thing, answered {key: the thing}; facts: the thing."""
    return Endpoint(path=path, what=what, schema=_object({key: item}, [key]), facts=lambda body: body[key], envelope=False, method="POST")


ENVIRONMENT_PAGE = _listing("/core/environments", "environments", "environments", _ENVIRONMENT)
CREATE_ENVIRONMENT = _creating("/core/environments", "creating environment {name} (POST /core/environments)", "environment", _ENVIRONMENT)
DELETE_ENVIRONMENT = _acting("/core/environments/{id}", "deleting environment {name} (id {id}) (DELETE /core/environments/{id})", method="DELETE")
VM_QUOTA = Endpoint(
    path="/core/environments/{id}/vm-quota",
    what="reading the machine quota of environment {name} (GET /core/environments/{id}/vm-quota)",
    schema=_object({"current_vms": _COUNT, "max_vms": _COUNT, "available_vms": {"type": "integer"}}, ["available_vms"]),
    facts=lambda body: {key: body.get(key) for key in ("current_vms", "max_vms", "available_vms")},
    envelope=False,
)
KEYPAIR_PAGE = _listing("/core/keypairs", "key pairs", "keypairs", _KEYPAIR)
CREATE_KEYPAIR = _creating("/core/keypairs", "importing key pair {name} (POST /core/keypairs)", "keypair", _KEYPAIR)
# One key pair's path is singular in the API.
DELETE_KEYPAIR = _acting("/core/keypair/{id}", "deleting key pair {name} (id {id}) (DELETE /core/keypair/{id})", method="DELETE")
IMAGES = Endpoint(
    path="/core/images",
    what="reading the images of region {region} (GET /core/images)",
    # Grouped by region and operating system; each group's images by name.
    schema=_object({"images": _list_of(_object({"images": _list_of(_object({"name": {"type": "string"}}, ["name"]))}, ["images"]))}, ["images"]),
    facts=lambda body: sorted({image["name"] for group in body["images"] for image in group["images"]}),
    envelope=False,
)


# -- how the organization pays: auto top-up, payments, contracts ------------------------------------

_NULLABLE_MONEY = {"anyOf": [_MONEY, {"type": "null"}]}
AUTO_TOPUP_STATUS = Endpoint(
    path="/billing/auto-topup/status",
    what="reading the auto top-up (GET /billing/auto-topup/status)",
    # No envelope; status is null when none was ever set up.
    schema=_object({"status": _NULLABLE_STRING, "threshold_amount": _NULLABLE_MONEY, "topup_amount": _NULLABLE_MONEY}, ["status"]),
    facts=lambda body: {key: body.get(key) for key in ("status", "threshold_amount", "topup_amount")},
    envelope=False,
)
_NULLABLE_COUNT = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
PAYMENT_DETAILS = Endpoint(
    path="/billing/payment/payment-details",
    what="reading the payments (GET /billing/payment/payment-details)",
    schema=_envelope(
        _list_of(
            _object(
                {
                    "amount": _NULLABLE_MONEY,
                    "status": _NULLABLE_STRING,
                    "auto_topup_id": _NULLABLE_COUNT,
                    "attempt_number": _NULLABLE_COUNT,
                    "max_attempts": _NULLABLE_COUNT,
                },
                [],
            )
        )
    ),
    facts=lambda rows: rows,
)
_DISCOUNT = _object(
    {
        "resource_name": _NULLABLE_STRING,
        "discount_percent": _NULLABLE_MONEY,
        "discount_amount": _NULLABLE_MONEY,
        "remaining_count": _NULLABLE_COUNT,
    },
    [],
)
_CONTRACT = _object(
    {"id": {"type": "integer"}, "status": _NULLABLE_STRING, "end_date": _NULLABLE_STRING, "discounts": {"anyOf": [_list_of(_DISCOUNT), {"type": "null"}]}},
    ["id"],
)
CONTRACT_PAGE = Endpoint(
    path="/pricebook/contracts",
    what="reading the contracts (GET /pricebook/contracts)",
    schema=_page("contracts", _CONTRACT),
    facts=lambda body: {"count": body.get("count"), "items": body["contracts"]},
    envelope=False,
)
CONTRACT_VMS = Endpoint(
    path="/core/virtual-machines/contract/{id}/virtual-machines",
    what="reading the machines of contract {id} (GET /core/virtual-machines/contract/{id}/virtual-machines)",
    schema=_object({"instances": _list_of(_object({"id": {"type": "integer"}}, ["id"]))}, ["instances"]),
    facts=lambda body: body["instances"],
    envelope=False,
)
