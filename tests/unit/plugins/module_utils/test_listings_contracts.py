# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_listings.py, contracts (hyperstack_contract_info) against the emulator: every
contract of every page, each with its discounts and the machines whose contract_id places them under it, the contracts
and the machines read at once."""

from __future__ import annotations

import copy

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, emulator_module


def _contract(cid, flavor="n3-A100x8", remaining=2):
    discount = {"resource_name": flavor, "discount_type": "percent", "discount_percent": 40.0, "discount_amount": 0.0, "remaining_count": remaining}
    discount.update(resource_count=4, discount_status="active", discount_code="R-%d" % cid, id=cid, resource_id=102)
    return {
        "id": cid,
        "status": "active",
        "description": "reserved",
        "start_date": "2026-01-01T00:00:00+00:00",
        "end_date": "2026-12-31T00:00:00+00:00",
        "expiration_policy": 0,
        "discounts": [discount],
    }


def _run(emu):
    result = MODULES["hyperstack_contract_info"].run(dict(api_key=KEY, api_url=emu.api_url))
    return result["hyperstack_contract_info"], sorted({request["path"] for request in emu.state.requests})


def test_each_contract_has_its_discounts_and_the_machines_placed_under_it(emu):
    fleet = copy.deepcopy(emulator_module.VM_FLEET)
    fleet[0]["contract_id"] = 12
    emu.state.update({"contracts": [_contract(12), _contract(13, "n3-H100x1", 0)], "vms": fleet})
    facts, paths = _run(emu)
    assert paths == ["/core/virtual-machines", "/pricebook/contracts"]
    assert facts[0] == {
        "id": 12,
        "status": "active",
        "description": "reserved",
        "start_date": "2026-01-01T00:00:00+00:00",
        "end_date": "2026-12-31T00:00:00+00:00",
        "expiration_policy": 0,
        "discounts": [
            {
                "resource_name": "n3-A100x8",
                "discount_type": "percent",
                "discount_percent": 40.0,
                "discount_amount": 0.0,
                "remaining_count": 2,
                "resource_count": 4,
                "discount_status": "active",
            }
        ],
        "vms": [{"id": fleet[0]["id"], "name": fleet[0]["name"], "status": fleet[0]["status"], "flavor": fleet[0]["flavor"]["name"]}],
    }
    assert (facts[1]["id"], facts[1]["vms"], facts[1]["discounts"][0]["remaining_count"]) == (13, [], 0)


def test_every_page_of_the_contracts_is_read(emu):
    emu.state.update({"contracts": [_contract(cid) for cid in range(1, 131)]})
    facts, _paths = _run(emu)
    assert [c["id"] for c in facts] == list(range(1, 131))
    queries = [r["query"] for r in emu.state.requests if r["path"] == "/pricebook/contracts"]
    assert queries == ["page=1&per_page=100", "page=2&per_page=100"]


def test_no_contract_is_an_empty_list(emu):
    assert _run(emu)[0] == []
