# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the unit tests share: the secret, real loopback servers, checks of a failure message, the
OpenAPI contract checks, a module run as Ansible runs it, and the sample price list of the estimate.

Imported as ansible_collections.nexgencloud.hyperstack.tests.unit.support (conftest.py makes
sure the collection tree is importable), so it is one module however a test reaches it.
"""

from __future__ import annotations

import copy
import http
import importlib
import importlib.util
import json
import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackClient
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info

# The collection root (…/ansible_collections/nexgencloud/hyperstack).
ROOT = Path(__file__).resolve().parents[2]

# Every module's declaration (HyperstackModule), by name, from its file under plugins/modules.
MODULES = {
    path.stem: importlib.import_module("ansible_collections.nexgencloud.hyperstack.plugins.modules." + path.stem).MODULE
    for path in sorted((ROOT / "plugins" / "modules").glob("hyperstack_*.py"))
}
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Distinctive, so a scan of any output for it cannot match by chance.
KEY = "hs-SECRET-6f1c9a"
# The same, with characters whose JSON-escaped and URL-quoted forms differ from the raw key.
SPECIAL_KEY = 'hs-SECRET-6f1c9a/+"=&\\'


def _load_emulator():
    name = "hyperstack_emulator"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "emulator" / "hyperstack_emulator.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


emulator_module = _load_emulator()
Emulator = emulator_module.Emulator


def secret_forms(key):
    """Every way a server or a log could spell the key: raw, JSON-escaped, URL-quoted."""
    return {key, json.dumps(key)[1:-1], quote(key, safe=""), quote(key)}


def find_secret(text, key=KEY, served=""):
    """The first form or 6-character piece of key found in text, else None.

    Pieces catch a key cut in half by a message's length limit, which a plain substring
    search would miss. A piece the server sent by itself (in served, outside any whole
    key) is the server's text, not a leak.
    """
    forms = secret_forms(key)
    for form in forms:
        if form in text:
            return form
    for form in sorted(forms, key=len, reverse=True):
        served = served.replace(form, "\0")
    for start in range(len(key) - 5):
        piece = key[start : start + 6]
        if piece in text and piece not in served:
            return piece
    return None


def check_message(msg, key=KEY, served=""):
    """A failure message fit for a user: one line, no traceback, no key."""
    assert isinstance(msg, str) and msg.strip(), msg
    assert "\n" not in msg and "\r" not in msg, "the message is not one line: %r" % msg
    assert "Traceback" not in msg, msg
    leaked = find_secret(msg, key, served)
    assert leaked is None, "the message leaks the key (%r): %r" % (leaked, msg)
    return msg


def resolve_refs(spec, node):
    """node of an OpenAPI document with every $ref replaced by its target in spec's components."""
    if isinstance(node, dict):
        if "$ref" in node:
            prefix = "#/components/schemas/"
            assert node["$ref"].startswith(prefix), node["$ref"]
            return resolve_refs(spec, spec["components"]["schemas"][node["$ref"][len(prefix) :]])
        return {key: resolve_refs(spec, value) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve_refs(spec, item) for item in node]
    return node


def response_schema(spec, path, status):
    """The JSON schema of the spec's answer to GET path with status, its $refs resolved."""
    return resolve_refs(spec, spec["paths"][path]["get"]["responses"][str(status)]["content"]["application/json"]["schema"])


def with_nulls(schema, nullable):
    """schema with null allowed for the properties named in nullable, at every level: what the docs show as null
    the spec does not mark nullable."""
    if isinstance(schema, dict):
        schema = {key: with_nulls(value, nullable) for key, value in schema.items()}
        for name in nullable & set(schema.get("properties", {})):
            schema["properties"][name] = {"anyOf": [schema["properties"][name], {"type": "null"}]}
    return schema


def strict(schema):
    """The schema with every property required and no other allowed, at every level.

    The spec marks nothing required, so any object would pass it; the emulator is held to
    the stricter reading that it sends exactly the documented fields.
    """
    schema = copy.deepcopy(schema)
    if schema.get("type") == "object" and "properties" in schema:
        schema["required"] = sorted(schema["properties"])
        schema["additionalProperties"] = False
        schema["properties"] = {name: strict(sub) for name, sub in schema["properties"].items()}
    return schema


