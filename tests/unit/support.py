# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the unit tests share: the secret, real loopback servers and checks of a failure message.

Imported as ansible_collections.nexgencloud.hyperstack.tests.unit.support (conftest.py makes
sure the collection tree is importable), so it is one module however a test reaches it.
"""

from __future__ import annotations

import http
import importlib.util
import json
import socket
import ssl
import struct
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackClient, HyperstackError

# The collection root (…/ansible_collections/nexgencloud/hyperstack).
ROOT = Path(__file__).resolve().parents[2]
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
            return resolve_refs(spec, spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
        return {key: resolve_refs(spec, value) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve_refs(spec, item) for item in node]
    return node


def make_client(api_url, api_key=KEY, **options):
    """A client with small timeouts, so a fault test ends in seconds."""
    params = dict(api_key=api_key, api_url=api_url, api_timeout=1.0, api_retries=0, api_retry_max_delay=0.2, validate_certs=True, ca_path=None)
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


# -- a loopback HTTP server whose every answer the test scripts -----------------


class Request:
    """One request as the server read it off the socket."""

    def __init__(self, method, target, headers):
        self.method = method
        self.target = target
        self.headers = headers

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


def drip(body, delay, status=200):
    """Send a valid head at once, then the body one byte every delay seconds."""
    body = body if isinstance(body, bytes) else json.dumps(body).encode()

    def action(conn, request, server):
        conn.sendall(b"HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (status, len(body)))
        for i in range(len(body)):
            if server.wake.wait(delay):
                return
            conn.sendall(body[i : i + 1])

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


def echo_key(status=401):
    """A careless server that repeats the key it got, raw, JSON-escaped and URL-quoted, in body and headers."""

    def action(conn, request, server):
        sent = request.header("api_key", "")
        document = {
            "status": False,
            "message": "Invalid API key %s" % sent,
            "error_reason": "key %s (%s) is not valid" % (quote(sent, safe=""), json.dumps(sent)),
        }
        # json.dumps escapes the key's quote and backslash: its JSON-escaped form goes on the wire.
        respond(status, document, headers={"X-Echo-Api-Key": sent, "WWW-Authenticate": "api_key=%s" % quote(sent)})(conn, request, server)

    return action


class ScriptedServer:
    """A loopback HTTP/1.1 server on raw sockets: each connection gets the next scripted action.

    Raw sockets let a test send what an HTTP server library would refuse to: any status
    code, a lying Content-Length, bytes that are not UTF-8, a reset, a hang, a drip.
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
            request = Request(method, target, headers)
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
    "HyperstackError",
    "KEY",
    "ROOT",
    "SPECIAL_KEY",
    "ScriptedServer",
    "check_message",
    "credit_body",
    "drip",
    "echo_key",
    "fetch_failure",
    "find_secret",
    "hang",
    "make_client",
    "pipe",
    "reset_connection",
    "respond",
    "secret_forms",
    "trickle",
]
