# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of extensions/eda/plugins/event_source/credit.py, the event source nexgencloud.hyperstack.credit: its
settings, its verdicts, and its main() driving an asyncio.Queue against the emulator on loopback with a short
interval. Its budget_levels are in test_credit_budget_levels.py."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

import jsonschema
import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.extensions.eda.plugins.event_source import credit as source
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import API_OPTIONS, GATE_NUMBERS, gate_number
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, SPECIAL_KEY, api_requests, find_secret

CREDIT_PATH = "/billing/user-credit/credit"
GATE = MODULES["hyperstack_credit_gate_info"]

FAST = {"interval": 0.05, "api_timeout": 2, "api_retries": 0, "api_retry_max_delay": 0.1}


def _args(emu, **extra):
    return dict(FAST, api_key=KEY, api_url=emu.api_url, **extra)


async def _run(emu, args, steps, polls=2):
    """Run main(queue, args) and, for each step (a callable, or None), run it and wait until the source has
    started polls more polls (so one whole poll at least came after it); return the events put on the
    queue in order. main must still be running at the end."""
    queue = asyncio.Queue()
    task = asyncio.ensure_future(source.main(queue, args))
    try:
        # And at the end, one poll more: the one before it has then put its event.
        for step, count in [(step, polls) for step in steps] + [(None, 1)]:
            if step is not None:
                step()
            seen, deadline = len(api_requests(emu, CREDIT_PATH)), time.monotonic() + 20
            while len(api_requests(emu, CREDIT_PATH)) < seen + count:
                assert time.monotonic() < deadline, "the source stopped polling"
                assert not task.done(), task.exception() if task.done() else None
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    events = []
    while not queue.empty():
        events.append(queue.get_nowait())
    return events


def _first_event(emu):
    """The first event main() puts on its queue, within 10 s."""

    async def first():
        queue = asyncio.Queue()
        task = asyncio.ensure_future(source.main(queue, _args(emu)))
        try:
            return await asyncio.wait_for(queue.get(), 10)
        finally:
            task.cancel()

    return asyncio.run(first())


def run(emu, args, steps, polls=2):
    return asyncio.run(_run(emu, args, steps, polls))


# -- settings ---------------------------------------------------------------------------------


def test_settings_fall_back_to_the_environment_as_the_modules_do():
    environ = {
        "HYPERSTACK_API_KEY": "env-key",
        "HYPERSTACK_API_ADDRESS": "https://other.example/v1",
        "HYPERSTACK_API_TIMEOUT": "7",
        "HYPERSTACK_API_RETRIES": "1",
    }
    config = source.settings({}, environ)
    assert config["api_key"] == "env-key" and config["api_url"] == "https://other.example/v1"
    assert config["api_timeout"] == 7.0 and config["api_retries"] == 1 and config["api_retry_max_delay"] == 10.0
    assert (config["interval"], config["min_headroom"], config["min_runway_hours"], config["monthly_budget"], config["every_poll"]) == (
        300.0,
        0.0,
        None,
        None,
        False,
    )
    # An argument wins over the environment; HYPERSTACK_API_URL over HYPERSTACK_API_ADDRESS.
    config = source.settings({"api_key": "arg-key", "interval": 0.5, "every_poll": True}, dict(environ, HYPERSTACK_API_URL="http://127.0.0.1:9/v1"))
    assert (config["api_key"], config["api_url"], config["interval"], config["every_poll"]) == ("arg-key", "http://127.0.0.1:9/v1", 0.5, True)


@pytest.mark.parametrize(
    "args, message",
    [
        ({"interval": 0}, "interval must be more than 0, got 0"),
        ({"interval": -5}, "interval must be more than 0, got -5"),
        ({"interval": "soon"}, 'interval must be a number, got "soon"'),
        ({"every_poll": "sometimes"}, "every_poll must be true or false"),
        ({"api_retries": 1.5}, "api_retries must be a whole number, got 1.5"),
        ({"monthly_budget": [1]}, "monthly_budget must be a number"),
        ({"intervall": 5}, "unknown argument intervall; the arguments are api_key, api_url,"),
    ],
)
def test_settings_refuse_a_wrong_argument_in_one_line(args, message):
    with pytest.raises(HyperstackError) as caught:
        source.settings(dict({"api_key": KEY}, **args), {})
    assert caught.value.msg.startswith(message)


