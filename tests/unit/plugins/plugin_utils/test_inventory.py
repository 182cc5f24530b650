# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/plugin_utils/_inventory.py, the inventory plugin's rules, on literal facts (no server): the
host variables (prefixed hyperstack_, the key=value labels as a mapping, ansible_host floating else fixed), the host
names (two machines of one name both kept, told apart by their ids, with a warning), the filters, and the messages."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._inventory import (
    INVENTORY,
    address,
    check_filters,
    host_names,
    host_vars,
    hosts,
    kept,
    label_mapping,
)
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import refused


def machine(
    vid=501, name="train-01", status="ACTIVE", labels=("team=ml", "hibernate=ok"), environment="default-NORWAY-1", fixed="10.0.0.11", floating="38.80.122.11"
):
    return {
        "id": vid,
        "name": name,
        "status": status,
        "flavor": {"name": "n3-A100x1", "gpu": "A100-80G-PCIe", "gpu_count": 1},
        "labels": list(labels),
        "environment": environment,
        "region": "NORWAY-1",
        "fixed_ip": fixed,
        "floating_ip": floating,
        "cost_per_hour": 1.35,
    }


def test_host_vars_are_the_facts_prefixed_with_the_label_mapping_and_ansible_host():
    assert host_vars(machine()) == {
        "hyperstack_id": 501,
        "hyperstack_name": "train-01",
        "hyperstack_status": "ACTIVE",
        "hyperstack_flavor": {"name": "n3-A100x1", "gpu": "A100-80G-PCIe", "gpu_count": 1},
        "hyperstack_labels": ["team=ml", "hibernate=ok"],
        "hyperstack_label": {"team": "ml", "hibernate": "ok"},
        "hyperstack_environment": "default-NORWAY-1",
        "hyperstack_region": "NORWAY-1",
        "hyperstack_fixed_ip": "10.0.0.11",
        "hyperstack_floating_ip": "38.80.122.11",
        "hyperstack_cost_per_hour": 1.35,
        "ansible_host": "38.80.122.11",
    }


def test_a_machine_without_a_rate_has_a_null_cost_per_hour():
    assert host_vars(dict(machine(), cost_per_hour=None))["hyperstack_cost_per_hour"] is None


@pytest.mark.parametrize(
    "labels, mapping",
    [
        (["team=ml", "hibernate=ok"], {"team": "ml", "hibernate": "ok"}),
        # Split at the first =; a value may be empty.
        (["url=a=b", "empty="], {"url": "a=b", "empty": ""}),
        # A plain label, or one with an empty key, is only in the list.
        (["gpu", "=x"], {}),
        # Of two labels with one key, the first the API lists.
        (["team=ml", "team=web"], {"team": "ml"}),
        ([], {}),
    ],
)
def test_label_mapping(labels, mapping):
    assert label_mapping(labels) == mapping


@pytest.mark.parametrize(
    "fixed, floating, connect_with, expected",
    [
        ("10.0.0.11", "38.80.122.11", "floating_ip", "38.80.122.11"),
        # No floating address: the fixed one.
        ("10.0.0.17", None, "floating_ip", "10.0.0.17"),
        ("10.0.0.17", "", "floating_ip", "10.0.0.17"),
        ("10.0.0.11", "38.80.122.11", "fixed_ip", "10.0.0.11"),
        ("10.0.0.11", "38.80.122.11", "none", None),
        (None, None, "floating_ip", None),
    ],
)
def test_ansible_host_is_the_floating_address_else_the_fixed_one(fixed, floating, connect_with, expected):
    facts = machine(fixed=fixed, floating=floating)
    assert address(facts, connect_with) == expected
    assert host_vars(facts, connect_with).get("ansible_host") == expected and ("ansible_host" in host_vars(facts, connect_with)) == (expected is not None)


