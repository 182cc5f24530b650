# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# One file, however long: it is run as a script and copied alone into an execution environment by the tests.
# pylint: disable=too-many-lines
"""A local emulator of the Hyperstack Infrahub API, for the demo, tests and benchmarks.

It serves the billing endpoints the collection reads and the virtual machines, under /v1, the way the real
API does: the key in the ``api_key`` header, the documented bodies and error model
(ErrorResponseModel), and optionally the documented rate limit (500 requests per
minute per IP, then HTTP 429 for the rest of the minute).

It is steered over HTTP, outside /v1, so a playbook or a test can set it up:

- ``GET|POST /_emulator/state``: read or merge ``credit``, ``threshold``,
  ``can_create_instance`` (true, false, null for computed, or "omit"),
  ``last_day_cost`` (a dict), ``pricebook`` (the bare list), ``flavors`` (a flat list,
  served grouped by GPU model and region, filtered by ``?region=``), ``usage`` (the
  list of resources), ``billing_history`` (the rows of ``GET /billing/billing/history``,
  each ``{"attributes": {"id"}, "metrics": {"incurred_bill", ...}}``; ``month_to_date``: a
  number replaces them with one row that bills it), ``credit_fall_per_second`` (the served
  credit falls by that many dollars a second from the moment it is set; 0 stops it, the
  credit keeping what it fell to), ``api_key`` (set, never shown: the answers say
  ``api_key_set`` instead), ``rate_limit`` (requests per window, null for none),
  ``rate_window`` (seconds) and ``latency`` (seconds every API answer waits, as a round
  trip to the real API does); and the virtual machines' keys below.
- Virtual machines (``GET /core/virtual-machines`` with ``page``, ``pageSize``, ``search``,
  ``environment``, ``exact_environment_match``; ``GET /core/virtual-machines/{id}``; ``GET
  /core/virtual-machines/{id}/hibernate?retain_ip=true|false``; ``GET
  /core/virtual-machines/{id}/hibernate-restore``; ``PUT /core/virtual-machines/{id}/label`` with
  ``{"labels": [...]}``, which sets them), steered by these state keys:
  ``vms`` (the machines, each an ``Instance_Fields`` object, served as set; ``[]`` by default, so
  the default usage and its $1.41/h stay as they were; the string ``"fleet"`` sets ``VM_FLEET``,
  eight machines of every status, labelled ``team=ml``, ``hibernate=ok`` or not, ids 501 and
  505-511; ``"fleet:N"`` N machines made by rule, fast (5000 in a tenth of a second), the same
  for the same N: ids from 1001, unique names ``<kind>-<number>`` (``train-0001``...), a minute
  apart, the three environments in turn with their region's flavors in turn, mostly ``ACTIVE``
  (every 10th ``SHUTOFF``, 25th ``HIBERNATED``, 50th ``ERROR``), ``team=<ml|web|data|research>``
  on all but every 7th, ``hibernate=ok`` on every 3rd, a floating address on every other
  ``ACTIVE`` or ``SHUTOFF`` one), ``vm_page_size`` (the most machines a page holds, whatever
  ``pageSize`` asks; default 3), ``vm_transition_seconds`` (how long a machine stays
  ``HIBERNATING``, ``RESTORING``, ``STARTING`` or ``STOPPING``; default 0.5) and
  ``unhibernatable_flavors`` (flavor names whose machines hibernate answers 400 for; default
  n3-RTX-A4000x1 and the CPU-only ones). Hibernate answers 400 too for a machine not ``ACTIVE``,
  restore for one not ``HIBERNATED``, both 404 for an unknown id. ``retain_ip`` false (the
  default) releases the ``floating_ip`` (null once ``HIBERNATED``; restore gives a new one).
  Each machine bills in ``GET /billing/billing/usage`` (its row by ``resource_id``, added when
  ``usage`` has none, name and ``bill_per_minute`` from the machine): ``ACTIVE`` and ``SHUTOFF``
  its flavor's pricebook price / 60 (GPU value x gpu_count; CPU-only vCPU x cpu + RAM x ram),
  ``HIBERNATED`` its root disk (flavor disk x Cloud-SSD) plus PublicIP if it kept its address,
  a transitional status and ``ERROR`` nothing.
- Provisioning: ``GET|POST /core/environments`` (``page``, ``pageSize``: every one on a page
  unless asked; ``search``), ``GET|PUT|DELETE /core/environments/{id}`` (PUT renames; DELETE is a
  400 "Environment <name> still has N virtual machines: delete them first" while it holds any,
  even ones being deleted; its key pairs go with it), ``GET /core/environments/{id}/vm-quota``
  (``current_vms`` counts its machines but those ``DELETING``; ``cidr`` 10.<id - 1>.0.0/16),
  ``GET /core/environments/name-availability/{name}``; ``GET|POST /core/keypairs``,
  ``PUT|DELETE /core/keypair/{id}`` (a public key must be an OpenSSH one: ``TYPE BASE64
  [comment]``, its blob naming its type; the fingerprint is the blob's MD5); ``GET
  /core/images`` (``region``, ``include_public``, ``search``, ``page``, ``per_page``; grouped by
  region and type); ``GET /core/stocks`` (from the flavors: an in-stock flavor of n GPUs counts 8
  under ``"<n>x"``); ``POST /core/virtual-machines`` (``Create_Instances_Payload``; ``count`` N
  above 1 names them ``<name>-1``..``<name>-N``). A create is refused whole, nothing made, with
  the first of: 400 a malformed body (required fields, a name over 50, ``image_name`` missing:
  every machine boots from an image here); 404 an unknown environment; 400 a flavor not offered in
  its region; 404 an image not in its region, a key pair not in the environment; 409 a name taken
  there; 400 "Insufficient credit ..." when ``can_create_instance`` is false (computed: credit
  above threshold); 400 a flavor out of stock; 400 the quota. A new machine has an id above every
  machine's and usage row's, ever; ``BUILD`` for ``vm_boot_seconds`` then ``ACTIVE``; its
  ``fixed_ip`` the first free one of its environment's network, its ``floating_ip`` (when
  ``assign_floating_ip``) only once ``ACTIVE``; ``create_bootable_volume`` attaches a bootable
  Cloud-SSD volume (``volume_name``, else ``<name>-boot``) of the flavor's disk; ``user_data`` is
  not echoed. ``DELETE /core/virtual-machines/{id}``: ``DELETING`` for ``vm_delete_seconds``,
  then gone with its usage row; 409 when ``locked`` or already ``DELETING``. ``GET
  /core/virtual-machines/{id}/start`` (a ``SHUTOFF`` one) and ``/stop`` (an ``ACTIVE`` one), else
  400. ``GET /core/virtual-machines/name-availability/{name}`` (``count``). State keys:
  ``environments`` (``Environment_Fields``; default ids 1-3, the fleet's), ``keypairs``
  (``Keypair_Fields``; default ``ops-key`` in each), ``images`` (``Image_Fields``; default three in
  each region of the flavors), ``vm_quota`` (environment name: most machines; default 250 each),
  ``vm_boot_seconds`` and ``vm_delete_seconds`` (default 0.5).
- How the organization pays: ``GET /billing/auto-topup/status`` (no envelope: ``status``, ``threshold_amount``,
  ``topup_amount``), ``GET|POST|PUT|DELETE /billing/auto-topup`` (POST sets one up, at once ``active``, 201, 409 while
  one is active or pending; PUT changes an active one's amounts, else 404; DELETE disables it, 404 when none was
  ever set up), ``GET /billing/payment/payment-details`` (``data``: the payments), ``GET /pricebook/contracts``
  (``page``, ``per_page``, default 10), ``GET /pricebook/contracts/{id}`` (404 unknown) and ``GET
  /core/virtual-machines/contract/{id}/virtual-machines`` (the machines whose ``contract_id`` is it). State keys:
  ``auto_topup`` (``{id, status, threshold_amount, topup_amount, updated_at}``; status null by default: none set up),
  ``payments`` (``Payment_Details_Fields``; ``"declined"`` sets ``DECLINED_TOPUP``: a paid top-up, then one declined
  at attempts 1, 2 and 3 of 3), ``contracts`` (``CustomerContractFields``). A machine whose ``contract_id`` names a
  contract before its ``end_date`` with a discount of its flavor (``resource_name``) bills in the usage rows at its
  flavor's list price (``original_value``) less ``discount_percent`` (or ``discount_amount``); after, as any other.
- ``POST /_emulator/faults``: queue faults, each served instead of the next API
  request: ``{"status": 503, "body": ..., "headers": {...}, "times": 1}``, or an
  ``action``: ``hang``, ``reset``, ``close``, ``echo_key``, ``oversized`` (``size``,
  ``declare_length``), ``truncated``, ``drip`` (``delay`` per byte). ``times: -1``
  repeats a fault for ever; ``path`` (e.g. ``/billing/billing/usage``) serves it only to
  requests of that path, whose order is not known when a task reads several at once; ``method``
  (e.g. ``POST``) only to requests of that method, so a create and the list of its path differ;
  ``acted: true`` carries the request out first (a hibernation starts, a create makes its machines), then serves the fault
  instead of its answer: an answer lost after the API acted; ``skip: N`` lets N requests it would
  be served to pass first.
- ``GET /_emulator/requests``: what the API endpoints received (path and
  query string), newest last, without the key itself (``api_key_sent`` and ``api_key_valid`` say what came).
- ``POST /_emulator/reset``: back to the start-up state.

Run ``python3 emulator/hyperstack_emulator.py --help`` for the command line.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import calendar
import copy
import datetime
import hashlib
import json
import os
import re
import socket
import struct
import sys
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

API_PREFIX = "/v1"
CONTROL_PREFIX = "/_emulator"


def _flavor(fid, name, region, gpu, gpu_count, cpu, ram, disk, ephemeral, stock=True):
    return {
        "id": fid,
        "name": name,
        "display_name": None,
        "region_name": region,
        "cpu": cpu,
        "ram": ram,
        "disk": disk,
        "ephemeral": ephemeral,
        "gpu": gpu,
        "gpu_count": gpu_count,
        "stock_available": stock,
        "created_at": "2025-03-04T10:00:00+00:00",
        "labels": [{"id": 1, "label": "network_optimised"}] if gpu else [],
        "features": {},
    }


def _price(pid, name, value):
    return {"id": pid, "name": name, "value": value, "original_value": value, "discount_applied": False, "start_time": None, "end_time": None}


def _resource(rid, kind, name, bill_per_minute, active=True, exclude_billing=False):
    return {
        "resource_id": rid,
        "resource_type": kind,
        "name": name,
        "organization_id": 42,
        "bill_per_minute": bill_per_minute,
        "create_time": "2026-11-20T08:00:00+00:00",
        "terminate_time": None if active else "2026-11-25T08:00:00+00:00",
        "total_up_time": 600.0,
        "total_bill": 13.5,
        "active": active,
        "exclude_billing": exclude_billing,
    }


# Several GPU models, CPU-only flavors, three regions, one flavor out of stock (n3-H100x8 in US-1).
FLAVORS = [
    _flavor(101, "n3-A100x1", "NORWAY-1", "A100-80G-PCIe", 1, 28, 120.0, 100, 750),
    _flavor(102, "n3-A100x8", "NORWAY-1", "A100-80G-PCIe", 8, 252, 1440.0, 100, 6000),
    _flavor(103, "n3-A100x1", "CANADA-1", "A100-80G-PCIe", 1, 28, 120.0, 100, 750),
    _flavor(104, "n3-H100x1", "CANADA-1", "H100-80G-PCIe", 1, 28, 180.0, 100, 750),
    _flavor(105, "n3-H100x8", "US-1", "H100-80G-PCIe", 8, 252, 1440.0, 100, 32000, stock=False),
    _flavor(106, "n3-L40x1", "NORWAY-1", "L40", 1, 28, 58.0, 100, 725),
    _flavor(107, "n3-RTX-A6000x1", "NORWAY-1", "RTX-A6000", 1, 28, 58.0, 100, 0),
    _flavor(108, "n3-RTX-A4000x1", "CANADA-1", "RTX-A4000", 1, 6, 24.0, 100, 0),
    _flavor(109, "n1-cpu-small", "NORWAY-1", "", 0, 4, 16.0, 100, 0),
    _flavor(110, "n1-cpu-small", "US-1", "", 0, 4, 16.0, 100, 0),
    _flavor(111, "n1-cpu-large", "CANADA-1", "", 0, 16, 64.0, 100, 0),
    # What Kubernetes clusters' masters run on (n1-cpu-small, n1-cpu-medium or n1-cpu-large).
    _flavor(112, "n1-cpu-medium", "CANADA-1", "", 0, 8, 32.0, 100, 0),
    _flavor(113, "n1-cpu-medium", "NORWAY-1", "", 0, 8, 32.0, 100, 0),
]

PRICEBOOK = [
    _price(1, "A100-80G-PCIe", 1.35),
    _price(2, "H100-80G-PCIe", 1.9),
    _price(3, "L40", 1.0),
    _price(4, "RTX-A6000", 0.5),
    _price(5, "RTX-A4000", 0.58),
    _price(6, "vCPU (cpu-only-flavors)", 0.0065),
    _price(7, "RAM (cpu-only-flavors)", 0.0011),
    _price(8, "Cloud-SSD", 0.000082),
    _price(9, "PublicIP", 0.00672),
]

# $1.41/h running: a machine at $1.35/h and a volume at $0.06/h; a terminated machine and
# an internal one excluded from billing cost nothing. The Terraform plans of the integration
# tests destroy machine 501 (their change.before.id is "501").
USAGE = [
    _resource(501, "vm", "train-01", 0.0225),
    _resource(502, "volume", "datasets", 0.001),
    _resource(503, "vm", "old-run", None, active=False),
    _resource(504, "vm", "internal-probe", 0.5, exclude_billing=True),
]


def _history_row(rid, incurred, vm_cost, volume_cost):
    metrics = {"incurred_bill": incurred, "non_discounted_bill": incurred, "vm_cost": vm_cost, "volume_cost": volume_cost}
    return {"attributes": {"id": rid}, "metrics": dict(metrics, snapshot_cost=0.0, contract_cost=0.0)}


# $1,900.00 spent this month: a machine's $1,589.75 and a volume's $310.25.
BILLING_HISTORY = [
    _history_row("vm-501", 1589.75, 1589.75, 0.0),
    _history_row("volume-502", 310.25, 0.0, 310.25),
]

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


# -- virtual machines ------------------------------------------------------------

ORG_ID = 42

# Where machines run: an environment is a named place in one region (Environment_Fields, as GET /core/environments
# serves them). A machine carries its environment as Instance_Environment_Fields (with org_id, without created_at).
ENVIRONMENTS = [
    {
        "id": 1,
        "name": "default-NORWAY-1",
        "region": "NORWAY-1",
        "created_at": "2025-06-02T09:00:00+00:00",
        "features": {"network_optimised": True, "green_status": "GREEN"},
    },
    {
        "id": 2,
        "name": "ml-CANADA-1",
        "region": "CANADA-1",
        "created_at": "2025-06-03T09:00:00+00:00",
        "features": {"network_optimised": True, "green_status": "PARTIALLY_GREEN"},
    },
    {
        "id": 3,
        "name": "prod-US-1",
        "region": "US-1",
        "created_at": "2025-06-04T09:00:00+00:00",
        "features": {"network_optimised": False, "green_status": "NOT_GREEN"},
    },
]
_ENVIRONMENT_BY_NAME = {env["name"]: env for env in ENVIRONMENTS}

# A region's environments' private networks: 10.<environment id - 1>.0.0/16, so the fleet's addresses are in them.
DEFAULT_MAX_VMS = 250


def _vm_environment(env):
    """An environment as a machine carries it (Instance_Environment_Fields)."""
    return {"id": env["id"], "name": env["name"], "org_id": ORG_ID, "region": env["region"], "features": copy.deepcopy(env.get("features") or {})}


def _environment_cidr(env):
    return "10.%d.0.0/16" % ((int(env["id"]) - 1) % 256)


# The SSH key types the API takes, as the first word of a public key.
SSH_KEY_TYPES = ("ssh-rsa", "ssh-dss", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com")


def ssh_public_key(seed, comment="ops@example.com"):
    """A well-formed ed25519 public key (its blob is made from seed, so the same seed gives the same key)."""
    name = b"ssh-ed25519"
    blob = struct.pack(">I", len(name)) + name + struct.pack(">I", 32) + hashlib.sha256(seed.encode()).digest()
    return "ssh-ed25519 %s %s" % (base64.b64encode(blob).decode(), comment)


def ssh_key_blob(public_key):
    """The decoded blob of an OpenSSH public key line ("TYPE BASE64 [comment]"), or None when it is not one."""
    parts = public_key.split() if isinstance(public_key, str) else []
    if len(parts) < 2 or parts[0] not in SSH_KEY_TYPES:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (ValueError, binascii.Error):
        return None
    (length,) = struct.unpack(">I", blob[:4]) if len(blob) >= 4 else (None,)
    return blob if length is not None and blob[4 : 4 + length] == parts[0].encode() else None


def ssh_fingerprint(blob):
    """The MD5 fingerprint of a key's blob, as OpenStack gives it (aa:bb:...)."""
    return ":".join("%02x" % byte for byte in hashlib.md5(blob).digest())  # nosec - a fingerprint, as the API shows it


