# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/plugin_utils/_roles.py: the roles' declarations held to the roles themselves (their
argument specs, the variables their tasks pass on, the modules' options they set) and the runway_guard's line."""

from __future__ import annotations

import re

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES, check_line
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import MODULES as INFO_MODULES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import ROOT

# The roles' declarations (plugin_utils/_roles.py), as these tests name them.
ROLE = ROLES["nexgencloud.hyperstack.credit_gate"].caller
ROLE_TYPES = {name: role.types for name, role in ROLES.items()}
ROLE_VARIABLES = ROLE.names
GATE = INFO_MODULES["hyperstack_credit_gate_info"]


def check_guard_line(variable):
    return check_line(ROLES["nexgencloud.hyperstack.runway_guard"], variable)


CREDIT_GATE, RUNWAY_GUARD = "nexgencloud.hyperstack.credit_gate", "nexgencloud.hyperstack.runway_guard"

# -- each role's variables: its argument spec, its tasks, the modules' options -------------------


def test_the_role_variables_are_the_roles():
    # ROLE names exactly the variables the role passes to its gate task, each documented in its argument spec.
    spec = yaml.safe_load((ROOT / "roles" / "credit_gate" / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    tasks = (ROOT / "roles" / "credit_gate" / "tasks" / "main.yml").read_text()
    for option, variable in ROLE_VARIABLES.items():
        assert variable in spec, variable
        assert variable in tasks, variable
        assert option in GATE.argument_spec(), option


def test_the_role_variables_are_those_the_role_declares_and_passes_on():
    specs = yaml.safe_load((ROOT / "roles" / "credit_gate" / "meta" / "argument_specs.yml").read_text())
    assert set(ROLE_VARIABLES.values()) == set(specs["argument_specs"]["main"]["options"])
    task = yaml.safe_load((ROOT / "roles" / "credit_gate" / "tasks" / "main.yml").read_text())[0]
    passed = {option: re.match(r"\{\{ (\w+)", value).group(1) for option, value in task["nexgencloud.hyperstack.hyperstack_credit_gate_info"].items()}
    api = re.findall(r"'(\w+)': (\w+) \|", task["vars"]["__hyperstack_credit_gate_api"])
    assert dict(passed, **dict(api)) == ROLE_VARIABLES


def _role_spec(role):
    return yaml.safe_load((ROOT / "roles" / role.rsplit(".", 1)[1] / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]


_IN_WORDS = {
    "int": "A whole number (integer). ",
    "float": "A number (float). ",
    "bool": "A boolean. ",
    "dict": "A list of dictionaries, ",
    "str": "A list of strings, ",
}


@pytest.mark.parametrize("role", [CREDIT_GATE, RUNWAY_GUARD])
def test_ansible_core_can_refuse_no_role_variable_and_the_role_checks_each_that_it_could(role):
    # ansible-core refuses no value of a str or path (it makes any value a string) and none of raw. The role's
    # own check covers each raw one (the runway_guard's line is check_guard_line's), and each one with choices,
    # and the description says in words what ansible-doc's "type: raw" does not.
    spec, checked = _role_spec(role), dict(ROLE_TYPES[role])
    if role == RUNWAY_GUARD:
        assert ROLES[role].extra_check is check_line
        checked["hyperstack_runway_guard_min_runway_hours"] = {"type": "float"}
    for name, option in spec.items():
        assert option["type"] in ("raw", "str", "path") and not {"choices", "elements", "options"} & set(option), (name, option)
        assert (option["type"] == "raw") == (name in checked and checked[name]["type"] != "str"), name
        if option["type"] == "raw":
            words = " ".join(option["description"]) if isinstance(option["description"], list) else option["description"]
            assert words.startswith(_IN_WORDS[checked[name].get("elements", checked[name]["type"])]), (name, words)
    for name, types in checked.items():
        assert name in spec, name
        if "choices" in types:
            words = " ".join(spec[name]["description"])
            assert all("V(%s)" % choice in words for choice in types["choices"]), (name, words)


def test_the_roles_types_are_the_modules():
    # The credit_gate role's variables are the gate module's options; the runway_guard's that reach a module, its options.
    gate = INFO_MODULES["hyperstack_credit_gate_info"].argument_spec()
    for name, types in ROLE_TYPES[CREDIT_GATE].items():
        option = gate[name[len("hyperstack_credit_gate_") :]]
        assert types == {key: option[key] for key in ("type", "elements", "choices") if key in option}, name
    hibernation = INFO_MODULES["hyperstack_vm_hibernation"].argument_spec()
    for option in ("labels", "retain_ip", "wait_timeout"):
        assert ROLE_TYPES[RUNWAY_GUARD]["hyperstack_runway_guard_" + option] == {k: v for k, v in hibernation[option].items() if k != "default"}
    tasks = (ROOT / "roles" / "runway_guard" / "tasks" / "main.yml").read_text()
    # The choices its Jinja compares with.
    assert "hyperstack_runway_guard_restore == 'labelled'" in tasks and "hyperstack_runway_guard_restore == 'marked'" in tasks


# -- the runway_guard's line -------------------------------------------------------------------


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


def test_the_plumbing_knows_no_role():
    # The roles are declared in plugin_utils/_roles.py alone: the options and the action plugin's base name none.
    for path in ("plugins/module_utils/_options.py", "plugins/plugin_utils/_action.py"):
        text = (ROOT / path).read_text(encoding="utf-8")
        # The module hyperstack_credit_gate_info is not the role.
        assert not re.findall(r"credit_gate(?!_info)|runway_guard", text), path
    assert set(ROLES) == {"nexgencloud.hyperstack.credit_gate", "nexgencloud.hyperstack.runway_guard"}
    assert sorted(path.name for path in (ROOT / "roles").iterdir()) == sorted(name.rsplit(".", 1)[1] for name in ROLES)
