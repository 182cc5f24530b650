# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_listings.py's vm_info (hyperstack_vm_info) against the emulator's fleet: each
machine's facts and its rate from the usage (no float noise, null without a usage row), the selection (every selector
must match; an empty list refused before any request), the environment asked for exactly and kept to, and a machine
without its status refused by the schema; and the same rates, without float noise, in the usage and the estimate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import USAGE
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.tests.unit import support
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FLEET, KEY, LIST, MODULES, STATUSES, api_requests, make_client

# The emulator's fleet of virtual machines (support.fleet): a fixture, found by pytest by this name here.
fleet = support.fleet
INFO = "nexgencloud.hyperstack.hyperstack_vm_info"


def info(emu, **args):
    return run_info(MODULES["hyperstack_vm_info"], dict(api_key=KEY, api_url=emu.api_url, **args), {}, INFO)


# -- reading the list ------------------------------------------------------------------------------


def test_a_machine_without_its_status_fails_the_schema(emu):
    emu.state.update({"vms": [{"id": 1, "name": "x"}]})
    result = info(emu)
    assert result["failed"] and "does not match the expected schema at $.instances[0]: 'status' is a required property" in result["msg"], result


# -- hyperstack_vm_info ----------------------------------------------------------------------------


def test_vm_info_lists_the_fleet_with_each_rate_from_the_usage(fleet):
    result = info(fleet)
    assert not result.get("failed") and result["changed"] is False, result
    vms = {vm["id"]: vm for vm in result["hyperstack_vm_info"]}
    assert list(vms) == list(FLEET) and {i: vm["status"] for i, vm in vms.items()} == STATUSES
    assert vms[501] == {
        "id": 501,
        "name": "train-01",
        "status": "ACTIVE",
        "flavor": {"name": "n3-A100x1", "gpu": "A100-80G-PCIe", "gpu_count": 1},
        "labels": ["team=ml", "hibernate=ok"],
        "environment": "default-NORWAY-1",
        "region": "NORWAY-1",
        "fixed_ip": "10.0.0.11",
        "floating_ip": "38.80.122.11",
        "cost_per_hour": 1.35,
    }
    # Billed in full when stopped, only its disk when hibernated, nothing in ERROR.
    assert vms[509]["cost_per_hour"] > 0 and vms[510]["cost_per_hour"] < 0.05 and vms[511]["cost_per_hour"] == 0.0
    assert vms[508]["flavor"]["gpu"] == "" and vms[508]["flavor"]["gpu_count"] == 0
    # A hibernated machine without its public address: the fixed one only.
    assert (vms[510]["fixed_ip"], vms[510]["floating_ip"]) == ("10.0.0.17", None)


def test_vm_info_rates_have_no_float_noise(fleet):
    # The API writes each rate per minute, rounded (H100 $1.90/h as 0.03166666666666667): times 60 it is noise
    # (1.9000000000000001) that the collection does not hand on.
    rows = {row["resource_id"]: row["bill_per_minute"] for row in make_client(fleet.api_url).get("/billing/billing/usage", {}, "usage")["data"]}
    assert float(Decimal(repr(rows[505])) * 60) != 1.9  # the noise is there
    vms = {vm["id"]: vm["cost_per_hour"] for vm in info(fleet)["hyperstack_vm_info"]}
    assert vms[505] == 1.9 and all(rate == round(rate, 10) for rate in vms.values()), vms


def test_vm_info_cost_is_null_without_a_usage_row(fleet):
    fleet.state.add_faults([{"status": 200, "body": {"status": True, "data": []}, "path": "/billing/billing/usage"}])
    assert {vm["cost_per_hour"] for vm in info(fleet)["hyperstack_vm_info"]} == {None}


@pytest.mark.parametrize(
    "args, expected",
    [
        ({"labels": ["hibernate=ok"]}, [501, 505, 507, 509, 510]),
        ({"labels": ["hibernate=ok", "team=ml"]}, [501, 505, 510]),
        ({"labels": ["team=web"]}, [507]),
        ({"names": ["web-01", "nope"]}, [508]),
        ({"names": ["train-01", "train-02"], "labels": ["team=ml"]}, [501, 505]),
        ({"names": ["infer-01"], "labels": ["hibernate=ok"]}, []),
        ({"environment": "default-NORWAY-1"}, [501, 506, 509, 510]),
        ({"environment": "default"}, []),
    ],
)
def test_vm_info_selects_by_every_selector_given(fleet, args, expected):
    assert [vm["id"] for vm in info(fleet, **args)["hyperstack_vm_info"]] == expected


def test_vm_info_refuses_an_empty_list_before_any_request(fleet):
    result = info(fleet, names=[])
    assert result["failed"] and result["msg"].startswith("names is an empty list, which selects no machine") and fleet.state.requests == []


def test_vm_info_asks_the_api_for_the_exact_environment(fleet):
    info(fleet, environment="ml-CANADA-1")
    assert all("environment=ml-CANADA-1" in r["query"] and "exact_environment_match=true" in r["query"] for r in api_requests(fleet, LIST))


def test_the_machines_of_another_environment_are_left_out_even_when_the_api_gives_them(fleet):
    # The API is asked for the environment exactly; a machine of another one in its answer is still not selected.
    with fleet.state.lock:
        machines = [dict(vm) for vm in fleet.state.state["vms"][:2]]
    fleet.state.add_faults([{"status": 200, "path": LIST, "body": {"status": True, "count": 2, "instances": machines}}])
    result = info(fleet, environment="ml-CANADA-1")
    assert [vm["name"] for vm in result["hyperstack_vm_info"]] == ["train-02"], result


# -- no float noise in the usage and the estimate either -------------------------------------------


def test_the_usage_and_the_estimate_have_no_float_noise_either(fleet):
    # train-02 alone: H100 $1.90/h, written per minute as 0.03166666666666667, read back as 1.9 everywhere.
    with fleet.state.lock:
        fleet.state.state["vms"] = [vm for vm in fleet.state.state["vms"] if vm["id"] == 505]
    fleet.state.update({"usage": []})
    assert USAGE.fetch(make_client(fleet.api_url))["cost_per_hour"] == 1.9
    args = dict(api_key=KEY, api_url=fleet.api_url, terraform_plan=None, plan=[{"flavor": "n3-A100x1"}], region="NORWAY-1")
    estimate = run_info(MODULES["hyperstack_deployment_cost_info"], args, {}, "nexgencloud.hyperstack.hyperstack_deployment_cost_info")
    assert estimate["hyperstack_deployment_cost_info"]["current_cost_per_hour"] == 1.9, estimate
