# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of emulator/hyperstack_emulator.py: what provisioning needs, over real HTTP. Environments, key pairs,
images, stock and quota; creating, deleting, starting and stopping machines, their transitions and their usage rows;
each refusal in the API's error model; the method-scoped fault that loses a create's answer after the machine was made.
Every answer validates strictly against the published OpenAPI spec (fixtures/infrahub-openapi-provisioning-excerpt.yaml)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import (
    FIXTURES,
    KEY,
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