def _keypair(kid, name, env, public_key, created_at):
    env_fields = {key: copy.deepcopy(env[key]) for key in ("id", "name", "region", "created_at", "features")}
    return {
        "id": kid,
        "name": name,
        "environment": env_fields,
        "public_key": public_key,
        "fingerprint": ssh_fingerprint(ssh_key_blob(public_key)),
        "created_at": created_at,
    }


# One key pair ops-key in each environment (the fleet's machines name it).
KEYPAIRS = [_keypair(env["id"], "ops-key", env, ssh_public_key("ops-key-%d" % env["id"]), env["created_at"]) for env in ENVIRONMENTS]

# The regions the flavors are offered in, in the order first seen.
REGIONS = list(dict.fromkeys(flavor["region_name"] for flavor in FLAVORS))


def _image(iid, name, region, version, size_gib):
    return {
        "id": iid,
        "name": name,
        "region_name": region,
        "type": "Ubuntu",
        "version": version,
        "size": size_gib * 1024**3,
        "display_size": "%d GB" % size_gib,
        "is_public": True,
        "labels": [],
        "flavor_restrictions": {"has_flavor_restrictions": False, "restriction_type": "", "compatible_flavors": []},
    }


# The same public images in every region the flavors have.
IMAGE_NAMES = [
    ("Ubuntu Server 22.04 LTS", "22.04", 3),
    ("Ubuntu Server 22.04 LTS R535 CUDA 12.2", "22.04", 6),
    ("Ubuntu Server 24.04 LTS R550 CUDA 12.4", "24.04", 7),
]
IMAGES = [_image(200 + 10 * r + i, name, region, version, size) for r, region in enumerate(REGIONS) for i, (name, version, size) in enumerate(IMAGE_NAMES)]
IMAGE_LOGO = "https://infrahub-api.nexgencloud.com/static/images/ubuntu.png"

# (power_state, vm_state) of each status, as the API shows them (hibernation shelves the machine).
VM_STATES = {
    "ACTIVE": ("RUNNING", "active"),
    "SHUTOFF": ("SHUTDOWN", "stopped"),
    "HIBERNATING": ("RUNNING", "active"),
    "HIBERNATED": ("SHUTDOWN", "shelved_offloaded"),
    "RESTORING": ("SHUTDOWN", "shelved_offloaded"),
    "ERROR": ("NOSTATE", "error"),
    # Transitional statuses of a create, a delete, a start and a stop.
    "BUILD": ("NOSTATE", "building"),
    "DELETING": ("NOSTATE", "deleted"),
    "STARTING": ("SHUTDOWN", "stopped"),
    "STOPPING": ("RUNNING", "active"),
}

# The public docs name RTX A4000 and the CPU-only flavors as unable to hibernate (and H100 SXM5 in US-1, not offered here).
UNHIBERNATABLE_FLAVORS = ["n3-RTX-A4000x1", "n1-cpu-small", "n1-cpu-medium", "n1-cpu-large"]

FLAVOR_FIELDS = ("id", "name", "cpu", "ram", "disk", "ephemeral", "gpu", "gpu_count", "labels", "features")


def _volume_attachment(aid, index, created_at, volume_id, volume_name, size, bootable):
    return {
        "id": aid,
        "device": "/dev/vd%s" % "abcdefg"[index],
        "protected": False,
        "status": "ATTACHED",
        "created_at": created_at,
        "volume": {"id": volume_id, "name": volume_name, "size": size, "volume_type": "Cloud-SSD", "bootable": bootable, "description": ""},
    }


def _security_rule(rid, rule, created_at):
    return {
        "id": rid,
        "direction": rule["direction"],
        "ethertype": rule["ethertype"],
        "protocol": rule["protocol"],
        "port_range_min": rule.get("port_range_min"),
        "port_range_max": rule.get("port_range_max"),
        "remote_ip_prefix": rule["remote_ip_prefix"],
        "status": "SUCCESS",
        "created_at": created_at,
    }


SSH_RULE = {"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0"}


