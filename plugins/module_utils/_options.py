# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The options, once: the API options' table (type, default, environment variables), the gate's
numbers and conditions as options (NUMBER_OPTIONS, GATE_OPTIONS), who sets them (Caller), the one
reader of the environment, the one number and boolean checkers, the checks made before any request,
and the argument spec the modules spread into theirs. The modules, the roles, the lookup, the event
source and the doc fragment (tests/unit/plugins/doc_fragments/test_api.py holds it to this table)
all follow it. No request is made here.

An environment variable that is set but empty (or only white space) counts as unset, everywhere.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, shorten

try:
    from ansible.module_utils.errors import AnsibleFallbackNotFound
except ImportError:  # pragma: no cover - outside Ansible (an event source alone) no argument spec is built
    AnsibleFallbackNotFound = LookupError

DEFAULT_API_URL = "https://infrahub-api.nexgencloud.com/v1"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_RETRY_MAX_DELAY = 10.0

# name: (type, default, environment variables in order of precedence).
API_OPTIONS = {
    "api_key": ("str", None, ("HYPERSTACK_API_KEY",)),
    "api_url": ("str", DEFAULT_API_URL, ("HYPERSTACK_API_URL", "HYPERSTACK_API_ADDRESS")),
    "api_timeout": ("float", DEFAULT_TIMEOUT, ("HYPERSTACK_API_TIMEOUT",)),
    "api_retries": ("int", DEFAULT_RETRIES, ("HYPERSTACK_API_RETRIES",)),
    "api_retry_max_delay": ("float", DEFAULT_RETRY_MAX_DELAY, ("HYPERSTACK_API_RETRY_MAX_DELAY",)),
    "validate_certs": ("bool", True, ()),
    "ca_path": ("path", None, ()),
}
KEY_VARIABLES = API_OPTIONS["api_key"][2]


class Caller:
    """Who set the options, so that a message names each option as the caller wrote it: a module's
    option, a role's variable, a rulebook's argument. The caller says how it names them (names: option ->
    its name, for those it names otherwise); key_hint says where a key can come from, and leave_out how to
    give none, so that the environment's is used. The roles' callers are plugin_utils/_roles.py's."""

    def __init__(self, key_hint, leave_out, names=None):
        self.key_hint = key_hint
        self.leave_out = leave_out
        self.names = names or {}

    def name(self, option):
        return self.names.get(option, option)

    def missing_key(self):
        return "%s is missing or empty: %s" % (self.name("api_key"), self.key_hint)

    def empty_key(self, variable):
        """An empty key given while the environment variable has one: the value given wins, as any option's does."""
        return "%s is empty, and a value given, even an empty one, wins over the %s environment variable, which is set: %s" % (
            self.name("api_key"),
            variable,
            self.leave_out,
        )


MODULE = Caller(
    "set the api_key option, the HYPERSTACK_API_KEY environment variable, or api_key in module_defaults for group/nexgencloud.hyperstack.all",
    "leave api_key out of the task and of module_defaults to use the variable",
)
LOOKUP = Caller(
    "pass api_key= to the lookup or set the HYPERSTACK_API_KEY environment variable (a lookup does not read module_defaults)",
    "leave api_key= out of the lookup to use the variable",
)
RULEBOOK = Caller(
    "set api_key in the source's arguments or the HYPERSTACK_API_KEY environment variable",
    "leave api_key out of the source's arguments to use the variable",
)


def environment_value(names, environ):
    """The value of the first of the environment variables names that is set and not empty, else None."""
    for name in names:
        value = environ.get(name)
        if value is not None and value.strip():
            return value
    return None


def api_values(given, environ):
    """Each API option from given, else its environment variables, else its default (not yet checked)."""
    values = {}
    for name, (_kind, default, env) in API_OPTIONS.items():
        value = given.get(name)
        if value is None:
            value = environment_value(env, environ)
        values[name] = default if value is None else value
    return values


def _shown(value):
    return json.dumps(value, default=str)


def check_number(value, what, minimum=None, above=None, integer=False, maximum=None):
    """value as a Decimal, or HyperstackError naming what: the collection's one number check and wording.

    Numbers may come templated as strings, or from the environment; booleans are never numbers."""
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise InvalidOperation
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value.strip() if isinstance(value, str) else value)
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise HyperstackError("%s must be a number, got %s" % (what, _shown(value)))
    if integer and number != number.to_integral_value():
        raise HyperstackError("%s must be a whole number, got %s" % (what, value))
    if minimum is not None and number < minimum:
        raise HyperstackError("%s must be %s or more, got %s" % (what, minimum, value))
    if maximum is not None and number > maximum:
        raise HyperstackError("%s must be %s or less, got %s" % (what, maximum, value))
    if above is not None and number <= above:
        raise HyperstackError("%s must be more than %s, got %s" % (what, above, value))
    return number


