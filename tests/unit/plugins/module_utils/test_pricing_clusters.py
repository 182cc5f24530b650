# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_pricing.py, clusters: what a cluster costs (masters, workers, bastion, load
balancer, node groups at their maximum), when it is out of stock, and a cluster whose flavors share no region or
have no price."""

from __future__ import annotations

from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _plan, _pricing
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FLAVORS, PRICES, refused


def _cluster(region="US-1", **given):
    cluster = dict({"master_flavor": "n1-cpu-small", "node_flavor": "n3-H100x8", "node_count": 8}, **given)
    item = _plan.check_plan([{"cluster": cluster}])[0]
    return _pricing.price_item(item, FLAVORS, PRICES, region)


def test_a_full_cluster_costs_masters_workers_bastion_and_load_balancer():
    priced = _cluster()
    # 2 x 3.7 (n1-cpu-small: 4 x 0.1 + 16.5 x 0.2) + 8 x 15.2 (H100 x 8 GPUs) + bastion 3.7 + load balancer 3.7
    assert priced["unit_price_per_hour"] == Decimal("136.4") and priced["cost_per_hour_at_count"] == 136.4
    assert priced["priced_by"] == (
        "2 masters x n1-cpu-small (pricebook vCPU (cpu-only-flavors) x 4 + RAM (cpu-only-flavors) x 16.5 GB)"
        " + 8 workers x n3-H100x8 (pricebook H100-80G-PCIe x 8 GPUs)"
        " + 1 bastion x n1-cpu-small (pricebook vCPU (cpu-only-flavors) x 4 + RAM (cpu-only-flavors) x 16.5 GB)"
        " + 1 load balancer x n1-cpu-small (pricebook vCPU (cpu-only-flavors) x 4 + RAM (cpu-only-flavors) x 16.5 GB)"
    )
    assert priced["region"] == ["US-1"] and priced["stock_available"] is True and priced["_out_of_stock"] == []
    assert priced["cluster"]["master_count"] == 2 and priced["cluster"]["deployment_mode"] == "full"


def test_a_cluster_is_out_of_stock_when_any_of_its_flavors_is():
    flavors = FLAVORS + [dict(FLAVORS[3], region_name="NORWAY-1")]
    item = _plan.check_plan([{"cluster": {"master_flavor": "n1-cpu-small", "node_groups": [{"flavor": "n3-A100x1"}]}}])[0]
    priced = _pricing.price_item(item, flavors, PRICES, "NORWAY-1")
    assert (priced["stock_available"], priced["_out_of_stock"]) == (False, ["n3-A100x1"])
    # Without a region, the regions offering every flavor of it: only NORWAY-1 has both.
    assert _pricing.price_item(item, flavors, PRICES, None)["region"] == ["NORWAY-1"]


def test_a_standard_cluster_has_no_bastion_and_node_groups_are_priced_at_max_count():
    priced = _cluster(deployment_mode="standard", master_count=3, node_groups=[{"flavor": "n3-H100x8", "count": 1, "max_count": 3}])
    # 3 x 3.7 + 8 x 15.2 + 3 x 15.2 (the autoscaler's worst case); at count, 1 x 15.2
    assert priced["unit_price_per_hour"] == Decimal("178.3")
    assert priced["cost_per_hour_at_count"] == float(Decimal("11.1") + Decimal("121.6") + Decimal("15.2"))
    assert "3 node group workers x n3-H100x8 at max_count (1 at count) (pricebook H100-80G-PCIe x 8 GPUs)" in priced["priced_by"]
    assert "bastion" not in priced["priced_by"]


def test_support_flavor_prices_the_bastion_and_load_balancer_and_count_multiplies_clusters():
    item = _plan.check_plan(
        [{"cluster": {"master_flavor": "n1-cpu-small", "node_flavor": "n1-cpu-small", "node_count": 1, "support_flavor": "n3-H100x8"}, "count": 2}]
    )[0]
    priced = _pricing.price_item(item, FLAVORS, PRICES, None)
    # (3 x 3.7 + 2 x 15.2) x 2 clusters
    assert priced["unit_price_per_hour"] == Decimal("41.5") and priced["cost_per_hour"] == Decimal("83.0")


def test_a_cluster_with_an_hourly_price_needs_no_price_list_but_its_flavors_must_exist():
    item = _plan.check_plan([{"cluster": {"master_flavor": "n1-cpu-small", "node_flavor": "n3-H100x8", "node_count": 1}, "hourly_price": 20}])[0]
    priced = _pricing.price_item(item, FLAVORS, [], None)
    assert (priced["cost_per_hour"], priced["priced_by"]) == (Decimal(20), "hourly_price")
    item["cluster"]["node_flavor"] = "n3-H100x9"
    assert refused(_pricing.price_item, item, FLAVORS, [], None).startswith("flavor n3-H100x9 does not exist")


def test_a_clusters_flavors_must_share_a_region():
    message = refused(_cluster, region=None, node_flavor="n3-A100x1")
    assert message == ("the cluster's flavors are offered in no one region (n1-cpu-small in US-1; n3-A100x1 in CANADA-1, NORWAY-1): give flavors of one region")
    assert refused(_cluster, region="CANADA-1") == "flavor n1-cpu-small is not offered in region CANADA-1; it is in US-1"
    assert refused(_cluster, region="CANADA-1", master_flavor="n3-A100x1") == "flavor n3-H100x8 is not offered in region CANADA-1; it is in US-1"


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
        "the price list has no entry 'H100-80G-PCIe' for a cluster of n3-H100x8 workers: give the item an hourly_price (dollars per hour per unit)"
    )