def machine(vid, name, flavor, env, status, labels, created_at, fixed_ip, floating_ip, **extra):
    """A machine (Instance_Fields) of flavor (a flavor of the list) in env (an environment of the list); extra: image,
    keypair, requires_public_ip, port_randomization, security_rules (the API's rules), volume_attachments."""
    power_state, vm_state = VM_STATES[status]
    requires_public_ip = extra.get("requires_public_ip", floating_ip is not None)
    port_randomization = extra.get("port_randomization", False)
    return {
        "id": vid,
        "name": name,
        "status": status,
        "power_state": power_state,
        "vm_state": vm_state,
        "labels": list(labels),
        "flavor": {key: copy.deepcopy(flavor[key]) for key in FLAVOR_FIELDS},
        "environment": _vm_environment(env),
        "image": {"name": extra.get("image") or ("Ubuntu Server 22.04 LTS R535 CUDA 12.2" if flavor["gpu"] else "Ubuntu Server 22.04 LTS")},
        "keypair": {"name": extra.get("keypair", "ops-key")},
        "os": "Ubuntu Server 22.04 LTS",
        "fixed_ip": fixed_ip,
        "floating_ip": floating_ip,
        "floating_ip_status": "ATTACHED" if floating_ip else "NOT_ATTACHED",
        "requires_public_ip": requires_public_ip,
        "port_randomization": port_randomization,
        "port_randomization_status": "ENABLED" if port_randomization else "DISABLED",
        "callback_url": extra.get("callback_url"),
        "contract_id": None,
        "locked": False,
        "created_at": created_at,
        "features": {},
        "security_rules": [_security_rule(vid * 10 + i, rule, created_at) for i, rule in enumerate(extra.get("security_rules", [SSH_RULE]))],
        "volume_attachments": list(extra.get("volume_attachments", [])),
    }


def _vm(vid, name, flavor_id, environment, status, labels, created_at, fixed_ip, floating_ip, volumes=()):
    flavor = next(f for f in FLAVORS if f["id"] == flavor_id)
    env = _ENVIRONMENT_BY_NAME[environment]
    assert flavor["region_name"] == env["region"], (name, flavor["region_name"], env["region"])
    attachments = [_volume_attachment(vid * 10 + i, i + 1, created_at, vol_id, vol_name, size, False) for i, (vol_id, vol_name, size) in enumerate(volumes)]
    return machine(vid, name, flavor, env, status, labels, created_at, fixed_ip, floating_ip, volume_attachments=attachments)


# The ready-made fleet that {"vms": "fleet"} (or --vms fleet) serves, oldest first: eight machines, so three
# pages of the default page size 3. Labelled for hibernation or not, GPU and CPU-only flavors of the list above,
# three environments, every status. train-01 is usage row 501 (the same $1.35/h); the others add rows.
DATASETS = [(502, "datasets", 500)]
VM_FLEET = [
    # Volume 502 of the usage rows is attached to it.
    _vm(501, "train-01", 101, "default-NORWAY-1", "ACTIVE", ["team=ml", "hibernate=ok"], "2026-11-20T08:00:00+00:00", "10.0.0.11", "38.80.122.11", DATASETS),
    _vm(505, "train-02", 104, "ml-CANADA-1", "ACTIVE", ["team=ml", "hibernate=ok"], "2026-11-21T09:30:00+00:00", "10.1.0.12", "38.80.123.12"),
    _vm(506, "infer-01", 107, "default-NORWAY-1", "ACTIVE", ["team=ml"], "2026-11-22T10:00:00+00:00", "10.0.0.13", "38.80.122.13"),
    # Labelled for hibernation, but its flavor cannot hibernate.
    _vm(507, "dev-a4000", 108, "ml-CANADA-1", "ACTIVE", ["team=web", "hibernate=ok"], "2026-11-23T11:00:00+00:00", "10.1.0.14", "38.80.123.14"),
    _vm(508, "web-01", 110, "prod-US-1", "ACTIVE", [], "2026-11-24T12:00:00+00:00", "10.2.0.15", "38.80.124.15"),
    # Stopped: billed in full all the same, and not ACTIVE, so it cannot hibernate.
    _vm(509, "render-01", 106, "default-NORWAY-1", "SHUTOFF", ["hibernate=ok"], "2026-11-25T13:00:00+00:00", "10.0.0.16", "38.80.122.16"),
    _vm(510, "parked-a100x8", 102, "default-NORWAY-1", "HIBERNATED", ["team=ml", "hibernate=ok"], "2026-11-26T14:00:00+00:00", "10.0.0.17", None),
    _vm(511, "broken-01", 103, "ml-CANADA-1", "ERROR", [], "2026-11-27T15:00:00+00:00", "10.1.0.18", None),
]


# A large fleet, {"vms": "fleet:N"}: N machines made by rule (the same N gives the same machines), ids from 1001 (above
# every usage row), names <kind>-<number> (unique), oldest first a minute apart, spread over the three environments.
FLEET_KINDS = ["train", "infer", "dev", "web", "render", "batch", "notebook"]
FLEET_TEAMS = ["ml", "web", "data", "research"]
FLEET_FIRST_ID = 1001


