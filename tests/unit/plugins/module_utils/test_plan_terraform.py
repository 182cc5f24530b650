# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_plan.py, a Terraform plan: what it creates as plan items (clusters with the
provider's defaults), failing closed on a Hyperstack resource it cannot price, other providers' resources listed as
not Hyperstack's bill, what it destroys listed with its id, address items, and a file that is not a plan refused
with a whole message."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _plan, _pricing
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import refused, terraform_create, terraform_plan_json

PROVIDER = "registry.terraform.io/nexgencloud/hyperstack"


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


def test_every_unknown_attribute_of_a_cluster_is_named():
    text = terraform_plan_json(terraform_create("hyperstack_core_cluster", {"node_count": 1}, "hyperstack_core_cluster.k"))
    assert "hyperstack_core_cluster.k has no known master_flavor_name or node_flavor_name in the plan" in refused(_plan.terraform_plan, text, "p.json")


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


def test_the_provider_decides_whose_bill_a_resource_is_before_its_type():
    text = terraform_plan_json(
        terraform_create("hyperstack_tools_report", address="hyperstack_tools_report.r", provider="registry.terraform.io/acme/hyperstack-tools")
    )
    assert _plan.terraform_plan(text, "p.json")["not_priced"] == [
        {
            "address": "hyperstack_tools_report.r",
            "type": "hyperstack_tools_report",
            "reason": "not Hyperstack's bill (provider registry.terraform.io/acme/hyperstack-tools)",
        }
    ]


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


@pytest.mark.parametrize("address", ["  ", 5])
def test_an_address_must_be_a_name(address):
    assert "address names a Terraform resource" in refused(_plan.check_plan, [{"address": address, "hourly_price": 1}])


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


@pytest.mark.parametrize("document", [{"format_version": "1.2", "planned_values": {}}, {"format_version": "1.2", "resource_changes": []}])
def test_a_plan_needs_only_one_of_planned_values_and_resource_changes(document):
    # terraform show -json leaves resource_changes out of a plan with no changes.
    assert _plan.terraform_plan(json.dumps(document), "p.json") == {"items": [], "destroyed": [], "not_priced": []}
