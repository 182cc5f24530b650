# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of emulator/hyperstack_emulator.py: what provisioning needs, over real HTTP. Environments, key pairs,
images, stock and quota; creating, deleting, starting and stopping machines, their transitions and their usage rows;
each refusal in the API's error model; the method-scoped fault that loses a create's answer after the machine was made.
Every answer validates strictly against the published OpenAPI spec (fixtures/infrahub-openapi-provisioning-excerpt.yaml)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import (
    FIXTURES,
    KEY,
    api_requests,
    emulator_module,
    resolve_refs,
    strict,
    validate,
    with_nulls,
)

SPEC = yaml.safe_load((FIXTURES / "infrahub-openapi-provisioning-excerpt.yaml").read_text())
# Fields the API sends as null when there is nothing to say (the spec marks nothing nullable).
NULLABLE = {"floating_ip", "callback_url", "contract_id", "port_range_min", "port_range_max"}

ENVIRONMENTS, ENVIRONMENT, ENVIRONMENT_QUOTA = "/core/environments", "/core/environments/{id}", "/core/environments/{id}/vm-quota"
ENVIRONMENT_NAME = "/core/environments/name-availability/{name}"
KEYPAIRS, KEYPAIR = "/core/keypairs", "/core/keypair/{id}"
IMAGES, STOCKS = "/core/images", "/core/stocks"
VMS, VM = "/core/virtual-machines", "/core/virtual-machines/{vm_id}"
START, STOP = VM + "/start", VM + "/stop"
VM_NAME = "/core/virtual-machines/name-availability/{name}"
USAGE = "/billing/billing/usage"

NEW_KEY = emulator_module.ssh_public_key("alice", "alice@example.com")


def call(emu, method, template, body=None, key=KEY, query="", **ids):
    """(status, parsed body) of a request to the path template (its {id}, {vm_id}, {name} from ids) with a JSON body."""
    path = template
    for name, value in ids.items():
        path = path.replace("{%s}" % name, str(value))
    data = None if body is None else json.dumps(body).encode()
    headers = {"api_key": key, **({"Content-Type": "application/json"} if data is not None else {})}
    request = urllib.request.Request(emu.api_url + path + (("?" + query) if query else ""), data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # nosec - loopback emulator
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def schema(template, method, status):
    operation = SPEC["paths"][template][method.lower()]
    return resolve_refs(SPEC, operation["responses"][str(status)]["content"]["application/json"]["schema"])


def check(answer, template, method, status=200):
    """The body of answer (status, body), which must have that status and match the spec's schema exactly."""
    got, body = answer
    assert got == status, (got, body)
    validate(body, with_nulls(strict(schema(template, method, status)), NULLABLE))
    return body


def refusal(answer, template, method, status, message):
    """answer is the error model with that status, whole."""
    body = check(answer, template, method, status)
    assert body == {"status": False, "message": message, "error_reason": {400: "Bad Request", 404: "Not Found", 409: "Conflict"}[status]}
    return body


def environments(emu, query=""):
    return check(call(emu, "GET", ENVIRONMENTS, query=query), ENVIRONMENTS, "GET")


def keypairs(emu, query=""):
    return check(call(emu, "GET", KEYPAIRS, query=query), KEYPAIRS, "GET")


def test_the_excerpt_has_the_provisioning_paths():
    operations = {(method.upper(), path): op["operationId"] for path, ops in SPEC["paths"].items() for method, op in ops.items() if method != "parameters"}
    assert {
        ("GET", ENVIRONMENTS): "List_environments",
        ("POST", ENVIRONMENTS): "Create_environment",
        ("GET", ENVIRONMENT): "Get_environment",
        ("PUT", ENVIRONMENT): "Update_environment",
        ("DELETE", ENVIRONMENT): "Delete_environment",
        ("GET", ENVIRONMENT_QUOTA): "Get_environment_VM_quota",
        ("GET", ENVIRONMENT_NAME): "Fetch_environment_name_availability",
        ("GET", KEYPAIRS): "List_key_pairs",
        ("POST", KEYPAIRS): "Import_key_pair",
        ("PUT", KEYPAIR): "Update_key_pair_name",
        ("DELETE", KEYPAIR): "Delete_key_pair",
        ("GET", IMAGES): "List_Images",
        ("GET", STOCKS): "Get_GPU_stock",
        ("POST", VMS): "Create_VMs",
        ("DELETE", VM): "Delete_VM",
        ("GET", START): "Start_VM",
        ("GET", STOP): "Stop_VM",
        ("GET", VM_NAME): "Check_VM_name_availability",
    }.items() <= operations.items()


# -- environments ---------------------------------------------------------------------------


def test_the_default_environments_are_the_fleets(emu):
    body = environments(emu)
    assert (body["status"], body["count"], body["page"]) == (True, 3, 1)
    assert [(e["id"], e["name"], e["region"]) for e in body["environments"]] == [
        (1, "default-NORWAY-1", "NORWAY-1"),
        (2, "ml-CANADA-1", "CANADA-1"),
        (3, "prod-US-1", "US-1"),
    ]
    # The fleet's machines carry the same environments (with org_id, without created_at).
    emu.state.update({"vms": "fleet"})
    served = {e["name"]: e for e in body["environments"]}
    for vm in emu.state.snapshot()["vms"]:
        env = vm["environment"]
        assert {key: served[env["name"]][key] for key in ("id", "name", "region", "features")} == {k: v for k, v in env.items() if k != "org_id"}


@pytest.mark.parametrize(
    "query, names, page_size",
    [
        ("pageSize=2", ["default-NORWAY-1", "ml-CANADA-1"], 2),
        ("pageSize=2&page=2", ["prod-US-1"], 2),
        ("pageSize=2&page=3", [], 2),
        ("search=canada", ["ml-CANADA-1"], 1),
        ("search=-1&pageSize=1&page=3", ["prod-US-1"], 1),
    ],
)
def test_the_environments_page_and_search(emu, query, names, page_size):
    body = environments(emu, query)
    assert [e["name"] for e in body["environments"]] == names and body["page_size"] == page_size
    assert body["count"] == (1 if "canada" in query else 3)


def test_an_environment_is_created_read_renamed_and_deleted(emu):
    created = check(call(emu, "POST", ENVIRONMENTS, {"name": "staging", "region": "CANADA-1"}), ENVIRONMENTS, "POST")["environment"]
    assert (created["id"], created["name"], created["region"]) == (4, "staging", "CANADA-1")
    assert created["features"] == emulator_module.ENVIRONMENTS[1]["features"] and created["created_at"].endswith("+00:00")
    assert check(call(emu, "GET", ENVIRONMENT, id=4), ENVIRONMENT, "GET")["environment"] == created
    assert [e["name"] for e in environments(emu)["environments"]][-1] == "staging"
    renamed = check(call(emu, "PUT", ENVIRONMENT, {"name": "stage"}, id=4), ENVIRONMENT, "PUT")["environment"]
    assert renamed == dict(created, name="stage")
    body = check(call(emu, "DELETE", ENVIRONMENT, id=4), ENVIRONMENT, "DELETE")
    assert body == {"status": True, "message": "Environment stage deleted successfully"}
    refusal(call(emu, "GET", ENVIRONMENT, id=4), ENVIRONMENT, "GET", 404, "Environment 4 not found")
    # An id is never given twice.
    assert check(call(emu, "POST", ENVIRONMENTS, {"name": "staging", "region": "US-1"}), ENVIRONMENTS, "POST")["environment"]["id"] == 5


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"name": "ml-CANADA-1", "region": "CANADA-1"}, 409, "Environment ml-CANADA-1 already exists"),
        ({"name": "x", "region": "MARS-1"}, 400, "Region MARS-1 is not available: no flavor is offered there"),
        ({"name": "x" * 51, "region": "US-1"}, 400, "name should be at most 50 characters, got 51"),
        ({"name": "x"}, 400, "missing required field: region"),
        ({}, 400, "missing required fields: name, region"),
        ([], 400, "the request body should be a JSON object"),
    ],
)
def test_a_create_of_an_environment_is_refused(emu, body, status, message):
    refusal(call(emu, "POST", ENVIRONMENTS, body), ENVIRONMENTS, "POST", status, message)
    assert environments(emu)["count"] == 3


