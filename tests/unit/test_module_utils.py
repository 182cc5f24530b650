# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module_utils functions, and the docs that cannot drift from API_OPTIONS."""

from __future__ import annotations

import ast
import email.utils
import json
import os
import random
import re
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
import yaml
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.nexgencloud.hyperstack.plugins.doc_fragments.api import ModuleDocFragment
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _client, _errors, _options
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackClient
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import API_OPTIONS, api_argument_spec
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import MODULES as INFO_MODULES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import ROOT, SPECIAL_KEY, find_secret, respond, run_module, secret_forms

DOC = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
MODULES = sorted(p for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))


def _documentation(path):
    """The DOCUMENTATION string of a plugin file, read without importing it."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DOCUMENTATION" for t in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError("no DOCUMENTATION in %s" % path)


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


# -- the doc fragment documents exactly API_OPTIONS -------------------------------------


def test_doc_fragment_options_are_api_options():
    assert list(DOC["options"]) == list(API_OPTIONS)


@pytest.mark.parametrize("name", list(API_OPTIONS))
def test_doc_fragment_option_matches(name):
    kind, default, env = API_OPTIONS[name]
    option = DOC["options"][name]
    assert option["type"] == kind
    if default is None:
        assert "default" not in option
    else:
        assert option["default"] == default and type(option["default"]) in (type(default), int)
    assert option.get("required", False) == api_argument_spec()[name].get("required", False)
    text = " ".join(option["description"])
    # Each of its environment variables, named with E(), in the order of precedence.
    assert [name for name in re.findall(r"E\((\w+)\)", text) if name.startswith("HYPERSTACK_")] == list(env), text
    assert option.get("no_log", False) is False, "no_log is not a doc key"


def test_lookup_fragment_env_entries_follow_api_options():
    options = yaml.safe_load(ModuleDocFragment.LOOKUP)["options"]
    assert set(options) <= set(API_OPTIONS)
    for name, spec in API_OPTIONS.items():
        env = spec[2]
        got = [entry["name"] for entry in options.get(name, {}).get("env", [])]
        # Ansible takes the last env entry that is set, so the preferred variable is listed last.
        assert got == list(reversed(env)), name


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_every_module_uses_the_fragment_and_the_group(path):
    doc = _documentation(path)
    assert "nexgencloud.hyperstack.api" in doc["extends_documentation_fragment"]
    assert not set(doc.get("options") or {}) & set(API_OPTIONS), "a module must not redefine the API options"
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    assert path.stem in runtime["action_groups"]["all"]
    # The file is documentation, its declaration (which the action plugin shares) and its run on the host.
    assert "MODULE = HyperstackModule" in path.read_text() and "    run_module(MODULE)\n" in path.read_text()
    assert INFO_MODULES[path.stem].name == path.stem


# -- the client's small parts -------------------------------------------------------------


def test_from_params_fills_defaults():
    client = HyperstackClient.from_params({"api_key": KEY})
    assert client.api_url == _options.DEFAULT_API_URL
    assert (client.timeout, client.retries, client.retry_max_delay) == (_options.DEFAULT_TIMEOUT, _options.DEFAULT_RETRIES, _options.DEFAULT_RETRY_MAX_DELAY)


def test_error_result():
    assert HyperstackError("boom").result() == {"msg": "boom"}
    assert HyperstackError("boom", 503).result() == {"msg": "boom", "status_code": 503}


# A key that ends in a character its other forms escape is a prefix of those forms: the longest
# form must go first, or "key\\" would come out as "********\\".
@pytest.mark.parametrize("key", [KEY, SPECIAL_KEY, "  %s  " % KEY, KEY + "\\", KEY + "%"], ids=["key", "special", "padded", "backslash", "percent"])
def test_redact_every_form(key):
    client = HyperstackClient(api_key=key, api_url="http://127.0.0.1:1/v1")
    for form in secret_forms(key.strip()) | {"api_key=%s" % key.strip()}:
        assert client.redact("before %s after" % form) == "before %s after" % form.replace(form.replace("api_key=", ""), "********")
    assert _errors.redact("x %s y" % key.strip(), key) == "x ******** y"
    assert _errors.redact("nothing", None) == "nothing"


@pytest.mark.parametrize(
    "value, low, high",
    [
        ("1", 1, 1),
        ("0", 0, 0),
        (" 7 ", 7, 7),
        ("soon", None, None),
        ("-1", None, None),
        ("1.5", None, None),
        ("", None, None),
        ("Wed, 21 Oct 2015 07:28:00", None, None),
    ],
)
def test_parse_retry_after(value, low, high):
    got = HyperstackClient._parse_retry_after(value)
    if low is None:
        assert got is None
    else:
        assert low <= got <= high


def test_parse_retry_after_dates():
    ahead = HyperstackClient._parse_retry_after(email.utils.formatdate(time.time() + 30, usegmt=True))
    assert 28 <= ahead <= 30
    assert HyperstackClient._parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_delay_is_capped_and_jittered():
    client = HyperstackClient(api_key=KEY, api_url="http://127.0.0.1:1/v1", api_retry_max_delay=2)
    waits = [client._delay(attempt, None) for attempt in range(1, 8) for dummy in range(20)]
    assert all(0 < w <= 2 for w in waits)
    assert len({round(w, 6) for w in waits}) > 20, "jitter spreads the waits"
    assert client._delay(1, "30") == 2 and client._delay(1, "1") == 1 and client._delay(1, "junk") <= 0.5


def test_backoff_is_equal_jitter_between_half_and_the_whole_ceiling():
    client = HyperstackClient(api_key=KEY, api_url="http://127.0.0.1:1/v1", api_retry_max_delay=3)
    state = random.getstate()
    random.seed(10)  # the same draws every run; 300 of them reach both ends of each range
    try:
        for attempt in range(1, 6):
            ceiling = min(3, 0.5 * 2 ** (attempt - 1))
            waits = [client._delay(attempt, None) for dummy in range(300)]
            assert ceiling / 2 <= min(waits) <= ceiling * 0.52, (attempt, min(waits))
            assert ceiling * 0.98 <= max(waits) <= ceiling, (attempt, max(waits))
    finally:
        random.setstate(state)
    # Retry-After replaces the backoff (longer or shorter), capped by api_retry_max_delay.
    assert client._delay(4, "1") == 1.0 and client._delay(1, "2") == 2.0 and client._delay(1, "0") == 0.0 and client._delay(1, "9") == 3.0


def test_shorten_keeps_200_characters_on_one_line():
    assert _errors.shorten("a\n\tb  c\r\n") == "a b c"
    assert _errors.shorten("x" * 200) == "x" * 200
    assert _errors.shorten("x" * 201) == "x" * 197 + "..."
    assert _errors.shorten("y" * 81, 80) == "y" * 77 + "..."


def test_json_path():
    assert _client._json_path([]) == "$"
    assert _client._json_path(["data", 0, "credit"]) == "$.data[0].credit"


def test_a_float_too_large_stays_text():
    assert _client._finite_float("2.5") == 2.5 and _client._finite_float("-1e300") == -1e300
    for bad in ("1e400", "-1e400"):
        assert _client._finite_float(bad) == bad


def test_missing_libraries_names_none_here():
    assert _client.missing_libraries() == []


# -- the module itself, run as Ansible runs it (a child Python reading its arguments) ----


def test_module_success_and_check_mode(emu, collection_tree):
    rc, result = run_module(collection_tree, "hyperstack_credit_info", {"api_key": KEY, "api_url": emu.api_url, "_ansible_check_mode": True})
    assert rc == 0 and result["changed"] is False
    assert result["hyperstack_credit_info"] == {"credit": 1500.0, "threshold": 0.0, "can_create_instance": True, "headroom": 1500.0}
    assert KEY not in json.dumps(result)


def test_module_failure_has_status_code(emu, collection_tree):
    emu.state.add_faults([{"action": "echo_key", "times": -1}])
    rc, result = run_module(collection_tree, "hyperstack_credit_info", {"api_key": KEY, "api_url": emu.api_url, "api_retries": 0})
    assert rc == 1 and result["failed"] is True and result["status_code"] == 401
    assert KEY not in json.dumps(result)


def test_module_reads_the_environment(emu, collection_tree):
    emu.state.update({"last_day_cost": {"instances_cost": 1, "volumes_cost": 2, "clusters_cost": 0, "total_cost": 3}})
    rc, result = run_module(collection_tree, "hyperstack_last_day_cost_info", {}, env={"HYPERSTACK_API_KEY": KEY, "HYPERSTACK_API_ADDRESS": emu.api_url})
    assert rc == 0, result
    assert list(result["hyperstack_last_day_cost_info"].values()) == [1, 2, 0, 3]


def test_module_failure_from_below_is_one_line(scripted, collection_tree):
    # A Latin-1 byte in a redirect's Location is a clean failure, not "Module failed: 'utf-8' codec
    # can't decode byte 0xe9" with an exception in the result.
    scripted.always(respond(301, b"", headers={"Location": "https://api.example/caf\u00e9?k=%s" % KEY}))
    rc, result = run_module(collection_tree, "hyperstack_credit_info", {"api_key": KEY, "api_url": scripted.url(), "api_retries": 1})
    assert rc == 1 and result["failed"] is True and result["status_code"] == 301
    assert "Traceback" not in result.get("exception", ""), result["exception"]
    assert result["msg"].startswith(CREDIT.what + ": the API answered HTTP 301 with a redirect to https://api.example/caf\u00e9?k=********"), result["msg"]
    assert find_secret(json.dumps(result)) is None


@pytest.mark.parametrize("missing", [["requests"], ["jsonschema"], ["requests", "jsonschema"]], ids="+".join)
def test_module_names_the_missing_library(scripted, collection_tree, missing):
    args = {"api_key": KEY, "api_url": scripted.url(), "_ansible_tracebacks_for": ["error"]}
    rc, result = run_module(collection_tree, "hyperstack_credit_info", args, without=missing)
    assert rc == 1 and result["failed"] is True
    assert "Failed to import the required Python library (%s)" % " and ".join(missing) in result["msg"], result["msg"]
    assert result["msg"].endswith(" Run pip install -r requirements.txt (the collection's) on the host that runs the check."), result["msg"]
    # The import's own traceback, for -vvv: the first library that failed.
    assert "import of %s halted" % missing[0] in result["exception"], result["exception"]
    assert scripted.requests == []


def test_client_names_the_missing_library(collection_tree):
    code = "import sys; sys.modules['jsonschema'] = None; from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _client, _errors\n"
    code += "try:\n    _client.HyperstackClient(api_key='k', api_url='http://127.0.0.1:1/v1')\nexcept _errors.HyperstackError as exc:\n    print(exc.msg)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(collection_tree)), capture_output=True, text=True, timeout=60, check=True
    )
    assert (
        done.stdout.strip()
        == "the Python libraries jsonschema are required: pip install -r requirements.txt (the collection's) on the host that runs the check"
    )


def test_module_without_a_key(collection_tree):
    rc, result = run_module(collection_tree, "hyperstack_credit_info", {"api_url": "http://127.0.0.1:1/v1"})
    assert rc == 1 and result["msg"] == (
        "api_key is missing or empty: set the api_key option, the HYPERSTACK_API_KEY environment variable,"
        " or api_key in module_defaults for group/nexgencloud.hyperstack.all"
    ), result["msg"]


def test_module_names_the_environment_variable_of_a_bad_value(scripted, collection_tree):
    args = {"api_key": KEY, "api_url": scripted.url()}
    rc, result = run_module(collection_tree, "hyperstack_credit_info", args, env={"HYPERSTACK_API_TIMEOUT": "abc"})
    assert rc == 1 and result["msg"] == 'HYPERSTACK_API_TIMEOUT must be a number, got "abc"', result["msg"]
    assert scripted.requests == []
    # A value the task gives wins: the variable is not read, so it is not refused.
    rc, result = run_module(collection_tree, "hyperstack_credit_info", dict(args, api_timeout=5), env={"HYPERSTACK_API_TIMEOUT": "abc"})
    assert rc == 1 and "HYPERSTACK_API_TIMEOUT" not in result["msg"] and len(scripted.requests) == 1


def test_lookup_plugin_uses_both_fragments():
    path = ROOT / "plugins" / "lookup" / "credit.py"
    fragments = _documentation(path)["extends_documentation_fragment"]
    # The lookup fragment first: it overrides what differs for a plugin (env entries, api_key not required).
    assert fragments.index("nexgencloud.hyperstack.api.lookup") < fragments.index("nexgencloud.hyperstack.api")


def test_any_exception_is_one_failure_line_and_a_worded_one_keeps_its_status():
    # The catch-all the action plugins, the lookup and the event source share.
    assert _errors.failure(RuntimeError("first line\n    second line"), "m") == {"msg": "m: unexpected RuntimeError: first line second line"}
    assert _errors.failure(KeyError("credit")) == {"msg": "unexpected KeyError: 'credit'"}
    assert _errors.failure(HyperstackError("reading the credit: HTTP 401", 401)) == {"msg": "reading the credit: HTTP 401", "status_code": 401}
    assert _errors.failure(HyperstackError("api_key is missing")) == {"msg": "api_key is missing"}


def test_redact_takes_every_key_in_sight():
    text = "a %s b %s c" % (KEY, quote(SPECIAL_KEY, safe=""))
    assert _errors.redact(text, None, KEY, ["not", "a", "key"], SPECIAL_KEY) == "a ******** b ******** c"
    assert _options.keys_in_sight("given", {"HYPERSTACK_API_KEY": "from-env", "OTHER": "x"}) == ["given", "from-env"]