def large_fleet(count):
    """count machines: every flavor of its environment's region in turn; statuses mostly ACTIVE (every 10th SHUTOFF,
    every 25th HIBERNATED, every 50th ERROR, by number); labels team=<team> on all but every 7th, hibernate=ok on
    every 3rd; a floating address on every other ACTIVE or SHUTOFF machine, none on the rest."""
    by_region = {}
    for flavor in FLAVORS:
        by_region.setdefault(flavor["region_name"], []).append(flavor)
    start = calendar.timegm(time.strptime("2026-10-01T00:00:00", DATE_FORMAT))
    vms = []
    for n in range(count):
        env = ENVIRONMENTS[n % len(ENVIRONMENTS)]
        flavors = by_region[env["region"]]
        flavor = flavors[(n // len(ENVIRONMENTS)) % len(flavors)]
        number = n + 1
        status = "ERROR" if number % 50 == 0 else "HIBERNATED" if number % 25 == 0 else "SHUTOFF" if number % 10 == 0 else "ACTIVE"
        labels = [] if number % 7 == 0 else ["team=%s" % FLEET_TEAMS[n % len(FLEET_TEAMS)]]
        if number % 3 == 0:
            labels.append("hibernate=ok")
        host = n // len(ENVIRONMENTS)
        fixed_ip = "10.%d.%d.%d" % (env["id"] - 1, host // 250, host % 250 + 2)
        floating_ip = "38.81.%d.%d" % (n // 250, n % 250 + 1) if status in ("ACTIVE", "SHUTOFF") and n % 2 == 0 else None
        created_at = time.strftime(DATE_FORMAT, time.gmtime(start + 60 * n)) + "+00:00"
        name = "%s-%04d" % (FLEET_KINDS[n % len(FLEET_KINDS)], number)
        vms.append(machine(FLEET_FIRST_ID + n, name, flavor, env, status, labels, created_at, fixed_ip, floating_ip))
    return vms


# What GET /billing/auto-topup/status serves when none was ever set up (its status null).
NO_AUTO_TOPUP = {"id": None, "status": None, "threshold_amount": None, "topup_amount": None, "updated_at": None}
AUTO_TOPUP_STATUSES = (None, "active", "disabled", "pending_setup", "cancelled")


DEFAULT_STATE = {
    "api_key": "emulator-key",
    "credit": 1500.0,
    "threshold": 0.0,
    "can_create_instance": None,
    "last_day_cost": {"instances_cost": 52.8, "volumes_cost": 3.6, "clusters_cost": 0.0, "total_cost": 56.4},
    "pricebook": PRICEBOOK,
    "flavors": FLAVORS,
    "usage": USAGE,
    "billing_history": BILLING_HISTORY,
    "credit_fall_per_second": 0.0,
    "rate_limit": None,
    "rate_window": 60.0,
    "latency": 0.0,
    # No machines unless asked: {"vms": "fleet"} serves VM_FLEET (the default usage rows and their $1.41/h stay as they were).
    "vms": [],
    "vm_page_size": 3,
    "vm_transition_seconds": 0.5,
    "unhibernatable_flavors": UNHIBERNATABLE_FLAVORS,
    # Provisioning: where machines go, what they need, how long a create and a delete take.
    "environments": ENVIRONMENTS,
    "keypairs": KEYPAIRS,
    "images": IMAGES,
    "vm_quota": {},
    "vm_boot_seconds": 0.5,
    "vm_delete_seconds": 0.5,
    # How the organization pays: no auto top-up set up, no payments, no contracts unless asked.
    "auto_topup": NO_AUTO_TOPUP,
    "payments": [],
    "contracts": [],
}


# A body that is not JSON: the handler answers 400.
_NOT_JSON = object()


def _error_body(message, reason):
    return {"status": False, "message": message, "error_reason": reason}


def _shown(state):
    """The state as the control endpoints answer it: whether a key is set, never the key (a state read or
    pasted into an issue must not hand it on)."""
    shown = dict(state)
    shown["api_key_set"] = bool(shown.pop("api_key", None))
    return shown


class ApiError(Exception):
    """A request the API refuses, with its status and the error model (its message, the reason)."""

    status, reason = 400, "Bad Request"


class BadRequest(ApiError):
    """A request the API refuses with 400 and its error model."""


class NotFound(ApiError):
    """A request for something that does not exist: 404 and the error model."""

    status, reason = 404, "Not Found"


class Conflict(ApiError):
    """A request at odds with what exists (a name taken, a machine locked): 409 and the error model."""

    status, reason = 409, "Conflict"


def _vms(value):
    if value == "fleet":
        return copy.deepcopy(VM_FLEET)
    if isinstance(value, str) and value.startswith("fleet:"):
        count = value[len("fleet:") :]
        if not count.isdigit():
            raise ValueError('vms "fleet:N" takes a number of machines, got %r' % value)
        return large_fleet(int(count))
    if not isinstance(value, list) or not all(isinstance(vm, dict) and "id" in vm for vm in value):
        raise ValueError('vms is a list of machines (objects with an id), "fleet" or "fleet:N"')
    return value


def _now():
    return time.strftime(DATE_FORMAT, time.gmtime()) + "+00:00"


def _body_object(body):
    if body is _NOT_JSON or not isinstance(body, dict):
        raise BadRequest("the request body should be a JSON object")
    return body


def _required(body, names):
    missing = [name for name in names if body.get(name) is None or body.get(name) == ""]
    if missing:
        raise BadRequest("missing required field%s: %s" % ("s" if len(missing) > 1 else "", ", ".join(missing)))


def _name(body, field="name", what="name"):
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise BadRequest("%s should be a non-empty string" % what)
    if len(value) > 50:
        raise BadRequest("%s should be at most 50 characters, got %d" % (what, len(value)))
    return value


def _plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


class EmulatorState:  # pylint: disable=too-many-public-methods
    """Everything the emulator serves, guarded by one lock (requests come on many threads): one method per thing the API
    does, so as many methods as the API has verbs."""

    def __init__(self, **overrides):
        self.lock = threading.Lock()
        self.initial = dict(copy.deepcopy(DEFAULT_STATE), **overrides)
        self.initial["vms"] = _vms(self.initial["vms"])
        self.reset()

    def reset(self):
        with self.lock:
            self.state = copy.deepcopy(self.initial)
            self.faults = []
            self.requests = []
            self.windows = {}
            self.credit_since = time.monotonic()
            # Machines in a transitional status: id -> (when it ends, the fields it ends with, or None: it is gone).
            self.vm_pending = {}
            self.vm_addresses = 0
            # The last id given to a machine, an environment, a key pair: a new one is above every id ever seen.
            self.last_ids = {}

    def update(self, changes):
        with self.lock:
            changes = dict(changes)
            unknown = set(changes) - set(DEFAULT_STATE) - {"month_to_date"}
            if unknown:
                raise ValueError("unknown state keys: %s" % ", ".join(sorted(unknown)))
            if "month_to_date" in changes:
                spent = changes.pop("month_to_date")
                changes["billing_history"] = [_history_row("month", spent, spent, 0.0)]
            if "payments" in changes:
                changes["payments"] = _payments_value(changes["payments"])
            if "auto_topup" in changes:
                changes["auto_topup"] = _auto_topup_value(changes["auto_topup"])
            if "contracts" in changes and not (
                isinstance(changes["contracts"], list) and all(isinstance(item, dict) and "id" in item for item in changes["contracts"])
            ):
                raise ValueError("contracts is a list of objects with an id")
            if "vms" in changes:
                changes["vms"] = _vms(changes["vms"])
                self.vm_pending = {}
            for key in ("environments", "keypairs", "images"):
                if key in changes and not (isinstance(changes[key], list) and all(isinstance(item, dict) and "id" in item for item in changes[key])):
                    raise ValueError("%s is a list of objects with an id" % key)
            if "vm_quota" in changes and not (
                isinstance(changes["vm_quota"], dict) and all(isinstance(v, int) and not isinstance(v, bool) for v in changes["vm_quota"].values())
            ):
                raise ValueError("vm_quota maps environment names to the most machines each may hold")
            if "credit" in changes or "credit_fall_per_second" in changes:
                # The credit falls from now on, from what it is now (or what it is set to).
                changes.setdefault("credit", self._credit_now())
                self.credit_since = time.monotonic()
            self.state.update(changes)
            return self._served()

    def snapshot(self):
        with self.lock:
            return self._served()

    def _credit_now(self):
        rate = float(self.state["credit_fall_per_second"] or 0)
        if not rate:
            return self.state["credit"]
        # Cents, as a balance is kept.
        return round(self.state["credit"] - rate * (time.monotonic() - self.credit_since), 2)

    def _served(self):
        self._settle()
        # Each machine copied at its top level only (a large fleet is thousands): the emulator replaces a machine's
        # fields, it never changes a nested object in place, so what is served cannot change under a reader.
        state = {key: [dict(vm) for vm in value] if key == "vms" else copy.deepcopy(value) for key, value in self.state.items()}
        state["credit"] = self._credit_now()
        return state

    def _next_id(self, kind, existing):
        last = max([self.last_ids.get(kind, 0)] + [int(item["id"]) for item in existing if isinstance(item.get("id"), int)])
        self.last_ids[kind] = last + 1
        return last + 1

    # -- virtual machines (called with the lock held, or taking it) ----------------

    def _settle(self):
        """End the transitions whose time has come: a machine takes its final fields, or is gone (with its usage row)."""
        now = time.monotonic()
        for vid, (until, fields) in list(self.vm_pending.items()):
            if now >= until:
                del self.vm_pending[vid]
                if fields is None:
                    self.state["vms"] = [vm for vm in self.state["vms"] if vm.get("id") != vid]
                    self.state["usage"] = [r for r in self.state["usage"] if not (r.get("resource_type") == "vm" and r.get("resource_id") == vid)]
                    continue
                vm = self._vm(vid)
                if vm is not None:
                    vm.update(fields)

    def _vm(self, vid):
        return next((vm for vm in self.state["vms"] if vm.get("id") == vid), None)

    def _transition(self, vm, passing, final, seconds=None, **fields):
        """vm passes through the status passing to final (with fields) after seconds (vm_transition_seconds unless
        given); final None: then it is gone."""
        power_state, vm_state = VM_STATES[passing]
        vm.update(status=passing, power_state=power_state, vm_state=vm_state)
        if final is None:
            fields = None
        else:
            power_state, vm_state = VM_STATES[final]
            fields.update(status=final, power_state=power_state, vm_state=vm_state)
        seconds = self.state["vm_transition_seconds"] if seconds is None else seconds
        self.vm_pending[vm["id"]] = (time.monotonic() + float(seconds or 0), fields)

    def _known_vm(self, vid):
        self._settle()
        vm = self._vm(vid)
        if vm is None:
            raise NotFound("Virtual machine %d not found" % vid)
        return vm

    def _new_address(self):
        self.vm_addresses += 1
        return "38.80.%d.%d" % (125 + (self.vm_addresses - 1) // 250, (self.vm_addresses - 1) % 250 + 1)

    def hibernate(self, vid, retain_ip):
        with self.lock:
            vm = self._known_vm(vid)
            flavor = (vm.get("flavor") or {}).get("name")
            if flavor in self.state["unhibernatable_flavors"]:
                raise BadRequest("Virtual machine %d cannot be hibernated: its flavor %s does not support hibernation" % (vid, flavor))
            if vm.get("status") != "ACTIVE":
                raise BadRequest("Virtual machine %d cannot be hibernated: it is %s, and only an ACTIVE machine can be" % (vid, vm.get("status")))
            fields = {} if retain_ip else {"floating_ip": None, "floating_ip_status": "NOT_ATTACHED"}
            self._transition(vm, "HIBERNATING", "HIBERNATED", **fields)

    def set_labels(self, vid, labels):
        with self.lock:
            self._known_vm(vid)["labels"] = list(labels)

    def restore(self, vid):
        with self.lock:
            vm = self._known_vm(vid)
            if vm.get("status") != "HIBERNATED":
                raise BadRequest("Virtual machine %d cannot be restored from hibernation: it is %s, not HIBERNATED" % (vid, vm.get("status")))
            fields = {}
            if vm.get("requires_public_ip") and not vm.get("floating_ip"):
                # A released address is gone: the machine comes back with a new one.
                fields = {"floating_ip": self._new_address(), "floating_ip_status": "ATTACHED"}
            self._transition(vm, "RESTORING", "ACTIVE", **fields)

    def start_or_stop(self, vid, start):
        with self.lock:
            vm = self._known_vm(vid)
            was, passing, final = ("SHUTOFF", "STARTING", "ACTIVE") if start else ("ACTIVE", "STOPPING", "SHUTOFF")
            if vm.get("status") != was:
                raise BadRequest(
                    "Virtual machine %d cannot be %s: it is %s, and only a%s %s machine can be"
                    % (vid, "started" if start else "stopped", vm.get("status"), "n" if was == "ACTIVE" else "", was)
                )
            self._transition(vm, passing, final)

    def delete_vm(self, vid):
        with self.lock:
            vm = self._known_vm(vid)
            if vm.get("locked"):
                raise Conflict("Virtual machine %d is locked: unlock it before deleting it" % vid)
            if vm.get("status") == "DELETING":
                raise Conflict("Virtual machine %d is already being deleted" % vid)
            self._transition(vm, "DELETING", None, seconds=self.state["vm_delete_seconds"])

    def _environment(self, name):
        return next((env for env in self.state["environments"] if env.get("name") == name), None)

    def _environment_machines(self, env):
        return [vm for vm in self.state["vms"] if (vm.get("environment") or {}).get("name") == env["name"]]

    def quota(self, env):
        """The VM_Quota of env (its machines being deleted not counted)."""
        current = sum(1 for vm in self._environment_machines(env) if vm.get("status") != "DELETING")
        most = int(self.state["vm_quota"].get(env["name"], DEFAULT_MAX_VMS))
        return {
            "current_vms": current,
            "max_vms": most,
            "available_vms": max(0, most - current),
            "percentage_used": round(100.0 * current / most, 2) if most else 100.0,
            "cidr": _environment_cidr(env),
        }

    def _can_create(self):
        can_create = self.state["can_create_instance"]
        credit, threshold = self._credit_now(), self.state["threshold"]
        return bool(credit > threshold) if can_create in (None, "omit") else bool(can_create), credit, threshold

    def _fixed_ip(self, env):
        used = {vm.get("fixed_ip") for vm in self._environment_machines(env)}
        prefix = _environment_cidr(env).rsplit(".", 2)[0]
        for third in range(256):
            for fourth in range(2, 255):
                address = "%s.%d.%d" % (prefix, third, fourth)
                if address not in used:
                    return address
        raise BadRequest("Environment %s has no free private address" % env["name"])

    def create_vms(self, body):
        """POST /core/virtual-machines: refused whole (nothing made) in the order checked below, else the new machines."""
        body = _body_object(body)
        _required(body, ("name", "environment_name", "flavor_name", "key_name", "count"))
        name = _name(body)
        count = body["count"]
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise BadRequest("count should be an integer of at least 1, got %r" % (count,))
        labels = body.get("labels") or []
        if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
            raise BadRequest("labels should be a list of strings")
        rules = body.get("security_rules") or []
        if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
            raise BadRequest("security_rules should be a list of objects")
        for rule in rules:
            missing = [field for field in ("direction", "ethertype", "protocol", "remote_ip_prefix") if not rule.get(field)]
            if missing:
                raise BadRequest("a security rule lacks %s" % ", ".join(missing))
        with self.lock:
            self._settle()
            env = self._environment(body["environment_name"])
            if env is None:
                raise NotFound("Environment %s not found" % body["environment_name"])
            region = env["region"]
            flavor = next((f for f in self.state["flavors"] if f["name"] == body["flavor_name"] and f["region_name"] == region), None)
            if flavor is None:
                raise BadRequest("Flavor %s is not offered in region %s (environment %s)" % (body["flavor_name"], region, env["name"]))
            image = body.get("image_name")
            if image is None or image == "":
                raise BadRequest("image_name is required: the emulator boots every machine from an image")
            if not any(i.get("name") == image and i.get("region_name") == region for i in self.state["images"]):
                raise NotFound("Image %s not found in region %s" % (image, region))
            if not any(k.get("name") == body["key_name"] and (k.get("environment") or {}).get("name") == env["name"] for k in self.state["keypairs"]):
                raise NotFound("Key pair %s not found in environment %s" % (body["key_name"], env["name"]))
            names = [name] if count == 1 else ["%s-%d" % (name, n) for n in range(1, count + 1)]
            taken = [vm["name"] for vm in self._environment_machines(env) if vm.get("name") in names]
            if taken:
                raise Conflict("A virtual machine named %s already exists in environment %s" % (taken[0], env["name"]))
            can_create, credit, threshold = self._can_create()
            if not can_create:
                raise BadRequest("Insufficient credit to create virtual machines: credit %s, threshold %s" % (credit, threshold))
            if not flavor.get("stock_available"):
                raise BadRequest("Flavor %s is out of stock in region %s" % (flavor["name"], region))
            quota = self.quota(env)
            if quota["current_vms"] + count > quota["max_vms"]:
                raise BadRequest(
                    "VM quota of environment %s reached: it holds %s of at most %d, and %s more were asked for"
                    % (env["name"], _plural(quota["current_vms"], "virtual machine"), quota["max_vms"], count)
                )
            return [self._create_vm(vm_name, body, env, flavor, labels, rules) for vm_name in names]

    def _create_vm(self, name, body, env, flavor, labels, rules):
        vid = self._next_id("vm", self.state["vms"] + [{"id": r.get("resource_id")} for r in self.state["usage"]])
        created_at = _now()
        attachments = []
        if body.get("create_bootable_volume"):
            volume_name = body.get("volume_name") or "%s-boot" % name
            attachments = [_volume_attachment(vid * 10, 0, created_at, vid, volume_name, int(flavor.get("disk") or 0), True)]
        public = bool(body.get("assign_floating_ip"))
        vm = machine(
            vid,
            name,
            flavor,
            env,
            "BUILD",
            labels,
            created_at,
            self._fixed_ip(env),
            None,
            image=body["image_name"],
            keypair=body["key_name"],
            requires_public_ip=public,
            port_randomization=bool(body.get("enable_port_randomization", True)),
            callback_url=body.get("callback_url"),
            security_rules=rules,
            volume_attachments=attachments,
        )
        vm["os"] = body["image_name"]
        self.state["vms"].append(vm)
        fields = {"floating_ip": self._new_address(), "floating_ip_status": "ATTACHED"} if public else {}
        self._transition(vm, "BUILD", "ACTIVE", seconds=self.state["vm_boot_seconds"], **fields)
        return copy.deepcopy(vm)

    def vm_name_available(self, name, count):
        with self.lock:
            self._settle()
            names = {name} if count == 1 else {"%s-%d" % (name, n) for n in range(1, count + 1)}
            return not any(vm.get("name") in names for vm in self.state["vms"])

    # -- environments and key pairs --------------------------------------------------

    def _known_environment(self, eid):
        env = next((env for env in self.state["environments"] if env.get("id") == eid), None)
        if env is None:
            raise NotFound("Environment %d not found" % eid)
        return env

    def environment(self, eid):
        with self.lock:
            return copy.deepcopy(self._known_environment(eid))

    def environment_quota(self, eid):
        with self.lock:
            self._settle()
            return self.quota(self._known_environment(eid))

    def create_environment(self, body):
        body = _body_object(body)
        _required(body, ("name", "region"))
        name = _name(body)
        with self.lock:
            if self._environment(name) is not None:
                raise Conflict("Environment %s already exists" % name)
            region = body["region"]
            if not any(flavor.get("region_name") == region for flavor in self.state["flavors"]):
                raise BadRequest("Region %s is not available: no flavor is offered there" % region)
            like = next((env for env in self.state["environments"] if env.get("region") == region), None)
            features = copy.deepcopy(like["features"]) if like else {"network_optimised": False, "green_status": "NOT_GREEN"}
            env = {"id": self._next_id("environment", self.state["environments"]), "name": name, "region": region, "created_at": _now(), "features": features}
            self.state["environments"].append(env)
            return copy.deepcopy(env)

    def rename_environment(self, eid, body):
        body = _body_object(body)
        _required(body, ("name",))
        name = _name(body)
        with self.lock:
            env = self._known_environment(eid)
            other = self._environment(name)
            if other is not None and other is not env:
                raise BadRequest("Environment %s already exists" % name)
            old = env["name"]
            env["name"] = name
            # What carries the environment's name follows it (replaced, never changed in place).
            for vm in self.state["vms"]:
                if (vm.get("environment") or {}).get("name") == old:
                    vm["environment"] = dict(vm["environment"], name=name)
            for keypair in self.state["keypairs"]:
                if (keypair.get("environment") or {}).get("name") == old:
                    keypair["environment"] = dict(keypair["environment"], name=name)
            if old in self.state["vm_quota"]:
                self.state["vm_quota"] = dict(self.state["vm_quota"])
                self.state["vm_quota"][name] = self.state["vm_quota"].pop(old)
            return copy.deepcopy(env)

    def delete_environment(self, eid):
        """Refused while the environment holds machines (even ones being deleted); its key pairs go with it."""
        with self.lock:
            self._settle()
            env = self._known_environment(eid)
            machines = self._environment_machines(env)
            if machines:
                raise BadRequest("Environment %s still has %s: delete them first" % (env["name"], _plural(len(machines), "virtual machine")))
            self.state["environments"] = [other for other in self.state["environments"] if other is not env]
            self.state["keypairs"] = [k for k in self.state["keypairs"] if (k.get("environment") or {}).get("name") != env["name"]]
            return env["name"]

    def _known_keypair(self, kid):
        keypair = next((k for k in self.state["keypairs"] if k.get("id") == kid), None)
        if keypair is None:
            raise NotFound("Key pair %d not found" % kid)
        return keypair

    def import_keypair(self, body):
        body = _body_object(body)
        _required(body, ("name", "environment_name", "public_key"))
        name = _name(body)
        with self.lock:
            env = self._environment(body["environment_name"])
            if env is None:
                raise NotFound("Environment %s not found" % body["environment_name"])
            if any(k.get("name") == name and (k.get("environment") or {}).get("name") == env["name"] for k in self.state["keypairs"]):
                raise Conflict("Key pair %s already exists in environment %s" % (name, env["name"]))
            public_key = body["public_key"]
            if ssh_key_blob(public_key) is None:
                raise BadRequest("public_key is not an SSH public key (TYPE BASE64 [comment], TYPE one of %s)" % ", ".join(SSH_KEY_TYPES))
            keypair = _keypair(self._next_id("keypair", self.state["keypairs"]), name, env, public_key.strip(), _now())
            self.state["keypairs"].append(keypair)
            return copy.deepcopy(keypair)

    def rename_keypair(self, kid, body):
        body = _body_object(body)
        _required(body, ("name",))
        name = _name(body)
        with self.lock:
            keypair = self._known_keypair(kid)
            env_name = (keypair.get("environment") or {}).get("name")
            if any(k is not keypair and k.get("name") == name and (k.get("environment") or {}).get("name") == env_name for k in self.state["keypairs"]):
                raise BadRequest("Key pair %s already exists in environment %s" % (name, env_name))
            keypair["name"] = name
            return copy.deepcopy(keypair)

    def delete_keypair(self, kid):
        with self.lock:
            keypair = self._known_keypair(kid)
            self.state["keypairs"] = [k for k in self.state["keypairs"] if k is not keypair]
            return keypair["name"]

    # -- faults -----------------------------------------------------------------------

    def add_faults(self, faults):
        with self.lock:
            for fault in faults:
                if not isinstance(fault, dict):
                    raise ValueError("each fault is a JSON object")
                self.faults.append(dict(fault))

    def next_fault(self, path=None, method=None):
        """The first queued fault for a request of path and method: one without a path, or with that path, and
        without a method, or with that method."""
        with self.lock:
            index = next(
                (
                    i
                    for i, fault in enumerate(self.faults)
                    if fault.get("path") in (None, path) and (fault.get("method") is None or str(fault["method"]).upper() == method)
                ),
                None,
            )
            if index is None:
                return None
            fault = self.faults[index]
            if fault.get("skip"):
                # That many requests pass untouched before it is served.
                fault["skip"] -= 1
                return None
            times = fault.get("times", 1)
            if times != -1:
                if times <= 1:
                    self.faults.pop(index)
                else:
                    fault["times"] = times - 1
            return dict(fault)

    def record(self, entry):
        with self.lock:
            self.requests.append(entry)

    def rate_limited(self, client):
        """True when client is over the limit: past it, every call waits out the window."""
        with self.lock:
            limit, window = self.state["rate_limit"], float(self.state["rate_window"])
            if not limit:
                return False
            now = time.monotonic()
            start, count, blocked_until = self.windows.get(client, (now, 0, 0.0))
            if now < blocked_until:
                return True
            if now - start >= window:
                start, count = now, 0
            count += 1
            if count > limit:
                self.windows[client] = (now, 0, now + window)
                return True
            self.windows[client] = (start, count, 0.0)
            return False


class Handler(BaseHTTPRequestHandler):
    server_version = "HyperstackEmulator/1.0"
    protocol_version = "HTTP/1.1"

    @property
    def emu(self):
        return self.server.emulator_state

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            sys.stderr.write("emulator: %s\n" % (format % args))

    # -- plumbing ---------------------------------------------------------

    def _send_json(self, status, document, headers=None):
        body = json.dumps(document).encode()
        self._send(status, body, dict({"Content-Type": "application/json"}, **(headers or {})))

    def _send(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, str(value))
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"null")

    # -- routing ------------------------------------------------------------

    def do_GET(self):  # pylint: disable=invalid-name
        self._route("GET")

    def do_POST(self):  # pylint: disable=invalid-name
        self._route("POST")

    def do_PUT(self):  # pylint: disable=invalid-name
        self._route("PUT")

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._route("DELETE")

    def _route(self, method):
        path = self.path.split("?", 1)[0]
        if path.startswith(CONTROL_PREFIX + "/"):
            self._control(method, path[len(CONTROL_PREFIX) :])
        elif path.startswith(API_PREFIX + "/"):
            self._api(method, path[len(API_PREFIX) :])
        else:
            self._send_json(404, _error_body("Not Found", "the API lives under %s" % API_PREFIX))

    def _control(self, method, path):
        try:
            if path == "/state" and method == "GET":
                self._send_json(200, _shown(self.emu.snapshot()))
            elif path == "/state" and method == "POST":
                self._send_json(200, _shown(self.emu.update(self._read_json() or {})))
            elif path == "/faults" and method == "POST":
                faults = self._read_json()
                self.emu.add_faults(faults if isinstance(faults, list) else [faults])
                self._send_json(200, {"queued": len(self.emu.faults)})
            elif path == "/requests" and method == "GET":
                with self.emu.lock:
                    log = list(self.emu.requests)
                self._send_json(200, {"count": len(log), "requests": log})
            elif path == "/reset" and method == "POST":
                self.emu.reset()
                self._send_json(200, _shown(self.emu.snapshot()))
            else:
                self._send_json(404, {"error": "no control endpoint %s %s" % (method, path)})
        except (ValueError, TypeError) as exc:
            self._send_json(400, {"error": str(exc)})

    def _api(self, method, path):
        sent_key = self.headers.get("api_key")
        state = self.emu.snapshot()
        # A request that sends a body (PUT) has it read whole, kept in the log and given to its handler.
        try:
            body = self._read_json() if method != "GET" else None
        except ValueError:
            body = _NOT_JSON
        self.emu.record(
            {
                "method": method,
                "path": path,
                "query": urlsplit(self.path).query,
                "time": time.time(),
                "api_key_sent": sent_key is not None,
                "api_key_valid": sent_key == state["api_key"],
                "user_agent": self.headers.get("User-Agent"),
                "accept": self.headers.get("Accept"),
                **({"body": None if body is _NOT_JSON else body} if method != "GET" else {}),
            }
        )
        if self.emu.rate_limited(self.client_address[0]):
            self._send_json(429, _error_body("Too Many Requests", "rate limit exceeded"))
            return
        if state["latency"]:
            time.sleep(float(state["latency"]))
        route, args = ROUTES.get((method, path)), ()
        if route is None and (method, path) in ACTING_ROUTES:
            # Acting on the live state, not on the snapshot: the emulator comes first.
            route, args = ACTING_ROUTES[(method, path)], (self.emu, body)
        if route is None:
            for route_method, pattern, handler in PATTERN_ROUTES:
                match = re.fullmatch(pattern, path) if route_method == method else None
                if match:
                    found = match.group(1)
                    found = int(found) if r"(\d+)" in pattern else unquote(found)
                    route, args = handler, (self.emu, found) + ((body,) if method != "GET" else ())
                    break
        fault = self.emu.next_fault(path, method)
        if fault is not None:
            if fault.get("acted") and route is not None and sent_key == state["api_key"]:
                # The API carried the request out (with its body), and then its answer was lost.
                try:
                    route(state, parse_qs(urlsplit(self.path).query), *args)
                except ApiError:
                    pass
            self._fault(fault, sent_key)
            return
        if sent_key is None or sent_key != state["api_key"]:
            self._send_json(401, _error_body("No valid API key provided", "Unauthorized"))
            return
        if route is None:
            self._send_json(404, _error_body("Not Found", "no such endpoint: %s %s" % (method, path)))
            return
        try:
            answer = route(state, parse_qs(urlsplit(self.path).query), *args)
            self._send_json(201 if isinstance(answer, Created) else 200, answer)
        except ApiError as exc:
            self._send_json(exc.status, _error_body(exc.args[0], exc.reason))

    # -- faults -------------------------------------------------------------

    def _fault(self, fault, sent_key):
        time.sleep(float(fault.get("delay_before", 0)))
        action = fault.get("action")
        if action == "hang":
            # Accept and never answer: the client's timeout must end it.
            time.sleep(float(fault.get("seconds", 3600)))
            self.close_connection = True
        elif action in ("reset", "close"):
            if action == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif action == "echo_key":
            # A careless server that repeats the credential it was sent: raw, URL-quoted and
            # JSON-escaped (forms that Ansible's own no_log masking does not recognise).
            echoed = sent_key or ""
            self._send_json(
                int(fault.get("status", 401)),
                _error_body("Invalid API key %s" % echoed, "key %s (%s) is not valid" % (quote(echoed, safe=""), json.dumps(echoed)[1:-1])),
                {"X-Echo-Api-Key": echoed, "WWW-Authenticate": "api_key=%s" % quote(echoed)},
            )
        elif action == "oversized":
            self._oversized(int(fault.get("size", 5 * 1024 * 1024)), fault.get("declare_length", True))
        elif action == "truncated":
            body = b'{"status": true, "message": "Success", "data": {"credit": 12'
            self._send(200, body, {"Content-Type": "application/json", "Content-Length": str(len(body) + 40)})
            self.close_connection = True
        elif action == "drip":
            body = json.dumps({"status": True, "message": "Success", "data": {"credit": 1.0, "threshold": 0.0}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(float(fault.get("delay", 0.5)))
        else:
            status = int(fault.get("status", 500))
            headers = dict(fault.get("headers") or {})
            body = fault.get("body", _error_body(self.responses.get(status, ("Error",))[0], "injected fault") if status >= 400 else {})
            if isinstance(body, str):
                headers.setdefault("Content-Type", "text/html")
                self._send(status, body.encode(), headers)
            else:
                self._send_json(status, body, headers)

    def _oversized(self, size, declare_length):
        head = b'{"status": true, "message": "Success", "data": {"credit": 1.0, "threshold": 0.0}, "padding": "'
        tail = b'"}'
        pad = max(0, size - len(head) - len(tail))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if declare_length:
            self.send_header("Content-Length", str(len(head) + pad + len(tail)))
        else:
            self.close_connection = True
        self.end_headers()
        try:
            self.wfile.write(head)
            chunk = b"x" * 65536
            while pad > 0:
                self.wfile.write(chunk[: min(pad, len(chunk))])
                pad -= len(chunk)
            self.wfile.write(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up reading, as it should


def _credit(state, query):
    data = {"credit": state["credit"], "threshold": state["threshold"]}
    can_create = state["can_create_instance"]
    if can_create != "omit":
        data["can_create_instance"] = bool(state["credit"] > state["threshold"]) if can_create is None else can_create
    return {"status": True, "message": "Success", "data": data}


def _last_day_cost(state, query):
    return {"status": True, "message": "Success", "data": state["last_day_cost"]}


def _flavors(state, query):
    # Grouped as the API does, by GPU model and region, in the order first seen.
    region = query.get("region", [None])[0]
    groups = {}
    for flavor in state["flavors"]:
        if region is None or flavor["region_name"] == region:
            key = (flavor["gpu"], flavor["region_name"])
            groups.setdefault(key, {"gpu": key[0], "region_name": key[1], "flavors": []})["flavors"].append(flavor)
    return {"status": True, "message": "Success", "data": list(groups.values())}


def _billing_history(state, query):
    for name in ("start_date", "end_date"):
        for value in query.get(name, []):
            try:
                time.strptime(value, DATE_FORMAT)
            except ValueError:
                raise BadRequest("%s should be formatted in YYYY-MM-DDTHH:MM:SS, got %r" % (name, value)) from None
    rows = state["billing_history"]
    # No data envelope: the history sits under billing_history, twice.
    return {
        "status": True,
        "message": "Billing history retrieved successfully",
        "billing_history": {"org_id": 42, "total_count": len(rows), "billing_history": rows},
    }


def _usage(state, query):
    # Served as set: the real API has been seen listing a terminated row among the active ones.
    # Each machine of vms bills by its status: its own row (by resource_id) if usage has one, else a row added.
    rows = list(state["usage"])
    index = {row.get("resource_id"): i for i, row in enumerate(rows) if row.get("resource_type") == "vm"}
    prices = _prices(state["pricebook"])
    for vm in state["vms"]:
        i = index.get(vm["id"])
        if i is None:
            row = _resource(vm["id"], "vm", vm.get("name"), None)
            row.update(create_time=vm.get("created_at"), total_up_time=0.0, total_bill=0.0)
            index[vm["id"]] = len(rows)
            rows.append(row)
        else:
            row = rows[i] = dict(rows[i])
        under = None
        if vm.get("contract_id") is not None:
            try:
                list_price = flavor_price_per_hour(vm.get("flavor") or {}, state["pricebook"], _list_prices(state["pricebook"]))
                under = contract_price_per_hour(vm, state, list_price)
                if under is None and _ended_contract(state, vm["contract_id"]) and vm.get("status") in ("ACTIVE", "SHUTOFF"):
                    # Its contract over, the machine bills at list price (the price list's original_value), as the runway predicts.
                    under = list_price
            except KeyError:
                under = None
        row.update(name=vm.get("name"), bill_per_minute=vm_bill_per_minute(vm, state["pricebook"], prices) if under is None else float(under / 60))
    return {"status": True, "message": "Success", "data": rows}


def _dollars(value):
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _prices(pricebook):
    return {entry["name"].casefold(): _dollars(entry["value"]) for entry in pricebook}


def _list_prices(pricebook):
    # The list price: original_value where an entry has one.
    return {entry["name"].casefold(): _dollars(entry["value"] if entry.get("original_value") is None else entry["original_value"]) for entry in pricebook}


def flavor_price_per_hour(flavor, pricebook, prices=None):
    """A machine of flavor at its pricebook price, as the collection prices it: the GPU's value x
    gpu_count, or for a CPU-only flavor vCPU x cpu + RAM x ram (a KeyError when a price is missing)."""
    prices = _prices(pricebook) if prices is None else prices
    if flavor.get("gpu"):
        return prices[flavor["gpu"].casefold()] * int(flavor.get("gpu_count") or 0)
    return prices["vcpu (cpu-only-flavors)"] * int(flavor["cpu"]) + prices["ram (cpu-only-flavors)"] * _dollars(flavor["ram"])


def vm_price_per_hour(vm, pricebook, prices=None):
    """What a machine bills an hour in its status (a Decimal): ACTIVE and SHUTOFF its flavor's price, HIBERNATED
    its root disk (flavor disk GB x Cloud-SSD) and the public IP it kept (PublicIP), any other status nothing."""
    status, flavor = vm.get("status"), vm.get("flavor") or {}
    prices = _prices(pricebook) if prices is None else prices
    if status in ("ACTIVE", "SHUTOFF"):
        return flavor_price_per_hour(flavor, pricebook, prices)
    if status == "HIBERNATED":
        return prices["cloud-ssd"] * int(flavor.get("disk") or 0) + (prices["publicip"] if vm.get("floating_ip") else 0)
    return Decimal(0)


def vm_bill_per_minute(vm, pricebook, prices=None):
    """The bill_per_minute of a machine's usage row: its hourly price / 60 (null when the pricebook lacks a price)."""
    try:
        return float(vm_price_per_hour(vm, pricebook, prices) / 60)
    except KeyError:
        return None


def _query_int(query, name, default):
    value = query.get(name, [None])[0]
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadRequest("%s should be an integer, got %r" % (name, value)) from None
    if number < 1:
        raise BadRequest("%s should be at least 1, got %d" % (name, number))
    return number


def _query_bool(query, name, default="false"):
    value = query.get(name, [default])[0]
    if value.lower() not in ("true", "false", "1", "0"):
        raise BadRequest("%s should be true or false, got %r" % (name, value))
    return value.lower() in ("true", "1")


def _in_environment(vm, environment, exact):
    # A partial match without regard to case unless exact_environment_match asks for the exact name.
    name = str((vm.get("environment") or {}).get("name") or "")
    return name == environment if exact else environment.casefold() in name.casefold()


def _list_vms(state, query):
    # Oldest first; the server decides the page size (at most vm_page_size, whatever pageSize asks).
    page = _query_int(query, "page", 1)
    size = min(_query_int(query, "pageSize", state["vm_page_size"]), int(state["vm_page_size"]))
    search = (query.get("search", [""])[0]).casefold()
    environment = query.get("environment", [""])[0]
    exact = _query_bool(query, "exact_environment_match")
    vms = sorted(state["vms"], key=lambda vm: (str(vm.get("created_at") or ""), vm["id"]))
    if search:
        vms = [vm for vm in vms if search in str(vm.get("name") or "").casefold() or search in (str(vm["id"]), vm.get("fixed_ip"), vm.get("floating_ip"))]
    if environment:
        vms = [vm for vm in vms if _in_environment(vm, environment, exact)]
    return {
        "status": True,
        "message": "Getting VMs list successful",
        "count": len(vms),
        "page": page,
        "page_size": size,
        "instances": vms[(page - 1) * size : page * size],
    }


def _get_vm(state, query, emu, vid):
    with emu.lock:
        vm = copy.deepcopy(emu._known_vm(vid))  # pylint: disable=protected-access
    return {"status": True, "message": "Virtual machine details retrieved successfully", "instance": vm}


def _hibernate_vm(state, query, emu, vid):
    retain = query.get("retain_ip", ["false"])[0]
    if retain.lower() not in ("true", "false"):
        raise BadRequest("retain_ip should be true or false, got %r" % retain)
    emu.hibernate(vid, retain.lower() == "true")
    return {"status": True, "message": "Hibernation of virtual machine %d has been initiated" % vid}


def _label_vm(state, query, emu, vid, body):
    labels = body.get("labels") if isinstance(body, dict) else None
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise BadRequest("labels should be a list of strings")
    emu.set_labels(vid, labels)
    return {"status": True, "message": "Labels of virtual machine %d edited successfully" % vid}


def _restore_vm(state, query, emu, vid):
    emu.restore(vid)
    return {"status": True, "message": "Restoration of virtual machine %d from hibernation has been initiated" % vid}


def _start_vm(state, query, emu, vid):
    emu.start_or_stop(vid, start=True)
    return {"status": True, "message": "Starting virtual machine %d" % vid}


def _stop_vm(state, query, emu, vid):
    emu.start_or_stop(vid, start=False)
    return {"status": True, "message": "Stopping virtual machine %d" % vid}


def _create_vms(state, query, emu, body):
    created = emu.create_vms(body)
    return {"status": True, "message": "Creating %s" % _plural(len(created), "virtual machine"), "instances": created}


def _delete_vm(state, query, emu, vid, body):
    emu.delete_vm(vid)
    return {"status": True, "message": "Virtual machine %d is being deleted" % vid}


def _name_availability(name, available, what):
    message = "The name %s is available" % name if available else "%s named %s already exists" % (what, name)
    return {"name": name, "available": available, "message": message}


def _vm_name_availability(state, query, emu, name):
    count = _query_int(query, "count", 1)
    return _name_availability(name, emu.vm_name_available(name, count), "A virtual machine")


def _environment_name_availability(state, query, emu, name):
    return _name_availability(name, not any(env.get("name") == name for env in state["environments"]), "An environment")


def _paged(query, items, key, message):
    """A list as the API pages it (page, pageSize; every item on one page unless pageSize asks), filtered by search (a
    part of the name, without regard to case)."""
    page = _query_int(query, "page", 1)
    search = query.get("search", [""])[0].casefold()
    items = [item for item in items if search in str(item.get("name") or "").casefold()]
    size = _query_int(query, "pageSize", max(1, len(items)))
    return {"status": True, "message": message, "count": len(items), "page": page, "page_size": size, key: items[(page - 1) * size : page * size]}


def _list_environments(state, query):
    return _paged(query, state["environments"], "environments", "Success")


def _create_environment(state, query, emu, body):
    return {"status": True, "message": "Environment created successfully", "environment": emu.create_environment(body)}


def _get_environment(state, query, emu, eid):
    return {"status": True, "message": "Success", "environment": emu.environment(eid)}


def _update_environment(state, query, emu, eid, body):
    return {"status": True, "message": "Environment updated successfully", "environment": emu.rename_environment(eid, body)}


def _delete_environment(state, query, emu, eid, body):
    return {"status": True, "message": "Environment %s deleted successfully" % emu.delete_environment(eid)}


def _environment_quota(state, query, emu, eid):
    return dict({"status": True, "message": "Success"}, **emu.environment_quota(eid))


def _list_keypairs(state, query):
    return _paged(query, state["keypairs"], "keypairs", "Success")


def _import_keypair(state, query, emu, body):
    return {"status": True, "message": "Key pair imported successfully", "keypair": emu.import_keypair(body)}


def _update_keypair(state, query, emu, kid, body):
    return {"status": True, "message": "Key pair name updated successfully", "keypair": emu.rename_keypair(kid, body)}


def _delete_keypair(state, query, emu, kid, body):
    return {"status": True, "message": "Key pair %s deleted successfully" % emu.delete_keypair(kid)}


def _images(state, query):
    # Filtered (region, include_public, search), paged over the images (page, per_page: all unless asked), then
    # grouped as the API does, by region and OS type, in the order first seen.
    region = query.get("region", [None])[0]
    include_public = _query_bool(query, "include_public", "true")
    search = query.get("search", [""])[0].casefold()
    images = [
        image
        for image in state["images"]
        if (region is None or image.get("region_name") == region)
        and (include_public or not image.get("is_public"))
        and search in str(image.get("name") or "").casefold()
    ]
    page = _query_int(query, "page", 1)
    size = _query_int(query, "per_page", max(1, len(images)))
    groups = {}
    for image in images[(page - 1) * size : page * size]:
        key = (image.get("region_name"), image.get("type"))
        groups.setdefault(key, {"region_name": key[0], "type": key[1], "logo": IMAGE_LOGO, "images": []})["images"].append(image)
    return {"status": True, "message": "Success", "images": list(groups.values())}


STOCK_CONFIGURATIONS = ("1x", "2x", "4x", "8x", "10x")
# How many machines of an in-stock flavor's size a region has room for, as GET /core/stocks counts them.
STOCK_PER_FLAVOR = 8


def _stocks(state, query):
    # No envelope. Per region and GPU model, from the flavors: an in-stock flavor of n GPUs counts STOCK_PER_FLAVOR
    # machines under "<n>x"; available is the GPUs they hold (a string, as the spec has it).
    regions = {}
    for flavor in state["flavors"]:
        if not flavor.get("gpu"):
            continue
        models = regions.setdefault(flavor["region_name"], {})
        model = models.setdefault(flavor["gpu"], dict.fromkeys(STOCK_CONFIGURATIONS, 0))
        key = "%dx" % int(flavor.get("gpu_count") or 0)
        if flavor.get("stock_available") and key in model:
            model[key] += STOCK_PER_FLAVOR
    stocks = []
    for region, models in regions.items():
        served = []
        for name, configurations in models.items():
            gpus = sum(int(key[:-1]) * machines for key, machines in configurations.items())
            served.append(
                {
                    "model": name,
                    "available": str(gpus),
                    "planned_7_days": "0",
                    "planned_30_days": "0",
                    "planned_100_days": "0",
                    "configurations": configurations,
                }
            )
        stocks.append({"region": region, "stock-type": "GPU", "models": served})
    return {"stocks": stocks}


# -- how the organization pays: auto top-up, payments, contracts ----------------------------------------


def _topup_payment(pid, status, attempt, most, created_at, amount=50.0, reason=None):
    return {
        "payment_id": pid,
        "amount": amount,
        "currency": "usd",
        "status": status,
        "payment_type": "auto_topup",
        "auto_topup_id": 1,
        "attempt_number": attempt,
        "max_attempts": most,
        "gateway_response": reason or "approved",
        "paid_from": "card",
        "invoice": None,
        "tax_amount": 0.0,
        "transaction_id": "txn-%s" % pid,
        "description": "Automatic top-up",
        "created_at": created_at,
        "updated_at": created_at,
    }


# {"payments": "declined"}: a paid top-up, then one declined three times, its last attempt 3 of 3.
DECLINED_TOPUP = [
    _topup_payment("pi-1001", "succeeded", 1, 3, "2026-11-01T08:00:00+00:00"),
    _topup_payment("pi-1002", "failed", 1, 3, "2026-11-20T08:00:00+00:00", reason="card_declined"),
    _topup_payment("pi-1002", "failed", 2, 3, "2026-11-20T14:00:00+00:00", reason="card_declined"),
    _topup_payment("pi-1002", "failed", 3, 3, "2026-11-21T08:00:00+00:00", reason="card_declined"),
]


def _payments_value(value):
    if value == "declined":
        return copy.deepcopy(DECLINED_TOPUP)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError('payments is a list of Payment_Details_Fields objects, or "declined"')
    return value


def _auto_topup_value(value):
    if not isinstance(value, dict) or value.get("status") not in AUTO_TOPUP_STATUSES:
        raise ValueError("auto_topup is an object whose status is one of active, disabled, pending_setup, cancelled or null")
    return dict(NO_AUTO_TOPUP, **value)


def _ended(contract):
    """Whether the contract's end_date (ISO 8601, "T" or a space, an offset or "Z", none: UTC) has passed."""
    end = contract.get("end_date")
    if not end:
        return False
    moment = datetime.datetime.fromisoformat(str(end).strip().replace("Z", "+00:00").replace(" ", "T", 1))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp() <= time.time()


def _running_contract(state, contract_id):
    """The contract of contract_id while it runs (before its end_date), else None."""
    for contract in state["contracts"]:
        if contract_id is not None and contract.get("id") == contract_id and not _ended(contract):
            return contract
    return None


def _ended_contract(state, contract_id):
    """The contract of contract_id once it has ended, else None."""
    return next((c for c in state["contracts"] if contract_id is not None and c.get("id") == contract_id and _ended(c)), None)


def contract_price_per_hour(vm, state, list_price):
    """What a machine under a running contract bills an hour: its flavor at list price less the contract's discount of
    that flavor (discount_percent of it, or discount_amount); None when no running contract's discount applies."""
    contract = _running_contract(state, vm.get("contract_id"))
    flavor = (vm.get("flavor") or {}).get("name")
    for discount in (contract or {}).get("discounts") or []:
        if flavor and discount.get("resource_name") == flavor and vm.get("status") in ("ACTIVE", "SHUTOFF"):
            if discount.get("discount_percent"):
                return list_price * (1 - _dollars(discount["discount_percent"]) / 100)
            return max(list_price - _dollars(discount.get("discount_amount") or 0), Decimal(0))
    return None


def _auto_topup_status(state, query):
    # No envelope.
    return {key: state["auto_topup"][key] for key in ("status", "threshold_amount", "topup_amount")}


def _auto_topup_answer(state, message):
    return {
        "status": True,
        "message": message,
        "auto_topup": {key: state["auto_topup"][key] for key in ("id", "status", "threshold_amount", "topup_amount", "updated_at")},
    }


def _topup_amounts(body):
    body = _body_object(body)
    _required(body, ["threshold_amount", "topup_amount"])
    for name in ("threshold_amount", "topup_amount"):
        if isinstance(body[name], bool) or not isinstance(body[name], (int, float)) or body[name] <= 0:
            raise BadRequest("%s should be a positive number" % name)
    return {"threshold_amount": body["threshold_amount"], "topup_amount": body["topup_amount"], "updated_at": _now()}


class Created(dict):
    """An answer served with 201 Created."""


def _create_auto_topup(state, query, emu, body):
    with emu.lock:
        if emu.state["auto_topup"]["status"] in ("active", "pending_setup"):
            raise Conflict("An auto top-up is already set up for this organization")
        amounts = _topup_amounts(body)
        # The card is on file here: set up at once.
        emu.state["auto_topup"] = dict(emu.state["auto_topup"], id=emu.state["auto_topup"]["id"] or 1, status="active", **amounts)
        return Created(_auto_topup_answer(emu.state, "Auto top-up created"))


def _update_auto_topup(state, query, emu, body):
    with emu.lock:
        if emu.state["auto_topup"]["status"] != "active":
            raise NotFound("No active auto top-up to update")
        emu.state["auto_topup"] = dict(emu.state["auto_topup"], **_topup_amounts(body))
        return _auto_topup_answer(emu.state, "Auto top-up updated")


def _disable_auto_topup(state, query, emu, body):
    with emu.lock:
        if emu.state["auto_topup"]["status"] is None:
            raise NotFound("No auto top-up is set up")
        emu.state["auto_topup"] = dict(emu.state["auto_topup"], status="disabled", updated_at=_now())
        return _auto_topup_answer(emu.state, "Auto top-up disabled")


def _payment_details(state, query):
    return {"status": True, "message": "Success", "data": state["payments"]}


def _list_contracts(state, query):
    page, per_page = _query_int(query, "page", 1), _query_int(query, "per_page", 10)
    contracts = state["contracts"]
    return {"status": True, "message": "Success", "count": len(contracts), "contracts": contracts[(page - 1) * per_page : page * per_page]}


def _known_contract(state, cid):
    for contract in state["contracts"]:
        if contract.get("id") == cid:
            return contract
    raise NotFound("Contract %d not found" % cid)


def _get_contract(state, query, emu, cid):
    return {"status": True, "message": "Success", "contracts": _known_contract(state, cid)}


def _contract_vms(state, query, emu, cid):
    _known_contract(state, cid)
    instances = [
        {
            "id": vm["id"],
            "name": vm.get("name"),
            "status": vm.get("status"),
            "flavor_name": (vm.get("flavor") or {}).get("name"),
            "gpu_count": (vm.get("flavor") or {}).get("gpu_count"),
            "created_at": vm.get("created_at"),
            "total_usage_time": 0,
            "termination_time": None,
            "cluster": None,
        }
        for vm in state["vms"]
        if vm.get("contract_id") == cid
    ]
    return {"status": True, "message": "Success", "instances": instances}


ROUTES = {
    ("GET", "/billing/user-credit/credit"): _credit,
    ("GET", "/billing/billing/last-day-cost"): _last_day_cost,
    ("GET", "/pricebook"): lambda state, query: state["pricebook"],
    ("GET", "/core/flavors"): _flavors,
    ("GET", "/billing/billing/usage"): _usage,
    ("GET", "/billing/billing/history"): _billing_history,
    ("GET", "/core/virtual-machines"): _list_vms,
    ("GET", "/core/environments"): _list_environments,
    ("GET", "/core/keypairs"): _list_keypairs,
    ("GET", "/core/images"): _images,
    ("GET", "/core/stocks"): _stocks,
    ("GET", "/billing/auto-topup/status"): _auto_topup_status,
    ("GET", "/billing/auto-topup"): lambda state, query: _auto_topup_answer(state, "Success"),
    ("GET", "/billing/payment/payment-details"): _payment_details,
    ("GET", "/pricebook/contracts"): _list_contracts,
}

# Requests with a body that act: the handler gets (state, query, the EmulatorState, the body).
ACTING_ROUTES = {
    ("POST", "/core/virtual-machines"): _create_vms,
    ("POST", "/core/environments"): _create_environment,
    ("POST", "/core/keypairs"): _import_keypair,
    ("POST", "/billing/auto-topup"): _create_auto_topup,
    ("PUT", "/billing/auto-topup"): _update_auto_topup,
    ("DELETE", "/billing/auto-topup"): _disable_auto_topup,
}

# Paths with an id (or a name) in them: the handler gets (state, query, the EmulatorState, the id), and the body
# when the method is not GET. The first that matches serves.
PATTERN_ROUTES = [
    ("GET", r"/core/virtual-machines/(\d+)", _get_vm),
    ("GET", r"/core/virtual-machines/(\d+)/hibernate", _hibernate_vm),
    ("GET", r"/core/virtual-machines/(\d+)/hibernate-restore", _restore_vm),
    ("GET", r"/core/virtual-machines/(\d+)/start", _start_vm),
    ("GET", r"/core/virtual-machines/(\d+)/stop", _stop_vm),
    ("PUT", r"/core/virtual-machines/(\d+)/label", _label_vm),
    ("DELETE", r"/core/virtual-machines/(\d+)", _delete_vm),
    ("GET", r"/core/virtual-machines/name-availability/([^/]+)", _vm_name_availability),
    ("GET", r"/core/environments/name-availability/([^/]+)", _environment_name_availability),
    ("GET", r"/core/environments/(\d+)", _get_environment),
    ("PUT", r"/core/environments/(\d+)", _update_environment),
    ("DELETE", r"/core/environments/(\d+)", _delete_environment),
    ("GET", r"/core/environments/(\d+)/vm-quota", _environment_quota),
    ("PUT", r"/core/keypair/(\d+)", _update_keypair),
    ("DELETE", r"/core/keypair/(\d+)", _delete_keypair),
    ("GET", r"/pricebook/contracts/(\d+)", _get_contract),
    ("GET", r"/core/virtual-machines/contract/(\d+)/virtual-machines", _contract_vms),
]


class Emulator:
    """The emulator on a loopback port in a background thread: ``with Emulator() as emu:``."""

    def __init__(self, host="127.0.0.1", port=0, verbose=False, **state):
        self.state = EmulatorState(**state)
        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.server.emulator_state = self.state
        self.server.verbose = verbose
        self.thread = None

    @property
    def base_url(self):
        host, port = self.server.server_address[:2]
        return "http://%s:%d" % (host, port)

    @property
    def api_url(self):
        return self.base_url + API_PREFIX

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _vms_argument(value):
    if value in ("none", "fleet") or (value.startswith("fleet:") and value[len("fleet:") :].isdigit()):
        return value
    raise argparse.ArgumentTypeError("none, fleet or fleet:N, got %r" % value)


def _quota_argument(value):
    name, equals, most = value.rpartition("=")
    if not equals or not name or not most.isdigit():
        raise argparse.ArgumentTypeError("ENVIRONMENT=N, got %r" % value)
    return name, int(most)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local emulator of the Hyperstack Infrahub API (billing and virtual machine endpoints).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: 0, any free port)")
    parser.add_argument("--api-key", default=os.environ.get("HYPERSTACK_EMULATOR_KEY", DEFAULT_STATE["api_key"]), help="the key it accepts")
    parser.add_argument("--credit", type=float, default=DEFAULT_STATE["credit"])
    parser.add_argument("--threshold", type=float, default=DEFAULT_STATE["threshold"])
    parser.add_argument("--rate-limit", type=int, default=None, help="requests per window per IP, then 429 for a window (real API: 500)")
    parser.add_argument("--rate-window", type=float, default=60.0, help="seconds (default: 60)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds each API answer waits (default: 0; 0.15 is a round trip to the real API)")
    parser.add_argument(
        "--vms",
        type=_vms_argument,
        default="none",
        help="the machines it serves: none (default), fleet (the ready-made eight) or fleet:N (N machines made by rule)",
    )
    parser.add_argument("--vm-page-size", type=int, default=DEFAULT_STATE["vm_page_size"], help="machines per page of the list at most (default: 3)")
    parser.add_argument(
        "--vm-transition-seconds",
        type=float,
        default=DEFAULT_STATE["vm_transition_seconds"],
        help="seconds a machine stays HIBERNATING, RESTORING, STARTING or STOPPING (default: 0.5)",
    )
    parser.add_argument("--vm-boot-seconds", type=float, default=DEFAULT_STATE["vm_boot_seconds"], help="seconds a new machine stays BUILD (default: 0.5)")
    parser.add_argument(
        "--vm-delete-seconds", type=float, default=DEFAULT_STATE["vm_delete_seconds"], help="seconds a deleted machine stays DELETING (default: 0.5)"
    )
    parser.add_argument(
        "--vm-quota",
        type=_quota_argument,
        action="append",
        default=[],
        metavar="ENVIRONMENT=N",
        help="the most machines an environment may hold (repeatable; default: %d each)" % DEFAULT_MAX_VMS,
    )
    parser.add_argument("--url-file", help="write the API URL (with /v1) to this file once listening")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    emulator = Emulator(
        args.host,
        args.port,
        verbose=args.verbose,
        api_key=args.api_key,
        credit=args.credit,
        threshold=args.threshold,
        rate_limit=args.rate_limit,
        rate_window=args.rate_window,
        latency=args.latency,
        vms=[] if args.vms == "none" else args.vms,
        vm_page_size=args.vm_page_size,
        vm_transition_seconds=args.vm_transition_seconds,
        vm_boot_seconds=args.vm_boot_seconds,
        vm_delete_seconds=args.vm_delete_seconds,
        vm_quota=dict(args.vm_quota),
    )
    if args.url_file:
        with open(args.url_file + ".tmp", "w") as handle:
            handle.write(emulator.api_url + "\n")
        os.replace(args.url_file + ".tmp", args.url_file)
    print("Hyperstack API emulator listening on %s" % emulator.api_url, flush=True)
    try:
        emulator.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
