# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The estimate's own rules (plugins/module_utils/_cost.py): its keys and numbers, the defaults of hours and
margin, a volume's entry, the reads made at once (a failed one failing the task with its message), and the
words that help with a wrong flavor or region (three suggestions at most, the regions named)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _estimate, _plan, _pricing
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FLAVORS, KEY, MODULES, PRICES, credit_facts, refused


def test_the_estimates_keys_and_numbers():
    items = [{"flavor": "f", "cost_per_hour": Decimal("0.5"), "unit_price_per_hour": Decimal("0.25"), "stock_available": True, "_out_of_stock": []}]
    lost = [{"address": a, "type": "t", "id": a, "cost_per_hour": Decimal(0), "found": False} for a in ("x.a", "x.b")]
    result = _estimate.estimate(credit_facts(), 0, items, Decimal(2), Decimal(10), lost, [{"address": "t.k"}])
    assert sorted(result) == sorted(
        "credit threshold headroom can_create_instance current_cost_per_hour destroyed_cost_per_hour plan_cost_per_hour hours margin_percent"
        " required covered runway_hours out_of_stock summary breakdown destroyed not_priced".split() + list(_estimate.BUDGET_KEYS) + list(_estimate.LIMIT_KEYS)
    )
    assert (result["hours"], result["margin_percent"], result["can_create_instance"], result["not_priced"]) == (2.0, 10.0, None, [{"address": "t.k"}])
    # The headroom is credit - threshold; 0.5 an hour (less than 1) still has a runway.
    assert result["runway_hours"] == 400.0 and result["summary"].endswith("within the headroom $200.00; not in the usage, so nothing subtracted: x.a, x.b")
    assert result["breakdown"] == [{"flavor": "f", "cost_per_hour": 0.5, "unit_price_per_hour": 0.25, "stock_available": True}]


def test_the_defaults_and_names_of_hours_and_margin():
    request = _plan.plan_request({})
    assert (request["hours"], request["margin"]) == (Decimal(24), Decimal(0))
    assert _plan.plan_request({"hours": 0.5})["hours"] == Decimal("0.5")
    assert refused(_plan.plan_request, {"hours": "x"}) == 'hours must be a number, got "x"'
    assert refused(_plan.plan_request, {"margin_percent": -1}) == "margin_percent must be 0 or more, got -1"


def test_a_volumes_entry_has_its_size_count_and_how():
    priced = _pricing.price_item(_plan.check_plan([{"volume_gb": 10, "count": 3}])[0], FLAVORS, PRICES, None)
    assert {key: priced[key] for key in ("flavor", "volume_gb", "count", "priced_by")} == {
        "flavor": None,
        "volume_gb": 10.0,
        "count": 3,
        "priced_by": "pricebook Cloud-SSD x 10 GB",
    }


def test_the_estimates_reads_are_made_at_once(emu):
    emu.state.update({"latency": 0.4})
    params = dict(api_key=KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x1"}], region="NORWAY-1")
    start = time.monotonic()
    MODULES["hyperstack_deployment_cost_info"].run(params)
    elapsed = time.monotonic() - start
    # Four reads one after another would take 1.6 s at least.
    assert 0.4 <= elapsed < 1.2, elapsed
    starts = sorted(request["time"] for request in emu.state.requests)
    assert len(starts) == 4 and starts[-1] - starts[0] < 0.3


def test_a_failed_read_among_several_fails_the_task_with_the_first_reads_message(emu):
    params = dict(api_key="wrong-" + KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x1"}], api_retries=0)
    assert refused(MODULES["hyperstack_deployment_cost_info"].run, params).startswith("reading the credit balance (GET /billing/user-credit/credit): HTTP 401")


def test_flavor_suggestions_ignore_case():
    assert refused(_pricing.price_item, _plan.check_plan([{"flavor": "a100"}])[0], FLAVORS, PRICES) == "flavor a100 does not exist; the closest are n3-A100x1"


MANY = [dict(FLAVORS[3], name=name) for name in ("flavor-1", "flavor-2", "flavor-3", "flavor-4", "n1-cpu-large", "n1-cpu-medium", "n1-cpu-small", "n1-cpu-xl")]


@pytest.mark.parametrize(
    "name, message",
    [
        ("flavor-", "flavor flavor- does not exist; the closest are flavor-4, flavor-3, flavor-2"),
        # One is close enough by difflib's ratio; then the names that contain it, three in all.
        ("CPU", "flavor CPU does not exist; the closest are n1-cpu-xl, n1-cpu-large, n1-cpu-medium"),
    ],
)
def test_three_suggestions_at_most(name, message):
    assert refused(_pricing.price_item, _plan.check_plan([{"flavor": name}])[0], MANY, PRICES) == message


def test_the_regions_a_flavor_is_in_are_listed_with_commas():
    item = _plan.check_plan([{"flavor": "n3-A100x1"}])[0]
    assert refused(_pricing.price_item, item, FLAVORS, PRICES, "US-1") == "flavor n3-A100x1 is not offered in region US-1; it is in CANADA-1, NORWAY-1"


def test_a_region_without_flavors_names_the_regions_in_the_estimate_and_in_flavor_info(emu):
    params = dict(api_key=KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x1"}], region="EUROPE-9")
    expected = "region EUROPE-9 has no flavors; the regions are CANADA-1, NORWAY-1, US-1"
    assert refused(MODULES["hyperstack_deployment_cost_info"].run, params) == expected
    assert refused(MODULES["hyperstack_flavor_info"].run, dict(api_key=KEY, api_url=emu.api_url, region="EUROPE-9")) == expected