@pytest.mark.parametrize("method, body", [("GET", None), ("PUT", {"name": "x"}), ("DELETE", None)])
def test_an_unknown_environment_is_a_404(emu, method, body):
    refusal(call(emu, method, ENVIRONMENT, body, id=99), ENVIRONMENT, method, 404, "Environment 99 not found")
    refusal(call(emu, "GET", ENVIRONMENT_QUOTA, id=99), ENVIRONMENT_QUOTA, "GET", 404, "Environment 99 not found")


def test_a_rename_to_a_taken_name_is_refused_and_a_rename_follows_the_machines(emu):
    emu.state.update({"vms": "fleet"})
    refusal(call(emu, "PUT", ENVIRONMENT, {"name": "prod-US-1"}, id=2), ENVIRONMENT, "PUT", 400, "Environment prod-US-1 already exists")
    check(call(emu, "PUT", ENVIRONMENT, {"name": "ml"}, id=2), ENVIRONMENT, "PUT")
    state = emu.state.snapshot()
    assert sorted(vm["id"] for vm in state["vms"] if vm["environment"]["name"] == "ml") == [505, 507, 511]
    assert [k["environment"]["name"] for k in state["keypairs"]] == ["default-NORWAY-1", "ml", "prod-US-1"]


def test_an_environment_holding_machines_is_not_deleted_and_its_key_pairs_go_with_it(emu):
    emu.state.update({"vms": "fleet", "vm_delete_seconds": 0})
    message = "Environment ml-CANADA-1 still has 3 virtual machines: delete them first"
    refusal(call(emu, "DELETE", ENVIRONMENT, id=2), ENVIRONMENT, "DELETE", 400, message)
    for vid in (505, 507):
        check(call(emu, "DELETE", VM, vm_id=vid), VM, "DELETE")
    refusal(call(emu, "DELETE", ENVIRONMENT, id=2), ENVIRONMENT, "DELETE", 400, "Environment ml-CANADA-1 still has 1 virtual machine: delete them first")
    check(call(emu, "DELETE", VM, vm_id=511), VM, "DELETE")
    check(call(emu, "DELETE", ENVIRONMENT, id=2), ENVIRONMENT, "DELETE")
    assert [e["name"] for e in environments(emu)["environments"]] == ["default-NORWAY-1", "prod-US-1"]
    assert [k["environment"]["name"] for k in keypairs(emu)["keypairs"]] == ["default-NORWAY-1", "prod-US-1"]


