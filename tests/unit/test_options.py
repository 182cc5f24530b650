# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bad options are refused before any request, naming the option."""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import types
from decimal import Decimal

import pytest
import yaml
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _options
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackClient
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import API_OPTIONS
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES, check_line
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import (
    KEY,
    MODULES,
    ROOT,
    HyperstackError,
    api_requests,
    check_message,
    credit_body,
    respond,
)

# The roles' declarations (plugin_utils/_roles.py), as these tests name them.
ROLE, GUARD = ROLES["nexgencloud.hyperstack.credit_gate"].caller, ROLES["nexgencloud.hyperstack.runway_guard"].caller
ROLE_VARIABLES = ROLE.names


def check_guard_line(variable):
    return check_line(ROLES["nexgencloud.hyperstack.runway_guard"], variable)


BAD_OPTIONS = [
    # (id, options, the option the message must name, more words it must have)
    ("key-none", {"api_key": None}, "api_key", ["HYPERSTACK_API_KEY"]),
    ("key-empty", {"api_key": ""}, "api_key", ["missing or empty"]),
    ("key-whitespace", {"api_key": " \t\n "}, "api_key", ["missing or empty"]),
    ("key-not-a-string", {"api_key": 12345}, "api_key", []),
    ("key-with-space", {"api_key": "hs-SECRET 6f1c9a"}, "api_key", ["spaces"]),
    ("key-with-newline", {"api_key": "hs-SECRET\n6f1c9a"}, "api_key", ["spaces or control"]),
    ("key-with-control", {"api_key": "hs-SECRET\x076f1c9a"}, "api_key", ["control"]),
    ("key-not-ascii", {"api_key": "ключ-6f1c9a"}, "api_key", ["ASCII"]),
    ("key-latin1", {"api_key": "hs-SECRÉT-6f1c9a"}, "api_key", ["ASCII"]),
    ("url-empty", {"api_url": ""}, "api_url", ["http:// or https://"]),
    ("url-none", {"api_url": None}, "api_url", []),
    ("url-not-a-string", {"api_url": 8080}, "api_url", []),
    ("url-no-scheme", {"api_url": "infrahub-api.nexgencloud.com/v1"}, "api_url", ["http:// or https://"]),
    ("url-words", {"api_url": "not a url"}, "api_url", []),
    ("url-ftp", {"api_url": "ftp://127.0.0.1/v1"}, "api_url", ["http:// or https://"]),
    ("url-file", {"api_url": "file:///etc/passwd"}, "api_url", ["http:// or https://"]),
    ("url-javascript", {"api_url": "javascript:alert(1)"}, "api_url", []),
    ("url-no-host", {"api_url": "https:///v1"}, "api_url", ["host"]),
    ("url-plain-http-remote", {"api_url": "http://example.com/v1"}, "api_url", ["plain http", "https"]),
    ("url-plain-http-private-ip", {"api_url": "http://10.0.0.5/v1"}, "api_url", ["plain http"]),
    ("url-plain-http-any-address", {"api_url": "http://0.0.0.0:8080/v1"}, "api_url", ["plain http"]),
    ("url-bad-port", {"api_url": "https://127.0.0.1:99999/v1"}, "api_url", ["not a valid URL"]),
    ("url-text-port", {"api_url": "https://127.0.0.1:https/v1"}, "api_url", ["not a valid URL"]),
    ("url-bad-ipv6", {"api_url": "https://[::1/v1"}, "api_url", ["not a valid URL"]),
    ("url-space-in-host", {"api_url": "https://infrahub api.nexgencloud.com/v1"}, "api_url", ["not a valid URL"]),
    ("url-empty-label", {"api_url": "https://infrahub-api..nexgencloud.com/v1"}, "api_url", ["not a valid URL"]),
    ("url-label-too-long", {"api_url": "https://%s.nexgencloud.com/v1" % ("a" * 70)}, "api_url", ["not a valid URL"]),
    ("url-credentials", {"api_url": "https://user:pw@infrahub-api.nexgencloud.com/v1"}, "api_url", ["credentials"]),
    ("url-query", {"api_url": "https://infrahub-api.nexgencloud.com/v1?api_key=x"}, "api_url", ["query"]),
    ("url-fragment", {"api_url": "https://infrahub-api.nexgencloud.com/v1#x"}, "api_url", ["fragment"]),
    ("timeout-negative", {"api_timeout": -1}, "api_timeout", ["more than 0"]),
    ("timeout-zero", {"api_timeout": 0}, "api_timeout", ["more than 0"]),
    ("timeout-nan", {"api_timeout": float("nan")}, "api_timeout", []),
    ("timeout-inf", {"api_timeout": float("inf")}, "api_timeout", []),
    ("timeout-text", {"api_timeout": "soon"}, "api_timeout", ["number"]),
    ("timeout-none", {"api_timeout": None}, "api_timeout", ["number"]),
    ("retries-negative", {"api_retries": -1}, "api_retries", ["0 or more"]),
    ("retries-text", {"api_retries": "many"}, "api_retries", ["number"]),
    ("retries-inf", {"api_retries": float("inf")}, "api_retries", []),
    ("retries-fraction", {"api_retries": "2.5"}, "api_retries", ["whole number"]),
    ("max-delay-negative", {"api_retry_max_delay": -0.5}, "api_retry_max_delay", ["0 or more"]),
    ("max-delay-nan", {"api_retry_max_delay": float("nan")}, "api_retry_max_delay", []),
    ("ca-path-not-a-string", {"ca_path": 42}, "ca_path", []),
]


