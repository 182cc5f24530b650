# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The layers of plugins/module_utils, which run one way: the pure rules import nothing that makes a request,
directly or through another file; the reads import the pure rules, never the tasks; no file imports itself back
through another; no file takes another's private name; what is billed now is written once (tests/release holds each file to 450 lines)."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tokenize

import pytest

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import ROOT

MODULE_UTILS = ROOT / "plugins" / "module_utils"
PACKAGE = "ansible_collections.nexgencloud.hyperstack.plugins.module_utils"
# The rules: no request, no HTTP library. Given what was read, they judge it.
PURE = ("_errors", "_money", "_month", "_options", "_plan", "_pricing", "_payments", "_estimate", "_verdict", "_report", "_machines", "_provision", "_keypairs")
# The requests: the client and its deadline, the endpoints, which of them a task reads.
READING = ("_deadline", "_client", "_endpoints", "_reads")
# Read, then judge: the tasks of the modules that read (money; lists), the hibernation module's change, the modules' base.
TASKS = ("_tasks", "_listings", "_hibernation", "_environments", "_vms", "_module")
LAYERS = {name: number for number, layer in enumerate((PURE, READING, TASKS)) for name in layer}


def _imports(path):
    """The module_utils files path imports, anywhere in it (a function's import included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == PACKAGE:
                found.update(alias.name for alias in node.names)
            elif node.module.startswith(PACKAGE + "."):
                found.add(node.module[len(PACKAGE) + 1 :])
    return found


GRAPH = {path.stem: _imports(path) for path in sorted(MODULE_UTILS.glob("*.py"))}


def _reached(name, seen=None):
    seen = set() if seen is None else seen
    for imported in GRAPH[name]:
        if imported not in seen:
            seen.add(imported)
            _reached(imported, seen)
    return seen


def test_every_file_has_its_layer():
    assert set(GRAPH) == set(LAYERS), "a new file of plugins/module_utils says which layer it is in here"


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_a_file_imports_only_files_of_its_layer_or_below_and_never_itself_back(name):
    # One way: the tasks import the reads and the rules, the reads the rules, the rules only rules.
    assert all(LAYERS[imported] <= LAYERS[name] for imported in GRAPH[name]), (name, GRAPH[name])
    assert name not in _reached(name), "%s imports itself back through %s" % (name, sorted(_reached(name)))


@pytest.mark.parametrize("name", PURE)
def test_a_pure_file_reaches_no_reading_file(name):
    assert not _reached(name) & set(READING + TASKS), (name, sorted(_reached(name)))


@pytest.mark.slow
def test_the_pure_files_load_nothing_that_makes_a_request(collection_tree):
    # Imported in a fresh Python, and the options checked as before any request (an api_url among them): requests,
    # urllib3, jsonschema, sockets and the client are not loaded.
    script = (
        "import sys\n"
        "for name in sys.argv[1:]:\n"
        "    __import__('%s.' + name)\n"
        "options = sys.modules['%s._options']\n"
        "options.check_api_options(dict(options.api_values({'api_key': 'k', 'api_url': 'https://infrahub-api.example/v1'}, {})))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('requests', 'urllib3', 'jsonschema', 'socket', 'http')"
        " or m.endswith(('._client', '._endpoints', '._reads', '._deadline'))))\n" % (PACKAGE, PACKAGE)
    )
    done = subprocess.run([sys.executable, "-c", script, *PURE], capture_output=True, text=True, check=False, cwd=str(collection_tree))
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr


def _collection_files():
    for folder in ("plugins", "extensions"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_no_file_imports_a_private_name_of_another():
    # A file's module may be private (_options); a name inside it that starts with _ is its own business.
    taken = []
    for path in _collection_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ansible_collections.nexgencloud.hyperstack"):
                is_package = node.module.endswith((".module_utils", ".plugin_utils"))
                taken += ["%s: %s" % (path.relative_to(ROOT), alias.name) for alias in node.names if alias.name.startswith("_") and not is_package]
    assert taken == []


def test_what_is_billed_now_is_written_once():
    # The rule reads bill_per_minute and exclude_billing of a usage row: only _money.billed_per_hour does; in code
    # elsewhere the fields are only keys of the usage's schema (a string token followed by a colon).
    uses = []
    for path in _collection_files():
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline) if t.type != tokenize.NL]
        for token, after in zip(tokens, tokens[1:]):
            if token.type == tokenize.STRING and token.string.strip("\"'") in ("bill_per_minute", "exclude_billing") and after.string != ":":
                uses.append("%s:%d" % (path.relative_to(ROOT), token.start[0]))
    assert uses and all(use.startswith("plugins/module_utils/_money.py:") for use in uses), uses