def test_a_rulebook_without_a_key_is_told_where_a_key_comes_from():
    with pytest.raises(HyperstackError) as caught:
        source.settings({}, {"HYPERSTACK_API_KEY": " "})
    assert caught.value.msg == "api_key is missing or empty: set api_key in the source's arguments or the HYPERSTACK_API_KEY environment variable"


def test_main_refuses_a_wrong_rulebook_without_the_key():
    with pytest.raises(ValueError) as caught:
        asyncio.run(source.main(asyncio.Queue(), {"api_key": SPECIAL_KEY, "api_url": "http://example.com/v1/" + SPECIAL_KEY}))
    msg = str(caught.value)
    assert msg.startswith("nexgencloud.hyperstack.credit: api_url ") and "plain http" in msg
    assert find_secret(msg, SPECIAL_KEY) is None and "\n" not in msg


def test_main_hides_the_environments_key_too(monkeypatch):
    # The argument's key and HYPERSTACK_API_KEY are both in sight, as for the lookup and the action plugins.
    env_key = "hs-ENVIRONMENT-3b7d21"
    monkeypatch.setenv("HYPERSTACK_API_KEY", env_key)
    with pytest.raises(ValueError) as caught:
        asyncio.run(source.main(asyncio.Queue(), {"api_key": KEY, "api_url": "http://example.com/v1/" + env_key}))
    msg = str(caught.value)
    assert msg.startswith("nexgencloud.hyperstack.credit: api_url ") and find_secret(msg, env_key) is None


def test_the_schema_and_the_documentation_agree():
    documented = yaml.safe_load(source.DOCUMENTATION)["options"]
    schema = source.ARGUMENT_SCHEMA["properties"]
    assert set(documented) == set(schema) == set(API_OPTIONS) | set(source.WATCH_OPTIONS)
    kinds = {"str": "string", "path": "string", "float": "number", "int": "integer", "bool": "boolean", "list": "array"}
    for name, doc in documented.items():
        assert schema[name]["type"] == [kinds[doc["type"]], "null"], name
        assert schema[name].get("default") == doc.get("default"), name


def test_the_documented_api_options_are_the_tables():
    # The source's copy of the API options' docs names each option's environment variables as the one table has them,
    # in its order, and its type and default are the table's (the schema is made from the table).
    documented = yaml.safe_load(source.DOCUMENTATION)["options"]
    for name, (kind, default, variables) in API_OPTIONS.items():
        words = " ".join(documented[name]["description"])
        assert re.findall(r"E\((\w+)\)", words) == list(variables), name
        assert documented[name]["type"] == kind and documented[name].get("default") == default, name
    for name, spec in source.WATCH_OPTIONS.items():
        assert documented[name]["type"] == spec["type"] and documented[name].get("default") == spec.get("default"), name


# -- the verdicts of one poll -----------------------------------------------------------------

NOW = datetime(2026, 12, 2, 2, tzinfo=timezone.utc)  # 718 h left in December
CONFIG = {"min_headroom": 0.0, "min_runway_hours": None, "monthly_budget": None}


def _credit(credit, threshold=0.0, can_create_instance=True):
    return {"credit": credit, "threshold": threshold, "can_create_instance": can_create_instance, "headroom": credit - threshold}


