# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Each failure's whole message, word for word, from its first character to its last.

The other tests check that a message holds the right facts; these pin the wording a user reads
(and a playbook may match on), so a change to any of it is a deliberate one.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest
import requests

from ansible_collections.nexgencloud.hyperstack.extensions.eda.plugins.event_source import credit as source
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _options
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import LOOKUP, MODULE, RULEBOOK
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import (
    KEY,
    MODULES,
    api_requests,
    credit_body,
    fetch_failure,
    hang,
    make_client,
    respond,
    run_module,
)

# The roles' declarations (plugin_utils/_roles.py), as these tests name them.
ROLE, GUARD = ROLES["nexgencloud.hyperstack.credit_gate"].caller, ROLES["nexgencloud.hyperstack.runway_guard"].caller

WHAT = re.escape(CREDIT.what)
PATH = re.escape(CREDIT.path)

CASES = [
    # (id, answers, client options, status_code, the whole message as a regular expression; {url} is the API URL)
    (
        "http-400",
        [respond(400, {"status": False, "message": "Bad Request", "error_reason": "organization id missing"})],
        {},
        400,
        r"HTTP 400 Bad Request from {url}: Bad Request \(error_reason: organization id missing\)",
    ),
    (
        "http-401",
        [respond(401, {"status": False, "message": "No valid API key provided", "error_reason": "Unauthorized"})],
        {},
        401,
        r"HTTP 401 Unauthorized from {url}: No valid API key provided \(error_reason: Unauthorized\); check api_key or HYPERSTACK_API_KEY",
    ),
    (
        "http-403",
        [respond(403, {"status": False, "message": "Forbidden", "error_reason": "Forbidden"})],
        {},
        403,
        r"HTTP 403 Forbidden from {url}: Forbidden; the key is valid but not allowed this call",
    ),
    (
        "http-404",
        [respond(404, {"status": False, "error_reason": "no such endpoint"})],
        {},
        404,
        r"HTTP 404 Not Found from {url} \(error_reason: no such endpoint\); check api_url, which should end in /v1",
    ),
    (
        "http-429-gave-up",
        [respond(429, {"status": False, "message": "Too Many Requests"})] * 2,
        {"api_retries": 1},
        429,
        r"HTTP 429 Too Many Requests from {url}: Too Many Requests; rate limited \(500 requests per minute per IP\); wait a minute"
        r" or raise api_retries \(gave up after 2 attempts\)",
    ),
    (
        "http-503-html",
        [respond(503, "<html>busy</html>", content_type="text/html")],
        {},
        503,
        r"HTTP 503 Service Unavailable from {url} \(the body is text/html, not the API's JSON error\); the API had a server error; try again later",
    ),
    ("http-418-no-body", [respond(418, b"")], {}, 418, r"HTTP 418 I'm a Teapot from {url}"),
    (
        "redirect",
        [respond(308, b"", headers={"Location": "https://api.example/v1"})],
        {},
        308,
        r"the API answered HTTP 308 with a redirect to https://api\.example/v1, which is not followed so the API key stays with {api};"
        r" set api_url to the final address",
    ),
    (
        "not-json",
        [respond(200, b"<html>hello</html>", content_type="text/html")],
        {},
        200,
        r"the response from {url} is not valid JSON \(text/html, 18 bytes\): Expecting value: line 1 column 1 \(char 0\)",
    ),
    (
        "not-json-untyped",
        [respond(200, b"hello", content_type=None)],
        {},
        200,
        r"the response from {url} is not valid JSON \(unknown type, 5 bytes\): Expecting value: line 1 column 1 \(char 0\)",
    ),
    ("too-deep", [respond(200, b"[" * 100000 + b"]" * 100000)], {}, 200, r"the response from {url} is nested too deeply to be the API's JSON"),
    (
        "status-false",
        [respond(200, {"status": False, "message": "Organization suspended", "error_reason": "unpaid"})],
        {},
        200,
        r"the API answered HTTP 200 with status false: Organization suspended \(error_reason: unpaid\)",
    ),
    ("status-false-bare", [respond(200, {"status": False})], {}, 200, r"the API answered HTTP 200 with status false: no message"),
    (
        "schema",
        [respond(200, {"status": True, "data": {"credit": "1", "threshold": None, "can_create_instance": 0}})],
        {},
        200,
        r"the response from {url} does not match the expected schema at \$\.data\.credit: expected a finite number, got \"1\" \(and 2 more problems\)",
    ),
    (
        "schema-one",
        [respond(200, {"status": True, "data": {"credit": 1, "threshold": 0, "can_create_instance": "yes"}})],
        {},
        200,
        r"the response from {url} does not match the expected schema at \$\.data\.can_create_instance: expected boolean, got \"yes\"",
    ),
    (
        "schema-maximum",
        [respond(200, {"status": True, "data": {"credit": 1e16, "threshold": 0}})],
        {},
        200,
        r"the response from {url} does not match the expected schema at \$\.data\.credit: 1e\+16 is greater than the maximum of 1000000000000000\.0",
    ),
    (
        "cap-declared",
        [respond(200, b"x" * 1048577)],
        {},
        None,
        r"the response body of 1048577 bytes from {url} is larger than the 1048576 byte cap",
    ),
    (
        "cap-streamed",
        [respond(200, b"x" * 1048577, length=False)],
        {},
        None,
        r"the response body from {url} is larger than the 1048576 byte cap",
    ),
    (
        "timeout-gave-up",
        [hang(5)] * 2,
        {"api_timeout": 0.3, "api_retries": 1},
        None,
        r"could not reach {url}: timed out: no complete answer within the api_timeout of 0\.3 seconds \(gave up after 2 attempts\)",
    ),
    (
        "not-decodable",
        [respond(200, b"not gzip", headers={"Content-Encoding": "gzip"})],
        {},
        None,
        r"the response body from {url} could not be decoded: error: Error -3 while decompressing data: incorrect header check",
    ),
]


