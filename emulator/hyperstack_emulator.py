# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local emulator of the Hyperstack Infrahub API, for the demo, tests and benchmarks.

It serves the billing endpoints the collection reads, under /v1, the way the real
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
  credit keeping what it fell to), ``api_key``, ``rate_limit`` (requests per window,
  null for none), ``rate_window`` (seconds) and ``latency`` (seconds every API
  answer waits, as a round trip to the real API does).
- ``POST /_emulator/faults``: queue faults, each served instead of the next API
  request: ``{"status": 503, "body": ..., "headers": {...}, "times": 1}``, or an
  ``action``: ``hang``, ``reset``, ``close``, ``echo_key``, ``oversized`` (``size``,
  ``declare_length``), ``truncated``, ``drip`` (``delay`` per byte). ``times: -1``
  repeats a fault for ever; ``path`` (e.g. ``/billing/billing/usage``) serves it only to
  requests of that path, whose order is not known when a task reads several at once.
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
import socket
import struct
import sys
import threading
import time
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
}


def _error_body(message, reason):
    return {"status": False, "message": message, "error_reason": reason}


class BadRequest(Exception):
    """A request the API refuses with 400 and its error model."""


class EmulatorState:
    """Everything the emulator serves, guarded by one lock (requests come on many threads)."""

    def __init__(self, **overrides):
        self.lock = threading.Lock()
        self.initial = dict(copy.deepcopy(DEFAULT_STATE), **overrides)
        self.reset()

    def reset(self):
        with self.lock:
            self.state = copy.deepcopy(self.initial)
            self.faults = []
            self.requests = []
            self.windows = {}
            self.credit_since = time.monotonic()

    def update(self, changes):
        with self.lock:
            changes = dict(changes)
            unknown = set(changes) - set(DEFAULT_STATE) - {"month_to_date"}
            if unknown:
                raise ValueError("unknown state keys: %s" % ", ".join(sorted(unknown)))
            if "month_to_date" in changes:
                spent = changes.pop("month_to_date")
                changes["billing_history"] = [_history_row("month", spent, spent, 0.0)]
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
        state = copy.deepcopy(self.state)
        state["credit"] = self._credit_now()
        return state

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
                self._send_json(200, self.emu.snapshot())
            elif path == "/state" and method == "POST":
                self._send_json(200, self.emu.update(self._read_json() or {}))
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
                self._send_json(200, self.emu.snapshot())
            else:
                self._send_json(404, {"error": "no control endpoint %s %s" % (method, path)})
        except (ValueError, TypeError) as exc:
            self._send_json(400, {"error": str(exc)})

    def _api(self, method, path):
        sent_key = self.headers.get("api_key")
        state = self.emu.snapshot()
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
            }
        )
        if self.emu.rate_limited(self.client_address[0]):
            self._send_json(429, _error_body("Too Many Requests", "rate limit exceeded"))
            return
        if state["latency"]:
            time.sleep(float(state["latency"]))
        fault = self.emu.next_fault(path)
        if fault is not None:
            self._fault(fault, sent_key)
            return
        if sent_key is None or sent_key != state["api_key"]:
            self._send_json(401, _error_body("No valid API key provided", "Unauthorized"))
            return
        route = ROUTES.get((method, path))
        if route is None:
            self._send_json(404, _error_body("Not Found", "no such endpoint: %s %s" % (method, path)))
            return
        try:
            self._send_json(200, route(state, parse_qs(urlsplit(self.path).query)))
        except BadRequest as exc:
            self._send_json(400, _error_body(exc.args[0], "Bad Request"))

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
    return {"status": True, "message": "Success", "data": state["usage"]}


ROUTES = {
    ("GET", "/billing/user-credit/credit"): _credit,
    ("GET", "/billing/billing/last-day-cost"): _last_day_cost,
    ("GET", "/pricebook"): lambda state, query: state["pricebook"],
    ("GET", "/core/flavors"): _flavors,
    ("GET", "/billing/billing/usage"): _usage,
    ("GET", "/billing/billing/history"): _billing_history,
}


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
    parser = argparse.ArgumentParser(description="Local emulator of the Hyperstack Infrahub API (billing endpoints).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: 0, any free port)")
    parser.add_argument("--api-key", default=os.environ.get("HYPERSTACK_EMULATOR_KEY", DEFAULT_STATE["api_key"]), help="the key it accepts")
    parser.add_argument("--credit", type=float, default=DEFAULT_STATE["credit"])
    parser.add_argument("--threshold", type=float, default=DEFAULT_STATE["threshold"])
    parser.add_argument("--rate-limit", type=int, default=None, help="requests per window per IP, then 429 for a window (real API: 500)")
    parser.add_argument("--rate-window", type=float, default=60.0, help="seconds (default: 60)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds each API answer waits (default: 0; 0.15 is a round trip to the real API)")
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