@pytest.mark.parametrize(
    "credit, cost, config, below",
    [
        (_credit(1500.0), 1.41, {}, []),
        (_credit(-0.5, can_create_instance=None), 1.41, {}, ["headroom"]),
        (_credit(99.99), 0, {"min_headroom": 100}, ["headroom"]),
        (_credit(100.0), 0, {"min_headroom": 100}, []),
        (_credit(23.9), 1.0, {"min_runway_hours": 24}, ["runway"]),
        (_credit(24.0), 1.0, {"min_runway_hours": 24}, []),
        (_credit(5.0), 0, {"min_runway_hours": 24}, []),  # nothing billed: the runway never ends
        # In the gate's order (_verdict.failed_conditions).
        (_credit(10.0, can_create_instance=False), 1.0, {"min_runway_hours": 24, "min_headroom": 50}, ["can_create_instance", "headroom", "runway"]),
    ],
)
def test_below_names_the_lines_crossed_now(credit, cost, config, below):
    facts = source.watch(credit, cost, None, dict(CONFIG, **config), NOW)
    assert facts["below"] == below


def test_the_facts_of_a_poll():
    facts = source.watch(_credit(48.6, 0.0), 2.025, Decimal("1900.00"), dict(CONFIG, monthly_budget=2000), NOW)
    assert facts == {
        "credit": 48.6,
        "threshold": 0.0,
        "headroom": 48.6,
        "can_create_instance": True,
        "cost_per_hour": 2.025,
        "runway_hours": 24.0,  # 48.6 / 2.025 on decimals; on floats 23.999999999999996
        "month_to_date": 1900.0,
        "month_forecast": 1900 + 2.025 * 718,
        "budget_used_percent": 95.0,
        "budget_level": None,
        "below": ["budget"],
    }
    # A negative headroom gives a negative runway, as the gate's and the estimate's (_money.runway_hours); nothing billed, for ever (null).
    assert source.watch(_credit(-10.0), 1.0, None, CONFIG, NOW)["runway_hours"] == -10
    assert source.watch(_credit(10.0), 0, None, CONFIG, NOW)["runway_hours"] is None
    assert source.watch(_credit(10.0), 0, Decimal(100), dict(CONFIG, monthly_budget=100), NOW)["below"] == []


# -- main() against the emulator --------------------------------------------------------------


def test_first_poll_gives_an_event_and_an_unchanged_one_none(emu):
    events = run(emu, _args(emu), [None] * 3)
    assert len(events) == 1
    facts = events[0]["hyperstack_credit"]
    assert facts["credit"] == 1500.0 and facts["cost_per_hour"] == 1.41 and facts["below"] == []
    assert facts["month_to_date"] is None and facts["month_forecast"] is None
    assert len(api_requests(emu, CREDIT_PATH)) >= 5, "it kept polling"
    assert not api_requests(emu, "/billing/billing/history"), "no budget, no history read"


@pytest.mark.slow
def test_an_event_when_the_headroom_crosses_its_line_and_only_then(emu):
    events = run(
        emu,
        _args(emu, min_headroom=100),
        [
            None,
            lambda: emu.state.update({"credit": 150.0}),
            lambda: emu.state.update({"credit": 99.0}),  # crosses
            lambda: emu.state.update({"credit": 50.0}),  # still below: no event
            lambda: emu.state.update({"credit": 500.0}),  # back above
        ],
    )
    assert [(e["hyperstack_credit"]["credit"], e["hyperstack_credit"]["below"]) for e in events] == [(1500.0, []), (99.0, ["headroom"]), (500.0, [])]


def test_every_poll_gives_an_event_at_every_poll(emu):
    events = run(emu, _args(emu, every_poll=True), [None], polls=5)
    # One event per poll; the last poll may have been cancelled half-way.
    polls = len(api_requests(emu, CREDIT_PATH))
    assert len(events) >= 5 and polls - 1 <= len(events) <= polls


