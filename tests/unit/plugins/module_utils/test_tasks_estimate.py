# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_tasks.py, deployment_cost (hyperstack_deployment_cost_info) against the
emulator: its reads made at once, a bad plan refused before any request, a failed read failing the task with its
message, and a region without flavors naming the regions."""

from __future__ import annotations

import time

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, refused


def test_deployment_cost_refuses_a_bad_plan_before_any_request(emu):
    with pytest.raises(HyperstackError):
        MODULES["hyperstack_deployment_cost_info"].run(dict(api_key=KEY, api_url=emu.api_url, plan=[{"count": 1}]))
    assert emu.state.requests == []


def test_deployment_cost_against_the_emulator(emu):
    params = dict(api_key=KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x8", "count": 1}], region="NORWAY-1", hours=10.0, margin_percent=0.0)
    result = MODULES["hyperstack_deployment_cost_info"].run(params)["hyperstack_deployment_cost_info"]
    # The emulator: A100 at $1.35 x 8 GPUs, $1.41/h already running, credit $1,500.
    assert (result["plan_cost_per_hour"], result["current_cost_per_hour"], result["required"]) == (10.8, 1.41, 122.1)
    # Read at once, so in any order.
    assert sorted(r["path"] for r in emu.state.requests) == ["/billing/billing/usage", "/billing/user-credit/credit", "/core/flavors", "/pricebook"]


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


def test_a_region_without_flavors_names_the_regions_in_the_estimate_and_in_flavor_info(emu):
    params = dict(api_key=KEY, api_url=emu.api_url, plan=[{"flavor": "n3-A100x1"}], region="EUROPE-9")
    expected = "region EUROPE-9 has no flavors; the regions are CANADA-1, NORWAY-1, US-1"
    assert refused(MODULES["hyperstack_deployment_cost_info"].run, params) == expected
    assert refused(MODULES["hyperstack_flavor_info"].run, dict(api_key=KEY, api_url=emu.api_url, region="EUROPE-9")) == expected
