# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""scripts/benchmark.py's report marks a figure bold only when it meets its goal."""

from __future__ import annotations

import importlib.util

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import ROOT


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
