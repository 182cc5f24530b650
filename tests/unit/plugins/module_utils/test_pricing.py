# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_pricing.py: the pricing rule as a pure function (a GPU flavor, a CPU-only one,
a volume, a public IP, an hourly_price), the region's stock, the words that help with a wrong flavor or region (three
suggestions at most, the regions named), a missing price, and what a plan destroys costing its own usage row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _plan, _pricing
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FLAVORS, PRICES, refused


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


def test_a_volumes_entry_has_its_size_count_and_how():
    priced = _pricing.price_item(_plan.check_plan([{"volume_gb": 10, "count": 3}])[0], FLAVORS, PRICES, None)
    assert {key: priced[key] for key in ("flavor", "volume_gb", "count", "priced_by")} == {
        "flavor": None,
        "volume_gb": 10.0,
        "count": 3,
        "priced_by": "pricebook Cloud-SSD x 10 GB",
    }


def test_flavor_suggestions_ignore_case():
    assert refused(_pricing.price_item, _plan.check_plan([{"flavor": "a100"}])[0], FLAVORS, PRICES) == "flavor a100 does not exist; the closest are n3-A100x1"


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


def test_destroyed_resources_cost_their_usage_row_of_their_type_and_id():
    rows = [
        {"resource_id": 501, "resource_type": "vm", "bill_per_minute": 0.0225, "active": True},
        {"resource_id": 501, "resource_type": "volume", "bill_per_minute": 0.5, "active": True},
        {"resource_id": 7, "resource_type": "vm", "bill_per_minute": None, "active": False},
        {"resource_id": 8, "resource_type": "vm", "bill_per_minute": 1, "active": True, "exclude_billing": True},
    ]
    destroyed = [
        {"address": "vm.old", "type": "hyperstack_core_virtual_machine", "id": "501"},
        {"address": "vm.again", "type": "hyperstack_core_virtual_machine", "id": 501},
        {"address": "vm.stopped", "type": "hyperstack_core_virtual_machine", "id": "7"},
        {"address": "vm.internal", "type": "hyperstack_core_virtual_machine", "id": "8"},
        {"address": "vol.gone", "type": "hyperstack_core_volume", "id": "4711"},
        {"address": "cluster.c", "type": "hyperstack_core_cluster", "id": None},
    ]
    priced = _pricing.price_destroyed(destroyed, rows)
    assert [(e["address"], e["cost_per_hour"], e["found"]) for e in priced] == [
        ("vm.old", Decimal("1.3500"), True),  # 0.0225 x 60, the vm row, not the volume row of the same id
        ("vm.again", Decimal(0), True),  # the same row is subtracted once
        ("vm.stopped", Decimal(0), True),
        ("vm.internal", Decimal(0), True),
        ("vol.gone", Decimal(0), False),
        ("cluster.c", Decimal(0), False),
    ]


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
