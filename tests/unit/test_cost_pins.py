# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rules of _cost.py and _gate.py that a mutmut run over the two files (with these tests and
test_cost.py, test_cost_net.py and test_gate.py as its runner) found unpinned: each test here
fails on one or more of those mutants."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _cost, _gate, _plan, _pricing
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FLAVORS, KEY, MODULES, PRICES, refused, terraform_plan_json


def _create(kind, after=None, address=None, provider="registry.terraform.io/nexgencloud/hyperstack"):
    return {"address": address or kind + ".x", "type": kind, "provider_name": provider, "change": {"actions": ["create"], "after": after or {}}}


def test_the_types_that_cost_nothing_are_these_five_and_unpriced_resources_takes_these_two():
    assert _plan.FREE_TYPES == {
        "hyperstack_core_keypair",
        "hyperstack_core_environment",
        "hyperstack_core_virtual_machine_sg_rule",
        "hyperstack_core_volume_attachment",
        "hyperstack_auth_role",
    }
    assert _plan.UNPRICED == ("fail", "ignore") and _pricing.USAGE_TYPES == {_plan.VM: "vm", _plan.VOLUME: "volume"}
    assert not _plan.plan_request({"unpriced_resources": "ignore"})["items"]


@pytest.mark.parametrize(
    "cluster, message",
    [
        ({"master_flavor": 5, "node_flavor": "n", "node_count": 1}, "plan item 1: cluster: master_flavor must be a flavor name, got 5"),
        ({"master_flavor": "m", "node_flavor": " ", "node_count": 1}, 'plan item 1: cluster: node_flavor must be a flavor name, got " "'),
        (
            {"master_flavor": "m", "node_flavor": "n", "node_count": 1, "support_flavor": []},
            "plan item 1: cluster: support_flavor must be a flavor name, got []",
        ),
        ({"master_flavor": "m", "node_groups": [{"flavor": "a", "count": 0}]}, "plan item 1: cluster: node group 1: count must be 1 or more, got 0"),
    ],
)
def test_each_part_of_a_cluster_is_named_when_refused(cluster, message):
    assert refused(_plan.check_plan, [{"cluster": cluster}]) == message


def test_a_node_group_starts_with_one_worker_and_a_flavor_must_be_a_name():
    cluster = _plan.check_plan([{"cluster": {"master_flavor": "m", "node_groups": [{"flavor": "a"}]}}])[0]["cluster"]
    assert cluster["node_groups"] == [{"flavor": "a", "count": 1, "max_count": None}]
    assert refused(_plan.check_plan, [{"flavor": 5}]) == "plan item 1: flavor must be a flavor name, got 5"


@pytest.mark.parametrize("address", ["  ", 5])
def test_an_address_must_be_a_name(address):
    assert "address names a Terraform resource" in refused(_plan.check_plan, [{"address": address, "hourly_price": 1}])


def test_the_messages_of_a_file_that_is_not_a_plan_are_whole():
    assert refused(_plan.terraform_plan, "{", "p.json") == (
        "terraform_plan p.json is not JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1)):"
        " give the output of terraform show -json PLANFILE"
    )
    assert refused(_plan.terraform_plan, json.dumps({"format_version": "1.2", "resource_changes": {}}), "p.json") == (
        "terraform_plan p.json is not a Terraform plan in JSON (it needs format_version and planned_values or resource_changes):"
        " give the output of terraform show -json PLANFILE, not of a state"
    )
    assert refused(_plan.plan_request, {"terraform_plan": "/nonexistent/p.json"}) == (
        "terraform_plan /nonexistent/p.json could not be read on the host running the task: [Errno 2] No such file or directory: '/nonexistent/p.json'"
    )


def test_the_provider_decides_whose_bill_a_resource_is_before_its_type():
    text = terraform_plan_json(_create("hyperstack_tools_report", address="hyperstack_tools_report.r", provider="registry.terraform.io/acme/hyperstack-tools"))
    assert _plan.terraform_plan(text, "p.json")["not_priced"] == [
        {
            "address": "hyperstack_tools_report.r",
            "type": "hyperstack_tools_report",
            "reason": "not Hyperstack's bill (provider registry.terraform.io/acme/hyperstack-tools)",
        }
    ]


def test_every_unknown_attribute_of_a_cluster_is_named():
    text = terraform_plan_json(_create("hyperstack_core_cluster", {"node_count": 1}, "hyperstack_core_cluster.k"))
    assert "hyperstack_core_cluster.k has no known master_flavor_name or node_flavor_name in the plan" in refused(_plan.terraform_plan, text, "p.json")


