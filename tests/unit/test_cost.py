# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pricing rule, plan validation, Terraform plan parsing and the estimate (plugins/module_utils/_cost.py),
directly as pure functions, then end to end through the module declarations against the emulator."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _estimate, _plan, _pricing
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import PRICEBOOK, USAGE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FLAVORS, KEY, MODULES, PRICES, make_client, terraform_plan_json


def _item(**given):
    return _plan.check_plan([given])[0]


def _price(region=None, **given):
    return _pricing.price_item(_item(**given), FLAVORS, PRICES, region)


def test_gpu_flavor_costs_its_gpu_price_times_the_count_matched_without_case():
    priced = _price(flavor="n3-H100x8", count=3)
    assert priced["unit_price_per_hour"] == Decimal("15.2")
    assert priced["cost_per_hour"] == Decimal("45.6")
    assert priced["priced_by"] == "pricebook H100-80G-PCIe x 8 GPUs"


def test_cpu_only_flavor_costs_vcpus_plus_ram():
    priced = _price(flavor="n1-cpu-small")
    # 4 x 0.1 + 16.5 x 0.2, exactly
    assert priced["unit_price_per_hour"] == Decimal("3.7")
    assert priced["priced_by"] == "pricebook vCPU (cpu-only-flavors) x 4 + RAM (cpu-only-flavors) x 16.5 GB"


def test_counts_written_as_whole_floats_price_as_the_integers_they_are():
    # JSON Schema's "integer" (the flavors' schema) takes 8.0 and 4.0: no Decimal x float TypeError, no "8.0 GPUs".
    whole = [dict(flavor, gpu_count=float(flavor["gpu_count"]), cpu=float(flavor["cpu"])) for flavor in FLAVORS]
    gpu = _pricing.price_item(_item(flavor="n3-H100x8"), whole, PRICES)
    cpu = _pricing.price_item(_item(flavor="n1-cpu-small"), whole, PRICES)
    assert (gpu["unit_price_per_hour"], gpu["priced_by"]) == (Decimal("15.2"), "pricebook H100-80G-PCIe x 8 GPUs")
    assert (cpu["unit_price_per_hour"], cpu["priced_by"]) == (Decimal("3.7"), "pricebook vCPU (cpu-only-flavors) x 4 + RAM (cpu-only-flavors) x 16.5 GB")


def test_volume_costs_cloud_ssd_per_gb_and_public_ip_adds_per_machine():
    assert _price(volume_gb=1000)["cost_per_hour"] == Decimal("0.082")
    priced = _price(flavor="n3-A100x1", count=2, public_ip=True)
    assert priced["unit_price_per_hour"] == Decimal("1.35672")
    assert priced["cost_per_hour"] == Decimal("2.71344")
    assert priced["priced_by"] == "pricebook A100-80G-PCIe x 1 GPU + PublicIP"


def test_hourly_price_overrides_the_price_list_even_when_it_lacks_the_entry():
    priced = _pricing.price_item(_item(flavor="n3-H100x8", hourly_price="12.5", count=2), FLAVORS, [], None)
    assert (priced["cost_per_hour"], priced["priced_by"]) == (Decimal("25.0"), "hourly_price")


def test_region_given_picks_that_regions_stock_otherwise_any_region():
    assert _price(flavor="n3-A100x1", region="norway-1")["stock_available"] is False
    everywhere = _price(flavor="n3-A100x1")
    assert everywhere["region"] == ["CANADA-1", "NORWAY-1"] and everywhere["stock_available"] is True


@pytest.mark.parametrize(
    "given, region, message",
    [
        ({"flavor": "n3-A100x2"}, None, "flavor n3-A100x2 does not exist; the closest are n3-A100x1, n3-H100x8"),
        ({"flavor": "zzz"}, None, "flavor zzz does not exist; hyperstack_flavor_info lists them"),
        ({"flavor": "n3-H100x8"}, "NORWAY-1", "flavor n3-H100x8 is not offered in region NORWAY-1; it is in US-1"),
    ],
)
def test_unknown_or_elsewhere_flavors_are_named(given, region, message):
    with pytest.raises(HyperstackError) as caught:
        _price(region=region, **given)
    assert caught.value.msg == message


def test_missing_price_says_to_give_hourly_price():
    with pytest.raises(HyperstackError) as caught:
        _pricing.price_item(_item(volume_gb=10), FLAVORS, [{"name": "L40", "value": 1}], None)
    assert caught.value.msg == "the price list has no entry 'Cloud-SSD' for a 10 GB volume: give the item an hourly_price (dollars per hour per unit)"


