# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
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
  505-511), ``vm_page_size`` (the most machines a page holds, whatever ``pageSize`` asks;
  default 3), ``vm_transition_seconds`` (how long a machine stays ``HIBERNATING`` or
  ``RESTORING`` before it is ``HIBERNATED`` or ``ACTIVE``; default 0.5) and
  ``unhibernatable_flavors`` (flavor names whose machines hibernate answers 400 for; default
  n3-RTX-A4000x1 and the CPU-only ones). Hibernate answers 400 too for a machine not ``ACTIVE``,
  restore for one not ``HIBERNATED``, both 404 for an unknown id. ``retain_ip`` false (the
  default) releases the ``floating_ip`` (null once ``HIBERNATED``; restore gives a new one).
  Each machine bills in ``GET /billing/billing/usage`` (its row by ``resource_id``, added when
  ``usage`` has none, name and ``bill_per_minute`` from the machine): ``ACTIVE`` and ``SHUTOFF``
  its flavor's pricebook price / 60 (GPU value x gpu_count; CPU-only vCPU x cpu + RAM x ram),
  ``HIBERNATED`` its root disk (flavor disk x Cloud-SSD) plus PublicIP if it kept its address,
  a transitional status and ``ERROR`` nothing.
- ``POST /_emulator/faults``: queue faults, each served instead of the next API
  request: ``{"status": 503, "body": ..., "headers": {...}, "times": 1}``, or an
  ``action``: ``hang``, ``reset``, ``close``, ``echo_key``, ``oversized`` (``size``,
  ``declare_length``), ``truncated``, ``drip`` (``delay`` per byte). ``times: -1``
  repeats a fault for ever; ``path`` (e.g. ``/billing/billing/usage``) serves it only to
  requests of that path, whose order is not known when a task reads several at once;
  ``acted: true`` carries the request out first (a hibernation starts), then serves the fault
  instead of its answer: an answer lost after the API acted; ``skip: N`` lets N requests it would
  be served to pass first.
- ``GET /_emulator/requests``: what the API endpoints received (path and
  query string), newest last, without the key itself (``api_key_sent`` and ``api_key_valid`` say what came).
- ``POST /_emulator/reset``: back to the start-up state.