def test_an_environment_name_availability(emu):
    body = check(call(emu, "GET", ENVIRONMENT_NAME, name="ml-CANADA-1"), ENVIRONMENT_NAME, "GET")
    assert body == {"name": "ml-CANADA-1", "available": False, "message": "An environment named ml-CANADA-1 already exists"}
    assert check(call(emu, "GET", ENVIRONMENT_NAME, name="new%20one"), ENVIRONMENT_NAME, "GET")["available"] is True


def test_the_vm_quota_counts_the_environments_machines(emu):
    body = check(call(emu, "GET", ENVIRONMENT_QUOTA, id=2), ENVIRONMENT_QUOTA, "GET")
    assert body == {"status": True, "message": "Success", "current_vms": 0, "max_vms": 250, "available_vms": 250, "percentage_used": 0.0, "cidr": "10.1.0.0/16"}
    emu.state.update({"vms": "fleet", "vm_quota": {"ml-CANADA-1": 4}})
    body = check(call(emu, "GET", ENVIRONMENT_QUOTA, id=2), ENVIRONMENT_QUOTA, "GET")
    assert (body["current_vms"], body["max_vms"], body["available_vms"], body["percentage_used"]) == (3, 4, 1, 75.0)
    assert check(call(emu, "GET", ENVIRONMENT_QUOTA, id=1), ENVIRONMENT_QUOTA, "GET")["current_vms"] == 4


# -- key pairs ------------------------------------------------------------------------------


def test_the_default_key_pairs_are_ops_key_in_each_environment(emu):
    body = keypairs(emu)
    assert body["count"] == 3
    assert [(k["id"], k["name"], k["environment"]["name"]) for k in body["keypairs"]] == [
        (1, "ops-key", "default-NORWAY-1"),
        (2, "ops-key", "ml-CANADA-1"),
        (3, "ops-key", "prod-US-1"),
    ]
    assert all(k["public_key"].startswith("ssh-ed25519 ") and len(k["fingerprint"].split(":")) == 16 for k in body["keypairs"])
    assert [k["name"] for k in keypairs(emu, "pageSize=1&page=2")["keypairs"]] == ["ops-key"]


def test_a_key_pair_is_imported_renamed_and_deleted(emu):
    payload = {"name": "alice", "environment_name": "ml-CANADA-1", "public_key": NEW_KEY}
    body = check(call(emu, "POST", KEYPAIRS, payload), KEYPAIRS, "POST")
    keypair = body["keypair"]
    assert (keypair["id"], keypair["name"], keypair["public_key"], keypair["environment"]["id"]) == (4, "alice", NEW_KEY, 2)
    blob = emulator_module.ssh_key_blob(NEW_KEY)
    assert keypair["fingerprint"] == emulator_module.ssh_fingerprint(blob) and len(keypair["fingerprint"]) == 47
    # The same name in another environment is another key pair.
    assert check(call(emu, "POST", KEYPAIRS, dict(payload, environment_name="prod-US-1")), KEYPAIRS, "POST")["keypair"]["id"] == 5
    renamed = check(call(emu, "PUT", KEYPAIR, {"name": "alice-laptop"}, id=4), KEYPAIR, "PUT")["keypair"]
    assert renamed == dict(keypair, name="alice-laptop")
    assert keypairs(emu, "search=alice")["count"] == 2
    assert check(call(emu, "DELETE", KEYPAIR, id=4), KEYPAIR, "DELETE") == {"status": True, "message": "Key pair alice-laptop deleted successfully"}
    assert [k["id"] for k in keypairs(emu)["keypairs"]] == [1, 2, 3, 5]


RSA_BLOB_AS_ED25519 = "ssh-ed25519 " + emulator_module.ssh_public_key("x").split()[1].replace("AAAAC3NzaC1lZDI1NTE5", "AAAAB3NzaC1yc2EAAAAD")


@pytest.mark.parametrize(
    "change, status, message",
    [
        ({"name": "ops-key"}, 409, "Key pair ops-key already exists in environment ml-CANADA-1"),
        ({"environment_name": "nowhere"}, 404, "Environment nowhere not found"),
        ({"public_key": "not a key"}, 400, "public_key is not an SSH public key"),
        ({"public_key": "ssh-rsa !!!not-base64"}, 400, "public_key is not an SSH public key"),
        ({"public_key": RSA_BLOB_AS_ED25519}, 400, "public_key is not an SSH public key"),
        ({"public_key": "-----BEGIN PUBLIC KEY-----"}, 400, "public_key is not an SSH public key"),
        ({"name": "k" * 51}, 400, "name should be at most 50 characters, got 51"),
        ({"public_key": None}, 400, "missing required field: public_key"),
    ],
)
def test_an_import_of_a_key_pair_is_refused(emu, change, status, message):
    payload = dict({"name": "alice", "environment_name": "ml-CANADA-1", "public_key": NEW_KEY}, **change)
    body = check(call(emu, "POST", KEYPAIRS, payload), KEYPAIRS, "POST", status)
    assert body["status"] is False and body["message"].startswith(message)
    assert keypairs(emu)["count"] == 3


