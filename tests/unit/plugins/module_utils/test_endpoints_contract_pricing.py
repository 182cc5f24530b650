# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_endpoints.py and emulator/hyperstack_emulator.py: the pricing endpoints' contract, the
emulator and the client's schemas agree with the published OpenAPI spec (fixtures/infrahub-openapi-pricing-excerpt.yaml,
copied from it unchanged)."""

from __future__ import annotations

import json

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import FLAVORS, PRICEBOOK, USAGE
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import (
    FIXTURES,
    failed_get,
    get_json,
    make_client,
    respond,
    response_schema,
    strict,
    validate,
    with_nulls,
)

SPEC = yaml.safe_load((FIXTURES / "infrahub-openapi-pricing-excerpt.yaml").read_text())
# Fields the reference docs show as null (the spec marks nothing nullable).
NULLABLE = {"display_name", "start_time", "end_time", "terminate_time", "bill_per_minute"}


def _with_nulls(schema):
    return with_nulls(schema, NULLABLE)


def _response_schema(path, status):
    return response_schema(SPEC, path, status)


@pytest.mark.parametrize("path, query", [(PRICEBOOK.path, ""), (USAGE.path, ""), (FLAVORS.path, ""), (FLAVORS.path, "?region=US-1")])
def test_emulator_pricing_endpoints_match_the_spec(emu, path, query):
    status, content_type, body = get_json(emu.api_url + path + query)
    assert status == 200 and content_type == "application/json"
    validate(body, _with_nulls(strict(_response_schema(path, 200))))
    assert body, "the emulator serves data"


def test_emulator_flavors_are_grouped_and_filtered_as_the_api_does(emu):
    body = get_json(emu.api_url + FLAVORS.path + "?region=US-1")[2]
    assert [(g["gpu"], g["region_name"], [f["name"] for f in g["flavors"]]) for g in body["data"]] == [
        ("H100-80G-PCIe", "US-1", ["n3-H100x8"]),
        ("", "US-1", ["n1-cpu-small"]),
    ]
    assert body["data"][0]["flavors"][0]["stock_available"] is False


@pytest.mark.parametrize("path", [PRICEBOOK.path, USAGE.path, FLAVORS.path])
@pytest.mark.parametrize("status", [400, 401, 404])
def test_emulator_pricing_errors_match_the_error_model(emu, path, status):
    got, body = failed_get(emu, path, status)
    assert got == status
    validate(body, strict(_response_schema(path, 401)))


@pytest.mark.parametrize(
    "endpoint, example",
    [
        (PRICEBOOK, lambda: [SPEC["components"]["schemas"]["PricebookModel"]["example"]]),
        (USAGE, lambda: SPEC["components"]["schemas"]["Billing_metrices_response"]["example"]),
        (FLAVORS, lambda: SPEC["components"]["schemas"]["Flavor_List_Response"]["example"]),
    ],
)
def test_client_schemas_accept_the_spec_examples(scripted, endpoint, example):
    # YAML reads the examples' dates as datetimes; the wire carries them as strings.
    scripted.always(respond(200, json.loads(json.dumps(example(), default=str))))
    assert endpoint.fetch(make_client(scripted.url()))


@pytest.mark.parametrize("endpoint", [PRICEBOOK, USAGE, FLAVORS])
def test_emulator_faults_apply_to_the_pricing_endpoints(emu, endpoint):
    emu.state.add_faults([{"status": 503, "times": 2}])
    assert endpoint.fetch(make_client(emu.api_url, api_retries=2, api_retry_max_delay=0.01))
    assert [r["path"] for r in emu.state.requests] == [endpoint.path] * 3