# The gate's numbers, one rule wherever they are given (the modules, the roles, the event source): not set
# (null), a condition is off - but min_headroom, whose default 0 keeps the headroom from going negative.
# A number given is the line itself, 0 included: a minimum of 0 asks for no less than 0, a budget or a
# limit of 0 allows nothing. A runway of at least 0 would be no line at all (0 once meant off), so the
# runways refuse it rather than guess. name: (check_number's bounds, what to give instead of a number out of them).
_NO_RUNWAY = ": leave it unset (null) for no runway condition"
GATE_NUMBERS = {
    "min_headroom": ({}, ""),
    "min_runway_days": ({"above": 0}, _NO_RUNWAY),
    "min_runway_hours": ({"above": 0}, _NO_RUNWAY),
    "monthly_budget": ({"minimum": 0}, ""),
    "max_added_cost_per_hour": ({"minimum": 0}, ""),
    "max_added_percent": ({"minimum": 0}, ""),
    "hours": ({"above": 0}, ""),
    "margin_percent": ({"minimum": 0}, ""),
}


# Each gate number as an option, wherever one is (a module's, the event source's argument, a role's variable):
# a float, not set (null) by default but for these.
_NUMBER_DEFAULTS = {"min_headroom": 0.0, "hours": 24.0, "margin_percent": 0.0}
NUMBER_OPTIONS = {name: dict({"type": "float"}, **({"default": _NUMBER_DEFAULTS[name]} if name in _NUMBER_DEFAULTS else {})) for name in GATE_NUMBERS}

# The credit gate's conditions (hyperstack_credit_gate_info's options; the roles and the event source take the same).
GATE_OPTIONS = {
    "min_headroom": NUMBER_OPTIONS["min_headroom"],
    "min_runway_days": NUMBER_OPTIONS["min_runway_days"],
    "require_can_create_instance": {"type": "bool", "default": True},
    "require_stock": {"type": "bool", "default": True},
}

# How the organization pays, as the gate's options (beside GATE_OPTIONS, in every gate: the modules, the roles, the event
# source). count_auto_topup: how many automatic top-ups the credit conditions may count (0: none, every verdict as without
# it); runway_contracts: the runway counts the end of each running contract (its machines at list price from then on).
PAYMENT_OPTIONS = {
    "count_auto_topup": {"type": "int", "default": 0},
    "runway_contracts": {"type": "bool", "default": False},
}


def count_auto_topup(params, caller=MODULE):
    """params' count_auto_topup as an int (0 when not set), refused naming it as caller wrote it unless a whole number of 0 or more."""
    value = params.get("count_auto_topup")
    return 0 if value is None else int(check_number(value, caller.name("count_auto_topup"), minimum=0, integer=True))


# hyperstack_vm_hibernation's defaults (its argument spec has them too; a caller that did not validate gets them here)
# and options (a role's variables that reach it take their types from here).
HIBERNATION_DEFAULTS = {"state": "hibernated", "retain_ip": True, "wait": True, "wait_timeout": 600, "mark": None}
HIBERNATION_OPTIONS = {
    "state": {"type": "str", "choices": ["hibernated", "active"], "default": HIBERNATION_DEFAULTS["state"]},
    "ids": {"type": "list", "elements": "int"},
    "names": {"type": "list", "elements": "str"},
    "labels": {"type": "list", "elements": "str"},
    "retain_ip": {"type": "bool", "default": HIBERNATION_DEFAULTS["retain_ip"]},
    "wait": {"type": "bool", "default": HIBERNATION_DEFAULTS["wait"]},
    "wait_timeout": {"type": "float", "default": HIBERNATION_DEFAULTS["wait_timeout"]},
    "mark": {"type": "str"},
}

# The words a boolean given as text takes (a YAML rulebook's quoted "yes"), whatever their case.
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