def test_a_failing_streak_gives_one_error_and_polling_goes_on(emu):
    events = run(
        emu,
        _args(emu),
        [
            None,
            # On the credit's path: a poll under way when the fault comes may have read the credit already.
            lambda: emu.state.add_faults([{"status": 503, "times": -1, "path": "/billing/user-credit/credit"}]),
            emu.state.reset,
            lambda: emu.state.add_faults([{"status": 401, "times": 2}]),
            None,
        ],
    )
    kinds = [next(iter(e)) for e in events]
    assert kinds == ["hyperstack_credit", "hyperstack_credit_error", "hyperstack_credit_error"]
    first, second = events[1]["hyperstack_credit_error"], events[2]["hyperstack_credit_error"]
    assert first["status_code"] == 503 and first["msg"].startswith("reading the credit balance (GET /billing/user-credit/credit): HTTP 503")
    assert second["status_code"] == 401 and "check api_key or HYPERSTACK_API_KEY" in second["msg"]
    # Polling went on after each streak: whole polls (the usage is read after the credit) once the faults were spent.
    assert not emu.state.faults and api_requests(emu, "/billing/billing/usage")


@pytest.mark.slow
def test_a_429_within_a_poll_waits_its_retry_after(emu):
    emu.state.add_faults([{"status": 429, "headers": {"Retry-After": "1"}}])
    events = run(emu, _args(emu, api_retries=1, api_retry_max_delay=5), [None, None])
    assert [next(iter(e)) for e in events] == ["hyperstack_credit"]
    first, second = api_requests(emu, CREDIT_PATH)[:2]
    assert second["time"] - first["time"] >= 1.0


@pytest.mark.slow
def test_a_429_past_the_retries_makes_the_next_poll_wait_its_retry_after(emu):
    # No retries in the client (FAST): the poll fails, and the next waits 1 s, not the 0.05 s interval.
    emu.state.add_faults([{"status": 429, "headers": {"Retry-After": "1"}}])
    events = run(emu, _args(emu), [None])
    assert [next(iter(e)) for e in events] == ["hyperstack_credit_error", "hyperstack_credit"]
    assert events[0]["hyperstack_credit_error"]["status_code"] == 429
    first, second = api_requests(emu, CREDIT_PATH)[:2]
    assert second["time"] - first["time"] >= 1.0


def test_the_key_shows_in_no_event_and_no_log_line(emu, caplog):
    emu.state.update({"api_key": SPECIAL_KEY})
    emu.state.add_faults([{"action": "echo_key", "status": 500, "times": 3}])
    with caplog.at_level(logging.DEBUG):
        events = run(emu, dict(FAST, api_key=SPECIAL_KEY, api_url=emu.api_url), [None, None])
    assert [next(iter(e)) for e in events] == ["hyperstack_credit_error", "hyperstack_credit"]
    assert "Invalid API key ********" in events[0]["hyperstack_credit_error"]["msg"]
    assert find_secret(repr(events), SPECIAL_KEY) is None
    assert caplog.text and find_secret(caplog.text, SPECIAL_KEY) is None


def test_the_budget_reads_the_month_to_date_of_this_month(emu):
    emu.state.update({"month_to_date": 1900})
    events = run(emu, _args(emu, monthly_budget=1000), [None, lambda: emu.state.update({"month_to_date": 900.5, "usage": []})])
    assert [e["hyperstack_credit"]["below"] for e in events] == [["budget"], []]
    assert events[0]["hyperstack_credit"]["month_to_date"] == 1900.0 and events[0]["hyperstack_credit"]["month_forecast"] > 1900
    assert events[1]["hyperstack_credit"]["month_forecast"] == 900.5  # nothing runs any more
    query = parse_qs(api_requests(emu, "/billing/billing/history")[0]["query"])
    assert query["start_date"] == [datetime.now(timezone.utc).strftime("%Y-%m-01T00:00:00")]


@pytest.mark.parametrize("budget, spent, used", [(1, 0.75, 75.0), (0.5, 0.25, 50.0)])
def test_a_budget_of_a_dollar_or_less_has_its_levels_too(emu, budget, spent, used):
    # Any budget of more than 0 takes levels and gives its percent, however small (a trial's).
    emu.state.update({"usage": [], "month_to_date": spent})
    events = run(emu, _args(emu, monthly_budget=budget, budget_levels=[50, 90]), [None])
    assert [(e["hyperstack_credit"]["budget_used_percent"], e["hyperstack_credit"]["budget_level"], e["hyperstack_credit"]["below"]) for e in events] == [
        (used, 50, [])
    ]


