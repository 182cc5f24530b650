# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_options.py: the API options (API_OPTIONS) taken from the arguments and
the environment, checked and cleaned before any request, naming the option as its caller wrote it; the
argument spec built from them; plain values; the keys in sight. No server: the client's own refusals are
in test_client_options.py."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

import pytest
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _options
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import API_OPTIONS, LOOKUP, MODULE, RULEBOOK, api_argument_spec
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, HyperstackError

# The roles' declarations (plugin_utils/_roles.py), as these tests name them.
ROLE = ROLES["nexgencloud.hyperstack.credit_gate"].caller

# Good API options, as api_values() would give them.
API_VALUES = dict(api_key=KEY, api_url=_options.DEFAULT_API_URL, api_timeout=1, api_retries=0, api_retry_max_delay=0, ca_path=None)

# -- the argument spec follows API_OPTIONS ---------------------------------------------


def test_argument_spec_is_api_options():
    spec = api_argument_spec()
    assert list(spec) == list(API_OPTIONS)
    for name, (kind, default, env) in API_OPTIONS.items():
        assert spec[name]["type"] == kind, name
        assert spec[name].get("default") == default, name
        if env:
            dummy, args = spec[name]["fallback"]
            assert args == [kind] + list(env), name
            # The first variable in the order of precedence that is set, read where the spec was told.
            environ = {env[0]: "1"} if len(env) == 1 else {env[0]: "1", env[1]: "2"}
            assert api_argument_spec(environ)[name]["fallback"][0](*args) == "1", name
            with pytest.raises(AnsibleFallbackNotFound):
                api_argument_spec({})[name]["fallback"][0](*args)
        else:
            assert "fallback" not in spec[name], name
    # Not required in the spec: the client's message for a missing key says where a key comes from.
    assert "required" not in spec["api_key"] and spec["api_key"]["no_log"] is True
    assert [name for name in spec if spec[name].get("no_log")] == ["api_key"]


def test_argument_spec_is_a_fresh_copy():
    api_argument_spec()["api_key"]["no_log"] = False
    assert api_argument_spec()["api_key"]["no_log"] is True


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("HYPERSTACK_API_TIMEOUT", "abc", 'HYPERSTACK_API_TIMEOUT must be a number, got "abc"'),
        ("HYPERSTACK_API_RETRIES", "2.5", "HYPERSTACK_API_RETRIES must be a whole number, got 2.5"),
        ("HYPERSTACK_API_RETRIES", "3.0", None),
        ("HYPERSTACK_API_TIMEOUT", "1e3", None),
    ],
)
def test_a_bad_value_from_the_environment_names_the_variable(name, value, expected):
    problems = []
    spec = api_argument_spec({name: value}, problems)
    option = next(option for option in spec.values() if name in option.get("fallback", ((), ()))[1])
    if expected is None:
        # What Ansible's own types take (3.0 as an int, as an argument would be) passes on to them.
        assert option["fallback"][0](*option["fallback"][1]) == value and not problems
        return
    with pytest.raises(AnsibleFallbackNotFound):
        option["fallback"][0](*option["fallback"][1])
    assert problems == [expected]


@pytest.mark.parametrize("value", ["", "  "])
def test_a_variable_set_but_empty_counts_as_unset(value):
    # As for the lookup and the event source (_options.environment_value): the default applies.
    problems = []
    spec = api_argument_spec({"HYPERSTACK_API_RETRY_MAX_DELAY": value, "HYPERSTACK_API_KEY": value}, problems)
    for name in ("api_retry_max_delay", "api_key"):
        with pytest.raises(AnsibleFallbackNotFound):
            spec[name]["fallback"][0](*spec[name]["fallback"][1])
    assert not problems


def test_api_options_use_the_official_tools_variables():
    # The names the Terraform provider, CSI driver and MCP server read (see the API notes).
    assert API_OPTIONS["api_key"][2] == ("HYPERSTACK_API_KEY",)
    assert set(API_OPTIONS["api_url"][2]) == {"HYPERSTACK_API_URL", "HYPERSTACK_API_ADDRESS"}
    assert API_OPTIONS["api_url"][1] == "https://infrahub-api.nexgencloud.com/v1"


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


# -- the options' functions, one by one --------------------------------------------------------


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


def test_check_api_options_refuses_a_ca_path_that_is_not_a_path_and_needs_none():
    with pytest.raises(HyperstackError) as caught:
        _options.check_api_options(dict(API_VALUES, ca_path=42), ROLE)
    assert caught.value.msg == "ca_path must be a path to a PEM file"
    options = dict(API_VALUES)
    del options["ca_path"]
    assert "ca_path" not in _options.check_api_options(options)


# -- each caller: where a key comes from, the names it gives the options ------------------------


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


def test_each_caller_says_where_a_key_comes_from():
    assert MODULE.missing_key().endswith("or api_key in module_defaults for group/nexgencloud.hyperstack.all")
    assert LOOKUP.missing_key().endswith("(a lookup does not read module_defaults)")
    assert RULEBOOK.missing_key() == "api_key is missing or empty: set api_key in the source's arguments or the HYPERSTACK_API_KEY environment variable"


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


# -- plain values and the keys in sight ------------------------------------------------------------


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


# -- without a library ---------------------------------------------------------------------------


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
    module = _options_without(monkeypatch, "urllib3", "urllib3.util")
    # urllib3 is imported where a URL is checked (not with the options, which the pure rules import): here it cannot be.
    with pytest.raises(ImportError):
        importlib.import_module("urllib3.util")
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
