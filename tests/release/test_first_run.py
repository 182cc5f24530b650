# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The test command on a machine where it never ran: noxfile.py's integration session, its ansible-tests side by
side, with no ~/.ansible at all and an ssh-keygen slow enough that runs which each made the key they share would
collide (issue 32)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORE = ".".join(__import__("ansible.release", fromlist=["__version__"]).__version__.split(".")[:2])
# The checkout whose .venv holds the Python running this (scripts/test.sh's .venv/tools): the collection tree
# under test is a copy, without the venvs nox and its sessions use.
CHECKOUT = Path(sys.prefix).parents[1]
NOX = CHECKOUT / ".venv" / "nox" / "bin" / "nox"
TARGETS = ["hyperstack_credit_info", "hyperstack_usage_info"]
# As noxfile.py counts them: one ansible-test a CPU.
CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

WRAPPER = """#!/bin/sh
# ssh-keygen, slowly: each call counted, then the real one.
echo "$*" >> {calls}
sleep 3
exec {real} "$@"
"""


@pytest.mark.skipif(not NOX.is_file() or not (CHECKOUT / "noxfile.py").is_file(), reason="needs the checkout's .venv/nox: run it with scripts/test.sh release")
@pytest.mark.skipif(CPUS < 2, reason="one CPU: the integration session runs one ansible-test, nothing side by side")
def test_the_integration_session_passes_on_a_machine_with_no_ansible_test_key(tmp_path):
    real = shutil.which("ssh-keygen")
    assert real, "ansible-test integration needs ssh-keygen (Debian: apt-get install openssh-client)"
    home = tmp_path / "home"
    home.mkdir()
    # A new machine has no ~/.ansible; Python (pyenv) and uv's cache stay where they are, in case the
    # session has to make the core's venv.
    for name in (".pyenv", ".cache"):
        if (Path.home() / name).is_dir():
            (home / name).symlink_to(Path.home() / name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "ssh-keygen-calls"
    (bin_dir / "ssh-keygen").write_text(WRAPPER.format(calls=shlex.quote(str(calls)), real=shlex.quote(real)))
    (bin_dir / "ssh-keygen").chmod(0o755)
    build = tmp_path / "build"
    env = {k: v for k, v in os.environ.items() if k not in ("TARGETS", "PYTHONPATH", "VIRTUAL_ENV", "PYTEST_OPTS", "PYTEST_K")}
    env.update(HOME=str(home), HS_BUILD=str(build), PATH=f"{bin_dir}:{os.environ['PATH']}")
    command = [str(NOX), "--no-color", "-R", "-f", str(CHECKOUT / "noxfile.py"), "-s", f"integration-{CORE}", "--", *TARGETS]
    done = subprocess.run(command, cwd=CHECKOUT, env=env, capture_output=True, text=True, timeout=300, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    # Side by side: each target in an ansible-test of its own (and the session passed, so each passed).
    for i, target in enumerate(TARGETS):
        log = (build / f"integration-{CORE}-{i}.log").read_text(encoding="utf-8")
        assert f"Running {target} integration test role" in log, log
    # Made once, before the runs started, as a pair ansible-test accepts.
    assert calls.read_text().count("\n") == 1, calls.read_text() + output
    key = home / ".ansible" / "test" / "id_rsa"
    public = subprocess.run([real, "-y", "-f", str(key)], capture_output=True, text=True, check=True).stdout.split()[:2]
    assert (home / ".ansible" / "test" / "id_rsa.pub").read_text().split()[:2] == public
    assert key.stat().st_mode & 0o077 == 0