def test_two_machines_of_one_name_are_both_kept_told_apart_and_warned_of():
    machines = [machine(501, "train-01"), machine(502, "infer-01"), machine(777, "train-01"), machine(778, "train-01")]
    names, warnings = host_names(machines)
    assert names == ["train-01_501", "infer-01", "train-01_777", "train-01_778"]
    assert warnings == ["3 machines have the name train-01 (ids 501, 777, 778): each host is named train-01_<id>"]


def test_unique_names_give_no_warning_and_hostname_chooses_the_field():
    machines = [machine(501, "a", fixed="10.0.0.1"), machine(502, "b", fixed="10.0.0.2")]
    assert host_names(machines) == (["a", "b"], [])
    assert host_names(machines, "id") == (["501", "502"], [])
    assert host_names(machines, "fixed_ip") == (["10.0.0.1", "10.0.0.2"], [])


def test_a_machine_without_the_field_is_named_after_its_name_and_id():
    machines = [machine(501, "a"), machine(510, "parked", floating=None), machine(511, "broken", floating="")]
    names, warnings = host_names(machines, "floating_ip")
    assert names == ["38.80.122.11", "parked_510", "broken_511"]
    assert warnings == ["2 machines without a floating_ip (id 510, 511) named <name>_<id>"]


@pytest.mark.parametrize(
    "options, ids",
    [
        ({}, [501, 505, 509, 510]),
        ({"labels": ["team=ml"]}, [501, 505, 510]),
        # Every label must be carried.
        ({"labels": ["team=ml", "hibernate=ok"]}, [501, 510]),
        ({"statuses": ["active"]}, [501, 505]),
        ({"statuses": ["SHUTOFF", "HIBERNATED"]}, [509, 510]),
        ({"environments": ["ml-CANADA-1"]}, [505]),
        ({"environments": ["ml-CANADA-1"], "statuses": ["HIBERNATED"]}, []),
    ],
)
def test_the_filters_keep_what_passes_every_one(options, ids):
    machines = [
        machine(501, "a"),
        machine(505, "b", labels=["team=ml"], environment="ml-CANADA-1"),
        machine(509, "c", status="SHUTOFF", labels=[]),
        machine(510, "d", status="HIBERNATED"),
    ]
    assert [m["id"] for m in machines if kept(m, options)] == ids
    assert [variables["hyperstack_id"] for _name, variables in hosts(machines, options)[0]] == ids


def test_hosts_names_the_kept_machines_only():
    # The other train-01 is filtered out, so the one kept keeps its name.
    machines = [machine(501, "train-01"), machine(777, "train-01", status="ERROR")]
    found, warnings = hosts(machines, {"statuses": ["ACTIVE"], "connect_with": "fixed_ip"})
    assert [(name, variables["ansible_host"]) for name, variables in found] == [("train-01", "10.0.0.11")] and not warnings


@pytest.mark.parametrize(
    "options, message",
    [
        ({"labels": []}, "labels is an empty list, which selects no machine: give at least one, or leave labels out"),
        ({"statuses": []}, "statuses is an empty list, which selects no machine: give at least one, or leave statuses out"),
        ({"environments": ["default-NORWAY-1", " "]}, "environments holds an empty string, which selects no machine"),
    ],
)
def test_a_filter_that_selects_nothing_by_construction_is_refused(options, message):
    assert refused(check_filters, options) == message


def test_filters_not_given_or_given_pass():
    check_filters({"labels": None, "statuses": ["ACTIVE"], "environments": None})


def test_the_inventory_caller_says_where_a_key_can_come_from():
    assert INVENTORY.missing_key() == (
        "api_key is missing or empty: set api_key in the inventory source (vault-encrypted: ansible-vault encrypt_string)"
        " or the HYPERSTACK_API_KEY environment variable"
    )


def test_a_name_given_to_tell_machines_apart_is_never_another_machines_own():
    machines = [{"id": 5, "name": "x"}, {"id": 6, "name": "x"}, {"id": 7, "name": "x_5"}]
    names, warnings = host_names(machines)
    assert names == ["x_5_5", "x_6", "x_5"] and len(set(names)) == 3
    assert warnings[-1] == "x_5 is another machine's name: the machine with id 5 is named x_5_5"
