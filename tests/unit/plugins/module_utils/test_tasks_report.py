# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_tasks.py, the report both modules return against the emulator: the report of
their verdict, and the gate's report of a budget without a plan."""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _report
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES


def _run(emu, module, **options):
    return MODULES[module].run(dict(api_key=KEY, api_url=emu.api_url, **options))[module]


def test_both_modules_return_the_report_of_their_verdict(emu):
    options = {"region": "CANADA-1", "hours": 10, "plan": [{"flavor": "n3-A100x1", "count": 2}], "max_added_cost_per_hour": 2}
    estimate = _run(emu, "hyperstack_deployment_cost_info", **options)
    gate = _run(emu, "hyperstack_credit_gate_info", **options)
    row = "| n3-A100x1 | 2 | $1.35/h | 10 | $27.00 |\n"
    assert row in estimate["report"] and row in gate["report"]
    assert estimate["report"].startswith("### Hyperstack cost estimate: failed\n") and gate["report"].startswith("### Hyperstack credit gate: failed\n")
    assert gate["report"].endswith("**Verdict: failed, 1 reason**\n\n- the plan adds $2.70/h, more than the $2.00/h allowed\n")
    assert gate["report"] == _report.markdown({k: v for k, v in gate.items() if k != "report"}, gate["reasons"], "Hyperstack credit gate")
    # Without a plan, the gate's report is of the credit alone.
    assert "No plan: the credit alone is judged." in _run(emu, "hyperstack_credit_gate_info")["report"]


def test_the_gates_report_of_a_budget_without_a_plan_has_no_plan_in_it(emu):
    emu.state.update({"month_to_date": 1900})
    report = _run(emu, "hyperstack_credit_gate_info", monthly_budget=1000)["report"]
    budget = [line for line in report.splitlines() if line.startswith("- **Budget:** ")]
    assert len(budget) == 1 and "planned" not in budget[0] and "$1,900.00 spent and $" in budget[0]