@pytest.mark.slow
def test_a_slow_read_never_blocks_the_event_loop(emu):
    emu.state.add_faults([{"action": "hang", "seconds": 1.0}])
    ticks = []

    async def scenario():
        queue = asyncio.Queue()
        task = asyncio.ensure_future(source.main(queue, _args(emu, api_timeout=3)))
        start = time.monotonic()
        while time.monotonic() - start < 0.8:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.02)
        task.cancel()
        return queue

    asyncio.run(scenario())
    # The first read hangs for a second; the loop ran on meanwhile.
    assert len(ticks) >= 20
    assert max(b - a for a, b in zip(ticks, ticks[1:])) < 0.5, "the loop waited for the read"


def test_an_unexpected_error_is_one_line_without_the_key(emu, monkeypatch):
    # A bug in a poll goes through the collection's one failure path (_errors.failure), as in the modules.
    def broken(client, config, now=None):
        raise RuntimeError("could not use %s\n    at all" % KEY)

    monkeypatch.setattr(source, "poll", broken)

    assert [_first_event(emu)] == [{"hyperstack_credit_error": {"status_code": None, "msg": "unexpected RuntimeError: could not use ******** at all"}}]


# -- the arguments' words, the schema, one poll at a given time, the log line ---------------------


@pytest.mark.parametrize(
    "word, value",
    [
        (True, True),
        (False, False),
        ("true", True),
        ("yes", True),
        ("on", True),
        ("1", True),
        (" Yes\n", True),
        ("TRUE", True),
        ("false", False),
        ("no", False),
        ("off", False),
        ("0", False),
        (" OFF ", False),
        ("False", False),
    ],
)
def test_the_boolean_arguments_take_the_words_ansible_takes(word, value):
    config = source.settings({"api_key": KEY, "every_poll": word, "validate_certs": word}, {})
    assert config["every_poll"] is value and config["validate_certs"] is value


@pytest.mark.parametrize(
    "args, message",
    [
        ({"validate_certs": "maybe"}, 'validate_certs must be true or false, got "maybe"'),
        ({"every_poll": 1}, "every_poll must be true or false, got 1"),
        ({"every_poll": ""}, 'every_poll must be true or false, got ""'),
        (
            {"intervall": 5, "api_keys": "x"},
            "unknown argument api_keys, intervall; the arguments are api_key, api_url, api_timeout, api_retries, api_retry_max_delay,"
            " validate_certs, ca_path, interval, min_headroom, min_runway_hours, monthly_budget, budget_levels, every_poll,"
            " count_auto_topup, watch_payments, runway_contracts",
        ),
    ],
)
def test_a_wrong_argument_is_refused_with_the_whole_message(args, message):
    with pytest.raises(HyperstackError) as caught:
        source.settings(dict({"api_key": KEY}, **args), {})
    assert caught.value.msg == message


def test_the_thresholds_are_numbers_as_the_modules_take_them():
    config = source.settings({"api_key": KEY, "interval": "2.5", "min_headroom": -50, "min_runway_hours": "0.5", "monthly_budget": " 1000 "}, {})
    assert [(config[name], type(config[name])) for name in ("interval", "min_headroom", "min_runway_hours", "monthly_budget")] == [
        (2.5, float),
        (-50.0, float),
        (0.5, float),
        (1000.0, float),
    ]
    # 0 is the line itself: a budget of $0.
    assert source.settings({"api_key": KEY, "monthly_budget": 0}, {})["monthly_budget"] == 0.0


def test_a_negative_budget_is_refused_with_the_modules_message(emu):
    # The case: the modules refused it and the source took it.
    with pytest.raises(HyperstackError) as caught:
        source.settings({"api_key": KEY, "monthly_budget": -5}, {})
    assert caught.value.msg == "monthly_budget must be 0 or more, got -5.0"
    result = run_info(GATE, {"api_key": KEY, "api_url": emu.api_url, "monthly_budget": -5}, {}, "m")
    assert result["failed"] is True and result["msg"] == caught.value.msg


