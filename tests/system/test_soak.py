# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Load soak: many parallel checks against an emulator that enforces the rate limit.

The real API allows 500 requests a minute per IP, then answers 429 for a minute.
Scaled down here to 100 requests per 3 s window, then 429 for 3 s, so a test of
a few seconds crosses the limit many times. At the same time and against the same
emulator, 20 threads each make checks through the real HyperstackClient, and one
real ansible-playbook run (forks=20) checks the credit from 40 hosts. Every check
must either give the facts or fail cleanly with the 429 message, within a bound
computed from the timeout, the retries and the maximum delay; nothing may hang,
crash or print a traceback or the key. Run with ``pytest -s`` to see the counts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, HyperstackError, check_message, find_secret, make_client

# Seconds of load and a real ansible-playbook run.
pytestmark = pytest.mark.slow

RATE_LIMIT = 100  # requests per window (real API: 500)
RATE_WINDOW = 3.0  # seconds of the window, and of the 429s after it (real API: 60)
WORKERS = 20
# Each thread makes at least CHECKS_MIN checks, and goes on while the playbook runs (at most
# CHECKS_MAX), a PAUSE apart: 20 threads still ask far more than 100 per 3 s, so the limit stays
# crossed for the playbook's whole run.
CHECKS_MIN = 15
CHECKS_MAX = 80
PAUSE = 0.1
HOSTS = 40
FORKS = 20
TIMEOUT = 5.0
RETRIES = 2
MAX_DELAY = 1.0
# The longest a check may take: every attempt times out and every wait is the longest allowed,
# plus slack for a busy 2-core machine. A check that hangs or retries without end exceeds it.
CHECK_BOUND = (RETRIES + 1) * TIMEOUT + RETRIES * MAX_DELAY + 5.0
# The play: ansible's own start-up and wrap-up, plus one bounded check per batch of FORKS hosts.
PLAY_BOUND = 45.0 + -(-HOSTS // FORKS) * CHECK_BOUND

PLAYBOOK = """\
- name: Soak
  hosts: soak
  gather_facts: false
  tasks:
    - name: Read the credit
      nexgencloud.hyperstack.hyperstack_credit_info:
        api_key: "{{ soak_key }}"
        api_url: "{{ soak_url }}"
        api_timeout: %(timeout)s
        api_retries: %(retries)s
        api_retry_max_delay: %(max_delay)s
      register: credit
      ignore_errors: true

    - name: Keep every host's result for the test
      run_once: true
      ansible.builtin.copy:
        dest: "{{ soak_results }}"
        content: "{{ dict(ansible_play_hosts_all | zip(ansible_play_hosts_all | map('extract', hostvars, 'credit'))) | to_json }}"
        mode: "0600"
""" % {
    "timeout": TIMEOUT,
    "retries": RETRIES,
    "max_delay": MAX_DELAY,
}


class Outcomes:
    """What the client threads saw, counted under a lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.successes = 0
        self.failures = []  # (message, status_code)
        self.crashes = []  # anything but facts or a HyperstackError
        self.durations = []

    def add(self, duration, facts=None, failure=None, crash=None):
        with self.lock:
            self.durations.append(duration)
            if crash is not None:
                self.crashes.append(crash)
            elif failure is not None:
                self.failures.append(failure)
            else:
                assert facts["credit"] == 1500.0 and facts["headroom"] == 1500.0, facts
                self.successes += 1


def _worker(api_url, outcomes, start, stop):
    client = make_client(api_url, api_timeout=TIMEOUT, api_retries=RETRIES, api_retry_max_delay=MAX_DELAY)
    start.wait()
    for done in range(CHECKS_MAX):
        if done >= CHECKS_MIN and stop.is_set():
            break
        if done:
            time.sleep(PAUSE)
        began = time.monotonic()
        try:
            facts = CREDIT.fetch(client)
        except HyperstackError as exc:
            outcomes.add(time.monotonic() - began, failure=(exc.msg, exc.status_code))
        except Exception as exc:  # pylint: disable=broad-exception-caught
            outcomes.add(time.monotonic() - began, crash=repr(exc))
        else:
            outcomes.add(time.monotonic() - began, facts=facts)


def _count_429s(emu):
    """Count the 429s the emulator serves, by wrapping its own rate-limit decision."""
    decide = emu.state.rate_limited
    served = {"429": 0}
    lock = threading.Lock()

    def rate_limited(client):
        limited = decide(client)
        if limited:
            with lock:
                served["429"] += 1
        return limited

    emu.state.rate_limited = rate_limited
    return served, decide


def _start_playbook(emu, tmp_path, collection_tree):
    inventory = tmp_path / "inventory.ini"
    inventory.write_text(
        "[soak]\n" + "".join("soak%02d ansible_connection=local ansible_python_interpreter=%s\n" % (i, sys.executable) for i in range(1, HOSTS + 1))
    )
    playbook = tmp_path / "soak.yml"
    playbook.write_text(PLAYBOOK)
    results = tmp_path / "results.json"
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(collection_tree),
        ANSIBLE_HOME=str(tmp_path / "ansible-home"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_FORKS=str(FORKS),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_LOCALHOST_WARNING="false",
    )
    for name in ("HYPERSTACK_API_KEY", "HYPERSTACK_API_URL", "HYPERSTACK_API_ADDRESS", "ANSIBLE_CONFIG"):
        env.pop(name, None)
    extra_vars = json.dumps({"soak_key": KEY, "soak_url": emu.api_url, "soak_results": str(results)})
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), "-e", extra_vars, str(playbook)]
    process = subprocess.Popen(command, env=env, cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, results


def _is_clean_429(message, status_code):
    check_message(message)
    return status_code == 429 and "HTTP 429" in message and "rate limited" in message


def test_soak_rate_limited_parallel_checks(emu, tmp_path, collection_tree):
    emu.state.update({"rate_limit": RATE_LIMIT, "rate_window": RATE_WINDOW})
    served, decide = _count_429s(emu)
    outcomes = Outcomes()
    start, stop = threading.Event(), threading.Event()
    began = time.monotonic()
    try:
        process, results_file = _start_playbook(emu, tmp_path, collection_tree)
        threads = [threading.Thread(target=_worker, args=(emu.api_url, outcomes, start, stop), daemon=True) for dummy in range(WORKERS)]
        for thread in threads:
            thread.start()
        start.set()
        try:
            output = process.communicate(timeout=PLAY_BOUND)[0]
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0]
            raise AssertionError("ansible-playbook did not end within %.0f s:\n%s" % (PLAY_BOUND, output[-4000:]))
        play_time = time.monotonic() - began
        stop.set()
        for thread in threads:
            # Each check is bounded, so a thread ends within CHECKS_MIN more of them at most.
            thread.join(timeout=CHECKS_MIN * (CHECK_BOUND + PAUSE))
            assert not thread.is_alive(), "a client thread hangs"
        total_time = time.monotonic() - began
        with emu.state.lock:
            seen = len(emu.state.requests)
            keys_ok = all(r["api_key_valid"] for r in emu.state.requests)
    finally:
        emu.state.rate_limited = decide

    # The playbook: it ends, prints no traceback and no key, and every host has facts or a clean 429 failure.
    assert process.returncode == 0, output[-4000:]
    for bad in ("Traceback", "MODULE FAILURE", "Exception"):
        assert bad not in output, "ansible-playbook printed %r:\n%s" % (bad, output[-4000:])
    assert find_secret(output) is None, "the playbook output leaks the key"
    hosts = json.loads(results_file.read_text())
    assert sorted(hosts) == ["soak%02d" % i for i in range(1, HOSTS + 1)]
    play_ok, play_429, play_other = 0, 0, []
    for host, result in sorted(hosts.items()):
        if not result.get("failed"):
            assert result["hyperstack_credit_info"]["credit"] == 1500.0, (host, result)
            play_ok += 1
        elif _is_clean_429(result.get("msg", ""), result.get("status_code")):
            play_429 += 1
        else:
            play_other.append((host, result))
    assert not play_other, "hosts that neither succeeded nor failed cleanly on the rate limit: %r" % play_other[:3]

    # The client threads: facts or a clean HyperstackError on the 429, each within its bound.
    checks = len(outcomes.durations)
    assert not outcomes.crashes, "checks that crashed: %r" % outcomes.crashes[:3]
    assert WORKERS * CHECKS_MIN <= checks <= WORKERS * CHECKS_MAX
    other = [f for f in outcomes.failures if not _is_clean_429(*f)]
    assert not other, "failures other than the rate limit: %r" % other[:3]
    longest = max(outcomes.durations)

    successes = outcomes.successes + play_ok
    failures = len(outcomes.failures) + play_429
    summary = (
        "soak: %d client checks (%d threads) + %d playbook hosts (forks=%d) against %d requests/%.0f s then 429 for %.0f s:"
        " %d successes (%d client, %d playbook), %d clean 429 failures (%d client, %d playbook);"
        " the emulator saw %d requests and served %d 429s; longest client check %.2f s (bound %.0f s);"
        " playbook %.1f s (bound %.0f s), total %.1f s"
        % (
            checks,
            WORKERS,
            HOSTS,
            FORKS,
            RATE_LIMIT,
            RATE_WINDOW,
            RATE_WINDOW,
            successes,
            outcomes.successes,
            play_ok,
            failures,
            len(outcomes.failures),
            play_429,
            seen,
            served["429"],
            longest,
            CHECK_BOUND,
            play_time,
            PLAY_BOUND,
            total_time,
        )
    )
    print("\n" + summary)

    assert longest <= CHECK_BOUND, summary
    assert keys_ok, "a request reached the emulator without the right key"
    # The limit was crossed, and both outcomes happened.
    assert served["429"] > 0 and outcomes.successes > 0 and outcomes.failures, summary
    # Every request is accounted for: each success is exactly one 200, every other answer a 429.
    assert seen == successes + served["429"], summary
    # A clean failure gave up after all its attempts, each one a 429; a success needed at most all of them.
    assert served["429"] >= failures * (RETRIES + 1), summary
    assert seen <= (checks + HOSTS) * (RETRIES + 1), summary