@pytest.mark.parametrize(
    "plan, message",
    [
        (
            [{"flavor": "a", "volume_gb": 1}],
            "plan item 1 must have exactly one of flavor (a machine), volume_gb (a Cloud-SSD volume), cluster (a Kubernetes cluster)"
            " and address (a Terraform resource, with hourly_price)",
        ),
        (
            [{"flavor": "a"}, {}],
            "plan item 2 must have exactly one of flavor (a machine), volume_gb (a Cloud-SSD volume), cluster (a Kubernetes cluster)"
            " and address (a Terraform resource, with hourly_price)",
        ),
        ([{"flavor": "a", "count": 0}], "plan item 1: count must be 1 or more, got 0"),
        ([{"flavor": "a", "count": 1.5}], "plan item 1: count must be a whole number, got 1.5"),
        ([{"flavor": "a", "count": True}], "plan item 1: count must be a number, got true"),
        ([{"volume_gb": "lots"}], 'plan item 1: volume_gb must be a number, got "lots"'),
        ([{"volume_gb": 0}], "plan item 1: volume_gb must be more than 0, got 0"),
        ([{"flavor": "a", "hourly_price": -0.01}], "plan item 1: hourly_price must be 0 or more, got -0.01"),
        ([{"flavor": "a", "hourly_price": float("nan")}], "plan item 1: hourly_price must be a number, got NaN"),
        # Two unknown keys, so the separator is pinned too.
        (
            [{"flavour": "a", "amount": 2}],
            "plan item 1 has unknown keys amount, flavour: the keys are flavor, volume_gb, cluster, address, count, hourly_price, public_ip",
        ),
        ([{"volume_gb": 1, "public_ip": True}], "plan item 1: public_ip applies to a flavor, not a volume"),
        (["n3-A100x1"], 'plan item 1 must be a dictionary with flavor, volume_gb, cluster or address, got "n3-A100x1"'),
        ({"flavor": "a"}, "plan must be a list of items, got dict"),
    ],
)
def test_bad_plans_are_refused_with_one_line(plan, message):
    with pytest.raises(HyperstackError) as caught:
        _plan.check_plan(plan)
    assert caught.value.msg == message


def _estimated(current, costs, hours="24", margin="0", credit=250, threshold=0):
    items = [{"flavor": "f", "cost_per_hour": Decimal(c), "unit_price_per_hour": Decimal(c), "stock_available": True} for c in costs]
    facts = {"credit": credit, "threshold": threshold, "headroom": credit - threshold, "can_create_instance": True}
    return _estimate.estimate(facts, current, items, Decimal(hours), Decimal(margin))


def test_estimate_is_exact_and_says_the_verdict_in_one_line():
    result = _estimated(3.1, ["12.4"], margin="10")
    # (3.1 + 12.4) x 24 x 1.1 = 409.2 exactly: float arithmetic gives 409.20000000000005
    assert result["required"] == 409.2 and repr(result["required"]) == "409.2"
    assert result["covered"] is False
    assert result["summary"] == (
        "the plan costs $12.40/h on top of $3.10/h already running: $409.20 for 24 h with a 10% margin, more than the headroom $250.00"
    )
    assert result["runway_hours"] == float(Decimal(250) / Decimal("15.5"))


def test_the_headroom_of_a_large_balance_is_exact_to_the_cent():
    # 123456789012345.6 - 0.01 has more digits than a float holds: through a float it would be $...,345.60.
    result = _estimated(0, [], credit=123456789012345.6, threshold=0.01)
    assert result["summary"].endswith(", within the headroom $123,456,789,012,345.59"), result["summary"]


def test_estimate_covered_at_the_boundary_and_runway_null_when_nothing_costs():
    assert _estimated(0.1, ["0.2"], hours="1000", credit=300)["covered"] is True  # 0.3 x 1000 == 300, not 300.00000000000006
    idle = _estimated(0, [])
    assert idle["runway_hours"] is None and idle["required"] == 0 and idle["covered"] is True


def test_estimate_lists_flavors_out_of_stock_once():
    items = [{"flavor": "x", "cost_per_hour": Decimal(1), "unit_price_per_hour": Decimal(1), "stock_available": False}] * 2
    facts = {"credit": 1, "threshold": 0, "headroom": 1, "can_create_instance": None}
    assert _estimate.estimate(facts, 0, items, Decimal(1), Decimal(0))["out_of_stock"] == ["x"]


def _change(kind, actions, after, address=None):
    return {"address": address or kind + ".x", "type": kind, "change": {"actions": actions, "after": after}}