MANY = [dict(FLAVORS[3], name=name) for name in ("flavor-1", "flavor-2", "flavor-3", "flavor-4", "n1-cpu-large", "n1-cpu-medium", "n1-cpu-small", "n1-cpu-xl")]


@pytest.mark.parametrize(
    "name, message",
    [
        ("flavor-", "flavor flavor- does not exist; the closest are flavor-4, flavor-3, flavor-2"),
        # One is close enough by difflib's ratio; then the names that contain it, three in all.
        ("CPU", "flavor CPU does not exist; the closest are n1-cpu-xl, n1-cpu-large, n1-cpu-medium"),
    ],
)
def test_three_suggestions_at_most(name, message):
    assert refused(_pricing.price_item, _plan.check_plan([{"flavor": name}])[0], MANY, PRICES) == message


def test_the_regions_a_flavor_is_in_are_listed_with_commas():
    item = _plan.check_plan([{"flavor": "n3-A100x1"}])[0]
    assert refused(_pricing.price_item, item, FLAVORS, PRICES, "US-1") == "flavor n3-A100x1 is not offered in region US-1; it is in CANADA-1, NORWAY-1"


def test_a_cluster_at_a_contract_price_is_in_stock_and_count_multiplies_its_price_at_count():
    cluster = {"master_flavor": "n1-cpu-small", "node_groups": [{"flavor": "n3-H100x8", "count": 1, "max_count": 2}]}
    priced = _pricing.price_item(_plan.check_plan([{"cluster": cluster, "hourly_price": 3}])[0], FLAVORS, [], None)
    assert (priced["stock_available"], priced["_out_of_stock"]) == (True, [])
    two = _pricing.price_item(_plan.check_plan([{"cluster": cluster, "count": 2}])[0], FLAVORS, PRICES, None)
    # (2 x 3.7 + 1 x 15.2 + 2 x 3.7) x 2 at count; (... + 2 x 15.2 ...) x 2 at max_count
    assert two["cost_per_hour_at_count"] == 60.0 and two["cost_per_hour"] == Decimal("90.4")


def test_a_cluster_whose_flavor_has_no_price_says_so():
    item = _plan.check_plan([{"cluster": {"master_flavor": "n1-cpu-small", "node_flavor": "n3-H100x8", "node_count": 1}}])[0]
    assert refused(_pricing.price_item, item, FLAVORS, PRICES[2:]) == (
        "the price list has no entry 'H100-80G-PCIe' for a cluster of n1-cpu-small: give the item an hourly_price (dollars per hour per unit)"
    )


def test_a_volumes_entry_has_its_size_count_and_how():
    priced = _pricing.price_item(_plan.check_plan([{"volume_gb": 10, "count": 3}])[0], FLAVORS, PRICES, None)
    assert {key: priced[key] for key in ("flavor", "volume_gb", "count", "priced_by")} == {
        "flavor": None,
        "volume_gb": 10.0,
        "count": 3,
        "priced_by": "pricebook Cloud-SSD x 10 GB",
    }


def test_a_destroyed_resource_costs_its_billed_row_only():
    rows = [
        {"resource_id": 1, "resource_type": "vm", "bill_per_minute": None, "active": True},
        {"resource_id": 2, "resource_type": "vm", "bill_per_minute": 5, "active": False},
        {"resource_id": 3, "resource_type": "volume", "bill_per_minute": 0.001, "active": True},
    ]
    destroyed = [{"address": "a%d" % n, "type": kind, "id": n} for n, kind in ((1, _plan.VM), (2, _plan.VM), (3, _plan.VOLUME))]
    assert [(e["cost_per_hour"], e["found"]) for e in _pricing.price_destroyed(destroyed, rows)] == [
        (Decimal(0), True),
        (Decimal(0), True),
        (Decimal("0.060"), True),
    ]


def _facts(credit=300, threshold=100):
    return {"credit": credit, "threshold": threshold, "headroom": credit - threshold, "can_create_instance": None}