def validate(document, schema):
    """Assert that document is valid against the JSON schema, naming every error."""
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(document))
    assert not errors, [e.message for e in errors]


def get_json(url, key=KEY):
    """(status, Content-Type, parsed body) of a GET of url with the key in its api_key header."""
    request = urllib.request.Request(url, headers={"api_key": key})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # nosec - loopback emulator
            return answer.status, answer.headers.get("Content-Type"), json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), json.loads(error.read())


def failed_get(emu, path, status):
    """(status, body) of a GET of path that fails with status: a wrong key (401), a wrong path (404), or an injected fault."""
    if status == 401:
        got, dummy, body = get_json(emu.api_url + path, key="hs-wrong-key")
    elif status == 404:
        got, dummy, body = get_json(emu.api_url + path + "/nope")
    else:
        emu.state.add_faults([{"status": status}])
        got, dummy, body = get_json(emu.api_url + path)
    return got, body


def make_client(api_url, api_key=KEY, **options):
    """A client with small timeouts, so a fault test ends in seconds; it may act, as the client of a module that
    changes things, not in check mode (a client's default may not)."""
    params = dict(api_key=api_key, api_url=api_url, api_timeout=1.0, api_retries=0, api_retry_max_delay=0.2, validate_certs=True, ca_path=None, may_act=True)
    params.update(options)
    return HyperstackClient(**params)


def fetch_failure(endpoint, client, key=KEY):
    """Run endpoint.fetch(client), which must fail with a clean HyperstackError; return it."""
    try:
        facts = endpoint.fetch(client)
    except HyperstackError as exc:
        check_message(exc.msg, key)
        return exc
    raise AssertionError("expected a failure, got facts %r" % (facts,))


def refused(call, *args, **kwargs):
    """The clean message of the HyperstackError that call(*args, **kwargs) must raise."""
    with pytest.raises(HyperstackError) as caught:
        call(*args, **kwargs)
    return check_message(caught.value.msg)


def api_requests(emu, *paths):
    """What the emulator's API endpoints received for paths, oldest first."""
    with emu.state.lock:
        return [r for r in emu.state.requests if r["path"] in paths]


# -- the emulator's fleet of virtual machines (the tests of _reads, _tasks and _hibernation) ------

LIST = "/core/virtual-machines"
FLEET = {501: "train-01", 505: "train-02", 506: "infer-01", 507: "dev-a4000", 508: "web-01", 509: "render-01", 510: "parked-a100x8", 511: "broken-01"}
STATUSES = {501: "ACTIVE", 505: "ACTIVE", 506: "ACTIVE", 507: "ACTIVE", 508: "ACTIVE", 509: "SHUTOFF", 510: "HIBERNATED", 511: "ERROR"}
HIBERNATION = "nexgencloud.hyperstack.hyperstack_vm_hibernation"


@pytest.fixture
def fleet(emu):
    """The emulator holding its fleet of virtual machines (FLEET, STATUSES), each change of state taking 0.2 s.
    A test file takes it as fleet = support.fleet: pytest looks for a fixture only in the test file and conftest.py."""
    emu.state.update({"vms": "fleet", "vm_transition_seconds": 0.2})
    return emu


def hibernation(emu, check_mode=False, diff=False, **args):
    """hyperstack_vm_hibernation on emu as its action plugin runs it in the controller (wait_timeout 20 unless given)."""
    args = dict(dict(api_key=KEY, api_url=emu.api_url, wait_timeout=20), **args)
    return run_info(MODULES["hyperstack_vm_hibernation"], args, {}, HIBERNATION, check_mode=check_mode, diff=diff)


def statuses(emu):
    """Each machine's status in the emulator, by id."""
    with emu.state.lock:
        return {vm["id"]: vm["status"] for vm in emu.state.state["vms"]}


