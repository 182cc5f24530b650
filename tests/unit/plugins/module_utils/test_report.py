# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_report.py: an estimate or a gate's fact in Markdown (markdown, item_name), money
as $1,234.50, what the plan destroys, leaves out and finds out of stock, and names a table cannot be broken by."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _estimate, _month, _report, _verdict

CREDIT = {"credit": 1234.5, "threshold": 100.0, "headroom": 1134.5, "can_create_instance": True}


def _facts(limits=None, destroyed=(), current="1.41"):
    items = [
        {
            "flavor": "n3-A100x1",
            "volume_gb": None,
            "count": 2,
            "unit_price_per_hour": Decimal("1.35672"),
            "cost_per_hour": Decimal("2.71344"),
            "stock_available": True,
        },
        {"flavor": None, "volume_gb": 500.0, "count": 1, "unit_price_per_hour": Decimal("0.041"), "cost_per_hour": Decimal("0.041"), "stock_available": None},
        {
            "flavor": None,
            "address": "hyperstack_core_floating_ip.web",
            "volume_gb": None,
            "count": 1,
            "unit_price_per_hour": Decimal("0.5"),
            "cost_per_hour": Decimal("0.5"),
            "stock_available": None,
        },
    ]
    facts = _estimate.estimate(CREDIT, float(current), items, Decimal(72), Decimal(10), list(destroyed))
    plan = sum(item["cost_per_hour"] for item in items)
    gone = sum((entry["cost_per_hour"] for entry in destroyed), Decimal(0))
    return dict(facts, **_estimate.net_change(Decimal(current), gone, plan, limits))


def test_the_report_of_an_estimate_that_passes():
    facts = _facts()
    assert _report.markdown(facts, []) == (
        "### Hyperstack cost estimate: passed\n"
        "\n"
        "| Item | Count | Price an hour | Hours | Cost |\n"
        "|---|---:|---:|---:|---:|\n"
        "| n3-A100x1 | 2 | $1.36/h | 72 | $195.37 |\n"
        "| 500 GB volume | 1 | $0.04/h | 72 | $2.95 |\n"
        "| hyperstack_core_floating_ip.web | 1 | $0.50/h | 72 | $36.00 |\n"
        "| **Plan** |  | $3.25/h | 72 | **$234.32** |\n"
        "\n"
        "The plan destroys nothing.\n"
        "\n"
        "- **Runs now:** $1.41/h\n"
        "- **Net change:** $3.25/h (230.81% of what runs now)\n"
        "- **Total:** $4.66/h after the plan; $369.42 for 72 h with a 10% margin\n"
        "- **Credit:** $1,234.50 (threshold $100.00, headroom $1,134.50), which covers the $369.42 required\n"
        "\n"
        "**Verdict: passed**\n"
    )
    # (2.71344 + 0.041 + 0.5) x 72 = 234.31968; (1.41 + 3.25444) x 72 x 1.1 = 369.423648: the figures are the estimate's.
    assert facts["required"] == float((Decimal("1.41") + Decimal("3.25444")) * 72 * Decimal("1.1"))


def test_the_report_says_what_the_plan_destroys_the_limits_and_each_reason():
    destroyed = [
        {
            "address": "hyperstack_core_virtual_machine.old",
            "type": "hyperstack_core_virtual_machine",
            "id": "501",
            "cost_per_hour": Decimal("1.35"),
            "found": True,
        },
        {"address": "hyperstack_core_volume.gone", "type": "hyperstack_core_volume", "id": "9", "cost_per_hour": Decimal(0), "found": False},
    ]
    facts = _facts({"added_cost": Decimal(1), "added_percent": None}, destroyed)
    reasons = [reason for _name, reason in _verdict.failed_conditions(facts)]
    assert reasons == ["the plan adds $1.90/h ($3.25/h less $1.35/h it destroys), more than the $1.00/h allowed"]
    report = _report.markdown(facts, reasons)
    assert report.startswith("### Hyperstack cost estimate: failed\n")
    assert (
        "The plan destroys:\n\n| Resource | Cost an hour now |\n|---|---:|\n"
        "| hyperstack_core_virtual_machine.old (hyperstack_core_virtual_machine) | $1.35/h |\n"
        "| hyperstack_core_volume.gone (hyperstack_core_volume) | not in the usage: nothing subtracted |\n"
    ) in report
    assert "- **Net change:** $1.90/h (135.07% of what runs now)\n" in report
    assert "- **Limit:** the plan adds $1.90/h ($3.25/h less $1.35/h it destroys), more than the $1.00/h allowed\n" in report
    assert report.endswith("**Verdict: failed, 1 reason**\n\n- the plan adds $1.90/h ($3.25/h less $1.35/h it destroys), more than the $1.00/h allowed\n")