Run ``python3 emulator/hyperstack_emulator.py --help`` for the command line.
"""

from __future__ import annotations

import argparse
import copy
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
from urllib.parse import parse_qs, quote, urlsplit

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

# Where machines run: an environment is a named place in one region.
ENVIRONMENTS = {
    env["name"]: env
    for env in (
        {"id": 11, "name": "default-NORWAY-1", "org_id": 42, "region": "NORWAY-1", "features": {"network_optimised": True, "green_status": "GREEN"}},
        {"id": 12, "name": "ml-CANADA-1", "org_id": 42, "region": "CANADA-1", "features": {"network_optimised": True, "green_status": "PARTIALLY_GREEN"}},
        {"id": 13, "name": "prod-US-1", "org_id": 42, "region": "US-1", "features": {"network_optimised": False, "green_status": "NOT_GREEN"}},
    )
}

# (power_state, vm_state) of each status, as the API shows them (hibernation shelves the machine).
VM_STATES = {
    "ACTIVE": ("RUNNING", "active"),
    "SHUTOFF": ("SHUTDOWN", "stopped"),
    "HIBERNATING": ("RUNNING", "active"),
    "HIBERNATED": ("SHUTDOWN", "shelved_offloaded"),
    "RESTORING": ("SHUTDOWN", "shelved_offloaded"),
    "ERROR": ("NOSTATE", "error"),
}

# The public docs name RTX A4000 and the CPU-only flavors as unable to hibernate (and H100 SXM5 in US-1, not offered here).
UNHIBERNATABLE_FLAVORS = ["n3-RTX-A4000x1", "n1-cpu-small", "n1-cpu-medium", "n1-cpu-large"]


def _vm(vid, name, flavor_id, environment, status, labels, created_at, fixed_ip, floating_ip, volumes=()):
    flavor = next(f for f in FLAVORS if f["id"] == flavor_id)
    env = ENVIRONMENTS[environment]
    assert flavor["region_name"] == env["region"], (name, flavor["region_name"], env["region"])
    power_state, vm_state = VM_STATES[status]
    return {
        "id": vid,
        "name": name,
        "status": status,
        "power_state": power_state,
        "vm_state": vm_state,
        "labels": list(labels),
        "flavor": {key: copy.deepcopy(flavor[key]) for key in ("id", "name", "cpu", "ram", "disk", "ephemeral", "gpu", "gpu_count", "labels", "features")},
        "environment": copy.deepcopy(env),
        "image": {"name": "Ubuntu Server 22.04 LTS R535 CUDA 12.2" if flavor["gpu"] else "Ubuntu Server 22.04 LTS"},
        "keypair": {"name": "ops-key"},
        "os": "Ubuntu Server 22.04 LTS",
        "fixed_ip": fixed_ip,
        "floating_ip": floating_ip,
        "floating_ip_status": "ATTACHED" if floating_ip else "NOT_ATTACHED",
        "requires_public_ip": floating_ip is not None,
        "port_randomization": False,
        "port_randomization_status": "DISABLED",
        "callback_url": None,
        "contract_id": None,
        "locked": False,
        "created_at": created_at,
        "features": {},
        "security_rules": [
            {
                "id": vid * 10,
                "direction": "ingress",
                "ethertype": "IPv4",
                "protocol": "tcp",
                "port_range_min": 22,
                "port_range_max": 22,
                "remote_ip_prefix": "0.0.0.0/0",
                "status": "SUCCESS",
                "created_at": created_at,
            }
        ],
        "volume_attachments": [
            {
                "id": vid * 10 + i,
                "device": "/dev/vd%s" % "bcdefg"[i],
                "protected": False,
                "status": "ATTACHED",
                "created_at": created_at,
                "volume": {"id": vol_id, "name": vol_name, "size": size, "volume_type": "Cloud-SSD", "bootable": False, "description": ""},
            }
            for i, (vol_id, vol_name, size) in enumerate(volumes)
        ],
    }


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


class BadRequest(Exception):
    """A request the API refuses with 400 and its error model."""


class NotFound(Exception):
    """A request for something that does not exist: 404 and the error model."""


def _vms(value):
    if value == "fleet":
        return copy.deepcopy(VM_FLEET)
    if not isinstance(value, list) or not all(isinstance(vm, dict) and "id" in vm for vm in value):
        raise ValueError('vms is a list of machines (objects with an id), or "fleet"')
    return value


class EmulatorState:
    """Everything the emulator serves, guarded by one lock (requests come on many threads)."""

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
            # Machines in a transitional status: id -> (when it ends, the fields it ends with).
            self.vm_pending = {}
            self.vm_addresses = 0

    def update(self, changes):
        with self.lock:
            changes = dict(changes)
            unknown = set(changes) - set(DEFAULT_STATE) - {"month_to_date"}
            if unknown:
                raise ValueError("unknown state keys: %s" % ", ".join(sorted(unknown)))
            if "month_to_date" in changes:
                spent = changes.pop("month_to_date")
                changes["billing_history"] = [_history_row("month", spent, spent, 0.0)]
            if "vms" in changes:
                changes["vms"] = _vms(changes["vms"])
                self.vm_pending = {}
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
        state = copy.deepcopy(self.state)
        state["credit"] = self._credit_now()
        return state

    # -- virtual machines (called with the lock held, or taking it) ----------------

    def _settle(self):
        """End the transitions whose time has come."""
        now = time.monotonic()
        for vid, (until, fields) in list(self.vm_pending.items()):
            if now >= until:
                del self.vm_pending[vid]
                vm = self._vm(vid)
                if vm is not None:
                    vm.update(fields)

    def _vm(self, vid):
        return next((vm for vm in self.state["vms"] if vm.get("id") == vid), None)

    def _transition(self, vm, passing, final, **fields):
        power_state, vm_state = VM_STATES[passing]
        vm.update(status=passing, power_state=power_state, vm_state=vm_state)
        power_state, vm_state = VM_STATES[final]
        fields.update(status=final, power_state=power_state, vm_state=vm_state)
        self.vm_pending[vm["id"]] = (time.monotonic() + float(self.state["vm_transition_seconds"] or 0), fields)

    def _known_vm(self, vid):
        self._settle()
        vm = self._vm(vid)
        if vm is None:
            raise NotFound("Virtual machine %d not found" % vid)
        return vm

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
                self.vm_addresses += 1
                fields = {"floating_ip": "38.80.125.%d" % self.vm_addresses, "floating_ip_status": "ATTACHED"}
            self._transition(vm, "RESTORING", "ACTIVE", **fields)

    def add_faults(self, faults):
        with self.lock:
            for fault in faults:
                if not isinstance(fault, dict):
                    raise ValueError("each fault is a JSON object")
                self.faults.append(dict(fault))

    def next_fault(self, path=None):
        """The first queued fault for a request of path: one without a path, or with that path."""
        with self.lock:
            index = next((i for i, fault in enumerate(self.faults) if fault.get("path") in (None, path)), None)
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
        if route is None:
            for route_method, pattern, handler in PATTERN_ROUTES:
                match = re.fullmatch(pattern, path) if route_method == method else None
                if match:
                    # Acting on the live state, not on the snapshot: the emulator comes first.
                    route, args = handler, (self.emu, int(match.group(1))) + ((body,) if method != "GET" else ())
                    break
        fault = self.emu.next_fault(path)
        if fault is not None:
            if fault.get("acted") and route is not None and sent_key == state["api_key"]:
                # The API carried the request out, and then its answer was lost.
                try:
                    route(state, parse_qs(urlsplit(self.path).query), *args)
                except (BadRequest, NotFound):
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
            self._send_json(200, route(state, parse_qs(urlsplit(self.path).query), *args))
        except BadRequest as exc:
            self._send_json(400, _error_body(exc.args[0], "Bad Request"))
        except NotFound as exc:
            self._send_json(404, _error_body(exc.args[0], "Not Found"))

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
    rows = state["usage"]
    for vm in state["vms"]:
        row = next((r for r in rows if r.get("resource_type") == "vm" and r.get("resource_id") == vm["id"]), None)
        if row is None:
            row = _resource(vm["id"], "vm", vm.get("name"), None)
            row.update(create_time=vm.get("created_at"), total_up_time=0.0, total_bill=0.0)
            rows.append(row)
        row.update(name=vm.get("name"), bill_per_minute=vm_bill_per_minute(vm, state["pricebook"]))
    return {"status": True, "message": "Success", "data": rows}


def _dollars(value):
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def flavor_price_per_hour(flavor, pricebook):
    """A machine of flavor at its pricebook price, as the collection prices it: the GPU's value x
    gpu_count, or for a CPU-only flavor vCPU x cpu + RAM x ram (a KeyError when a price is missing)."""
    prices = {entry["name"].casefold(): _dollars(entry["value"]) for entry in pricebook}
    if flavor.get("gpu"):
        return prices[flavor["gpu"].casefold()] * int(flavor.get("gpu_count") or 0)
    return prices["vcpu (cpu-only-flavors)"] * int(flavor["cpu"]) + prices["ram (cpu-only-flavors)"] * _dollars(flavor["ram"])


def vm_price_per_hour(vm, pricebook):
    """What a machine bills an hour in its status (a Decimal): ACTIVE and SHUTOFF its flavor's price, HIBERNATED
    its root disk (flavor disk GB x Cloud-SSD) and the public IP it kept (PublicIP), any other status nothing."""
    status, flavor = vm.get("status"), vm.get("flavor") or {}
    if status in ("ACTIVE", "SHUTOFF"):
        return flavor_price_per_hour(flavor, pricebook)
    if status == "HIBERNATED":
        prices = {entry["name"].casefold(): _dollars(entry["value"]) for entry in pricebook}
        return prices["cloud-ssd"] * int(flavor.get("disk") or 0) + (prices["publicip"] if vm.get("floating_ip") else 0)
    return Decimal(0)


def vm_bill_per_minute(vm, pricebook):
    """The bill_per_minute of a machine's usage row: its hourly price / 60 (null when the pricebook lacks a price)."""
    try:
        return float(vm_price_per_hour(vm, pricebook) / 60)
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


