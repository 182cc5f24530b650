# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The event source as Event-Driven Ansible runs it: ansible-rulebook (from PyPI, its rules on Java 17)
runs rulebooks over the collection built and installed from its tarball, against the API emulator on
loopback while the emulator's credit falls. Run by `scripts/test.sh eda`."""

from __future__ import annotations

import os
import signal
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, ROOT, Emulator, find_secret

CREDIT_PATH = "/billing/user-credit/credit"


def _environment(tmp, **extra):
    """The environment of ansible-galaxy and ansible-rulebook: they see only the installed collection, not
    the checkout this test imports from (PYTHONPATH, which Ansible also scans for collections)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH" and not name.startswith(("ANSIBLE_", "HYPERSTACK_"))}
    env.update(ANSIBLE_HOME=str(tmp / "ansible-home"), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_NOCOLOR="1", NO_COLOR="1")
    return dict(env, **extra)


def _run(*args, cwd, env):
    result = subprocess.run(args, cwd=cwd, env=env, check=False, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(args)} failed: {result.stdout}{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The collection built into a tarball and installed from it; yields the collections path."""
    tmp = tmp_path_factory.mktemp("eda-install")
    env = _environment(tmp)
    _run("ansible-galaxy", "collection", "build", "--output-path", str(tmp), str(ROOT), cwd=tmp, env=env)
    (tarball,) = tmp.glob("nexgencloud-hyperstack-*.tar.gz")
    with tarfile.open(tarball) as tar:
        assert "extensions/eda/plugins/event_source/credit.py" in tar.getnames()
    _run("ansible-galaxy", "collection", "install", "--offline", "-p", str(tmp / "collections"), str(tarball), cwd=tmp, env=env)
    assert (tmp / "collections/ansible_collections/nexgencloud/hyperstack/extensions/eda/plugins/event_source/credit.py").is_file()
    return tmp / "collections"


@pytest.fixture
def emu():
    with Emulator(api_key=KEY) as emulator:
        yield emulator


