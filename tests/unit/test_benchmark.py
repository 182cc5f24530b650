# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""scripts/benchmark.py still runs (its smoke mode: this core, one round, a fleet of 5), and marks a figure bold only when it meets its goal."""

from __future__ import annotations

import importlib.util
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


def test_a_figure_is_bold_only_when_its_goal_is_met():
    spec = importlib.util.spec_from_file_location("hs_benchmark", ROOT / "scripts" / "benchmark.py")
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    assert benchmark._against_goal({"P3": 1.25}, "P3", "%.2f") == "**1.25**"
    assert benchmark._against_goal({"P3": 1.30}, "P3", "%.2f") == "**1.30**"
    assert benchmark._against_goal({"P3": 1.31}, "P3", "%.2f") == "1.31"
    assert benchmark._against_goal({"P0": 1.64}, "P0", "%.2f") == "1.64"
    assert benchmark._against_goal({"P1": 0.063}, "P1", "%.3f") == "**0.063**"
    assert benchmark._against_goal({"P5": 0.80}, "P5", "%.2f") == "**0.80**"
    assert benchmark._against_goal({"P5": 0.81}, "P5", "%.2f") == "0.81"
    assert benchmark._against_goal({"P4": 0.151}, "P4", "%.3f") == "0.151"
