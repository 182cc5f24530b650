# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_tasks.py, credit_gate (hyperstack_credit_gate_info) against the emulator: it
reads only what the verdict needs (the credit alone, or with a plan and a runway everything, keeping the estimate)."""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES


def _run(emu, **options):
    result = MODULES["hyperstack_credit_gate_info"].run(dict(api_key=KEY, api_url=emu.api_url, **options))
    return result["hyperstack_credit_gate_info"], sorted(request["path"] for request in emu.state.requests)


def test_the_module_reads_the_credit_alone_without_a_plan_or_runway(emu):
    fact, paths = _run(emu, min_headroom=2000)
    assert paths == ["/billing/user-credit/credit"]
    assert fact["reasons"] == ["headroom $1,500.00 (credit $1,500.00 - threshold $0.00) is below the required $2,000.00"]
    assert "covered" not in fact


def test_the_module_with_a_plan_and_a_runway_reads_them_all_and_keeps_the_estimate(emu):
    fact, paths = _run(emu, plan=[{"flavor": "n3-H100x8"}], min_runway_days=30)
    assert paths == ["/billing/billing/last-day-cost", "/billing/billing/usage", "/billing/user-credit/credit", "/core/flavors", "/pricebook"]
    # $1,500 at $56.40 a day is 26.5 days; n3-H100x8 is out of stock in the emulator.
    assert fact["reasons"] == ["runway 26.5 days is below the required 30 (headroom $1,500.00 at $56.40/day)", "out of stock: n3-H100x8"]
    assert fact["plan_cost_per_hour"] == 15.2 and fact["covered"] is True and fact["daily_cost"] == 56.4
