# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What issue 16 added to the estimate (plugins/module_utils/_cost.py): clusters, failing closed on
what it cannot price, the net change of a Terraform plan (what it destroys subtracted), the reads
made at once; and tests that pin rules a mutation audit found unpinned."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _cost, _plan, _pricing
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FLAVORS, KEY, MODULES, PRICES, refused, terraform_plan_json

PROVIDER = "registry.terraform.io/nexgencloud/hyperstack"


def _cluster(region="US-1", **given):
    cluster = dict({"master_flavor": "n1-cpu-small", "node_flavor": "n3-H100x8", "node_count": 8}, **given)
    item = _plan.check_plan([{"cluster": cluster}])[0]
    return _pricing.price_item(item, FLAVORS, PRICES, region)


# -- clusters ---------------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    "cluster, message",
    [
        ({"node_flavor": "a", "node_count": 1}, "plan item 1: cluster needs master_flavor (the flavor of its master nodes, e.g. n1-cpu-medium)"),
        ({"master_flavor": "m"}, "plan item 1: cluster needs workers: node_flavor and node_count, or node_groups"),
        ({"master_flavor": "m", "node_flavor": "a"}, "plan item 1: cluster: node_flavor and node_count go together (the default worker group)"),
        ({"master_flavor": "m", "node_flavor": "a", "node_count": 1, "master_count": 4}, "plan item 1: cluster: master_count must be 3 or less, got 4"),
        ({"master_flavor": "m", "node_flavor": "a", "node_count": 1, "master_count": 1}, "plan item 1: cluster: master_count must be 2 or more, got 1"),
        ({"master_flavor": "m", "node_flavor": "a", "node_count": 0}, "plan item 1: cluster: node_count must be 1 or more, got 0"),
        (
            {"master_flavor": "m", "node_groups": [{"flavor": "a", "count": 3, "max_count": 2}]},
            "plan item 1: cluster: node group 1: max_count must be 3 or more, got 2",
        ),
        ({"master_flavor": "m", "node_groups": [{"flavor": "a", "max_count": 21}]}, "plan item 1: cluster: node group 1: max_count must be 20 or less, got 21"),
        ({"master_flavor": "m", "node_groups": [{"count": 1}]}, "plan item 1: cluster: node group 1: flavor must be a flavor name, got null"),
        ({"master_flavor": "m", "node_groups": "a"}, 'plan item 1: cluster: node_groups must be a list of {flavor, count, max_count}, got "a"'),
        (
            {"master_flavor": "m", "node_flavor": "a", "node_count": 1, "deployment_mode": "lite"},
            'plan item 1: cluster: deployment_mode must be full or standard, got "lite"',
        ),
        (
            {"master_flavor": "m", "workers": 2},
            "plan item 1: cluster has unknown keys workers: the keys are master_flavor, master_count, node_flavor, node_count, node_groups,"
            " deployment_mode, support_flavor",
        ),
        (
            "big",
            "plan item 1: cluster must be a dictionary of master_flavor, master_count, node_flavor, node_count, node_groups, deployment_mode,"
            ' support_flavor, got "big"',
        ),
    ],
)
def test_bad_clusters_are_refused_with_one_line(cluster, message):
    assert refused(_plan.check_plan, [{"cluster": cluster}]) == message


def test_a_cluster_is_one_kind_of_item_and_takes_no_public_ip():
    assert "must have exactly one of" in refused(_plan.check_plan, [{"cluster": {"master_flavor": "m"}, "flavor": "f"}])
    message = refused(_plan.check_plan, [{"cluster": {"master_flavor": "m", "node_flavor": "a", "node_count": 1}, "public_ip": True}])
    assert message == "plan item 1: public_ip applies to a flavor, not a cluster"


# -- Terraform: clusters, failing closed, what is destroyed ---------------------------------------


def _change(kind, actions, after=None, address=None, before=None, provider=PROVIDER):
    change = {"address": address or kind + ".x", "type": kind, "change": {"actions": actions, "before": before, "after": after}}
    if provider:
        change["provider_name"] = provider
    return change