def test_a_runway_of_0_is_refused_saying_what_to_give_instead():
    with pytest.raises(HyperstackError) as caught:
        source.settings({"api_key": KEY, "min_runway_hours": 0}, {})
    assert caught.value.msg == "min_runway_hours must be more than 0, got 0.0: leave it unset (null) for no runway condition"


# The numbers the source shares with the modules, which the modules' rule (GATE_NUMBERS) checks.
SHARED_NUMBERS = sorted(set(GATE_NUMBERS) & set(source.WATCH_OPTIONS))


@pytest.mark.parametrize("option", SHARED_NUMBERS)
@pytest.mark.parametrize("value", [-5, "-0.5", 0, " 7 ", 1e400, "many", [1], True], ids=repr)
def test_every_number_shared_with_the_modules_is_checked_by_their_rule(option, value):
    # What the rule refuses, the source refuses in its words; what it takes, the source takes.
    assert SHARED_NUMBERS == ["min_headroom", "min_runway_hours", "monthly_budget"]
    try:
        expected = float(gate_number({option: source._float(value)}, option, source.RULEBOOK))
    except HyperstackError as exc:
        with pytest.raises(HyperstackError) as caught:
            source.settings({"api_key": KEY, option: value}, {})
        assert caught.value.msg == exc.msg
    else:
        assert source.settings({"api_key": KEY, option: value}, {})[option] == expected


@pytest.mark.parametrize("option, value", [("monthly_budget", -5), ("monthly_budget", "-0.5"), ("min_runway_hours", 0), ("min_runway_hours", -1)])
def test_the_source_and_the_gate_module_refuse_a_number_in_the_same_words(emu, option, value):
    with pytest.raises(HyperstackError) as caught:
        source.settings({"api_key": KEY, option: value}, {})
    # The module's runway is in days; its rule and its words are the same.
    theirs = {"min_runway_hours": "min_runway_days"}.get(option, option)
    result = run_info(GATE, {"api_key": KEY, "api_url": emu.api_url, theirs: value}, {}, "m")
    assert result["failed"] is True and result["msg"] == caught.value.msg.replace(option, theirs)


def test_the_schema_refuses_unknown_arguments_and_a_zero_interval():
    schema = source.ARGUMENT_SCHEMA
    assert (schema["$schema"], schema["title"], schema["type"], schema["additionalProperties"]) == (
        "http://json-schema.org/draft-07/schema#",
        "nexgencloud.hyperstack.credit",
        "object",
        False,
    )
    assert schema["properties"]["interval"] == {"type": ["number", "null"], "default": 300.0, "exclusiveMinimum": 0}
    assert schema["properties"]["every_poll"] == {"type": ["boolean", "null"], "default": False}
    assert schema["properties"]["api_key"] == {"type": ["string", "null"]}
    # The modules' rules of the numbers the source shares with them, in the schema's words.
    assert {
        name: prop.get("exclusiveMinimum", prop.get("minimum")) for name, prop in schema["properties"].items() if set(prop) & {"minimum", "exclusiveMinimum"}
    } == {
        "interval": 0,
        "min_runway_hours": 0,
        "monthly_budget": 0,
        "count_auto_topup": 0,
    }
    assert "minimum" in schema["properties"]["monthly_budget"] and "exclusiveMinimum" in schema["properties"]["min_runway_hours"]


@pytest.mark.parametrize(
    "levels, taken", [([50, 75, 90], True), ([0.5, 100], True), ([0], False), ([-10], False), ([100.5], False), (["half"], False)], ids=repr
)
def test_the_schema_takes_the_budget_levels_the_source_takes(levels, taken):
    # A tool that checks a rulebook's arguments by the published schema refuses what the source refuses.
    args = {"api_key": KEY, "monthly_budget": 1000, "budget_levels": levels}
    if taken:
        source.settings(args, {})
    else:
        with pytest.raises(HyperstackError):
            source.settings(args, {})
    jsonschema.Draft7Validator.check_schema(source.ARGUMENT_SCHEMA)
    assert jsonschema.Draft7Validator(source.ARGUMENT_SCHEMA).is_valid(args) is taken


