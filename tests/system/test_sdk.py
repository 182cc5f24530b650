# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A real client nobody here wrote: the official ``hyperstack`` Python SDK (its pydantic models follow
the published spec) pointed at the emulator parses the six endpoints the collection reads, the virtual
machines' (list, get, hibernate, restore, create, stop, delete), environments, key pairs, images, stock and quota,
and raises its own exception for a wrong key or a refusal. If the emulator drifted from the API, this would fail."""

from __future__ import annotations

import time

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


def test_sdk_parses_the_environments_and_their_quota(emu, sdk, hyperstack):
    api = hyperstack.EnvironmentApi(sdk)
    listing = api.list_environments(page="1", page_size="2")
    assert (listing.status, listing.count, listing.page_size) == (True, 3, 2)
    assert [(e.id, e.name, e.region, e.features.green_status) for e in listing.environments] == [
        (1, "default-NORWAY-1", "NORWAY-1", "GREEN"),
        (2, "ml-CANADA-1", "CANADA-1", "PARTIALLY_GREEN"),
    ]
    created = api.create_environment(hyperstack.CreateEnvironment(name="staging", region="US-1")).environment
    assert (created.id, created.name, created.region, created.created_at.tzinfo is not None) == (4, "staging", "US-1", True)
    assert api.get_environment(4).environment.name == "staging"
    assert api.update_environment(4, hyperstack.UpdateEnvironment(name="stage")).environment.name == "stage"
    assert emu.state.requests[-1]["body"] == {"name": "stage"}
    quota = api.get_environment_vm_quota(2)
    assert (quota.current_vms, quota.max_vms, quota.available_vms, quota.percentage_used, quota.cidr) == (0, 250, 250, 0.0, "10.1.0.0/16")
    assert api.fetch_environment_name_availability("stage").available is False
    assert api.delete_environment(4).status is True
    with pytest.raises(hyperstack.exceptions.ApiException) as taken:
        api.create_environment(hyperstack.CreateEnvironment(name="prod-US-1", region="US-1"))
    assert taken.value.status == 409 and "already exists" in taken.value.body
    emu.state.update({"vms": "fleet"})
    with pytest.raises(hyperstack.exceptions.BadRequestException) as holding:
        api.delete_environment(2)
    assert "Environment ml-CANADA-1 still has 3 virtual machines" in holding.value.body


def test_sdk_parses_the_key_pairs_images_and_stock(emu, sdk, hyperstack):
    api = hyperstack.KeypairApi(sdk)
    public_key = emu.state.snapshot()["keypairs"][0]["public_key"].replace("ops@example.com", "alice@example.com")
    imported = api.import_key_pair(hyperstack.ImportKeypairPayload(name="alice", environment_name="prod-US-1", public_key=public_key)).keypair
    assert (imported.id, imported.name, imported.environment.name, imported.public_key, len(imported.fingerprint)) == (4, "alice", "prod-US-1", public_key, 47)
    listing = api.list_key_pairs()
    assert listing.count == 4 and [k.name for k in listing.keypairs] == ["ops-key", "ops-key", "ops-key", "alice"]
    assert api.update_key_pair_name(4, hyperstack.UpdateKeypairName(name="alice-2")).keypair.name == "alice-2"
    assert api.delete_key_pair(4).status is True
    with pytest.raises(hyperstack.exceptions.BadRequestException):
        api.import_key_pair(hyperstack.ImportKeypairPayload(name="bob", environment_name="prod-US-1", public_key="not a key"))
    groups = hyperstack.ImageApi(sdk).list_images(region="CANADA-1", include_public=True).images
    assert [(g.region_name, g.type) for g in groups] == [("CANADA-1", "Ubuntu")]
    assert "Ubuntu Server 22.04 LTS R535 CUDA 12.2" in [i.name for i in groups[0].images] and groups[0].images[0].flavor_restrictions is not None
    stocks = hyperstack.StockApi(sdk).get_gpu_stock().stocks
    us = next(s for s in stocks if s.region == "US-1")
    assert [(m.model, m.available, m.configurations.var_8x) for m in us.models] == [("H100-80G-PCIe", "0", 0)]


def test_sdk_creates_lists_gets_and_deletes_a_machine(emu, sdk, hyperstack):
    emu.state.update({"vms": "fleet", "vm_boot_seconds": 0.2, "vm_delete_seconds": 0.2})
    api = hyperstack.VirtualMachineApi(sdk)
    payload = hyperstack.CreateInstancesPayload(
        name="sdk-made",
        environment_name="ml-CANADA-1",
        flavor_name="n3-H100x1",
        image_name="Ubuntu Server 22.04 LTS R535 CUDA 12.2",
        key_name="ops-key",
        count=1,
        assign_floating_ip=True,
        labels=["team=ml"],
        create_bootable_volume=True,
        user_data="#cloud-config\n",
    )
    created = api.create_vms(payload)
    assert created.status is True and len(created.instances) == 1
    vm = created.instances[0]
    assert (vm.id, vm.name, vm.status, vm.labels, vm.floating_ip, vm.fixed_ip) == (512, "sdk-made", "BUILD", ["team=ml"], None, "10.1.0.2")
    assert vm.volume_attachments[0].volume.bootable is True and vm.created_at.tzinfo is not None
    sent = emu.state.requests[-1]
    assert (sent["method"], sent["path"], sent["body"]["count"], sent["body"]["user_data"]) == ("POST", "/core/virtual-machines", 1, "#cloud-config\n")
    assert api.check_vm_name_availability("sdk-made").available is False
    time.sleep(0.3)
    active = api.get_vm(512).instance
    assert (active.status, active.floating_ip is not None) == ("ACTIVE", True)
    listing = api.list_vms(search="sdk")
    assert [(m.id, m.status) for m in listing.instances] == [(512, "ACTIVE")]
    with pytest.raises(hyperstack.exceptions.ApiException) as taken:
        api.create_vms(payload)
    assert taken.value.status == 409
    assert api.stop_vm(512).status is True
    assert api.delete_vm(512).status is True
    assert api.get_vm(512).instance.status == "DELETING"
    time.sleep(0.3)
    with pytest.raises(hyperstack.exceptions.NotFoundException):
        api.get_vm(512)
    assert api.list_vms(search="sdk").count == 0


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


def test_sdk_parses_the_auto_top_up_the_payments_and_the_contracts(emu, sdk, hyperstack):
    topups = hyperstack.AutoTopupApi(sdk)
    assert topups.get_auto_top_up_status().status is None
    created = topups.create_auto_top_up(hyperstack.CreateAutoTopupPayload(threshold_amount=100.0, topup_amount=250.0))
    assert (created.auto_topup.status, created.auto_topup.topup_amount) == ("active", 250.0)
    updated = topups.update_auto_top_up(hyperstack.UpdateAutoTopupPayload(threshold_amount=200.0, topup_amount=500.0))
    assert updated.auto_topup.threshold_amount == 200.0
    assert topups.get_auto_top_up().auto_topup.status == "active"
    assert topups.disable_auto_top_up().auto_topup.status == "disabled"
    status = topups.get_auto_top_up_status()
    assert (status.status, status.threshold_amount, status.topup_amount) == ("disabled", 200.0, 500.0)
    emu.state.update({"payments": "declined"})
    payments = hyperstack.PaymentApi(sdk).list_payment_details().data
    assert [(p.status, p.attempt_number, p.max_attempts, p.auto_topup_id) for p in payments][-1] == ("failed", 3, 3, 1)
    discount = {"id": 1, "resource_id": 102, "resource_name": "n3-A100x8", "resource_count": 4, "remaining_count": 2}
    discount.update(discount_type="percent", discount_percent=40.0, discount_amount=0.0, discount_code="R-12", discount_status="active")
    contract = {"id": 12, "org_id": 42, "status": "active", "description": "reserved", "start_date": "2026-01-01T00:00:00+00:00"}
    contract.update(end_date="2999-01-01T00:00:00+00:00", expiration_policy=0, created_at="2025-12-20T00:00:00+00:00", discounts=[discount])
    emu.state.update({"contracts": [contract], "vms": "fleet"})
    vms = emu.state.snapshot()["vms"]
    vms[0]["contract_id"] = 12
    emu.state.update({"vms": vms})
    contracts = hyperstack.CustomerContractApi(sdk)
    listed = contracts.list_customer_contracts(page=1, per_page=10)
    assert (listed.count, listed.contracts[0].discounts[0].remaining_count) == (1, 2)
    assert contracts.retrieve_contract(12).contracts.end_date.year == 2999
    assert [vm.id for vm in hyperstack.VirtualMachineApi(sdk).get_contract_vms(12).instances] == [vms[0]["id"]]
    with pytest.raises(hyperstack.ApiException) as raised:
        contracts.retrieve_contract(99)
    assert raised.value.status == 404
