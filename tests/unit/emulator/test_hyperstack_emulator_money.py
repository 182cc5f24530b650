# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of emulator/hyperstack_emulator.py: how the organization pays, over real HTTP. The auto top-up's status and
its set-up, change and disabling with their refusals, the payments with a declined top-up's attempts, the contracts (every
page, one, the machines under one), and a machine under a running contract billed at its discount in the usage rows, at
list price once the contract ended. Every answer validates strictly against the published OpenAPI spec
(fixtures/infrahub-openapi-money-excerpt.yaml)."""

from __future__ import annotations

import copy
import json
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FIXTURES, KEY, emulator_module, resolve_refs, strict, validate, with_nulls

SPEC = yaml.safe_load((FIXTURES / "infrahub-openapi-money-excerpt.yaml").read_text())
# Fields the API sends as null when there is nothing to say (the spec marks nothing nullable).
NULLABLE = {"status", "threshold_amount", "topup_amount", "id", "updated_at", "invoice", "termination_time", "cluster", "end_date"}
TOPUP, STATUS, PAYMENTS = "/billing/auto-topup", "/billing/auto-topup/status", "/billing/payment/payment-details"
CONTRACTS, CONTRACT = "/pricebook/contracts", "/pricebook/contracts/{contract_id}"
CONTRACT_VMS = "/core/virtual-machines/contract/{contract_id}/virtual-machines"


def contract(cid=12, end_date="2999-01-01T00:00:00+00:00", percent=40.0, flavor="n3-A100x8", remaining=2):
    discount = {
        "id": 1,
        "resource_id": 102,
        "resource_name": flavor,
        "resource_count": 4,
        "remaining_count": remaining,
        "discount_type": "percent",
        "discount_percent": percent,
        "discount_amount": 0.0,
        "discount_code": "RESERVED-%d" % cid,
        "discount_status": "active",
    }
    return {
        "id": cid,
        "org_id": 42,
        "status": "active",
        "description": "reserved A100s",
        "start_date": "2026-01-01T00:00:00+00:00",
        "end_date": end_date,
        "expiration_policy": 0,
        "created_at": "2025-12-20T00:00:00+00:00",
        "discounts": [discount],
    }


def call(emu, method, template, body=None, query="", **ids):
    path = template
    for name, value in ids.items():
        path = path.replace("{%s}" % name, str(value))
    data = None if body is None else json.dumps(body).encode()
    headers = {"api_key": KEY, **({"Content-Type": "application/json"} if data is not None else {})}
    request = urllib.request.Request(emu.api_url + path + (("?" + query) if query else ""), data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # nosec - loopback emulator
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def check(answer, template, method, status=200):
    got, body = answer
    assert got == status, (got, body)
    operation = SPEC["paths"][template][method.lower()]
    validate(body, with_nulls(strict(resolve_refs(SPEC, operation["responses"][str(status)]["content"]["application/json"]["schema"])), NULLABLE))
    return body


def test_no_auto_top_up_is_set_up_by_default(emu):
    assert check(call(emu, "GET", STATUS), STATUS, "GET") == {"status": None, "threshold_amount": None, "topup_amount": None}
    assert check(call(emu, "DELETE", TOPUP), TOPUP, "DELETE", 404)["message"] == "No auto top-up is set up"
    assert check(call(emu, "PUT", TOPUP, {"threshold_amount": 100, "topup_amount": 50}), TOPUP, "PUT", 404)["message"] == "No active auto top-up to update"


def test_an_auto_top_up_is_set_up_changed_and_disabled(emu):
    created = check(call(emu, "POST", TOPUP, {"threshold_amount": 100.0, "topup_amount": 250.0}), TOPUP, "POST", 201)
    assert (created["auto_topup"]["status"], created["auto_topup"]["topup_amount"]) == ("active", 250.0)
    assert check(call(emu, "POST", TOPUP, {"threshold_amount": 100.0, "topup_amount": 250.0}), TOPUP, "POST", 409)["status"] is False
    assert check(call(emu, "PUT", TOPUP, {"threshold_amount": 200.0, "topup_amount": 500.0}), TOPUP, "PUT")["auto_topup"]["topup_amount"] == 500.0
    assert check(call(emu, "GET", STATUS), STATUS, "GET") == {"status": "active", "threshold_amount": 200.0, "topup_amount": 500.0}
    assert check(call(emu, "GET", TOPUP), TOPUP, "GET")["auto_topup"]["status"] == "active"
    assert check(call(emu, "DELETE", TOPUP), TOPUP, "DELETE")["auto_topup"]["status"] == "disabled"
    assert check(call(emu, "GET", STATUS), STATUS, "GET")["status"] == "disabled"
    # Reset: none set up again.
    emu.state.reset()
    assert call(emu, "GET", STATUS)[1]["status"] is None


@pytest.mark.parametrize(
    "body, message",
    [
        ({"threshold_amount": 100.0}, "missing required field: topup_amount"),
        ({"threshold_amount": 100.0, "topup_amount": -5}, "topup_amount should be a positive number"),
        ({"threshold_amount": True, "topup_amount": 5}, "threshold_amount should be a positive number"),
    ],
)
def test_a_malformed_auto_top_up_is_refused(emu, body, message):
    assert check(call(emu, "POST", TOPUP, body), TOPUP, "POST", 400)["message"] == message


@pytest.mark.parametrize("status", ["active", "disabled", "pending_setup", "cancelled", None])
def test_every_status_is_served_as_set(emu, status):
    emu.state.update({"auto_topup": {"status": status, "threshold_amount": 100.0, "topup_amount": 50.0}})
    assert check(call(emu, "GET", STATUS), STATUS, "GET")["status"] == status


def test_the_state_refuses_an_unknown_status_and_malformed_payments(emu):
    with pytest.raises(ValueError):
        emu.state.update({"auto_topup": {"status": "paused"}})
    with pytest.raises(ValueError):
        emu.state.update({"payments": "lost"})
    with pytest.raises(ValueError):
        emu.state.update({"contracts": [{"name": "no id"}]})


def test_a_declined_top_up_is_served_with_its_attempts(emu):
    assert check(call(emu, "GET", PAYMENTS), PAYMENTS, "GET")["data"] == []
    emu.state.update({"payments": "declined"})
    data = check(call(emu, "GET", PAYMENTS), PAYMENTS, "GET")["data"]
    assert [(p["payment_id"], p["status"], p["attempt_number"], p["max_attempts"]) for p in data] == [
        ("pi-1001", "succeeded", 1, 3),
        ("pi-1002", "failed", 1, 3),
        ("pi-1002", "failed", 2, 3),
        ("pi-1002", "failed", 3, 3),
    ]


def test_the_contracts_are_served_page_by_page_one_by_one_and_with_their_machines(emu):
    contracts = [contract(12), contract(13, flavor="n3-H100x1")]
    fleet = copy.deepcopy(emulator_module.VM_FLEET[:2])
    fleet[0]["contract_id"] = 12
    emu.state.update({"contracts": contracts, "vms": fleet})
    listed = check(call(emu, "GET", CONTRACTS, query="page=2&per_page=1"), CONTRACTS, "GET")
    assert (listed["count"], [c["id"] for c in listed["contracts"]]) == (2, [13])
    assert check(call(emu, "GET", CONTRACT, contract_id=12), CONTRACT, "GET")["contracts"] == contracts[0]
    assert check(call(emu, "GET", CONTRACT, contract_id=99), CONTRACT, "GET", 404)["message"] == "Contract 99 not found"
    under = check(call(emu, "GET", CONTRACT_VMS, contract_id=12), CONTRACT_VMS, "GET")["instances"]
    assert [vm["id"] for vm in under] == [fleet[0]["id"]]
    assert check(call(emu, "GET", CONTRACT_VMS, contract_id=13), CONTRACT_VMS, "GET")["instances"] == []


def _a100x8(vid, contract_id):
    vm = copy.deepcopy(emulator_module.VM_FLEET[0])
    flavor = next(f for f in emulator_module.FLAVORS if f["name"] == "n3-A100x8")
    vm.update(id=vid, name="train-%d" % vid, status="ACTIVE", contract_id=contract_id)
    vm["flavor"] = {key: flavor[key] for key in vm["flavor"]}
    return vm


def test_a_machine_under_a_running_contract_bills_at_its_discount_and_at_list_price_after(emu):
    # A100 at $1.35 the GPU (list $2.20): 8 x 2.20 = $17.60/h at list, less 40% = $10.56/h under contract 12.
    pricebook = [dict(e, original_value=2.2) if e["name"] == "A100-80G-PCIe" else e for e in emulator_module.PRICEBOOK]
    emu.state.update({"pricebook": pricebook, "contracts": [contract(12)], "vms": [_a100x8(901, 12), _a100x8(902, None)], "usage": []})
    rows = {row["resource_id"]: row for row in call(emu, "GET", "/billing/billing/usage")[1]["data"]}
    assert decimal(rows[901]["bill_per_minute"]) * 60 == Decimal("10.56")
    assert decimal(rows[902]["bill_per_minute"]) * 60 == Decimal("10.8")
    # Ended (an end_date written as the spec's example writes it, with a space and an offset): at list price, $17.60/h.
    emu.state.update({"contracts": [contract(12, end_date="2026-01-02 00:00:00+00:00")]})
    rows = {row["resource_id"]: row for row in call(emu, "GET", "/billing/billing/usage")[1]["data"]}
    assert round(decimal(rows[901]["bill_per_minute"]) * 60, 6) == Decimal("17.6")
    assert decimal(rows[902]["bill_per_minute"]) * 60 == Decimal("10.8")