def test_terraform_plan_counts_what_is_created_only():
    text = terraform_plan_json(
        _change("hyperstack_core_virtual_machine", ["create"], {"flavor_name": "n3-A100x1", "assign_floating_ip": True}, "vm.a[0]"),
        _change("hyperstack_core_virtual_machine", ["delete", "create"], {"flavor_name": "n1-cpu-small"}, "vm.b"),
        _change("hyperstack_core_volume", ["create"], {"size": 100}, "vol.c"),
        _change("hyperstack_core_virtual_machine", ["delete"], None),
        _change("hyperstack_core_virtual_machine", ["update"], {"flavor_name": "n3-H100x8"}),
        _change("hyperstack_core_virtual_machine", ["no-op"], {"flavor_name": "n3-H100x8"}),
        _change("hyperstack_core_keypair", ["create"], {"name": "k"}),
    )
    items = _plan.terraform_plan(text, "p.json")["items"]
    assert [(i["flavor"], i["volume_gb"], i["public_ip"], i["source"]) for i in items] == [
        ("n3-A100x1", None, True, "vm.a[0]"),
        ("n1-cpu-small", None, False, "vm.b"),
        (None, Decimal(100), False, "vol.c"),
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "terraform_plan p.json is not JSON"),
        (json.dumps({"format_version": "4.0", "values": {}}), "terraform_plan p.json is not a Terraform plan in JSON"),
        (json.dumps([1]), "terraform_plan p.json is not a Terraform plan in JSON"),
        (
            terraform_plan_json(_change("hyperstack_core_virtual_machine", ["create"], {})),
            "hyperstack_core_virtual_machine.x has no known flavor_name in the plan",
        ),
        (
            terraform_plan_json(_change("hyperstack_core_volume", ["create"], {"size": -1})),
            "terraform_plan p.json: hyperstack_core_volume.x item 1: volume_gb must be more than 0",
        ),
    ],
)
def test_terraform_plan_that_is_not_one_is_refused(text, message):
    with pytest.raises(HyperstackError) as caught:
        _plan.terraform_plan(text, "p.json")
    assert message in caught.value.msg and "\n" not in caught.value.msg


# -- the layer: bare arrays, string prices, the burn rate, query parameters -------------------


def test_pricebook_strings_become_numbers_and_others_fail_the_schema(emu):
    emu.state.update({"pricebook": [{"name": "a", "value": "1.50", "original_value": "2"}, {"name": "b", "value": 0.5}]})
    facts = PRICEBOOK.fetch(make_client(emu.api_url))
    assert [(f["value"], f["original_value"]) for f in facts] == [(1.5, 2), (0.5, None)]
    assert isinstance(facts[0]["original_value"], int)
    emu.state.update({"pricebook": [{"name": "a", "value": "1.5e3"}]})
    with pytest.raises(HyperstackError) as caught:
        PRICEBOOK.fetch(make_client(emu.api_url))
    assert 'does not match the expected schema at $[0].value: expected a finite number or a decimal number in a string, got "1.5e3"' in caught.value.msg


def test_usage_sums_active_billed_minutes_exactly(emu):
    rows = [
        {"bill_per_minute": 0.1, "active": True, "exclude_billing": False},
        {"bill_per_minute": 0.2, "active": True},
        {"bill_per_minute": None, "active": True},
        {"bill_per_minute": 5, "active": False},
        {"bill_per_minute": 5, "active": True, "exclude_billing": True},
    ]
    emu.state.update({"usage": rows})
    facts = USAGE.fetch(make_client(emu.api_url))
    assert repr(facts["cost_per_hour"]) == "18.0" and facts["resources"] == rows


def test_a_choice_of_schemas_names_each_choice(emu):
    emu.state.update({"usage": [{"bill_per_minute": "0.1", "active": True}]})
    with pytest.raises(HyperstackError) as caught:
        USAGE.fetch(make_client(emu.api_url))
    assert caught.value.msg.endswith('does not match the expected schema at $.data[0].bill_per_minute: expected a finite number or null, got "0.1"')


def test_flavor_module_sends_the_region_as_a_query_parameter_and_flattens(emu):
    result = MODULES["hyperstack_flavor_info"].run(dict(api_key=KEY, api_url=emu.api_url, region="CANADA-1", name="n1-cpu-large"))
    assert [(f["name"], f["region_name"]) for f in result["hyperstack_flavor_info"]] == [("n1-cpu-large", "CANADA-1")]
    assert emu.state.requests[-1]["query"] == "region=CANADA-1"


def test_deployment_cost_refuses_a_bad_plan_before_any_request(emu):
    with pytest.raises(HyperstackError):
        MODULES["hyperstack_deployment_cost_info"].run(dict(api_key=KEY, api_url=emu.api_url, plan=[{"count": 1}]))
    assert emu.state.requests == []


def test_deployment_cost_against_the_emulator(emu):
    params = dict(api_key=KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x8", "count": 1}], region="NORWAY-1", hours=10.0, margin_percent=0.0)
    result = MODULES["hyperstack_deployment_cost_info"].run(params)["hyperstack_deployment_cost_info"]
    # The emulator: A100 at $1.35 x 8 GPUs, $1.41/h already running, credit $1,500.
    assert (result["plan_cost_per_hour"], result["current_cost_per_hour"], result["required"]) == (10.8, 1.41, 122.1)
    # Read at once, so in any order.
    assert sorted(r["path"] for r in emu.state.requests) == ["/billing/billing/usage", "/billing/user-credit/credit", "/core/flavors", "/pricebook"]