@pytest.mark.parametrize("method, body", [("PUT", {"name": "x"}), ("DELETE", None)])
def test_an_unknown_key_pair_is_a_404(emu, method, body):
    refusal(call(emu, method, KEYPAIR, body, id=99), KEYPAIR, method, 404, "Key pair 99 not found")


def test_a_key_pair_renamed_to_a_taken_name_is_refused(emu):
    check(call(emu, "POST", KEYPAIRS, {"name": "alice", "environment_name": "prod-US-1", "public_key": NEW_KEY}), KEYPAIRS, "POST")
    refusal(call(emu, "PUT", KEYPAIR, {"name": "ops-key"}, id=4), KEYPAIR, "PUT", 400, "Key pair ops-key already exists in environment prod-US-1")


# -- images and stock ------------------------------------------------------------------------


def test_the_images_are_grouped_by_region_and_type(emu):
    body = check(call(emu, "GET", IMAGES), IMAGES, "GET")
    assert [(g["region_name"], g["type"]) for g in body["images"]] == [("NORWAY-1", "Ubuntu"), ("CANADA-1", "Ubuntu"), ("US-1", "Ubuntu")]
    for group in body["images"]:
        names = [i["name"] for i in group["images"]]
        assert {"Ubuntu Server 22.04 LTS", "Ubuntu Server 22.04 LTS R535 CUDA 12.2"} <= set(names)
        assert all(i["region_name"] == group["region_name"] and i["is_public"] for i in group["images"])


@pytest.mark.parametrize(
    "query, served",
    [
        (
            "region=US-1",
            [("US-1", "Ubuntu Server 22.04 LTS"), ("US-1", "Ubuntu Server 22.04 LTS R535 CUDA 12.2"), ("US-1", "Ubuntu Server 24.04 LTS R550 CUDA 12.4")],
        ),
        ("region=CANADA-1&search=r535", [("CANADA-1", "Ubuntu Server 22.04 LTS R535 CUDA 12.2")]),
        ("region=US-1&per_page=2&page=2", [("US-1", "Ubuntu Server 24.04 LTS R550 CUDA 12.4")]),
        ("include_public=false", []),
        ("region=MARS-1", []),
    ],
)
def test_the_images_filter_and_page(emu, query, served):
    body = check(call(emu, "GET", IMAGES, query=query), IMAGES, "GET")
    assert [(i["region_name"], i["name"]) for g in body["images"] for i in g["images"]] == served


def test_the_stock_follows_the_flavors(emu):
    body = check(call(emu, "GET", STOCKS), STOCKS, "GET")
    stocks = {(s["region"], m["model"]): m for s in body["stocks"] for m in s["models"]}
    assert all(s["stock-type"] == "GPU" for s in body["stocks"])
    assert stocks[("NORWAY-1", "A100-80G-PCIe")]["configurations"] == {"1x": 8, "2x": 0, "4x": 0, "8x": 8, "10x": 0}
    assert stocks[("NORWAY-1", "A100-80G-PCIe")]["available"] == "72"
    # n3-H100x8 is out of stock in US-1.
    assert stocks[("US-1", "H100-80G-PCIe")]["configurations"]["8x"] == 0 and stocks[("US-1", "H100-80G-PCIe")]["available"] == "0"
    flavors = [dict(f, stock_available=f["name"] != "n3-A100x1") for f in emulator_module.FLAVORS]
    emu.state.update({"flavors": flavors})
    stocks = {(s["region"], m["model"]): m for s in check(call(emu, "GET", STOCKS), STOCKS, "GET")["stocks"] for m in s["models"]}
    assert stocks[("NORWAY-1", "A100-80G-PCIe")]["configurations"]["1x"] == 0 and stocks[("CANADA-1", "A100-80G-PCIe")]["available"] == "0"


# -- state, keys ---------------------------------------------------------------------------


def test_the_provisioning_state_is_set_and_reset(emu):
    env = dict(emulator_module.ENVIRONMENTS[0], id=9, name="only")
    state = emu.state.update({"environments": [env], "keypairs": [], "images": [], "vm_quota": {"only": 1}, "vm_boot_seconds": 2, "vm_delete_seconds": 3})
    assert (state["environments"], state["keypairs"], state["images"], state["vm_quota"]) == ([env], [], [], {"only": 1})
    assert [e["name"] for e in environments(emu)["environments"]] == ["only"] and keypairs(emu)["count"] == 0
    emu.state.reset()
    state = emu.state.snapshot()
    assert [e["id"] for e in state["environments"]] == [1, 2, 3] and len(state["keypairs"]) == 3 and len(state["images"]) == 9
    assert (state["vm_quota"], state["vm_boot_seconds"], state["vm_delete_seconds"]) == ({}, 0.5, 0.5)
    for bad in ({"environments": "all"}, {"keypairs": [{"name": "no id"}]}, {"vm_quota": {"x": "many"}}):
        with pytest.raises(ValueError):
            emu.state.update(bad)