@pytest.mark.parametrize("name, answers, options, status, expected", CASES, ids=[case[0] for case in CASES])
def test_the_whole_message(scripted, name, answers, options, status, expected):
    scripted.answer(*answers)
    scripted.always(respond(200, credit_body()))
    options = dict({"api_retries": 0, "api_retry_max_delay": 0.01}, **options)
    exc = fetch_failure(CREDIT, make_client(scripted.url(), **options))
    url = re.escape(scripted.url()) + PATH
    pattern = WHAT + ": " + expected.format(url=url, api=re.escape(scripted.url()))
    assert re.fullmatch(pattern, exc.msg), exc.msg
    assert exc.status_code == status


def test_the_whole_message_when_nothing_listens():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = "http://127.0.0.1:%d/v1" % sock.getsockname()[1]
    sock.close()  # nothing listens there now
    exc = fetch_failure(CREDIT, make_client(url, api_retries=0))
    assert re.fullmatch(WHAT + ": could not reach " + re.escape(url) + PATH + r": ConnectionRefusedError: \[Errno \d+\] Connection refused", exc.msg), exc.msg


def test_the_whole_message_when_the_name_does_not_resolve():
    # .invalid never resolves (RFC 6761).
    exc = fetch_failure(CREDIT, make_client("https://hyperstack-api.invalid/v1", api_retries=0))
    expected = (
        WHAT
        + ": could not reach https://hyperstack-api\\.invalid/v1"
        + PATH
        + r": could not resolve the host name hyperstack-api\.invalid \(\[Errno -?\d+\] [^()<>]+\)"
    )
    assert re.fullmatch(expected, exc.msg), exc.msg


def test_an_error_without_words_says_so():
    # The innermost error of the chain names itself even when it has no message of its own.
    client = make_client("http://127.0.0.1:1/v1")
    assert client._exc_reason(requests.exceptions.ConnectionError(OSError())) == "OSError: no detail"


# -- an empty key given while HYPERSTACK_API_KEY is set ---------------------------------------

EMPTY_KEY = "{key} is empty, and a value given, even an empty one, wins over the HYPERSTACK_API_KEY environment variable, which is set: {leave}"
EMPTY_KEY_MESSAGES = {
    "module": EMPTY_KEY.format(key="api_key", leave="leave api_key out of the task and of module_defaults to use the variable"),
    "lookup": EMPTY_KEY.format(key="api_key", leave="leave api_key= out of the lookup to use the variable"),
    "rulebook": EMPTY_KEY.format(key="api_key", leave="leave api_key out of the source's arguments to use the variable"),
    "role": EMPTY_KEY.format(
        key="hyperstack_api_key", leave="leave hyperstack_api_key undefined to use the variable (-e hyperstack_api_key= defines it, empty)"
    ),
}
CALLERS = {"module": MODULE, "lookup": LOOKUP, "rulebook": RULEBOOK, "role": ROLE}
GATE = MODULES["hyperstack_credit_gate_info"]


@pytest.mark.parametrize("caller", ["module", "role"])
@pytest.mark.parametrize("key", ["", " \t"], ids=["empty", "blank"])
def test_the_whole_message_of_an_empty_key_that_hides_the_environments(emu, caller, key):
    # In the controller, with the task's environment (its environment: keyword included).
    result = run_info(GATE, {"api_key": key, "api_url": emu.api_url}, {"HYPERSTACK_API_KEY": KEY}, "m", caller=CALLERS[caller])
    assert result["msg"] == EMPTY_KEY_MESSAGES[caller]
    assert api_requests(emu, "/billing/user-credit/credit") == []


