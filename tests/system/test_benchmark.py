# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""scripts/benchmark.py still runs (its smoke mode: this core, one round, a fleet of 5) and prints every table of its report;
scripts/fork_cost.py runs a check in forked children."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import ROOT


@pytest.mark.slow
def test_benchmark_smoke():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "benchmark.py"), "--smoke"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    # A row of figures for this core (one round of a smoke run is noise: any sign), and the fleet:
    # the role read once and saw no 429.
    assert re.search(r"^\| 2\.\d+ (\| \**-?[\d.]+\** ){10}\|$", done.stdout, re.M), done.stdout
    assert re.search(r"^\| 2\.\d+ \| `credit_gate` role \(reads once, `run_once`\) \| 1 \| 0 \| none \| [\d.]+ \|$", done.stdout, re.M), done.stdout
    # P4: both plays timed at the emulator's latency, and their difference.
    assert re.search(r"^\| 2\.\d+ \| [\d.]+ \| [\d.]+ \| \**-?[\d.]+\** \|$", done.stdout, re.M), done.stdout
    assert re.search(r"^\| 2\.\d+ \| every host runs `hyperstack_credit_info` \| 5 \| 0 \| none \| [\d.]+ \|$", done.stdout, re.M), done.stdout


def test_fork_cost_runs_a_check_in_forked_children_cold_and_warm():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fork_cost.py"), "--forks", "3", "--rounds", "1"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Each mode's row (a check that failed in a child ends the script), and the ratio within the round.
    for mode in ("cold", "warm"):
        assert re.search(r"^\| 1 \| %s \| [\d.]+ \| \d+ \| [\d.]+ \|$" % mode, done.stdout, re.M), done.stdout
    assert re.search(r"^warm / cold, median of 1 rounds: [\d.]+ of the time, [\d.]+ of the page faults$", done.stdout, re.M), done.stdout