def test_a_terraform_cluster_becomes_a_cluster_item_with_the_providers_defaults():
    text = terraform_plan_json(
        _change("hyperstack_core_cluster", ["create"], {"master_flavor_name": "n1-cpu-small", "node_flavor_name": "n3-H100x8", "node_count": 8})
    )
    item = _plan.terraform_plan(text, "p.json")["items"][0]
    assert item["cluster"] == {
        "master_flavor": "n1-cpu-small",
        "master_count": 2,
        "node_flavor": "n3-H100x8",
        "node_count": 8,
        "node_groups": [],
        "deployment_mode": "full",
        "support_flavor": "n1-cpu-small",
    }
    assert item["source"] == "hyperstack_core_cluster.x"
    standard = terraform_plan_json(
        _change(
            "hyperstack_core_cluster",
            ["create"],
            {"master_flavor_name": "m", "master_count": 3, "node_flavor_name": "n", "node_count": 1, "deployment_mode": "standard"},
        )
    )
    item = _plan.terraform_plan(standard, "p.json")["items"][0]
    assert (item["cluster"]["master_count"], item["cluster"]["deployment_mode"]) == (3, "standard")
    unknown = terraform_plan_json(_change("hyperstack_core_cluster", ["create"], {"master_flavor_name": "m", "node_count": 2}, "hyperstack_core_cluster.k"))
    assert refused(_plan.terraform_plan, unknown, "p.json") == (
        "terraform_plan p.json: hyperstack_core_cluster.k has no known node_flavor_name in the plan: set it to a literal value"
    )


def test_an_unpriced_hyperstack_resource_fails_closed_naming_it_and_how_to_go_on():
    text = terraform_plan_json(
        _change("hyperstack_core_floating_ip", ["create"], {}, "hyperstack_core_floating_ip.web"),
        _change("hyperstack_core_firewall", ["create"], {}, "hyperstack_core_firewall.fw", provider="mirror.example.com/nexgencloud/hyperstack"),
    )
    assert refused(_plan.terraform_plan, text, "p.json") == (
        "terraform_plan p.json creates Hyperstack resources the estimate does not price: hyperstack_core_floating_ip.web (hyperstack_core_floating_ip),"
        " hyperstack_core_firewall.fw (hyperstack_core_firewall); price each as a plan item {address: ADDRESS, hourly_price: DOLLARS},"
        " or set unpriced_resources: ignore to leave them out"
    )
    ignored = _plan.terraform_plan(text, "p.json", "ignore")
    assert not ignored["items"] and [(n["address"], n["type"]) for n in ignored["not_priced"]] == [
        ("hyperstack_core_floating_ip.web", "hyperstack_core_floating_ip"),
        ("hyperstack_core_firewall.fw", "hyperstack_core_firewall"),
    ]
    assert ignored["not_priced"][0]["reason"] == "a Hyperstack resource the estimate does not price (unpriced_resources: ignore)"


def test_free_hyperstack_types_pass_silently_and_other_providers_are_listed_as_not_hyperstacks_bill():
    text = terraform_plan_json(
        *[_change(kind, ["create"], {}) for kind in sorted(_plan.FREE_TYPES)],
        _change("tls_private_key", ["create"], {}, "tls_private_key.ops", provider="registry.terraform.io/hashicorp/tls"),
        # Without provider_name, a hyperstack_ type is taken as the provider's: it is not let through.
        _change("local_file", ["create"], {}, "local_file.key", provider=None),
    )
    result = _plan.terraform_plan(text, "p.json")
    assert not result["items"] and not result["destroyed"]
    assert result["not_priced"] == [
        {"address": "tls_private_key.ops", "type": "tls_private_key", "reason": "not Hyperstack's bill (provider registry.terraform.io/hashicorp/tls)"},
        {"address": "local_file.key", "type": "local_file", "reason": "not Hyperstack's bill (provider None)"},
    ]
    assert "hyperstack_core_gpu_pool.x" in refused(
        _plan.terraform_plan, terraform_plan_json(_change("hyperstack_core_gpu_pool", ["create"], {}, provider=None)), "p.json"
    )


