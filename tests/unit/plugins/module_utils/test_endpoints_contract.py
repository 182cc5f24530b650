# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_endpoints.py and emulator/hyperstack_emulator.py against the published OpenAPI spec:
the credit and last day's cost endpoints' schemas and what the emulator serves agree with it.

The spec excerpt in fixtures/ is a copy of what NexGen Cloud publishes with its SDKs.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _client
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT, LAST_DAY_COST
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FIXTURES, failed_get, get_json, make_client, resolve_refs, respond, strict, validate

SPEC = yaml.safe_load((FIXTURES / "infrahub-openapi-billing-excerpt.yaml").read_text())


def response_schema(path, status):
    return resolve_refs(SPEC, SPEC["paths"][path]["get"]["responses"][str(status)]["content"]["application/json"]["schema"])


def test_spec_excerpt_has_what_the_collection_reads():
    for path in (CREDIT.path, LAST_DAY_COST.path):
        responses = SPEC["paths"][path]["get"]["responses"]
        assert {"200", "400", "401", "403", "404", "500"} <= set(responses)
        for status in (400, 401, 403, 404):
            assert response_schema(path, status) == resolve_refs(SPEC, {"$ref": "#/components/schemas/ErrorResponseModel"})
    assert SPEC["components"]["securitySchemes"]["apiKey"] == {
        "description": "Send it as api_key in header",
        "in": "header",
        "name": "api_key",
        "type": "apiKey",
    }


@pytest.mark.parametrize("can_create_instance", [None, True, False, "omit"])
@pytest.mark.parametrize("credit, threshold", [(1500.0, 0.0), (250, 0), (-12.5, 0.0)])
def test_emulator_credit_matches_the_spec(emu, can_create_instance, credit, threshold):
    emu.state.update({"credit": credit, "threshold": threshold, "can_create_instance": can_create_instance})
    status, content_type, body = get_json(emu.api_url + CREDIT.path)
    assert status == 200 and content_type == "application/json"
    schema = response_schema(CREDIT.path, 200)
    validate(body, schema)
    if can_create_instance == "omit":
        assert "can_create_instance" not in body["data"]
        body["data"]["can_create_instance"] = True  # the strict check covers the other fields
    validate(body, strict(schema))
    assert body["data"]["credit"] == credit and body["data"]["threshold"] == threshold


def test_emulator_last_day_cost_matches_the_spec(emu):
    emu.state.update({"last_day_cost": {"instances_cost": 6, "volumes_cost": 0.5, "clusters_cost": 0.0, "total_cost": 6.5}})
    status, dummy, body = get_json(emu.api_url + LAST_DAY_COST.path)
    assert status == 200
    validate(body, strict(response_schema(LAST_DAY_COST.path, 200)))
    assert body["data"]["total_cost"] == 6.5


@pytest.mark.parametrize("path", [CREDIT.path, LAST_DAY_COST.path])
@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_emulator_errors_match_the_error_model(emu, path, status):
    got, body = failed_get(emu, path, status)
    assert got == status
    validate(body, strict(response_schema(path, status)))
    assert body["status"] is False and body["message"]
    if status in (400, 403):
        assert body["message"] == HTTPStatus(status).phrase, "an injected error names its own status"


def test_emulator_401_says_what_the_spec_says(emu):
    body = get_json(emu.api_url + CREDIT.path, key="")[2]
    assert body["message"] == "No valid API key provided"


def test_emulator_rate_limit_uses_the_error_model(emu):
    emu.state.update({"rate_limit": 1})
    get_json(emu.api_url + CREDIT.path)
    status, dummy, body = get_json(emu.api_url + CREDIT.path)
    assert status == 429
    validate(body, strict(response_schema(CREDIT.path, 401)))


@pytest.mark.parametrize(
    "endpoint, component",
    [(CREDIT, "Get_credit_and_threshold_info_in_response"), (LAST_DAY_COST, "Last_day_cost_response")],
)
def test_client_schema_accepts_the_spec_examples(scripted, endpoint, component):
    example = SPEC["components"]["schemas"][component]["example"]
    _client.validator(endpoint.schema).validate(example)  # raises on any problem
    # And end to end, over HTTP.
    scripted.always(respond(200, example))
    facts = endpoint.fetch(make_client(scripted.url()))
    for name, value in example["data"].items():
        assert facts[name] == value


def test_client_schema_fields_are_the_specs_fields():
    # The client may require more than the spec, but never a field the spec does not have.
    for endpoint, component in ((CREDIT, "Get_credit_and_threshold_info_in_response"), (LAST_DAY_COST, "Last_day_cost_response")):
        spec = resolve_refs(SPEC, SPEC["components"]["schemas"][component])
        assert set(endpoint.schema["properties"]) <= set(spec["properties"])
        data = endpoint.schema["properties"]["data"]
        assert set(data["properties"]) == set(spec["properties"]["data"]["properties"])
        for name, sub in data["properties"].items():
            assert sub["type"] == spec["properties"]["data"]["properties"][name]["type"], name
