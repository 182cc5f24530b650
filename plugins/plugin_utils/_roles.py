# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The collection's roles, as callers of its modules, each declared here once: how it names the options it
sets (its variables, so that a message names what the user wrote), the types its first module task checks
of its variables, and what else that task checks before anything is read. The action plugin (_action.py)
looks the task's role up in ROLES and knows nothing of any one role.

A variable's type is the option's it sets, from the modules' own specs (_options.GATE_OPTIONS and
HIBERNATION_OPTIONS, _plan.PLAN_OPTIONS); only a variable no module takes has its own here.
"""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import (
    GATE_NUMBERS,
    GATE_OPTIONS,
    HIBERNATION_OPTIONS,
    PAYMENT_OPTIONS,
    Caller,
    check_number,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import PLAN_OPTIONS

# A role's empty variable is most often -e hyperstack_api_key= on the command line.
ROLE_LEAVE_OUT = "leave hyperstack_api_key undefined to use the variable (-e hyperstack_api_key= defines it, empty)"
ROLE_KEY_HINT = "set hyperstack_api_key or the HYPERSTACK_API_KEY environment variable"
# The API options every role takes, as the same variables.
API_VARIABLES = {"api_key": "hyperstack_api_key", "api_url": "hyperstack_api_url"}


def _checked(spec):
    # What the role's task checks of a variable: its type, elements and choices (never its default).
    return {key: spec[key] for key in ("type", "elements", "choices") if key in spec}


class Role:
    """One role: its caller (how it names the options it sets: API_VARIABLES, and prefix + option for options and
    named), the variables whose types its first module task checks (those of options, from their specs, and own:
    name -> spec; a string with no choices or a path is never refused, so it is not listed) and check(role,
    variable), anything more that task checks."""

    def __init__(self, name, prefix, options, own=None, check=None, named=()):
        self.name = name
        names = {option: prefix + option for option in list(options) + list(named)}
        self.caller = Caller(ROLE_KEY_HINT, ROLE_LEAVE_OUT, dict(API_VARIABLES, **names))
        self.types = {prefix + option: _checked(spec) for option, spec in options.items() if _checked(spec) != {"type": "str"} and spec["type"] != "path"}
        self.types.update(own or {})
        self.extra_check = check

    def check(self, variable):
        """HyperstackError naming the first variable (variable(name) gives its value) that the role refuses."""
        if self.extra_check is not None:
            self.extra_check(self, variable)


def check_line(role, variable):
    """The runway_guard role's line, its variable hyperstack_runway_guard_min_runway_hours: a runway minimum of the
    gate (GATE_NUMBERS), more than 0, and needed, since the role's tasks read it with Jinja's float, which would make a
    missing or wrong one 0 (hibernate only when the credit is gone). HyperstackError naming the variable."""
    name = role.caller.name("min_runway_hours")
    value = variable(name)
    what = ": the runway, in hours, below which the guard hibernates (24 by default)"
    if value is None:
        raise HyperstackError("%s must be set%s" % (name, what))
    try:
        check_number(value, name, **GATE_NUMBERS["min_runway_hours"][0])
    except HyperstackError as exc:
        raise HyperstackError(exc.msg + what) from None


# Its variables are hyperstack_credit_gate_info's options.
CREDIT_GATE = Role("nexgencloud.hyperstack.credit_gate", "hyperstack_credit_gate_", dict(GATE_OPTIONS, **PLAN_OPTIONS, **PAYMENT_OPTIONS))
RUNWAY_GUARD = Role(
    "nexgencloud.hyperstack.runway_guard",
    "hyperstack_runway_guard_",
    {option: HIBERNATION_OPTIONS[option] for option in ("labels", "retain_ip", "wait_timeout", "mark")},
    own={"hyperstack_runway_guard_act": {"type": "bool"}, "hyperstack_runway_guard_restore": {"type": "str", "choices": ["marked", "labelled", "none"]}},
    # Its line, which the role's Jinja reads (no module does), is check_line's.
    check=check_line,
    named=("min_runway_hours",),
)
ROLES = {role.name: role for role in (CREDIT_GATE, RUNWAY_GUARD)}