@pytest.mark.parametrize("name, options, option, words", BAD_OPTIONS, ids=[case[0] for case in BAD_OPTIONS])
def test_bad_option_is_refused_before_any_request(scripted, name, options, option, words):
    params = dict(api_key=KEY, api_url=scripted.url(), api_timeout=1.0, api_retries=0, api_retry_max_delay=0.1, validate_certs=True, ca_path=None)
    params.update(options)
    with pytest.raises(HyperstackError) as caught:
        HyperstackClient(**params)
    msg = check_message(caught.value.msg)
    assert msg.startswith(option), msg
    for word in words:
        assert word in msg, (word, msg)
    assert caught.value.status_code is None
    assert scripted.connections == 0


def test_the_key_is_never_in_an_option_error(scripted):
    # A key pasted into the wrong option must not be printed back.
    for options in ({"api_url": KEY}, {"api_url": "https://%s.invalid/v1?x" % KEY}, {"api_timeout": KEY}, {"api_retries": KEY + "x" * 60}):
        params = dict(api_key=KEY, api_url=scripted.url())
        params.update(options)
        with pytest.raises(HyperstackError) as caught:
            HyperstackClient(**params)
        check_message(caught.value.msg)


@pytest.mark.parametrize(
    "options",
    [
        {"api_key": "  %s  " % KEY},
        {"api_url": "  http://127.0.0.1:{port}/v1/  "},
        {"api_url": "HTTP://LOCALHOST:{port}/v1"},
        {"api_url": "http://[::1]:{port}/v1", "api_retries": 0, "expect_refused": True},
        {"api_timeout": "0.5", "api_retries": "2", "api_retry_max_delay": "0"},
        {"api_retries": 0, "api_retry_max_delay": 0},
    ],
    ids=["key-padded", "url-padded-trailing-slash", "url-upper-case", "ipv6-loopback", "numbers-as-strings", "zeros"],
)
def test_acceptable_options(scripted, options):
    # Loose but unambiguous spellings work, and reach the right place.
    scripted.always(respond(200, credit_body()))
    options = dict(options)
    refused = options.pop("expect_refused", False)
    params = dict(api_key=KEY, api_url=scripted.url(), api_timeout=1.0)
    params.update({k: v.format(port=scripted.port) if isinstance(v, str) else v for k, v in options.items()})
    client = HyperstackClient(**params)
    if refused:
        # The server listens on IPv4 only; reaching [::1] must fail cleanly.
        with pytest.raises(HyperstackError):
            CREDIT.fetch(client)
        return
    assert CREDIT.fetch(client)["credit"] == 10.0
    assert scripted.requests[-1].header("api_key") == KEY
    assert scripted.requests[-1].target == "/v1/billing/user-credit/credit"


