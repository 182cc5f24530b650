# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_endpoints.py and emulator/hyperstack_emulator.py: the billing history's contract, the
emulator and the client's schema agree with the published OpenAPI spec (fixtures/infrahub-openapi-billing-history-excerpt.yaml,
copied from it unchanged)."""

from __future__ import annotations

import time

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import BILLING_HISTORY
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FIXTURES, failed_get, get_json, make_client, resolve_refs, respond, strict, validate

SPEC = yaml.safe_load((FIXTURES / "infrahub-openapi-billing-history-excerpt.yaml").read_text())
OPERATION = SPEC["paths"][BILLING_HISTORY.path]["get"]
QUERY = "?start_date=2026-12-01T00:00:00&end_date=2026-12-01T19:30:00"


def response_schema(status):
    return resolve_refs(SPEC, OPERATION["responses"][str(status)]["content"]["application/json"]["schema"])


def test_spec_excerpt_has_what_the_budget_reads():
    assert {p["name"]: (p["in"], p["schema"]["type"], p["required"]) for p in OPERATION["parameters"]} == {
        "start_date": ("query", "string", False),
        "end_date": ("query", "string", False),
        "graph": ("query", "string", False),
    }
    assert {"200", "400", "401", "403", "404", "500"} <= set(OPERATION["responses"])
    metrics = response_schema(200)["properties"]["billing_history"]["properties"]["billing_history"]["items"]["properties"]["metrics"]
    assert metrics["properties"]["incurred_bill"] == {"type": "number"}
    assert {"apiKey": []} in OPERATION["security"]


@pytest.mark.parametrize(
    "state",
    [{}, {"month_to_date": 1900}, {"month_to_date": 12.34}, {"billing_history": []}],
    ids=["default rows", "integer spend", "float spend", "no rows"],
)
def test_emulator_billing_history_matches_the_spec(emu, state):
    emu.state.update(state)
    status, content_type, body = get_json(emu.api_url + BILLING_HISTORY.path + QUERY)
    assert status == 200 and content_type == "application/json"
    validate(body, strict(response_schema(200)))
    history = body["billing_history"]
    assert history["total_count"] == len(history["billing_history"])
    if "month_to_date" in state:
        assert [row["metrics"]["incurred_bill"] for row in history["billing_history"]] == [state["month_to_date"]]


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_emulator_billing_history_errors_match_the_error_model(emu, status):
    got, body = failed_get(emu, BILLING_HISTORY.path, status)
    assert got == status
    validate(body, strict(response_schema(status)))


@pytest.mark.parametrize("name", ["start_date", "end_date"])
@pytest.mark.parametrize("value", ["2026-12-01", "2026-12-01 00:00:00", "2026-13-01T00:00:00", "yesterday"])
def test_emulator_refuses_a_date_not_in_the_documented_format(emu, name, value):
    status, dummy, body = get_json(emu.api_url + BILLING_HISTORY.path + "?%s=%s" % (name, value.replace(" ", "%20")))
    assert status == 400
    validate(body, strict(response_schema(400)))
    assert body["message"] == "%s should be formatted in YYYY-MM-DDTHH:MM:SS, got %r" % (name, value)


def test_client_schema_accepts_the_spec_example(scripted):
    example = SPEC["components"]["schemas"]["OrganizationLevelBillingHistoryResponseModel"]["example"]
    scripted.always(respond(200, example))
    facts = BILLING_HISTORY.fetch(make_client(scripted.url()))
    # Two rows of 6.027456183070403, added as written.
    assert str(facts["spent"]) == "12.054912366140806"
    assert facts["rows"] == example["billing_history"]["billing_history"]


def test_client_schema_fields_are_the_specs_fields():
    # The client may require more than the spec, but never a field the spec does not have.
    spec = response_schema(200)
    ours = BILLING_HISTORY.schema
    assert set(ours["properties"]) <= set(spec["properties"])
    history, spec_history = ours["properties"]["billing_history"], spec["properties"]["billing_history"]
    assert set(history["properties"]) <= set(spec_history["properties"])
    row, spec_row = history["properties"]["billing_history"]["items"], spec_history["properties"]["billing_history"]["items"]
    assert set(row["properties"]) <= set(spec_row["properties"])
    metrics, spec_metrics = row["properties"]["metrics"], spec_row["properties"]["metrics"]
    assert set(metrics["properties"]) <= set(spec_metrics["properties"])
    assert metrics["properties"]["incurred_bill"]["type"] == spec_metrics["properties"]["incurred_bill"]["type"]


def test_emulator_credit_falls_at_the_rate_it_is_told(emu):
    emu.state.update({"credit": 100.0, "credit_fall_per_second": 50.0})
    time.sleep(0.2)
    first = get_json(emu.api_url + "/billing/user-credit/credit")[2]["data"]["credit"]
    assert first <= 90, first  # $10 or more in 0.2 s (more on a slow machine)
    time.sleep(0.2)
    second = get_json(emu.api_url + "/billing/user-credit/credit")[2]["data"]["credit"]
    assert second <= first - 10, (first, second)
    # Stopped, the credit keeps what it fell to; set, it starts from the new value.
    kept = emu.state.update({"credit_fall_per_second": 0})["credit"]
    assert kept <= second and round(kept, 2) == kept
    time.sleep(0.1)
    assert get_json(emu.api_url + "/billing/user-credit/credit")[2]["data"]["credit"] == kept
    assert emu.state.update({"credit": 5000})["credit"] == 5000