def acts(emu):
    """The hibernate and restore requests the emulator received: (id, what, query)."""
    with emu.state.lock:
        paths = [(r["path"], r["query"]) for r in emu.state.requests]
    return [(int(p.split("/")[3]), p.split("/")[4], q) for p, q in paths if p.startswith(LIST + "/") and p.split("/")[-1] in ("hibernate", "hibernate-restore")]


def changing(emu):
    """The requests the emulator received that are not GETs (the label PUTs): (method, path, body)."""
    with emu.state.lock:
        return [(r["method"], r["path"], r.get("body")) for r in emu.state.requests if r["method"] != "GET"]


# -- a module run as Ansible runs it (a child Python reading its arguments) ---------


# Runs a module as python -m would, in a Python where the named libraries cannot be imported
# (sys.modules[name] = None makes "import name" fail, as when it is not installed).
_WITHOUT = """
import runpy, sys
for name in sys.argv.pop(1).split(","):
    sys.modules[name] = None
runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)
"""


def run_module(collection_tree, module, args, env=None, without=None, cwd=None):
    """(exit status, result) of a module run in a child Python as Ansible runs it, its arguments in a file
    (in the working directory cwd, default this one's)."""
    args_file = collection_tree / ".." / ("args-%d.json" % os.getpid())
    args_file = args_file.resolve()
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    try:
        environment = dict(os.environ, PYTHONPATH=str(collection_tree), **(env or {}))
        for name in ("HYPERSTACK_API_KEY", "HYPERSTACK_API_URL", "HYPERSTACK_API_ADDRESS"):
            if name not in (env or {}):
                environment.pop(name, None)
        name = "ansible_collections.nexgencloud.hyperstack.plugins.modules.%s" % module
        done = subprocess.run(
            [sys.executable, "-c", _WITHOUT, ",".join(without), name, str(args_file)] if without else [sys.executable, "-m", name, str(args_file)],
            env=environment,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        args_file.unlink()
    if not without:
        assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout)


# -- the estimate's sample flavors and price list, and Terraform plans ---------------

FLAVORS = [
    {"name": "n3-A100x1", "region_name": "NORWAY-1", "gpu": "A100-80G-PCIe", "gpu_count": 1, "cpu": 28, "ram": 120.0, "stock_available": False},
    {"name": "n3-A100x1", "region_name": "CANADA-1", "gpu": "A100-80G-PCIe", "gpu_count": 1, "cpu": 28, "ram": 120.0, "stock_available": True},
    {"name": "n3-H100x8", "region_name": "US-1", "gpu": "H100-80G-PCIe", "gpu_count": 8, "cpu": 252, "ram": 1440.0, "stock_available": True},
    {"name": "n1-cpu-small", "region_name": "US-1", "gpu": "", "gpu_count": 0, "cpu": 4, "ram": 16.5, "stock_available": True},
]
PRICES = [
    {"name": "a100-80g-pcie", "value": 1.35},
    {"name": "H100-80G-PCIE", "value": 1.9},
    {"name": "vCPU (CPU-only-flavors)", "value": 0.1},
    {"name": "ram (cpu-only-flavors)", "value": 0.2},
    {"name": "Cloud-SSD", "value": 0.000082},
    {"name": "publicip", "value": 0.00672},
]


def terraform_plan_json(*changes, **top):
    """The text of a Terraform plan (terraform show -json) with these resource_changes."""
    return json.dumps(dict({"format_version": "1.2", "planned_values": {}, "resource_changes": list(changes)}, **top))


def terraform_create(kind, after=None, address=None, provider="registry.terraform.io/nexgencloud/hyperstack"):
    """A resource_changes entry of a Terraform plan that creates a resource of this type."""
    return {"address": address or kind + ".x", "type": kind, "provider_name": provider, "change": {"actions": ["create"], "after": after or {}}}


def credit_facts(credit=300, threshold=100):
    """The credit facts the client reads, for this credit and threshold."""
    return {"credit": credit, "threshold": threshold, "headroom": credit - threshold, "can_create_instance": None}


# -- a loopback HTTP server whose every answer the test scripts -----------------


class Request:
    """One request as the server read it off the socket."""

    def __init__(self, method, target, headers, body=b""):
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)