def test_a_poll_reads_the_month_of_the_time_it_is_given(emu):
    # 2025-02-10 00:00 UTC (given naive: taken as UTC): 19 days, 456 h, left in February.
    config = source.settings(_args(emu, monthly_budget=1000), {})
    client = source.HyperstackClient.from_params(config, source.RULEBOOK)
    emu.state.update({"month_to_date": 100})
    facts = source.poll(client, config, datetime(2025, 2, 10))
    query = parse_qs(api_requests(emu, "/billing/billing/history")[0]["query"])
    assert query["start_date"] == ["2025-02-01T00:00:00"]
    assert facts["month_to_date"] == 100.0 and facts["cost_per_hour"] == 1.41
    assert facts["month_forecast"] == pytest.approx(100 + 1.41 * 456) and facts["below"] == []


def test_a_failed_poll_is_logged_as_a_warning_naming_the_source(emu, monkeypatch, caplog):
    def broken(client, config, now=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(source, "poll", broken)

    with caplog.at_level(logging.WARNING, logger=source.logger.name):
        _first_event(emu)
    assert [(r.levelname, r.getMessage()) for r in caplog.records][:1] == [("WARNING", "nexgencloud.hyperstack.credit: unexpected RuntimeError: boom")]


def test_run_from_its_file_the_source_finds_the_collection_seven_levels_up(tmp_path):
    # As ansible-rulebook runs it (runpy, from the file), with no ansible_collections/ on sys.path.
    path = Path(source.__file__)
    assert path.parts[-8] == "ansible_collections", path
    script = "import runpy, sys; names = runpy.run_path(sys.argv[1]); print(sorted(names['ARGUMENT_SCHEMA']['properties']) == sys.argv[2].split(','))"
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), ",".join(sorted(source.ARGUMENT_SCHEMA["properties"]))],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "True\n"), done.stderr


def test_the_example_rulebook_uses_this_source_and_its_arguments():
    example = yaml.safe_load(source.EXAMPLES)
    (sources,) = [play["sources"] for play in example]
    assert [list(entry) for entry in sources] == [["nexgencloud.hyperstack.credit"]]
    args = sources[0]["nexgencloud.hyperstack.credit"]
    assert source.settings(dict(args, api_key=KEY), {})["monthly_budget"] == args["monthly_budget"]


@pytest.mark.parametrize("retry_after, least, most", [(0.4, 0.4, 5), (None, 0, 0.9)], ids=["retry-after", "none"])
def test_after_a_failed_poll_the_next_waits_its_retry_after_else_the_interval(emu, monkeypatch, retry_after, least, most):
    # The interval is 0.05 s (FAST): a rate limit that outlasted the client's retries stretches it, nothing else does.
    starts = []

    def limited(client, config, now=None):
        starts.append(time.monotonic())
        raise HyperstackError("rate limited", 429, retry_after)

    monkeypatch.setattr(source, "poll", limited)

    async def two_polls():
        task = asyncio.ensure_future(source.main(asyncio.Queue(), _args(emu)))
        try:
            deadline = time.monotonic() + 10
            while len(starts) < 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        finally:
            task.cancel()

    asyncio.run(two_polls())
    assert len(starts) >= 2 and least <= starts[1] - starts[0] < most, starts


def test_run_by_hand_it_prints_the_events(emu, tmp_path):
    # python credit.py: the key and the URL from the environment, the first event printed at once.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("HYPERSTACK_")}
    env.update(HYPERSTACK_API_KEY=KEY, HYPERSTACK_API_URL=emu.api_url, HYPERSTACK_API_RETRIES="0")
    with subprocess.Popen([sys.executable, source.__file__], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        try:
            line = child.stdout.readline()
        finally:
            child.kill()
        stderr = child.stderr.read()
    assert line.startswith("{'hyperstack_credit': {'credit': 1500.0,"), (line, stderr)