def test_with_nothing_running_the_report_says_the_percent_is_undefined():
    report = _report.markdown(_facts(current="0"), [])
    assert "- **Net change:** $3.25/h (nothing runs now, so its percent of what runs is undefined)\n" in report


def test_a_gate_without_a_plan_reports_the_credit_runway_and_budget():
    fact = _verdict.verdict(
        dict(
            CREDIT, monthly_budget=2000.0, budget_summary="the month's forecast $2,100.00 (...) is more than the monthly budget $2,000.00", within_budget=False
        ),
        daily_cost=100.0,
        min_runway_days=30,
    )
    report = _report.markdown(fact, fact["reasons"], "Hyperstack credit gate")
    assert report == (
        "### Hyperstack credit gate: failed\n"
        "\n"
        "No plan: the credit alone is judged.\n"
        "- **Credit:** $1,234.50 (threshold $100.00, headroom $1,134.50)\n"
        "- **Runway:** 11.3 days at $100.00/day\n"
        "- **Budget:** the month's forecast $2,100.00 (...) is more than the monthly budget $2,000.00\n"
        "\n"
        "**Verdict: failed, 2 reasons**\n"
        "\n"
        "- runway 11.3 days is below the required 30 (headroom $1,134.50 at $100.00/day)\n"
        "- the month's forecast $2,100.00 (...) is more than the monthly budget $2,000.00\n"
    )


def test_a_pipe_in_a_name_does_not_break_the_table():
    assert _report._row(["a|b", "c\nd"]) == "| a\\|b | c d |"  # pylint: disable=protected-access
    # A backslash is escaped first, so a name's own backslash before a pipe cannot unescape it.
    assert _report._row(["a\\|b"]) == "| a\\\\\\|b |"  # pylint: disable=protected-access
    assert _report.item_name({"source": 'module.x["a"]', "flavor": "n3-A100x1"}) == 'module.x["a"] (n3-A100x1)'
    # An entry of none of the four kinds (a plan item is always one: _plan.check_plan) still has a name.
    assert _report.item_name({"flavor": None}) == "item"


def test_a_cluster_is_named_by_its_workers_flavors_not_its_masters():
    def name(**cluster):
        return _report.item_name({"flavor": None, "cluster": dict({"master_flavor": "n1-cpu-small", "node_flavor": None, "node_groups": []}, **cluster)})

    assert name(node_flavor="n3-H100x8") == "cluster of n3-H100x8 workers"
    # The default group and node groups, each flavor once, in the plan's order.
    groups = [{"flavor": "n3-A100x1"}, {"flavor": "n3-H100x8"}]
    assert name(node_flavor="n3-H100x8", node_groups=groups) == "cluster of n3-H100x8 + n3-A100x1 workers"
    # A Terraform plan's cluster has no node_groups key.
    assert _report.item_name({"flavor": None, "source": "c.k", "cluster": {"master_flavor": "n1-cpu-small", "node_flavor": "n3-H100x8"}}) == (
        "c.k (cluster of n3-H100x8 workers)"
    )