def test_the_estimates_keys_and_numbers():
    items = [{"flavor": "f", "cost_per_hour": Decimal("0.5"), "unit_price_per_hour": Decimal("0.25"), "stock_available": True, "_out_of_stock": []}]
    lost = [{"address": a, "type": "t", "id": a, "cost_per_hour": Decimal(0), "found": False} for a in ("x.a", "x.b")]
    result = _cost.estimate(_facts(), 0, items, Decimal(2), Decimal(10), lost, [{"address": "t.k"}])
    assert sorted(result) == sorted(
        "credit threshold headroom can_create_instance current_cost_per_hour destroyed_cost_per_hour plan_cost_per_hour hours margin_percent"
        " required covered runway_hours out_of_stock summary breakdown destroyed not_priced".split() + list(_cost.BUDGET_KEYS)
    )
    assert (result["hours"], result["margin_percent"], result["can_create_instance"], result["not_priced"]) == (2.0, 10.0, None, [{"address": "t.k"}])
    # The headroom is credit - threshold; 0.5 an hour (less than 1) still has a runway.
    assert result["runway_hours"] == 400.0 and result["summary"].endswith("within the headroom $200.00; not in the usage, so nothing subtracted: x.a, x.b")
    assert result["breakdown"] == [{"flavor": "f", "cost_per_hour": 0.5, "unit_price_per_hour": 0.25, "stock_available": True}]


def test_the_defaults_and_names_of_hours_and_margin():
    request = _plan.plan_request({})
    assert (request["hours"], request["margin"]) == (Decimal(24), Decimal(0))
    assert _plan.plan_request({"hours": 0.5})["hours"] == Decimal("0.5")
    assert refused(_plan.plan_request, {"hours": "x"}) == 'hours must be a number, got "x"'
    assert refused(_plan.plan_request, {"margin_percent": -1}) == "margin_percent must be 0 or more, got -1"


# -- the gate ---------------------------------------------------------------------------------


def test_the_facts_keys():
    assert _gate.FACT_KEYS == ("credit", "threshold", "headroom", "can_create_instance", "daily_cost", "runway_days", "passed", "reasons", "error")


def test_the_verdicts_defaults_and_boundaries():
    assert _gate.verdict(_facts(0.5, 0))["passed"] is True  # no least headroom by default
    assert _gate.verdict(_facts(0.5, 0), daily_cost=1)["passed"] is True  # no least runway by default: half a day passes
    assert _gate.verdict(_facts(-5, 0), daily_cost=1, min_headroom=-10, min_runway_days=0)["passed"] is True  # 0 is off, even for a negative runway
    assert _gate.verdict(_facts(1, 0), daily_cost=0.5)["runway_days"] == 2.0  # a spend below $1 a day is a spend
    assert _gate.verdict(_facts(1, 0), daily_cost=2, min_runway_days=0.5)["passed"] is True  # exactly the least runway
    assert _gate.verdict(_facts(1, 0), daily_cost=4, min_runway_days=0.5)["reasons"] == [
        "runway 0.2 days is below the required 0.5 (headroom $1.00 at $4.00/day)"
    ]


def _gate_run(emu, **options):
    return MODULES["hyperstack_credit_gate_info"].run(dict(api_key=KEY, api_url=emu.api_url, **options))["hyperstack_credit_gate_info"]


def test_the_gate_module_passes_each_option_on(emu, tmp_path):
    emu.state.update({"can_create_instance": False, "credit": 0.5})
    assert _gate_run(emu, require_can_create_instance=False)["passed"] is True
    assert _gate_run(emu)["reasons"][0].startswith("the API says no instance can be created now")
    assert _gate_run(emu, require_can_create_instance=False, min_headroom=0.75)["reasons"] == [
        "headroom $0.50 (credit $0.50 - threshold $0.00) is below the required $0.75"
    ]
    # A runway of half a day is asked for: the last day's cost is read ($56.40).
    assert _gate_run(emu, require_can_create_instance=False, min_runway_days=0.5)["daily_cost"] == 56.4
    emu.state.update({"can_create_instance": True, "credit": 1500})
    assert _gate_run(emu, plan=[{"flavor": "n3-H100x8"}], require_stock=False)["passed"] is True
    assert _gate_run(emu, plan=[{"flavor": "n3-A100x1"}], region="CANADA-1")["breakdown"][0]["region"] == ["CANADA-1"]
    path = tmp_path / "p.json"
    path.write_text(terraform_plan_json(_create("hyperstack_core_volume", {"size": 10})))
    assert _gate_run(emu, terraform_plan=str(path))["breakdown"][0]["source"] == "hyperstack_core_volume.x"
    assert refused(_gate.read_gate, None, {"min_runway_days": "x"}) == 'min_runway_days must be a number, got "x"'
    assert refused(_gate.read_gate, None, {"min_headroom": "x"}) == 'min_headroom must be a number, got "x"'