def test_plain_http_remote_makes_no_dns_lookup_nor_request():
    # Refused from the text alone: the name is not even resolved.
    with pytest.raises(HyperstackError) as caught:
        HyperstackClient(api_key=KEY, api_url="http://never-resolved.invalid/v1")
    assert "plain http" in caught.value.msg


# -- the options' functions, one by one (plugins/module_utils/_options.py) --------------------

ENV_NAMES = ("HYPERSTACK_FIRST", "HYPERSTACK_SECOND")


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({"HYPERSTACK_FIRST": "1", "HYPERSTACK_SECOND": "2"}, "1"),
        ({"HYPERSTACK_SECOND": "2"}, "2"),
        ({"HYPERSTACK_FIRST": "", "HYPERSTACK_SECOND": "2"}, "2"),
        ({"HYPERSTACK_FIRST": " \t\n", "HYPERSTACK_SECOND": " 2 "}, " 2 "),
        ({"HYPERSTACK_FIRST": " "}, None),
        ({"OTHER": "1"}, None),
        ({}, None),
    ],
    ids=["first-wins", "second-when-first-unset", "second-when-first-empty", "blank-is-unset-value-as-set", "only-blank", "other-names", "empty"],
)
def test_environment_value_is_the_first_variable_set_and_not_blank(environ, expected):
    assert _options.environment_value(ENV_NAMES, environ) == expected


def test_api_values_take_the_given_value_then_the_environment_then_the_default():
    environ = {
        "HYPERSTACK_API_KEY": "env-key",
        "HYPERSTACK_API_ADDRESS": "https://address.example/v1",
        "HYPERSTACK_API_TIMEOUT": "7",
        "HYPERSTACK_API_RETRIES": "5",
    }
    # Given values win even when falsy (0, False); None counts as not given.
    given = {"api_timeout": 3, "api_retries": 0, "api_retry_max_delay": None, "validate_certs": False, "unrelated": "x"}
    assert _options.api_values(given, environ) == {
        "api_key": "env-key",
        "api_url": "https://address.example/v1",
        "api_timeout": 3,
        "api_retries": 0,
        "api_retry_max_delay": 10.0,
        "validate_certs": False,
        "ca_path": None,
    }
    assert _options.api_values({}, {}) == {name: default for name, (_kind, default, _env) in API_OPTIONS.items()}


@pytest.mark.parametrize(
    "value, kwargs, expected",
    [
        (7, {}, Decimal(7)),
        ("1.5", {}, Decimal("1.5")),
        (" 2 \n", {}, Decimal(2)),
        (0.1, {}, Decimal("0.1")),  # the float as written, not its binary expansion
        (Decimal("2.50"), {}, Decimal("2.50")),
        (-3, {}, Decimal(-3)),  # no bound unless asked
        (2.5, {}, Decimal("2.5")),  # a fraction unless integer=True
        ("3.0", {"integer": True}, Decimal(3)),
        (0, {"minimum": 0}, Decimal(0)),
        (100, {"maximum": 100}, Decimal(100)),
        (0.001, {"above": 0}, Decimal("0.001")),
    ],
)
def test_check_number_gives_the_decimal(value, kwargs, expected):
    number = _options.check_number(value, "n", **kwargs)
    assert isinstance(number, Decimal) and number == expected