def test_an_address_item_prices_a_terraform_resource_that_is_then_not_refused(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(
        terraform_plan_json(
            _change("hyperstack_core_floating_ip", ["create"], {}, "hyperstack_core_floating_ip.web"),
            _change("hyperstack_core_volume", ["create"], {"size": 10}, "hyperstack_core_volume.z"),
        )
    )
    request = _plan.plan_request({"plan": [{"address": "hyperstack_core_floating_ip.web", "hourly_price": 0.01}], "terraform_plan": str(path)})
    assert [(i["address"], i["hourly_price"], i.get("source")) for i in request["items"]] == [
        ("hyperstack_core_floating_ip.web", Decimal("0.01"), None),
        (None, None, "hyperstack_core_volume.z"),  # what follows the resource priced by hand is still read
    ]
    priced = _pricing.price_item(request["items"][0], [], [], None)
    assert (priced["address"], priced["cost_per_hour"], priced["priced_by"], priced["stock_available"]) == (
        "hyperstack_core_floating_ip.web",
        Decimal("0.01"),
        "hourly_price",
        None,
    )
    assert refused(_plan.check_plan, [{"address": "x.y"}]) == (
        "plan item 1: address names a Terraform resource (e.g. hyperstack_core_floating_ip.web) and needs its hourly_price"
    )


def test_unpriced_resources_takes_fail_or_ignore():
    assert refused(_plan.plan_request, {"unpriced_resources": "skip"}) == 'unpriced_resources must be fail or ignore, got "skip"'


def test_what_a_plan_destroys_is_listed_with_the_id_before():
    text = terraform_plan_json(
        _change("hyperstack_core_virtual_machine", ["delete"], None, "vm.old", before={"id": "501", "flavor_name": "n3-H100x8"}),
        _change("hyperstack_core_virtual_machine", ["delete", "create"], {"flavor_name": "n1-cpu-small"}, "vm.swap", before={"id": 7}),
        _change("hyperstack_core_volume", ["create", "delete"], {"size": 10}, "vol.v", before={"id": "502"}),
        _change("hyperstack_core_cluster", ["delete"], None, "cluster.c", before={}),
        _change("hyperstack_core_keypair", ["delete"], None, "keypair.k", before={"id": "9"}),
    )
    result = _plan.terraform_plan(text, "p.json")
    assert result["destroyed"] == [
        {"address": "vm.old", "type": "hyperstack_core_virtual_machine", "id": "501"},
        {"address": "vm.swap", "type": "hyperstack_core_virtual_machine", "id": 7},
        {"address": "vol.v", "type": "hyperstack_core_volume", "id": "502"},
        {"address": "cluster.c", "type": "hyperstack_core_cluster", "id": None},
    ]
    assert [i["source"] for i in result["items"]] == ["vm.swap", "vol.v"]


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


def _estimate(destroyed, current="3.1", plan=("2",), credit=100):
    items = [{"flavor": "f", "cost_per_hour": Decimal(c), "unit_price_per_hour": Decimal(c), "stock_available": True} for c in plan]
    facts = {"credit": credit, "threshold": 0, "headroom": credit, "can_create_instance": True}
    return _cost.estimate(facts, Decimal(current), items, Decimal(10), Decimal(0), destroyed)


def test_the_net_change_is_current_less_destroyed_plus_plan():
    destroyed = [
        {"address": "vm.old", "type": "t", "id": "1", "cost_per_hour": Decimal("1.35"), "found": True},
        {"address": "vm.lost", "type": "t", "id": "2", "cost_per_hour": Decimal(0), "found": False},
    ]
    result = _estimate(destroyed)
    # (3.1 - 1.35 + 2) x 10 = 37.5, exactly
    assert (result["destroyed_cost_per_hour"], result["required"], result["covered"]) == (1.35, 37.5, True)
    assert result["runway_hours"] == float(Decimal(100) / Decimal("3.75"))
    assert result["summary"] == (
        "the plan costs $2.00/h on top of $3.10/h already running, less $1.35/h the plan destroys: $37.50 for 10 h, within the headroom $100.00;"
        " not in the usage, so nothing subtracted: vm.lost"
    )
    assert result["destroyed"][0] == {"address": "vm.old", "type": "t", "id": "1", "cost_per_hour": 1.35, "found": True}
    plain = _estimate([])
    assert plain["destroyed_cost_per_hour"] == 0 and plain["destroyed"] == [] and "destroys" not in plain["summary"]


def test_the_summary_names_what_is_out_of_stock():
    items = [{"flavor": "x", "cost_per_hour": Decimal(1), "unit_price_per_hour": Decimal(1), "stock_available": False, "_out_of_stock": ["x", "y"]}]
    result = _cost.estimate({"credit": 100, "threshold": 0, "headroom": 100, "can_create_instance": None}, 0, items, Decimal(1), Decimal(0))
    assert result["summary"].endswith("within the headroom $100.00; out of stock: x, y") and result["out_of_stock"] == ["x", "y"]
    assert "_out_of_stock" not in result["breakdown"][0]


# -- the pins of the mutation audit -----------------------------------------------------------


def test_entries_that_create_nothing_before_the_creates_do_not_stop_the_loop():
    # terraform show -json writes resources by address: a kept or updated one may well come first.
    text = terraform_plan_json(
        _change("hyperstack_core_virtual_machine", ["no-op"], {"flavor_name": "n3-H100x8"}, "a.kept"),
        _change("hyperstack_core_virtual_machine", ["update"], {"flavor_name": "n3-H100x8"}, "b.renamed"),
        {"address": "c.odd", "type": "hyperstack_core_volume"},
        _change("hyperstack_core_virtual_machine", ["create"], {"flavor_name": "n3-A100x1"}, "d.new"),
    )
    assert [i["source"] for i in _plan.terraform_plan(text, "p.json")["items"]] == ["d.new"]


@pytest.mark.parametrize("text", ["null", "5", '"plan"', json.dumps({"planned_values": {}, "resource_changes": []}), json.dumps({"format_version": "1.2"})])
def test_a_file_of_another_shape_is_refused_not_crashed_on(text):
    assert refused(_plan.terraform_plan, text, "p.json").startswith("terraform_plan p.json is not a Terraform plan in JSON")


def test_the_breakdown_names_the_terraform_address_of_each_item_from_a_plan(tmp_path, emu):
    path = tmp_path / "p.json"
    path.write_text(terraform_plan_json(_change("hyperstack_core_volume", ["create"], {"size": 10}, "hyperstack_core_volume.data")))
    result = MODULES["hyperstack_deployment_cost_info"].run(dict(api_key=KEY, api_url=emu.api_url, terraform_plan=str(path), plan=[{"volume_gb": 5}]))
    breakdown = result["hyperstack_deployment_cost_info"]["breakdown"]
    assert [entry.get("source") for entry in breakdown] == [None, "hyperstack_core_volume.data"]


# -- newcomers' stumbles ----------------------------------------------------------------------


def test_flavor_suggestions_ignore_case():
    assert refused(_pricing.price_item, _plan.check_plan([{"flavor": "a100"}])[0], FLAVORS, PRICES) == "flavor a100 does not exist; the closest are n3-A100x1"


def test_a_region_without_flavors_names_the_regions_in_the_estimate_and_in_flavor_info(emu):
    params = dict(api_key=KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x1"}], region="EUROPE-9")
    expected = "region EUROPE-9 has no flavors; the regions are CANADA-1, NORWAY-1, US-1"
    assert refused(MODULES["hyperstack_deployment_cost_info"].run, params) == expected
    assert refused(MODULES["hyperstack_flavor_info"].run, dict(api_key=KEY, api_url=emu.api_url, region="EUROPE-9")) == expected


# -- the reads at once --------------------------------------------------------------------------


def test_the_estimates_reads_are_made_at_once(emu):
    emu.state.update({"latency": 0.4})
    params = dict(api_key=KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x1"}], region="NORWAY-1")
    start = time.monotonic()
    MODULES["hyperstack_deployment_cost_info"].run(params)
    elapsed = time.monotonic() - start
    # Four reads one after another would take 1.6 s at least.
    assert 0.4 <= elapsed < 1.2, elapsed
    starts = sorted(request["time"] for request in emu.state.requests)
    assert len(starts) == 4 and starts[-1] - starts[0] < 0.3


def test_a_failed_read_among_several_fails_the_task_with_the_first_reads_message(emu):
    params = dict(api_key="wrong-" + KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x1"}], api_retries=0)
    assert refused(MODULES["hyperstack_deployment_cost_info"].run, params).startswith("reading the credit balance (GET /billing/user-credit/credit): HTTP 401")


@pytest.mark.parametrize("document", [{"format_version": "1.2", "planned_values": {}}, {"format_version": "1.2", "resource_changes": []}])
def test_a_plan_needs_only_one_of_planned_values_and_resource_changes(document):
    # terraform show -json leaves resource_changes out of a plan with no changes.
    assert _plan.terraform_plan(json.dumps(document), "p.json") == {"items": [], "destroyed": [], "not_priced": []}