def check_bool(value, what):
    """value as a bool (a bool, or one of the words), else HyperstackError naming what; a number is refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise HyperstackError("%s must be true or false, got %s" % (what, _shown(value)))


def gate_number(params, option, caller=MODULE):
    """params' option checked by its rule of GATE_NUMBERS as a Decimal, None when it is not set; refused
    naming the option as caller wrote it."""
    value = params.get(option)
    if value is None:
        return None
    bounds, instead = GATE_NUMBERS[option]
    name = caller.name(option)
    check_number(value, name)  # not a number at all: no bound to speak of
    try:
        return check_number(value, name, **bounds)
    except HyperstackError as exc:
        raise HyperstackError(exc.msg + instead) from None


def is_loopback(host):
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def invalid_url(url, reason, caller=MODULE):
    """The one refusal of an api_url that cannot be parsed (here, or by urllib3 in the client), shown in 100 characters."""
    return HyperstackError("%s %r is not a valid URL: %s" % (caller.name("api_url"), shorten(url, 100), reason))


def check_api_options(options, caller=MODULE, environ=None):
    """The API options, checked before any request so a typo never turns into a network call:
    the key, api_url (returned without a trailing slash) and the numbers, converted. environ: the
    environment the options were read from (default os.environ), for the message of an empty key."""
    api_key, url = options["api_key"], options["api_url"]
    key = caller.name("api_key")
    if not isinstance(api_key, str) or not api_key.strip():
        environ = os.environ if environ is None else environ
        hidden = [name for name in KEY_VARIABLES if environment_value((name,), environ) is not None]
        if isinstance(api_key, str) and hidden:
            # The empty value hid the environment's key: telling the user to set the variable would point the wrong way.
            raise HyperstackError(caller.empty_key(hidden[0]))
        raise HyperstackError(caller.missing_key())
    if any(c.isspace() for c in api_key.strip()) or not api_key.strip().isprintable():
        raise HyperstackError("%s contains spaces or control characters: check that the whole key was copied" % key)
    if not api_key.isascii():
        # An HTTP header cannot carry it (and no Hyperstack key has such characters).
        raise HyperstackError("%s contains characters that are not ASCII: check that the whole key was copied" % key)
    where = caller.name("api_url")
    url = (url if isinstance(url, str) else "").strip().rstrip("/")
    shown = shorten(url, 100)
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
        if host:
            # urllib3's own parse of it is the client's (_client.py): this file loads no HTTP library.
            host.encode("idna")
    except (ValueError, UnicodeError) as exc:
        raise invalid_url(url, exc, caller) from None
    if parts.scheme not in ("http", "https") or not host:
        raise HyperstackError("%s %r must be an http:// or https:// URL with a host name" % (where, shown))
    if parts.scheme == "http" and not is_loopback(host):
        raise HyperstackError(
            "%s %r uses plain http to a host that is not loopback: the API key would cross the network in clear text; use https" % (where, shown)
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise HyperstackError("%s must not carry a query, fragment or credentials" % where)
    checked = dict(options, api_key=api_key.strip(), api_url=url)
    checked["api_timeout"] = float(check_number(options["api_timeout"], caller.name("api_timeout"), above=0))
    checked["api_retries"] = int(check_number(options["api_retries"], caller.name("api_retries"), minimum=0, integer=True))
    checked["api_retry_max_delay"] = float(check_number(options["api_retry_max_delay"], caller.name("api_retry_max_delay"), minimum=0))
    if options.get("ca_path") is not None and not isinstance(options["ca_path"], str):
        raise HyperstackError("%s must be a path to a PEM file" % caller.name("ca_path"))
    return checked


def _environment_fallback(environ, problems):
    """A fallback strategy that reads environ through environment_value, and refuses a number of
    the wrong kind naming the variable: Ansible's own error would name only the option, which the
    play never set."""

    def fallback(kind, *names):
        value = environment_value(names, environ)
        if value is None:
            raise AnsibleFallbackNotFound
        if kind in ("int", "float"):
            name = next(name for name in names if environ.get(name) == value)
            try:
                check_number(value, name, integer=kind == "int")
            except HyperstackError as exc:
                problems.append(exc.msg)
                raise AnsibleFallbackNotFound from None
        return value

    return fallback


def api_argument_spec(environ=None, problems=None):
    """The API options as an AnsibleModule argument spec, spread into every module's spec.

    environ: where the environment fallbacks look (default os.environ); problems: a list
    that gets one message per variable whose value is not of its option's type.
    """
    fallback = _environment_fallback(os.environ if environ is None else environ, [] if problems is None else problems)
    spec = {}
    for name, (kind, default, env) in API_OPTIONS.items():
        option = {"type": kind}
        if default is not None:
            option["default"] = default
        if env:
            # The option's type first, then its variables: validate-modules wants a list.
            option["fallback"] = (fallback, [kind] + list(env))
        spec[name] = option
    # Not required here: the client's message for a missing key says where one can come from.
    spec["api_key"].update(no_log=True)
    return spec


def plain(value):
    """value with ansible-core's tagged str/int/float (2.19+) turned into the built-in types."""
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, Mapping):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def keys_in_sight(api_key, environ):
    """Every API key a message could quote: the one given and those of the environment variables."""
    return [api_key] + [environ.get(name) for name in KEY_VARIABLES]