@pytest.mark.parametrize(
    "method, template, body",
    [
        ("GET", ENVIRONMENTS, None),
        ("POST", ENVIRONMENTS, {"name": "x", "region": "US-1"}),
        ("DELETE", ENVIRONMENT, None),
        ("GET", ENVIRONMENT_QUOTA, None),
        ("GET", KEYPAIRS, None),
        ("POST", KEYPAIRS, {"name": "x", "environment_name": "prod-US-1", "public_key": NEW_KEY}),
        ("DELETE", KEYPAIR, None),
        ("GET", IMAGES, None),
        ("GET", STOCKS, None),
    ],
)
def test_a_wrong_key_is_a_401_and_changes_nothing(emu, method, template, body):
    before = emu.state.snapshot()
    got, answer = call(emu, method, template, body, key="hs-wrong-key", id=1)
    assert got == 401 and answer == {"status": False, "message": "No valid API key provided", "error_reason": "Unauthorized"}
    check((got, answer), template, method, 401)
    after = emu.state.snapshot()
    assert (after["environments"], after["keypairs"]) == (before["environments"], before["keypairs"])


# -- machines -------------------------------------------------------------------------------

CREATE = {
    "name": "gpu-a",
    "environment_name": "ml-CANADA-1",
    "flavor_name": "n3-H100x1",
    "image_name": "Ubuntu Server 22.04 LTS R535 CUDA 12.2",
    "key_name": "ops-key",
    "count": 1,
}
H100 = Decimal("1.9")


def create(emu, **change):
    return call(emu, "POST", VMS, dict(CREATE, **change))


def machine(emu, vid):
    return check(call(emu, "GET", VM, vm_id=vid), VM, "GET")["instance"]


def machines(emu):
    """Every machine the list serves (one page), by id."""
    emu.state.update({"vm_page_size": 10000})
    return {vm["id"]: vm for vm in check(call(emu, "GET", VMS, query="pageSize=10000"), VMS, "GET")["instances"]}