@pytest.mark.parametrize(
    "value, kwargs, message",
    [
        (True, {}, "n must be a number, got true"),
        (None, {}, "n must be a number, got null"),
        ([1], {}, "n must be a number, got [1]"),
        ("soon", {}, 'n must be a number, got "soon"'),
        ("", {}, 'n must be a number, got ""'),
        ("nan", {}, 'n must be a number, got "nan"'),
        (float("inf"), {}, "n must be a number, got Infinity"),
        (Decimal("-Infinity"), {}, 'n must be a number, got "-Infinity"'),
        (2.5, {"integer": True}, "n must be a whole number, got 2.5"),
        (-0.5, {"minimum": 0}, "n must be 0 or more, got -0.5"),
        (100.5, {"maximum": 100}, "n must be 100 or less, got 100.5"),
        (0, {"above": 0}, "n must be more than 0, got 0"),
        ("-1", {"above": 0}, "n must be more than 0, got -1"),
    ],
)
def test_check_number_refuses_naming_what_and_the_value(value, kwargs, message):
    with pytest.raises(HyperstackError) as caught:
        _options.check_number(value, "n", **kwargs)
    assert caught.value.msg == message


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("localhost", True),
        ("LocalHost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("10.0.0.5", False),
        ("example.com", False),
        ("localhost.example", False),
    ],
)
def test_is_loopback(host, loopback):
    assert _options.is_loopback(host) is loopback


def test_check_api_options_returns_the_options_cleaned_and_converted():
    options = dict(
        api_key="  %s \n" % KEY,
        api_url=" https://infrahub-api.example/v1// ",
        api_timeout="2",
        api_retries="2.0",
        api_retry_max_delay="0",
        validate_certs=False,
        ca_path="/etc/ca.pem",
        extra="kept",
    )
    checked = _options.check_api_options(options)
    assert checked == dict(
        api_key=KEY,
        api_url="https://infrahub-api.example/v1",
        api_timeout=2.0,
        api_retries=2,
        api_retry_max_delay=0.0,
        validate_certs=False,
        ca_path="/etc/ca.pem",
        extra="kept",
    )
    assert [type(checked[name]) for name in ("api_timeout", "api_retries", "api_retry_max_delay")] == [float, int, float]
    assert options["api_key"] == "  %s \n" % KEY, "the caller's options are left as they were"


def test_a_url_keeps_its_path_and_only_loses_trailing_slashes():
    assert _options.check_api_options(dict(API_VALUES, api_url="https://infrahub-api.example/X//"))["api_url"] == "https://infrahub-api.example/X"


@pytest.mark.parametrize(
    "url, message",
    [
        (8080, "api_url '' must be an http:// or https:// URL with a host name"),  # not a string: shown as nothing
        ("ftp://host/" + "a" * 200, "api_url '%s...' must be an http:// or https:// URL with a host name" % ("ftp://host/" + "a" * 86)),  # 100 characters shown
        ("ftp://host/" + "a" * 89, "api_url '%s' must be an http:// or https:// URL with a host name" % ("ftp://host/" + "a" * 89)),  # 100: shown whole
    ],
    ids=["not-a-string", "long", "100-characters"],
)
def test_a_bad_url_is_shown_in_at_most_100_characters(url, message):
    with pytest.raises(HyperstackError) as caught:
        _options.check_api_options(dict(API_VALUES, api_url=url))
    assert caught.value.msg == message


@pytest.mark.parametrize(
    "caller, missing",
    [
        (
            _options.MODULE,
            "api_key is missing or empty: set the api_key option, the HYPERSTACK_API_KEY environment variable,"
            " or api_key in module_defaults for group/nexgencloud.hyperstack.all",
        ),
        (
            _options.LOOKUP,
            "api_key is missing or empty: pass api_key= to the lookup or set the HYPERSTACK_API_KEY environment variable"
            " (a lookup does not read module_defaults)",
        ),
        (_options.RULEBOOK, "api_key is missing or empty: set api_key in the source's arguments or the HYPERSTACK_API_KEY environment variable"),
        (ROLE, "hyperstack_api_key is missing or empty: set hyperstack_api_key or the HYPERSTACK_API_KEY environment variable"),
    ],
    ids=["module", "lookup", "rulebook", "role"],
)
def test_a_missing_key_is_named_and_told_where_it_comes_from_for_each_caller(caller, missing):
    with pytest.raises(HyperstackError) as caught:
        _options.check_api_options(dict(api_key=None, api_url=_options.DEFAULT_API_URL), caller)
    assert caught.value.msg == missing