def test_the_report_says_what_it_left_out_what_is_out_of_stock_and_subtracts_what_the_plan_destroys():
    items = [
        {
            "flavor": "n3-H100x8",
            "volume_gb": None,
            "count": 1,
            "unit_price_per_hour": Decimal("15.2"),
            "cost_per_hour": Decimal("15.2"),
            "stock_available": False,
        }
    ]
    destroyed = [{"address": "vm.old", "type": "hyperstack_core_virtual_machine", "id": "7", "cost_per_hour": Decimal("1.35"), "found": True}]
    not_priced = [{"address": "aws_instance.x", "type": "aws_instance", "reason": "not Hyperstack's bill (provider aws)"}]
    facts = _estimate.estimate(CREDIT, 2.0, items, Decimal(10), Decimal(0), destroyed, not_priced)
    reasons = [reason for _name, reason in _verdict.failed_conditions(facts)]
    assert reasons == ["out of stock: n3-H100x8"]
    report = _report.markdown(facts, reasons)
    # Left out, so not read as free; 2.00 - 1.35 + 15.20 after the plan, not 2.00 + 1.35 + 15.20.
    assert (
        "| **Plan** |  | $15.20/h | 10 | **$152.00** |\n"
        "\n"
        "The plan destroys:\n"
        "\n"
        "| Resource | Cost an hour now |\n"
        "|---|---:|\n"
        "| vm.old (hyperstack_core_virtual_machine) | $1.35/h |\n"
        "\n"
        "Left out of the estimate: aws_instance.x (not Hyperstack's bill (provider aws)).\n"
        "\n"
        "- **Runs now:** $2.00/h\n"
        "- **Net change:** $13.85/h (692.5% of what runs now)\n"
        "- **Total:** $15.85/h after the plan; $158.50 for 10 h\n"
        "- **Out of stock:** n3-H100x8\n"
        "- **Credit:** $1,234.50 (threshold $100.00, headroom $1,134.50), which covers the $158.50 required\n"
        "\n"
        "**Verdict: failed, 1 reason**\n"
        "\n"
        "- out of stock: n3-H100x8\n"
    ) in report


def test_the_report_of_a_plan_the_credit_does_not_cover_lists_every_item_left_out_and_out_of_stock():
    def machines(flavor, count, price):
        price = Decimal(price)
        return {"flavor": flavor, "volume_gb": None, "count": count, "unit_price_per_hour": price, "cost_per_hour": price * count, "stock_available": False}

    not_priced = [
        {"address": "aws_instance.x", "type": "aws_instance", "reason": "not Hyperstack's bill (provider aws)"},
        {"address": "hyperstack_core_keypair.k", "type": "hyperstack_core_keypair", "reason": "not priced"},
    ]
    facts = _estimate.estimate(CREDIT, 0, [machines("n3-H100x8", 10, "15.2"), machines("n3-A100x1", 1, "1.35")], Decimal(10), Decimal(0), (), not_priced)
    report = _report.markdown(facts, [reason for _name, reason in _verdict.failed_conditions(facts)])
    assert "Left out of the estimate: aws_instance.x (not Hyperstack's bill (provider aws)); hyperstack_core_keypair.k (not priced).\n" in report
    assert "- **Out of stock:** n3-A100x1, n3-H100x8\n" in report
    assert "- **Credit:** $1,234.50 (threshold $100.00, headroom $1,134.50), which does not cover the $1,533.50 required\n" in report


def test_a_budget_without_a_plan_speaks_of_no_plan():
    # The gate's budget without a plan (_tasks.credit_gate): the credit and the month's forecast, 24 h before the month ends.
    now = datetime(2026, 12, 31, 0, 0, tzinfo=timezone.utc)
    month = _month.month_forecast(Decimal(1900), 1.5, now, monthly_budget=Decimal(1000))
    fact = _verdict.verdict(dict(CREDIT, **{key: month[key] for key in _estimate.BUDGET_KEYS}))
    summary = "the month's forecast $1,936.00 ($1,900.00 spent and $1.50/h running for the 24 h left) is more than the monthly budget $1,000.00"
    assert fact["reasons"] == [summary]
    assert "- **Budget:** %s\n" % summary in _report.markdown(fact, fact["reasons"], "Hyperstack credit gate")