class Rulebook:
    """ansible-rulebook running a rulebook in the background, its output kept in files."""

    def __init__(self, tmp_path, collections, emulator, rulebook, cwd=None, variables=None):
        self.tmp_path = tmp_path
        inventory = tmp_path / "inventory.yml"
        inventory.write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {"ansible_connection": "local"}}}}))
        args = ["ansible-rulebook", "-v", "-i", str(inventory), "--rulebook", str(rulebook)]
        if variables:
            (tmp_path / "vars.yml").write_text(yaml.safe_dump(variables))
            args += ["--vars", str(tmp_path / "vars.yml")]
        env = _environment(
            tmp_path,
            ANSIBLE_COLLECTIONS_PATH=str(collections),
            # The key and the address as the modules take them: from the environment.
            HYPERSTACK_API_KEY=KEY,
            HYPERSTACK_API_URL=emulator.api_url,
            HYPERSTACK_API_RETRIES="0",
            HYPERSTACK_API_TIMEOUT="5",
        )
        self.stdout = open(tmp_path / "stdout.txt", "w+")  # pylint: disable=consider-using-with
        self.stderr = open(tmp_path / "stderr.txt", "w+")  # pylint: disable=consider-using-with
        self.emulator = emulator
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            args, cwd=cwd or tmp_path, env=env, stdout=self.stdout, stderr=self.stderr, start_new_session=True
        )

    def output(self):
        return (self.tmp_path / "stdout.txt").read_text() + (self.tmp_path / "stderr.txt").read_text()

    def polls(self):
        return len([r for r in self.emulator.state.requests if r["path"] == CREDIT_PATH])

    def wait(self, condition, what, timeout=60):
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, "ansible-rulebook ended (%s) while waiting for %s:\n%s" % (self.process.returncode, what, self.output())
            assert time.monotonic() < deadline, "timed out waiting for %s:\n%s" % (what, self.output())
            time.sleep(0.05)

    def wait_polls(self, count):
        seen = self.polls()
        self.wait(lambda: self.polls() >= seen + count, "%d more polls" % count)

    def stop(self):
        """End ansible-rulebook (SIGINT, then SIGKILL) and return all it wrote."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stdout.close()
        self.stderr.close()
        return self.output()


@pytest.fixture
def rulebook(tmp_path, installed, emu):
    started = []

    def start(path, **options):
        started.append(Rulebook(tmp_path, installed, emu, path, **options))
        return started[-1]

    yield start
    for running in started:
        running.stop()


def _check_output(output):
    assert find_secret(output) is None, "the key shows in ansible-rulebook's output:\n" + output
    assert "Traceback" not in output, output


def test_the_rule_fires_once_as_the_credit_falls_and_an_api_failure_gives_one_error(tmp_path, emu, rulebook):
    book = tmp_path / "watch.yml"
    book.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Hyperstack credit under test",
                    "hosts": "all",
                    "sources": [{"nexgencloud.hyperstack.credit": {"interval": 0.3, "min_headroom": 100}}],
                    "rules": [
                        {
                            "name": "Headroom crossed",
                            "condition": '"headroom" in event.hyperstack_credit.below',
                            "action": {"debug": {"msg": "FIRED headroom at {{ event.hyperstack_credit.credit }}"}},
                        },
                        {
                            "name": "API failed",
                            "condition": "event.hyperstack_credit_error is defined",
                            "action": {"debug": {"msg": "API ERROR {{ event.hyperstack_credit_error.msg }}"}},
                        },
                    ],
                }
            ],
            sort_keys=False,
        )
    )
    emu.state.update({"credit": 130.0})
    running = rulebook(book)
    running.wait(lambda: running.polls() >= 2, "the first polls (ansible-rulebook starting its Java engine)")
    # The credit falls $20 a second, through the $100 line.
    emu.state.update({"credit_fall_per_second": 20.0})
    running.wait(lambda: emu.state.snapshot()["credit"] < 85, "the credit to fall below $85")
    emu.state.update({"credit_fall_per_second": 0})
    running.wait_polls(3)
    # Four failing polls in a row (a server echoing the key), then the API answers again.
    emu.state.add_faults([{"action": "echo_key", "status": 503, "times": 4}])
    running.wait(lambda: not emu.state.faults, "the failing polls")
    running.wait_polls(3)
    output = running.stop()
    fired = [line for line in output.splitlines() if "FIRED headroom at" in line]
    assert len(fired) == 1, output
    errors = [line for line in output.splitlines() if "API ERROR" in line]
    assert len(errors) == 1 and "HTTP 503" in errors[0] and "Invalid API key ********" in errors[0], output
    _check_output(output)


def test_the_example_runs_its_playbook_when_the_runway_falls_below_a_day(installed, emu, rulebook):
    examples = Path(installed) / "ansible_collections/nexgencloud/hyperstack/examples"
    # $1.41/h runs (the emulator's usage): $40 lasts 28 h, $33.84 a day.
    emu.state.update({"credit": 40.0})
    running = rulebook(examples / "credit_watch.yml", cwd=examples, variables={"credit_watch_interval": 0.3})
    running.wait(lambda: running.polls() >= 2, "the first polls (ansible-rulebook starting its Java engine)")
    emu.state.update({"credit_fall_per_second": 4.0})
    running.wait(lambda: emu.state.snapshot()["credit"] < 30, "the credit to fall below $30")
    emu.state.update({"credit_fall_per_second": 0})
    running.wait(lambda: "Hyperstack runway below a day" in running.output(), "the playbook's message")
    running.wait_polls(3)
    output = running.stop()
    assert output.count("Hyperstack runway below a day") == 1, output
    _check_output(output)


def test_a_wrong_argument_ends_ansible_rulebook_saying_which(tmp_path, rulebook):
    book = tmp_path / "wrong.yml"
    book.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "A wrong interval",
                    "hosts": "all",
                    "sources": [{"nexgencloud.hyperstack.credit": {"interval": 0}}],
                    "rules": [{"name": "Any", "condition": "event.hyperstack_credit is defined", "action": {"debug": {}}}],
                }
            ]
        )
    )
    running = rulebook(book)
    assert running.process.wait(60) == 1
    output = running.stop()
    assert "ValueError: nexgencloud.hyperstack.credit: interval must be more than 0, got 0" in output, output
    _check_output(output)