def _query_bool(query, name):
    value = query.get(name, ["false"])[0]
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


ROUTES = {
    ("GET", "/billing/user-credit/credit"): _credit,
    ("GET", "/billing/billing/last-day-cost"): _last_day_cost,
    ("GET", "/pricebook"): lambda state, query: state["pricebook"],
    ("GET", "/core/flavors"): _flavors,
    ("GET", "/billing/billing/usage"): _usage,
    ("GET", "/billing/billing/history"): _billing_history,
    ("GET", "/core/virtual-machines"): _list_vms,
}

# Paths with a machine's id in them: the handler gets (state, query, the EmulatorState, the id).
PATTERN_ROUTES = [
    ("GET", r"/core/virtual-machines/(\d+)", _get_vm),
    ("GET", r"/core/virtual-machines/(\d+)/hibernate", _hibernate_vm),
    ("GET", r"/core/virtual-machines/(\d+)/hibernate-restore", _restore_vm),
    ("PUT", r"/core/virtual-machines/(\d+)/label", _label_vm),
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
    parser.add_argument("--vms", choices=("none", "fleet"), default="none", help="the machines it serves: none (default) or the ready-made fleet of eight")
    parser.add_argument("--vm-page-size", type=int, default=DEFAULT_STATE["vm_page_size"], help="machines per page of the list at most (default: 3)")
    parser.add_argument(
        "--vm-transition-seconds",
        type=float,
        default=DEFAULT_STATE["vm_transition_seconds"],
        help="seconds a machine stays HIBERNATING or RESTORING (default: 0.5)",
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