def test_the_runway_guards_empty_key_is_named_as_its_variable(emu):
    result = run_info(GATE, {"api_key": "", "api_url": emu.api_url}, {"HYPERSTACK_API_KEY": KEY}, "m", caller=GUARD)
    assert result["msg"] == EMPTY_KEY_MESSAGES["role"]


def test_the_whole_message_of_an_empty_key_on_a_host(emu, collection_tree):
    # The module on a host reads the environment it runs in.
    rc, result = run_module(collection_tree, "hyperstack_credit_info", {"api_key": "", "api_url": emu.api_url}, {"HYPERSTACK_API_KEY": KEY})
    assert rc == 1 and result["msg"] == EMPTY_KEY_MESSAGES["module"]


def test_the_whole_message_of_an_empty_key_given_to_the_event_source():
    with pytest.raises(HyperstackError) as caught:
        source.settings({"api_key": ""}, {"HYPERSTACK_API_KEY": KEY})
    assert caught.value.msg == EMPTY_KEY_MESSAGES["rulebook"]


_LOOKUP = """
import sys
from ansible.plugins.loader import init_plugin_loader, lookup_loader
init_plugin_loader([sys.argv[1]])
try:
    lookup_loader.get("nexgencloud.hyperstack.credit").run([], api_key="", api_url=sys.argv[2])
except Exception as exc:
    print(exc)
"""


def test_the_whole_message_of_an_empty_key_given_to_the_lookup(emu, collection_tree):
    # In a Python of its own: the plugin loader changes the process for good.
    env = dict(os.environ, HYPERSTACK_API_KEY=KEY)
    done = subprocess.run([sys.executable, "-c", _LOOKUP, str(collection_tree), emu.api_url], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == EMPTY_KEY_MESSAGES["lookup"], done.stdout + done.stderr


@pytest.mark.parametrize("environ", [{}, {"HYPERSTACK_API_KEY": " "}], ids=["unset", "blank"])
@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_with_no_key_in_the_environment_an_empty_one_is_missing(caller, environ):
    # Then there is no key to leave out for: the message says where one comes from, as before.
    with pytest.raises(HyperstackError) as caught:
        _options.check_api_options({"api_key": "", "api_url": _options.DEFAULT_API_URL}, CALLERS[caller], environ)
    assert caught.value.msg == CALLERS[caller].missing_key()
    with pytest.raises(HyperstackError) as caught:
        _options.check_api_options({"api_key": "", "api_url": _options.DEFAULT_API_URL}, CALLERS[caller], {"HYPERSTACK_API_KEY": KEY})
    assert caught.value.msg == EMPTY_KEY_MESSAGES[caller]


# -- a relative plan path that does not exist -------------------------------------------------


@pytest.mark.parametrize("caller, option", [(MODULE, "terraform_plan"), (ROLE, "hyperstack_credit_gate_terraform_plan")])
def test_the_whole_message_of_a_relative_plan_path_names_the_directory_it_was_looked_for_in(emu, tmp_path, monkeypatch, caller, option):
    monkeypatch.chdir(tmp_path)
    result = run_info(GATE, {"api_key": KEY, "api_url": emu.api_url, "terraform_plan": "plans/tfplan.json"}, {}, "m", caller=caller)
    assert result["msg"] == (
        "%s plans/tfplan.json could not be read on the host running the task: [Errno 2] No such file or directory: 'plans/tfplan.json';"
        " a relative path is looked for in the task's working directory, %s, not the playbook's: give an absolute path"
        " (for a file beside the playbook, prefix playbook_dir)" % (option, tmp_path)
    )


def test_an_absolute_plan_path_that_does_not_exist_is_named_alone(emu, tmp_path):
    missing = tmp_path / "tfplan.json"
    result = run_info(GATE, {"api_key": KEY, "api_url": emu.api_url, "terraform_plan": str(missing)}, {}, "m")
    assert result["msg"] == "terraform_plan %s could not be read on the host running the task: [Errno 2] No such file or directory: '%s'" % (missing, missing)


def test_a_relative_plan_path_on_a_host_names_the_modules_working_directory(emu, collection_tree, tmp_path):
    # A module on a host runs where Ansible starts it; here the child Python's working directory.
    args = {"api_key": KEY, "api_url": emu.api_url, "terraform_plan": "tfplan.json"}
    rc, result = run_module(collection_tree, "hyperstack_credit_gate_info", args, cwd=tmp_path)
    assert rc == 1 and "a relative path is looked for in the task's working directory, %s, not the playbook's" % tmp_path in result["msg"], result["msg"]