def _reason(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def respond(status=200, body=b"", headers=None, reason=None, length=True, content_type="application/json"):
    """An answer: status line, headers, body; the connection closes after it."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()

    def action(conn, request, server):
        lines = ["HTTP/1.1 %d %s" % (status, _reason(status) if reason is None else reason)]
        if content_type:
            lines.append("Content-Type: %s" % content_type)
        if length:
            lines.append("Content-Length: %d" % len(body))
        for name, value in (headers or {}).items():
            lines.append("%s: %s" % (name, value))
        lines.append("Connection: close")
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    return action


def hang(seconds=30):
    """Accept the request and never answer (until the server is reset or closed)."""

    def action(conn, request, server):
        server.wake.wait(seconds)

    return action


def reset_connection():
    """Drop the connection with a TCP reset instead of an answer."""

    def action(conn, request, server):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return action


def trickle(part, delay, body=None):
    """Send a valid answer with one part of it (status, headers or body) a byte every delay
    seconds and the rest at once: each byte well within any read timeout, the whole never."""
    body = json.dumps(body or credit_body()).encode()
    parts = {
        "status": b"HTTP/1.1 200 OK\r\n",
        "headers": b"Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\nX-Padding: %s\r\n\r\n" % (len(body), b"p" * 64),
        "body": body,
    }

    def action(conn, request, server):
        for name in ("status", "headers", "body"):
            if name != part:
                conn.sendall(parts[name])
                continue
            for i in range(len(parts[name])):
                if server.wake.wait(delay):
                    return
                conn.sendall(parts[name][i : i + 1])

    return action


def at_once(action):
    """action, run as soon as a connection is accepted, without reading a request: with hang(), a
    server that never reads a word; with respond(), one that answers a TLS hello in plain HTTP."""
    action.at_once = True
    return action


def pipe(source, sink, delay=0.0, stop=None):
    """Forward what source sends to sink until either closes (or stop is set); with a delay, one
    byte every delay seconds. For the loopback proxies of the tests."""
    stop = stop or threading.Event()
    try:
        while not stop.is_set():
            data = source.recv(1 if delay else 65536)
            if not data or stop.wait(delay):
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        sink.close()


class Proxy:
    """A loopback proxy. Without upstream: an HTTP proxy that tunnels each CONNECT to its target and
    records the head of each request in heads. With upstream (a port on loopback): it forwards every
    connection there, sending what comes back a byte every delay seconds (a TLS handshake trickles)."""

    def __init__(self, upstream=None, delay=0.0):
        self.upstream = upstream
        self.delay = delay
        self.heads = []
        self.stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client = self._listener.accept()[0]
            except OSError:
                return
            threading.Thread(target=self._forward, args=(client,), daemon=True).start()

    def _forward(self, client):
        if self.upstream is None:
            head = b""
            while b"\r\n\r\n" not in head:
                data = client.recv(4096)
                if not data:
                    client.close()
                    return
                head += data
            self.heads.append(head.decode("latin-1"))
            host, port = head.split()[1].decode().rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            upstream = socket.create_connection(("127.0.0.1", self.upstream))
        threading.Thread(target=pipe, args=(client, upstream, 0, self.stop), daemon=True).start()
        pipe(upstream, client, self.delay, self.stop)

    def close(self):
        self.stop.set()
        self._listener.close()


class ScriptedServer:
    """A loopback HTTP/1.1 server on raw sockets: each connection gets the next scripted action.

    Raw sockets let a test send what an HTTP server library would refuse to: any status
    code, a lying Content-Length, bytes that are not UTF-8, a reset, a hang, a trickle.
    """

    def __init__(self, ssl_context=None, address="127.0.0.1"):
        self.ssl_context = ssl_context
        self.sock = socket.create_server((address, 0))
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.script = []
        self.default = None
        self.requests = []
        self.connections = 0
        self.tls_failures = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path="/v1"):
        return "%s://127.0.0.1:%d%s" % ("https" if self.ssl_context else "http", self.port, path)

    def answer(self, *actions):
        """Queue actions, one per coming request."""
        with self.lock:
            self.script.extend(actions)

    def always(self, action):
        """The action for every request once the queue is empty."""
        with self.lock:
            self.default = action

    def only(self, action):
        """Answer every request with action from now on, forgetting what came before (cheap: for fuzzing)."""
        with self.lock:
            self.script, self.default, self.requests = [], action, []

    def reset(self):
        self.wake.set()
        with self.lock:
            self.script, self.default, self.requests, self.connections, self.tls_failures = [], None, [], 0, []
        # Hung handlers have returned by now or soon; new ones must wait again.
        time.sleep(0.01)
        self.wake.clear()

    def close(self):
        self._closed = True
        self.wake.set()
        self.sock.close()

    def _accept(self):
        while not self._closed:
            try:
                conn, dummy = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with self.lock:
            self.connections += 1
        try:
            if self.ssl_context is not None:
                try:
                    conn = self.ssl_context.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError) as exc:
                    with self.lock:
                        self.tls_failures.append(str(exc))
                    return
            with self.lock:
                first = self.script[0] if self.script else self.default
                if getattr(first, "at_once", False):
                    if self.script:
                        self.script.pop(0)
                else:
                    first = None
            if first is not None:
                first(conn, None, self)
                return
            conn.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head:
                data = conn.recv(65536)
                if not data:
                    return
                head += data
            lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, target = lines[0].split(" ")[:2]
            headers = {}
            for line in lines[1:]:
                name, dummy, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            # The body the request declares (a POST's or PUT's JSON), up to a MiB.
            body = head.split(b"\r\n\r\n", 1)[1]
            declared = int(headers.get("content-length", "0") or 0)
            while len(body) < min(declared, 1 << 20):
                data = conn.recv(65536)
                if not data:
                    break
                body += data
            request = Request(method, target, headers, body)
            with self.lock:
                self.requests.append(request)
                action = self.script.pop(0) if self.script else self.default
            if action is None:
                action = respond(599, {"status": False, "message": "the test scripted no answer"})
            action(conn, request, self)
        except OSError:
            pass  # the client went away first, as it may
        finally:
            try:
                conn.close()
            except OSError:
                pass


def credit_body(credit=10.0, threshold=0.0, can_create_instance=True, **extra):
    data = {"credit": credit, "threshold": threshold}
    if can_create_instance is not None:
        data["can_create_instance"] = can_create_instance
    return dict({"status": True, "message": "Success", "data": data}, **extra)


__all__ = [
    "Emulator",
    "FIXTURES",
    "FLAVORS",
    "HyperstackError",
    "KEY",
    "PRICES",
    "ROOT",
    "SPECIAL_KEY",
    "Proxy",
    "ScriptedServer",
    "api_requests",
    "validate",
    "check_message",
    "credit_body",
    "at_once",
    "failed_get",
    "fetch_failure",
    "find_secret",
    "get_json",
    "hang",
    "make_client",
    "pipe",
    "refused",
    "reset_connection",
    "resolve_refs",
    "respond",
    "run_module",
    "secret_forms",
    "strict",
    "terraform_plan_json",
    "trickle",
]


def play_locally(play, collection_tree, tmp_path, *flags):
    """A real ansible-playbook run of play (a dict) on localhost with the collection of collection_tree and the key
    in HYPERSTACK_API_KEY, none of this machine's HYPERSTACK_ or ANSIBLE_ settings: the finished process."""
    playbook = tmp_path / "play.yml"
    playbook.write_text(json.dumps([play]))
    environ = dict(
        {k: v for k, v in os.environ.items() if not k.startswith(("HYPERSTACK_", "ANSIBLE_"))},
        HYPERSTACK_API_KEY=KEY,
        ANSIBLE_COLLECTIONS_PATH=str(collection_tree),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "local"),
        ANSIBLE_CONFIG=str(tmp_path / "none.cfg"),
        ANSIBLE_NOCOLOR="1",
    )
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local", *flags]
    command += ["-e", "ansible_python_interpreter=%s" % sys.executable, str(playbook)]
    return subprocess.run(command, cwd=str(tmp_path), env=environ, capture_output=True, text=True, timeout=180, check=False)
