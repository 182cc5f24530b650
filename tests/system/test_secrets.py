# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The API key never shows in what ansible-playbook -vvv prints, even when servers echo it.

One real ansible-playbook run covers every case (a run costs seconds): each case has its own
loopback server, so the cases cannot steal each other's faults.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, ROOT, SPECIAL_KEY, Emulator, find_secret

LOOKUP = ROOT / "plugins" / "lookup" / "credit.py"
MODULE = "nexgencloud.hyperstack.hyperstack_credit_info"
CREDIT_WHAT = "reading the credit balance (GET /billing/user-credit/credit): "

# name: (faults queued on its own emulator, extra module args, whether the key comes from the task)
MODULE_CASES = {
    "success_arg": ([], {}, True),
    "success_env": ([], {}, False),
    "echo_arg": ([{"action": "echo_key", "times": -1}], {}, True),
    "echo_env": ([{"action": "echo_key", "times": -1}], {}, False),
    "echo_200_status_false": ([{"action": "echo_key", "status": 200, "times": -1}], {}, False),
    "html_500": ([{"status": 500, "body": "<html><body>upstream error, key %s</body></html>" % KEY, "times": -1}], {"api_retries": 1}, True),
    "schema": ([{"status": 200, "body": {"status": True, "data": {"credit": "x" * 40 + KEY, "threshold": 0}}, "times": -1}], {}, False),
    "status_false": ([{"status": 200, "body": {"status": False, "message": "key %s is suspended" % KEY, "error_reason": "suspended"}, "times": -1}], {}, True),
    "timeout": ([{"action": "hang", "seconds": 5, "times": -1}], {"api_timeout": 0.5}, False),
    "redirect": ([{"status": 302, "body": {}, "headers": {"Location": "https://elsewhere.example/v1?api_key=" + KEY}, "times": -1}], {}, True),
    # A Latin-1 byte in Location: a clean failure, not a crash inside requests.
    "redirect_latin1": ([{"status": 302, "body": {}, "headers": {"Location": "https://elsewhere.example/caf\u00e9?k=" + KEY}, "times": -1}], {}, True),
}

# Every other module, against the server that echoes the special key: the arguments each needs.
OTHER_MODULES = {name: {} for name in MODULES if name != MODULE.rsplit(".", 1)[1]}
OTHER_MODULES["hyperstack_deployment_cost_info"] = {"plan": [{"flavor": "n3-A100x1"}]}
# A selector, so that it reads (without one it is refused before any request).
OTHER_MODULES["hyperstack_vm_hibernation"] = {"labels": ["hibernate=ok"]}
OTHER_MODULES["hyperstack_vm"] = {"name": "train-01", "state": "absent"}
OTHER_MODULES["hyperstack_environment"] = {"name": "ml-CANADA-1", "state": "absent"}
OTHER_MODULES["hyperstack_keypair"] = {"name": "ops-key", "environment": "ml-CANADA-1", "state": "absent"}
OTHER_CASES = ["echo_special_key_%s" % name for name in OTHER_MODULES]