def test_the_role_caller_names_the_roles_variables():
    for options, start in [
        ({"api_key": "a b"}, "hyperstack_api_key contains spaces"),
        ({"api_url": "ftp://x/v1"}, "hyperstack_api_url 'ftp://x/v1' must be"),
        ({"api_timeout": 0}, "api_timeout must be more than 0"),  # not a role variable: the option's name
    ]:
        with pytest.raises(HyperstackError) as caught:
            _options.check_api_options(dict(API_VALUES, **options), ROLE)
        assert caught.value.msg.startswith(start), caught.value.msg
    assert ROLE.name("plan") == "hyperstack_credit_gate_plan" and _options.MODULE.name("plan") == "plan"


def test_the_role_variables_are_those_the_role_declares_and_passes_on():
    specs = yaml.safe_load((ROOT / "roles" / "credit_gate" / "meta" / "argument_specs.yml").read_text())
    assert set(ROLE_VARIABLES.values()) == set(specs["argument_specs"]["main"]["options"])
    task = yaml.safe_load((ROOT / "roles" / "credit_gate" / "tasks" / "main.yml").read_text())[0]
    passed = {option: re.match(r"\{\{ (\w+)", value).group(1) for option, value in task["nexgencloud.hyperstack.hyperstack_credit_gate_info"].items()}
    api = re.findall(r"'(\w+)': (\w+) \|", task["vars"]["__hyperstack_credit_gate_api"])
    assert dict(passed, **dict(api)) == ROLE_VARIABLES


def test_the_default_argument_spec_reads_os_environ_and_keeps_its_problems_to_itself(monkeypatch):
    monkeypatch.setenv("HYPERSTACK_API_RETRIES", "4")
    monkeypatch.setenv("HYPERSTACK_API_TIMEOUT", "abc")
    spec = _options.api_argument_spec()
    fallback, args = spec["api_retries"]["fallback"]
    assert fallback(*args) == "4"
    # Without a problems list, a bad value still falls back to the default, quietly.
    fallback, args = spec["api_timeout"]["fallback"]
    with pytest.raises(AnsibleFallbackNotFound):
        fallback(*args)


def test_plain_turns_tagged_values_into_built_in_ones():
    class Tagged(str):
        pass

    class TaggedInt(int):
        pass

    class TaggedFloat(float):
        pass

    when = object()
    value = {Tagged("a"): (TaggedInt(1), TaggedFloat(1.5), True, [Tagged("b"), None]), "c": when}
    result = _options.plain(value)
    assert result == {"a": [1, 1.5, True, ["b", None]], "c": when} and result["c"] is when
    # The exact built-in classes, not subclasses: what the client gets is what json and requests expect.
    assert [v.__class__ for v in result["a"]] == [int, float, bool, list]
    assert [k.__class__ for k in result] == [str, str] and result["a"][3][0].__class__ is str
    assert _options.plain(False) is False and _options.plain(TaggedInt(0)).__class__ is int
    # A mapping that is not a dict becomes one too.
    proxy = _options.plain(types.MappingProxyType({Tagged("k"): Tagged("v")}))
    assert proxy == {"k": "v"} and proxy.__class__ is dict and [k.__class__ for k in proxy] == [str]


def test_keys_in_sight_are_the_given_key_and_the_environments():
    assert _options.keys_in_sight(None, {}) == [None, None]
    assert _options.keys_in_sight("given", {"HYPERSTACK_API_KEY": "env"}) == ["given", "env"]