def wait_for(emu, vid, status, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        vm = machine(emu, vid)
        if vm["status"] == status:
            return vm
        time.sleep(0.02)
    raise AssertionError("machine %d is %s, not %s, after %s s" % (vid, vm["status"], status, timeout))


def usage_rows(emu):
    status, body = call(emu, "GET", USAGE)
    assert status == 200
    return {row["resource_id"]: row for row in body["data"]}


def per_hour(emu):
    """The burn rate as the collection reads it: active billed rows' bill_per_minute x 60 (Decimal)."""
    rows = usage_rows(emu).values()
    return sum((decimal(r["bill_per_minute"] or 0) for r in rows if r["active"] is not False and not r["exclude_billing"]), Decimal(0)) * 60


@pytest.fixture
def fleet(emu):
    emu.state.update({"vms": "fleet", "vm_boot_seconds": 0.3, "vm_delete_seconds": 0.3, "vm_transition_seconds": 0.3})
    return emu


def test_a_created_machine_is_answered_building_with_what_was_asked(fleet):
    rules = [{"direction": "ingress", "ethertype": "IPv4", "protocol": "icmp", "remote_ip_prefix": "10.0.0.0/8"}]
    body = check(
        create(
            fleet,
            labels=["team=ml", "hibernate=ok"],
            assign_floating_ip=True,
            user_data="#cloud-config\nruncmd: [echo hi]\n",
            security_rules=rules,
            create_bootable_volume=True,
            volume_name="gpu-a-root",
            callback_url="https://example.com/hook",
        ),
        VMS,
        "POST",
    )
    assert (body["status"], body["message"], len(body["instances"])) == (True, "Creating 1 virtual machine", 1)
    vm = body["instances"][0]
    # Above every id there is, machines' and usage rows' alike.
    assert vm["id"] == 512
    assert (vm["name"], vm["status"], vm["labels"], vm["flavor"]["name"], vm["environment"]["name"]) == (
        "gpu-a",
        "BUILD",
        ["team=ml", "hibernate=ok"],
        "n3-H100x1",
        "ml-CANADA-1",
    )
    assert vm["environment"] == {"id": 2, "name": "ml-CANADA-1", "org_id": 42, "region": "CANADA-1", "features": emulator_module.ENVIRONMENTS[1]["features"]}
    assert (vm["image"], vm["keypair"], vm["callback_url"], vm["locked"]) == (
        {"name": CREATE["image_name"]},
        {"name": "ops-key"},
        "https://example.com/hook",
        False,
    )
    # A private address at once (the first free one of the environment's network), a public one only once ACTIVE.
    assert (vm["fixed_ip"], vm["floating_ip"], vm["floating_ip_status"], vm["requires_public_ip"]) == ("10.1.0.2", None, "NOT_ATTACHED", True)
    assert vm["created_at"][:4] == time.strftime("%Y", time.gmtime()) and vm["created_at"].endswith("+00:00")
    assert [(r["protocol"], r["port_range_min"], r["remote_ip_prefix"], r["status"]) for r in vm["security_rules"]] == [("icmp", None, "10.0.0.0/8", "SUCCESS")]
    [attachment] = vm["volume_attachments"]
    assert (attachment["volume"]["name"], attachment["volume"]["size"], attachment["volume"]["bootable"], attachment["device"]) == (
        "gpu-a-root",
        100,
        True,
        "/dev/vda",
    )
    assert "user_data" not in json.dumps(body) and "cloud-config" not in json.dumps(body)
    assert machine(fleet, 512) == vm
    active = wait_for(fleet, 512, "ACTIVE")
    assert (active["power_state"], active["vm_state"], active["floating_ip_status"]) == ("RUNNING", "active", "ATTACHED")
    assert active["floating_ip"].startswith("38.80.") and dict(active, floating_ip=None, floating_ip_status="NOT_ATTACHED") == dict(
        vm, status="ACTIVE", power_state="RUNNING", vm_state="active"
    )


def test_a_machine_without_a_floating_ip_or_volume_gets_neither(emu):
    vm = check(create(emu, environment_name="prod-US-1", flavor_name="n1-cpu-small", image_name="Ubuntu Server 22.04 LTS"), VMS, "POST")["instances"][0]
    assert (vm["id"], vm["fixed_ip"], vm["volume_attachments"], vm["security_rules"], vm["requires_public_ip"]) == (505, "10.2.0.2", [], [], False)
    assert (vm["port_randomization"], vm["port_randomization_status"]) == (True, "ENABLED")
    emu.state.update({"vm_boot_seconds": 0})
    active = wait_for(emu, 505, "ACTIVE")
    assert (active["floating_ip"], active["floating_ip_status"]) == (None, "NOT_ATTACHED")
    # The next takes the next id and the next free address.
    assert check(create(emu, environment_name="prod-US-1", flavor_name="n1-cpu-small", name="b"), VMS, "POST")["instances"][0]["fixed_ip"] == "10.2.0.3"


def test_the_boot_takes_vm_boot_seconds(emu):
    emu.state.update({"vm_boot_seconds": 0.6})
    vid = check(create(emu), VMS, "POST")["instances"][0]["id"]
    time.sleep(0.3)
    assert machine(emu, vid)["status"] == "BUILD"
    time.sleep(0.4)
    assert machine(emu, vid)["status"] == "ACTIVE"


def test_count_names_the_machines_name_1_to_n(emu):
    body = check(create(emu, count=3), VMS, "POST")
    assert body["message"] == "Creating 3 virtual machines"
    assert [(vm["id"], vm["name"], vm["fixed_ip"]) for vm in body["instances"]] == [
        (505, "gpu-a-1", "10.1.0.2"),
        (506, "gpu-a-2", "10.1.0.3"),
        (507, "gpu-a-3", "10.1.0.4"),
    ]
    assert [vm["name"] for vm in machines(emu).values()] == ["gpu-a-1", "gpu-a-2", "gpu-a-3"]
    refusal(create(emu, count=2), VMS, "POST", 409, "A virtual machine named gpu-a-1 already exists in environment ml-CANADA-1")


@pytest.mark.parametrize(
    "change, status, message",
    [
        ({"name": "train-02"}, 409, "A virtual machine named train-02 already exists in environment ml-CANADA-1"),
        ({"environment_name": "nowhere"}, 404, "Environment nowhere not found"),
        ({"image_name": "Windows 11"}, 404, "Image Windows 11 not found in region CANADA-1"),
        ({"key_name": "bob"}, 404, "Key pair bob not found in environment ml-CANADA-1"),
        ({"flavor_name": "n3-L40x1"}, 400, "Flavor n3-L40x1 is not offered in region CANADA-1 (environment ml-CANADA-1)"),
        (
            {"environment_name": "prod-US-1", "flavor_name": "n3-H100x8", "image_name": "Ubuntu Server 22.04 LTS"},
            400,
            "Flavor n3-H100x8 is out of stock in region US-1",
        ),
        ({"name": "n" * 51}, 400, "name should be at most 50 characters, got 51"),
        ({"count": 0}, 400, "count should be an integer of at least 1, got 0"),
        ({"count": None, "key_name": ""}, 400, "missing required fields: key_name, count"),
        ({"labels": "team=ml"}, 400, "labels should be a list of strings"),
        ({"security_rules": [{"direction": "ingress"}]}, 400, "a security rule lacks ethertype, protocol, remote_ip_prefix"),
        ({"image_name": None}, 400, "image_name is required: the emulator boots every machine from an image"),
    ],
)
def test_a_create_is_refused_whole(fleet, change, status, message):
    refusal(create(fleet, **change), VMS, "POST", status, message)
    assert sorted(machines(fleet)) == [501, 505, 506, 507, 508, 509, 510, 511]


def test_a_create_is_refused_for_want_of_credit(emu):
    emu.state.update({"can_create_instance": False})
    refusal(create(emu), VMS, "POST", 400, "Insufficient credit to create virtual machines: credit 1500.0, threshold 0.0")
    emu.state.update({"can_create_instance": None, "credit": 5.0, "threshold": 10.0})
    refusal(create(emu), VMS, "POST", 400, "Insufficient credit to create virtual machines: credit 5.0, threshold 10.0")
    emu.state.update({"can_create_instance": "omit", "credit": 11.0})
    assert machines(emu) == {} and create(emu)[0] == 200


def test_a_create_past_the_quota_is_refused(fleet):
    fleet.state.update({"vm_quota": {"ml-CANADA-1": 5}})
    message = "VM quota of environment ml-CANADA-1 reached: it holds 3 virtual machines of at most 5, and 3 more were asked for"
    refusal(create(fleet, count=3), VMS, "POST", 400, message)
    check(create(fleet, count=2), VMS, "POST")
    quota = check(call(fleet, "GET", ENVIRONMENT_QUOTA, id=2), ENVIRONMENT_QUOTA, "GET")
    assert (quota["current_vms"], quota["available_vms"], quota["percentage_used"]) == (5, 0, 100.0)
    refusal(create(fleet, name="one-more"), VMS, "POST", 400, message.replace("3 virtual machines", "5 virtual machines").replace("3 more", "1 more"))
    # A machine being deleted no longer counts.
    check(call(fleet, "DELETE", VM, vm_id=505), VM, "DELETE")
    assert check(call(fleet, "GET", ENVIRONMENT_QUOTA, id=2), ENVIRONMENT_QUOTA, "GET")["current_vms"] == 4
    check(create(fleet, name="one-more"), VMS, "POST")


def test_a_delete_passes_through_deleting_and_the_machine_is_gone(fleet):
    fleet.state.update({"vm_delete_seconds": 0.6})
    body = check(call(fleet, "DELETE", VM, vm_id=506), VM, "DELETE")
    assert body == {"status": True, "message": "Virtual machine 506 is being deleted"}
    time.sleep(0.3)
    assert machine(fleet, 506)["status"] == "DELETING" and 506 in machines(fleet)
    refusal(call(fleet, "DELETE", VM, vm_id=506), VM, "DELETE", 409, "Virtual machine 506 is already being deleted")
    time.sleep(0.4)
    refusal(call(fleet, "GET", VM, vm_id=506), VM, "GET", 404, "Virtual machine 506 not found")
    assert 506 not in machines(fleet) and len(machines(fleet)) == 7
    refusal(call(fleet, "DELETE", VM, vm_id=506), VM, "DELETE", 404, "Virtual machine 506 not found")


def test_a_locked_machine_is_not_deleted(fleet):
    vms = fleet.state.snapshot()["vms"]
    fleet.state.update({"vms": [dict(vm, locked=vm["id"] == 505) for vm in vms]})
    refusal(call(fleet, "DELETE", VM, vm_id=505), VM, "DELETE", 409, "Virtual machine 505 is locked: unlock it before deleting it")
    assert machine(fleet, 505)["status"] == "ACTIVE"


def test_a_machine_being_built_can_be_deleted(emu):
    emu.state.update({"vm_boot_seconds": 0.3, "vm_delete_seconds": 0.6})
    vid = check(create(emu), VMS, "POST")["instances"][0]["id"]
    check(call(emu, "DELETE", VM, vm_id=vid), VM, "DELETE")
    time.sleep(0.4)
    # The delete replaced the boot: it does not come back ACTIVE.
    assert machine(emu, vid)["status"] == "DELETING"
    time.sleep(0.3)
    assert call(emu, "GET", VM, vm_id=vid)[0] == 404


def test_the_usage_rows_follow_a_create_and_a_delete(fleet):
    before, rows = per_hour(fleet), usage_rows(fleet)
    vid = check(create(fleet), VMS, "POST")["instances"][0]["id"]
    # Building: free, but listed.
    assert usage_rows(fleet)[vid]["bill_per_minute"] == 0.0 and per_hour(fleet) == before
    wait_for(fleet, vid, "ACTIVE")
    row = usage_rows(fleet)[vid]
    assert (row["name"], row["resource_type"], row["active"], row["exclude_billing"]) == ("gpu-a", "vm", True, False)
    assert row["bill_per_minute"] == float(H100 / 60) and per_hour(fleet) - before == decimal(float(H100 / 60)) * 60
    check(call(fleet, "DELETE", VM, vm_id=vid), VM, "DELETE")
    assert usage_rows(fleet)[vid]["bill_per_minute"] == 0.0
    fleet.state.update({"vm_delete_seconds": 0})
    deadline = time.monotonic() + 5
    while vid in usage_rows(fleet) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert usage_rows(fleet) == rows and per_hour(fleet) == before
    # A machine with a row of the default usage (train-01, row 501) drops out with it.
    fleet.state.update({"vm_delete_seconds": 0})
    check(call(fleet, "DELETE", VM, vm_id=501), VM, "DELETE")
    time.sleep(0.05)
    assert 501 not in usage_rows(fleet) and per_hour(fleet) == before - Decimal("1.35")


def test_the_credit_runs_down_faster_with_a_new_machine(emu):
    # The runway the collection computes (credit / burn rate) shortens once the machine is ACTIVE.
    emu.state.update({"vm_boot_seconds": 0})
    before = per_hour(emu)
    vid = check(create(emu, environment_name="default-NORWAY-1", flavor_name="n3-A100x8", image_name="Ubuntu Server 22.04 LTS"), VMS, "POST")["instances"][0][
        "id"
    ]
    wait_for(emu, vid, "ACTIVE")
    assert per_hour(emu) - before == Decimal("10.8") and 1500 / per_hour(emu) < 1500 / before


@pytest.mark.parametrize(
    "template, vid, passing, final",
    [(STOP, 505, "STOPPING", "SHUTOFF"), (START, 509, "STARTING", "ACTIVE")],
)
def test_start_and_stop_pass_through_a_transitional_status(fleet, template, vid, passing, final):
    body = check(call(fleet, "GET", template, vm_id=vid), template, "GET")
    assert body["status"] is True and str(vid) in body["message"]
    assert machine(fleet, vid)["status"] == passing
    assert (wait_for(fleet, vid, final)["power_state"]) == ("SHUTDOWN" if final == "SHUTOFF" else "RUNNING")


@pytest.mark.parametrize(
    "template, vid, message",
    [
        (STOP, 509, "Virtual machine 509 cannot be stopped: it is SHUTOFF, and only an ACTIVE machine can be"),
        (STOP, 510, "Virtual machine 510 cannot be stopped: it is HIBERNATED, and only an ACTIVE machine can be"),
        (START, 501, "Virtual machine 501 cannot be started: it is ACTIVE, and only a SHUTOFF machine can be"),
        (START, 511, "Virtual machine 511 cannot be started: it is ERROR, and only a SHUTOFF machine can be"),
        (START, 999, "Virtual machine 999 not found"),
    ],
)
def test_start_and_stop_refuse_a_machine_in_the_wrong_state(fleet, template, vid, message):
    refusal(call(fleet, "GET", template, vm_id=vid), template, "GET", 404 if vid == 999 else 400, message)


def test_a_vm_name_availability(fleet):
    body = check(call(fleet, "GET", VM_NAME, name="train-01"), VM_NAME, "GET")
    assert body == {"name": "train-01", "available": False, "message": "A virtual machine named train-01 already exists"}
    assert check(call(fleet, "GET", VM_NAME, name="train"), VM_NAME, "GET")["available"] is True
    check(create(fleet, name="x", count=2), VMS, "POST")
    assert [check(call(fleet, "GET", VM_NAME, name="x", query="count=%d" % n), VM_NAME, "GET")["available"] for n in (1, 2)] == [True, False]


# -- a lost answer, the rate limit ---------------------------------------------------------


def raw_create(emu, payload):
    """POST the create with a plain socket: (the status line, or None when the connection ends unanswered)."""
    body = json.dumps(payload).encode()
    host, port = emu.server.server_address[:2]
    with socket.create_connection((host, port), timeout=5) as conn:
        head = "POST /v1%s HTTP/1.1\r\nHost: x\r\napi_key: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (VMS, KEY, len(body))
        conn.sendall(head.encode() + body)
        try:
            answer = conn.recv(65536)
        except ConnectionResetError:
            return None
    return answer.split(b"\r\n", 1)[0].decode() if answer else None


@pytest.mark.parametrize("fault", [{"action": "close"}, {"action": "reset"}, {"status": 504, "body": "<html>Gateway Time-out</html>"}])
def test_a_method_scoped_fault_loses_the_creates_answer_after_the_machine_was_made(emu, fault):
    emu.state.add_faults([dict(fault, path=VMS, method="POST", acted=True)])
    # The list shares the path: it is not served the fault.
    assert check(call(emu, "GET", VMS), VMS, "GET")["count"] == 0
    served = raw_create(emu, CREATE)
    assert served is None if "action" in fault else served == "HTTP/1.1 504 Gateway Timeout"
    # The create ran, with its body, once: one machine of that name, and the fault is spent.
    vms = machines(emu)
    assert [(vm["name"], vm["flavor"]["name"], vm["environment"]["name"]) for vm in vms.values()] == [("gpu-a", "n3-H100x1", "ml-CANADA-1")]
    assert [r["body"]["name"] for r in api_requests(emu, VMS) if r["method"] == "POST"] == ["gpu-a"]
    # Sent again, blindly, it is a 409: the machine exists.
    refusal(create(emu), VMS, "POST", 409, "A virtual machine named gpu-a already exists in environment ml-CANADA-1")
    assert len(machines(emu)) == 1


def test_a_fault_without_acted_creates_nothing_and_a_method_is_matched_without_regard_to_case(emu):
    emu.state.add_faults([{"path": VMS, "method": "post", "status": 503}])
    assert call(emu, "GET", VMS)[0] == 200
    assert create(emu)[0] == 503 and machines(emu) == {}
    assert create(emu)[0] == 200 and len(machines(emu)) == 1


def test_an_acted_create_that_is_refused_creates_nothing(emu):
    emu.state.add_faults([{"path": VMS, "method": "POST", "acted": True, "action": "close"}])
    assert raw_create(emu, dict(CREATE, key_name="bob")) is None
    assert machines(emu) == {}


def test_the_rate_limit_covers_the_create(emu):
    emu.state.update({"rate_limit": 2, "rate_window": 60})
    assert create(emu, name="a")[0] == 200 and create(emu, name="b")[0] == 200
    status, body = create(emu, name="c")
    assert status == 429 and body["error_reason"] == "rate limit exceeded"
    emu.state.update({"rate_limit": None})
    assert sorted(vm["name"] for vm in machines(emu).values()) == ["a", "b"]


@pytest.mark.parametrize("method, template", [("POST", VMS), ("DELETE", VM), ("GET", START), ("GET", STOP), ("GET", VM_NAME)])
def test_a_wrong_key_is_a_401_for_the_machines(fleet, method, template):
    got, answer = call(fleet, method, template, CREATE if method == "POST" else None, key="hs-wrong-key", vm_id=505, name="x")
    assert got == 401
    check((got, answer), template, method, 401)
    assert sorted(machines(fleet)) == [501, 505, 506, 507, 508, 509, 510, 511] and machine(fleet, 505)["status"] == "ACTIVE"
