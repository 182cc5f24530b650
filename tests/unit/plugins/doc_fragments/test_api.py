# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/doc_fragments/api.py: the API options' doc fragment documents exactly API_OPTIONS (its
lookup fragment too), and every module uses it and is in the action group."""

from __future__ import annotations

import ast
import re

import pytest
import yaml

from ansible_collections.nexgencloud.hyperstack.plugins.doc_fragments.api import ModuleDocFragment
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import API_OPTIONS, api_argument_spec
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import MODULES as INFO_MODULES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import ROOT

DOC = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)

MODULES = sorted(p for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))


def _documentation(path):
    """The DOCUMENTATION string of a plugin file, read without importing it."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DOCUMENTATION" for t in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError("no DOCUMENTATION in %s" % path)


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