# Good API options, as api_values() would give them.
API_VALUES = dict(api_key=KEY, api_url=_options.DEFAULT_API_URL, api_timeout=1, api_retries=0, api_retry_max_delay=0, ca_path=None)


def _options_without(monkeypatch, *missing):
    """A fresh copy of _options imported as where the libraries named are not installed."""
    for name in missing:
        monkeypatch.setitem(sys.modules, name, None)  # the import fails
    spec = importlib.util.spec_from_file_location("hyperstack_options_without_libraries", _options.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_urllib3_a_url_is_still_checked(monkeypatch):
    # The client says which library is missing; until then the options are checked without it.
    module = _options_without(monkeypatch, "urllib3")
    assert module.urllib3 is None
    assert module.check_api_options(dict(API_VALUES, api_url="https://infrahub-api.example/v1/"))["api_url"] == "https://infrahub-api.example/v1"
    with pytest.raises(HyperstackError) as caught:
        module.check_api_options(dict(API_VALUES, api_url="https://127.0.0.1:99999/v1"))
    assert "is not a valid URL" in caught.value.msg


def test_outside_ansible_an_unset_variable_falls_back_with_lookup_error(monkeypatch):
    # An event source runs without ansible-core's argument spec machinery.
    module = _options_without(monkeypatch, "ansible.module_utils.errors")
    assert module.AnsibleFallbackNotFound is LookupError
    fallback, args = module.api_argument_spec({})["api_timeout"]["fallback"]
    with pytest.raises(LookupError):
        fallback(*args)


def test_check_api_options_refuses_a_ca_path_that_is_not_a_path_and_needs_none():
    with pytest.raises(HyperstackError) as caught:
        _options.check_api_options(dict(API_VALUES, ca_path=42), ROLE)
    assert caught.value.msg == "ca_path must be a path to a PEM file"
    options = dict(API_VALUES)
    del options["ca_path"]
    assert "ca_path" not in _options.check_api_options(options)


# -- the gate's numbers: one rule, and what 0 means (_options.GATE_NUMBERS) ---------------------

GATE = MODULES["hyperstack_credit_gate_info"]


def _gate_with(emu, **options):
    return run_info(GATE, dict(api_key=KEY, api_url=emu.api_url, **options), {}, "m")


def test_every_number_of_the_gate_has_its_rule():
    # Each float option of the gate module (not of a plan's item, not the API's) is in the table, and only those
    # and the event source's runway in hours.
    numbers = {name for name, option in GATE.argument_spec().items() if option.get("type") == "float" and name not in API_OPTIONS}
    assert numbers == set(_options.GATE_NUMBERS) - {"min_runway_hours"}


@pytest.mark.parametrize("option", sorted(set(_options.GATE_NUMBERS) - {"min_runway_hours"}))
def test_each_number_of_the_gate_module_follows_its_rule(emu, option):
    bounds, instead = _options.GATE_NUMBERS[option]
    plan = {"plan": [{"address": "vm.new", "hourly_price": 1}]}
    # 0 is the line itself where the rule takes it, and refused where it would be no line at all.
    result = _gate_with(emu, **{option: 0}, **plan)
    if "above" in bounds:
        assert result["msg"] == "%s must be more than 0, got 0.0%s" % (option, instead)
    else:
        assert "failed" not in result, result["msg"]
    # Below 0 only min_headroom takes a number (a headroom allowed below 0).
    result = _gate_with(emu, **{option: -1}, **plan)
    if bounds:
        assert result["msg"] == "%s must be %s, got -1.0%s" % (option, "more than 0" if "above" in bounds else "0 or more", instead)
    else:
        assert "failed" not in result, result["msg"]


def test_a_runway_of_0_days_is_refused_and_not_set_is_off(emu):
    # Before 1.4.0, 0 meant off; now it is refused, saying what to do instead.
    result = _gate_with(emu, min_runway_days=0)
    assert result["msg"] == "min_runway_days must be more than 0, got 0.0: leave it unset (null) for no runway condition"
    assert api_requests(emu, "/billing/user-credit/credit") == []
    fact = _gate_with(emu)["hyperstack_credit_gate_info"]
    assert fact["passed"] is True and fact["daily_cost"] is None and api_requests(emu, "/billing/billing/last-day-cost") == []
    fact = _gate_with(emu, min_runway_days=0.5)["hyperstack_credit_gate_info"]
    assert fact["daily_cost"] == 56.4


def test_the_role_names_the_runway_it_refuses_as_its_variable(emu):
    result = run_info(GATE, dict(api_key=KEY, api_url=emu.api_url, min_runway_days=0), {}, "m", caller=ROLE)
    assert result["msg"] == "hyperstack_credit_gate_min_runway_days must be more than 0, got 0.0: leave it unset (null) for no runway condition"
    defaults = yaml.safe_load((ROOT / "roles" / "credit_gate" / "defaults" / "main.yml").read_text())
    assert defaults["hyperstack_credit_gate_min_runway_days"] is None


def _documented(doc, option):
    return " ".join(doc["options"][option]["description"]) if isinstance(doc["options"][option]["description"], list) else doc["options"][option]["description"]


def test_each_number_says_what_0_means_where_it_is_documented():
    # The gate module's own options and those of its plan fragment, the credit_gate role's variables, the event source's arguments.
    module = yaml.safe_load(importlib.import_module("ansible_collections.nexgencloud.hyperstack.plugins.modules.hyperstack_credit_gate_info").DOCUMENTATION)
    fragment = yaml.safe_load(importlib.import_module("ansible_collections.nexgencloud.hyperstack.plugins.doc_fragments.plan").ModuleDocFragment.DOCUMENTATION)
    role = yaml.safe_load((ROOT / "roles" / "credit_gate" / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]
    role = {"options": {name[len("hyperstack_credit_gate_") :]: spec for name, spec in role["options"].items()}}
    source = yaml.safe_load(importlib.import_module("ansible_collections.nexgencloud.hyperstack.extensions.eda.plugins.event_source.credit").DOCUMENTATION)
    seen = set()
    for doc in (module, fragment, role, source):
        for option, (bounds, _instead) in _options.GATE_NUMBERS.items():
            if option not in doc["options"]:
                continue
            seen.add(option)
            words = {"above": "more than 0", "minimum": "0 or more"}.get(next(iter(bounds), None), "V(0)")
            assert words in _documented(doc, option), (option, _documented(doc, option))
    assert seen == set(_options.GATE_NUMBERS)
    guide = (ROOT / "docs" / "docsite" / "rst" / "guide_options.rst").read_text()
    assert all("``%s``" % option in guide for option in _options.GATE_NUMBERS)


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "hyperstack_runway_guard_min_runway_hours must be set"),
        (0, "hyperstack_runway_guard_min_runway_hours must be more than 0, got 0"),
        ("-1", "hyperstack_runway_guard_min_runway_hours must be more than 0, got -1"),
        ("soon", 'hyperstack_runway_guard_min_runway_hours must be a number, got "soon"'),
        (True, "hyperstack_runway_guard_min_runway_hours must be a number, got true"),
    ],
)
def test_the_runway_guards_line_follows_the_rule_of_a_runway(value, message):
    # Its tasks read it with Jinja's float, which makes any of these 0: refused by the role's first task instead.
    with pytest.raises(HyperstackError) as caught:
        check_guard_line({"hyperstack_runway_guard_min_runway_hours": value}.get)
    assert caught.value.msg == message + ": the runway, in hours, below which the guard hibernates (24 by default)"
    for good in (24.0, "0.5", 1):
        check_guard_line({"hyperstack_runway_guard_min_runway_hours": good}.get)
    assert ROLES["nexgencloud.hyperstack.runway_guard"].extra_check is check_line