@pytest.fixture(scope="module")
def playbook_run(collection_tree, tmp_path_factory):
    """Serve every case, write one playbook, run it once with -vvv; yield its output and results."""
    work = tmp_path_factory.mktemp("secrets")
    servers, tasks = [], []
    try:
        for name, (faults, extra, key_in_task) in MODULE_CASES.items():
            emulator = Emulator(api_key=KEY).start()
            servers.append(emulator)
            emulator.state.add_faults(faults)
            args = dict({"api_url": emulator.api_url, "api_retries": 0, "api_retry_max_delay": 0.1, "api_timeout": 2}, **extra)
            if key_in_task:
                args["api_key"] = KEY
            tasks.append({"name": name, MODULE: args, "register": name, "ignore_errors": True})

        # A server that echoes the key raw, JSON-escaped and URL-quoted, with a key whose forms differ.
        echo_special = Emulator(api_key=KEY).start()
        servers.append(echo_special)
        echo_special.state.add_faults([{"action": "echo_key", "times": -1}])
        tasks.append(
            {
                "name": "echo_special_key",
                MODULE: {"api_url": echo_special.api_url, "api_key": SPECIAL_KEY, "api_retries": 0},
                "register": "echo_special_key",
                "ignore_errors": True,
            }
        )
        for name, extra in OTHER_MODULES.items():
            args = dict({"api_url": echo_special.api_url, "api_key": SPECIAL_KEY, "api_retries": 0}, **extra)
            case = "echo_special_key_%s" % name
            tasks.append({"name": case, "nexgencloud.hyperstack." + name: args, "register": case, "ignore_errors": True})

        lookup_cases = []
        if LOOKUP.exists():
            ok = Emulator(api_key=KEY).start()
            echo = Emulator(api_key=KEY).start()
            echo.state.add_faults([{"action": "echo_key", "times": -1}])
            latin1 = Emulator(api_key=KEY).start()
            latin1.state.add_faults(MODULE_CASES["redirect_latin1"][0])
            servers += [ok, echo, latin1]
            lookup_cases = {
                "lookup_success_env": "lookup('nexgencloud.hyperstack.credit', api_url=%r, api_retries=0)" % ok.api_url,
                "lookup_echo_arg": "lookup('nexgencloud.hyperstack.credit', api_url=%r, api_key=%r, api_retries=0)" % (echo.api_url, KEY),
                "lookup_echo_env": "lookup('nexgencloud.hyperstack.credit', api_url=%r, api_retries=0)" % echo.api_url,
                "lookup_echo_special": "lookup('nexgencloud.hyperstack.credit', api_url=%r, api_key=%r, api_retries=0)" % (echo_special.api_url, SPECIAL_KEY),
                "lookup_redirect_latin1": "lookup('nexgencloud.hyperstack.credit', api_url=%r, api_retries=0)" % latin1.api_url,
            }
            for name, expression in lookup_cases.items():
                tasks.append({"name": name, "ansible.builtin.debug": {"msg": "{{ %s }}" % expression}, "register": name, "ignore_errors": True})

        names = [task["name"] for task in tasks]
        tasks += [{"name": "show %s" % name, "ansible.builtin.debug": {"var": name}} for name in names]
        results = work / "results.json"
        tasks.append(
            {
                "name": "keep the results",
                "ansible.builtin.copy": {"content": "{{ {%s} | to_json }}" % ", ".join("%r: %s" % (n, n) for n in names), "dest": str(results)},
            }
        )
        playbook = work / "secrets.yml"
        # JSON is YAML, and json.dumps quotes the special key safely.
        playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1))

        env = dict(
            os.environ,
            HYPERSTACK_API_KEY=KEY,
            ANSIBLE_COLLECTIONS_PATH=str(collection_tree),
            ANSIBLE_LOCAL_TEMP=str(work / "tmp"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_CONFIG=str(work / "none.cfg"),
        )
        for name in ("HYPERSTACK_API_URL", "HYPERSTACK_API_ADDRESS", "HYPERSTACK_API_TIMEOUT", "HYPERSTACK_API_RETRIES"):
            env.pop(name, None)
        command = [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-vvv",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            "ansible_python_interpreter=%s" % sys.executable,
            str(playbook),
        ]
        done = subprocess.run(command, cwd=str(work), env=env, capture_output=True, text=True, timeout=180, check=False)
        yield {
            "rc": done.returncode,
            "output": done.stdout + done.stderr,
            "results": json.loads(results.read_text()) if results.exists() else None,
            "lookups": list(lookup_cases),
            "files": results.read_text() if results.exists() else "",
        }
    finally:
        for server in servers:
            server.stop()


@pytest.mark.slow
def test_playbook_ran_every_case(playbook_run):
    assert playbook_run["rc"] == 0, playbook_run["output"][-3000:]
    assert playbook_run["results"] is not None
    assert set(MODULE_CASES) | {"echo_special_key"} | set(OTHER_CASES) | set(playbook_run["lookups"]) == set(playbook_run["results"])


def test_every_module_is_scanned():
    assert set(OTHER_MODULES) | {MODULE.rsplit(".", 1)[1]} == set(MODULES)


@pytest.mark.slow
def test_every_other_module_fails_cleanly_on_the_echo(playbook_run):
    for name in OTHER_CASES:
        result = playbook_run["results"][name]
        assert result.get("failed") is True and result.get("status_code") == 401, (name, result)
        assert "HTTP 401" in result["msg"] and "Invalid API key ********" in result["msg"], (name, result["msg"])
        assert "\n" not in result["msg"] and "Traceback" not in result.get("exception", ""), (name, result)


@pytest.mark.slow
@pytest.mark.parametrize("key", [KEY, SPECIAL_KEY], ids=["key", "special-key"])
def test_no_key_in_any_output(playbook_run, key):
    for where in ("output", "files"):
        leaked = find_secret(playbook_run[where], key)
        if leaked:
            at = playbook_run[where].find(leaked)
            pytest.fail("the key (%r) is in the %s: ...%s..." % (leaked, where, playbook_run[where][max(0, at - 300) : at + 100]))


@pytest.mark.slow
def test_results_are_what_each_case_should_give(playbook_run):
    results = playbook_run["results"]
    for name in ("success_arg", "success_env"):
        assert not results[name].get("failed"), results[name]
        assert results[name]["changed"] is False
        assert results[name]["hyperstack_credit_info"] == {"credit": 1500.0, "threshold": 0.0, "can_create_instance": True, "headroom": 1500.0}
    expected = {
        "echo_arg": (401, "Invalid API key"),
        "echo_env": (401, "Invalid API key"),
        "echo_200_status_false": (200, "status false"),
        "html_500": (500, "not the API's JSON"),
        "schema": (200, "$.data.credit"),
        "status_false": (200, "status false"),
        "timeout": (None, "timed out"),
        "redirect": (302, "set api_url to the final address"),
        "redirect_latin1": (302, "HTTP 302 with a redirect to https://elsewhere.example/caf\u00e9?k=********, which is not followed"),
        "echo_special_key": (401, "Invalid API key"),
    }
    for name, (status, words) in expected.items():
        result = results[name]
        assert result.get("failed") is True, (name, result)
        assert words in result["msg"], (name, result["msg"])
        assert result.get("status_code") == status, (name, result)
        assert "\n" not in result["msg"] and "Traceback" not in result["msg"]
        # ansible-core 2.19+ puts "(traceback unavailable)" in every failure; a crash puts its traceback.
        assert "Traceback" not in result.get("exception", "") and result["msg"].startswith(CREDIT_WHAT), (name, result)


@pytest.mark.slow
def test_lookup_results(playbook_run):
    results = playbook_run["results"]
    assert results["lookup_success_env"]["msg"]["headroom"] == 1500.0
    for name in ("lookup_echo_arg", "lookup_echo_env", "lookup_echo_special"):
        assert results[name].get("failed") is True, results[name]
        assert "HTTP 401" in results[name]["msg"] and "Invalid API key" in results[name]["msg"], results[name]["msg"]
        assert "Traceback" not in results[name]["msg"]
    latin1 = results["lookup_redirect_latin1"]
    assert latin1.get("failed") is True and "Traceback" not in latin1.get("exception", ""), latin1
    assert "HTTP 302 with a redirect to https://elsewhere.example/caf\u00e9?k=********, which is not followed" in latin1["msg"], latin1["msg"]
