# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A real client nobody here wrote: the official ``hyperstack`` Python SDK (its pydantic models follow
the published spec) pointed at the emulator parses the six endpoints the collection reads and the virtual
machines' four, and raises its own exception for a wrong key. If the emulator drifted from the API, this would fail."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY

# The SDK's import alone takes a second.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hyperstack():
    # Imported when these tests run, not when pytest collects them: the SDK loads the models of the
    # whole API (about 70 MB), which every later subprocess would inherit as its peak RSS through
    # fork (tests/unit/plugins/module_utils/test_client_bodies.py bounds a child's peak memory).
    import hyperstack as sdk_module

    return sdk_module


@pytest.fixture
def sdk(emu, hyperstack):
    configuration = hyperstack.Configuration(host=emu.api_url, api_key={"apiKey": KEY})
    with hyperstack.ApiClient(configuration) as client:
        yield client


def test_sdk_parses_the_credit_and_the_last_day_cost(sdk, hyperstack):
    assert hyperstack.CreditApi(sdk).get_user_credit().data.credit == 1500.0
    assert hyperstack.BillingApi(sdk).get_last_day_cost().data.total_cost == 56.4


def test_sdk_parses_the_pricebook_flavors_and_usage(sdk, hyperstack):
    prices = hyperstack.PricebookApi(sdk).get_pricebook()
    assert {p.name: p.value for p in prices}["A100-80G-PCIe"] == 1.35
    groups = hyperstack.FlavorApi(sdk).list_flavors(region="US-1").data
    assert [(f.name, f.stock_available) for g in groups for f in g.flavors] == [("n3-H100x8", False), ("n1-cpu-small", True)]
    usage = hyperstack.BillingApi(sdk).get_usage().data
    assert [u.name for u in usage if u.active and not u.exclude_billing] == ["train-01", "datasets"]
    assert usage[2].bill_per_minute is None


def test_sdk_parses_the_billing_history(emu, sdk, hyperstack):
    history = hyperstack.BillingApi(sdk).get_user_billing_history(start_date="2026-12-01T00:00:00", end_date="2026-12-01T19:30:00")
    rows = history.billing_history.billing_history
    assert history.status is True and history.billing_history.total_count == 2
    assert [(r.attributes.id, r.metrics.incurred_bill) for r in rows] == [("vm-501", 1589.75), ("volume-502", 310.25)]
    assert emu.state.requests[-1]["query"] == "start_date=2026-12-01T00%3A00%3A00&end_date=2026-12-01T19%3A30%3A00"
    emu.state.update({"month_to_date": 1234})
    assert hyperstack.BillingApi(sdk).get_user_billing_history().billing_history.billing_history[0].metrics.incurred_bill == 1234


def test_sdk_parses_the_machines_page_by_page(emu, sdk, hyperstack):
    emu.state.update({"vms": "fleet"})
    api, machines, page = hyperstack.VirtualMachineApi(sdk), [], 1
    while True:
        listing = api.list_vms(page=page, page_size=100)
        assert (listing.status, listing.count, listing.page, listing.page_size) == (True, 8, page, 3)
        if not listing.instances:
            break
        machines += listing.instances
        page += 1
    assert [vm.id for vm in machines] == [501, 505, 506, 507, 508, 509, 510, 511]
    first = machines[0]
    assert (first.name, first.status, first.labels, first.flavor.gpu, first.flavor.gpu_count) == (
        "train-01",
        "ACTIVE",
        ["team=ml", "hibernate=ok"],
        "A100-80G-PCIe",
        1,
    )
    assert (first.environment.name, first.environment.region, first.environment.features.green_status) == ("default-NORWAY-1", "NORWAY-1", "GREEN")
    assert first.created_at.year == 2026 and first.volume_attachments[0].volume.name == "datasets"
    assert machines[6].floating_ip is None and machines[6].status == "HIBERNATED"
    narrowed = api.list_vms(environment="ml-CANADA-1", exact_environment_match=True, search="train")
    assert [vm.name for vm in narrowed.instances] == ["train-02"]
    assert emu.state.requests[-1]["query"] == "search=train&environment=ml-CANADA-1&exact_environment_match=true"


def test_sdk_parses_a_machine_and_hibernates_and_restores_it(emu, sdk, hyperstack):
    emu.state.update({"vms": "fleet", "vm_transition_seconds": 0})
    api = hyperstack.VirtualMachineApi(sdk)
    vm = api.get_vm(505).instance
    assert (vm.id, vm.name, vm.flavor.name, vm.floating_ip) == (505, "train-02", "n3-H100x1", "38.80.123.12")
    answer = api.hibernate_vm(505, retain_ip="true")
    assert answer.status is True and answer.message
    assert emu.state.requests[-1]["path"] == "/core/virtual-machines/505/hibernate" and emu.state.requests[-1]["query"] == "retain_ip=true"
    hibernated = api.get_vm(505).instance
    assert (hibernated.status, hibernated.floating_ip) == ("HIBERNATED", "38.80.123.12")
    assert api.restore_vm_from_hibernation(505).status is True
    assert api.get_vm(505).instance.status == "ACTIVE"
    with pytest.raises(hyperstack.exceptions.BadRequestException) as refused:
        api.hibernate_vm(507)
    assert refused.value.status == 400 and "does not support hibernation" in refused.value.body
    with pytest.raises(hyperstack.exceptions.NotFoundException) as missing:
        api.get_vm(999)
    assert missing.value.status == 404


@pytest.mark.parametrize("call", ["pricebook", "flavors", "usage", "credit", "last_day_cost", "billing_history", "vms"])
def test_sdk_raises_its_own_401_for_a_wrong_key(emu, hyperstack, call):
    configuration = hyperstack.Configuration(host=emu.api_url, api_key={"apiKey": "hs-wrong-key"})
    with hyperstack.ApiClient(configuration) as client:
        read = {
            "pricebook": hyperstack.PricebookApi(client).get_pricebook,
            "flavors": hyperstack.FlavorApi(client).list_flavors,
            "usage": hyperstack.BillingApi(client).get_usage,
            "credit": hyperstack.CreditApi(client).get_user_credit,
            "last_day_cost": hyperstack.BillingApi(client).get_last_day_cost,
            "billing_history": hyperstack.BillingApi(client).get_user_billing_history,
            "vms": hyperstack.VirtualMachineApi(client).list_vms,
        }[call]
        with pytest.raises(hyperstack.exceptions.UnauthorizedException) as caught:
            read()
    assert caught.value.status == 401
