# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a release needs that no community tool checks; run by `scripts/test.sh release`.

The rest is elsewhere: fragments by ansible-test sanity's changelog test, the build by
antsibull-nox build-import-check, docs by docs-check and docs-site.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

TREE = Path(__file__).resolve().parents[2]
VERSION = yaml.safe_load((TREE / "galaxy.yml").read_text())["version"]


def run(*args, cwd, tmp_path):
    # ansible sees only the tree under test, not ~/.ansible.
    env = dict(os.environ, ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_NOCOLOR="1", NO_COLOR="1")
    env["ANSIBLE_COLLECTIONS_PATH"] = str(Path(cwd).parents[2])
    result = subprocess.run(args, cwd=cwd, env=env, check=False, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(args)} failed: {result.stdout}{result.stderr}"


def test_galaxy_version_is_the_user_agent_version():
    # Only .py files travel with a module, so the User-Agent's copy lives in module_utils.
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    client = (TREE / "plugins/module_utils/_client.py").read_text()
    assert re.findall(r'^COLLECTION_VERSION = "(.*)"$', client, re.M) == [VERSION]


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The collection copied and released again by antsibull-changelog, without the pending
    fragments (they belong to the next release). Yields the copy."""
    tmp_path = tmp_path_factory.mktemp("changelog")
    copy = tmp_path / "ansible_collections/nexgencloud/hyperstack"
    shutil.copytree(TREE, copy, ignore=shutil.ignore_patterns(".git"))
    run("antsibull-changelog", "lint-changelog-yaml", "changelogs/changelog.yaml", cwd=copy, tmp_path=tmp_path)
    for fragment in (copy / "changelogs/fragments").iterdir():
        fragment.unlink()
    run("antsibull-changelog", "release", "--version", VERSION, "--reload-plugins", cwd=copy, tmp_path=tmp_path)
    return copy


def test_changelog_is_what_antsibull_changelog_writes(released):
    fix = f"run 'antsibull-changelog release --version {VERSION} --reload-plugins'"
    for name in ("changelogs/changelog.yaml", "CHANGELOG.md"):
        assert (released / name).read_text() == (TREE / name).read_text(), f"{name} is stale: {fix}"


def test_version_added_is_released_or_next(released):
    # antsibull-changelog lists a plugin or role as new only in the release its version_added
    # names: one missing, or naming no release, would never appear in the changelog. Its own
    # plugin cache has every documented plugin and role (action plugins document nothing).
    cache = yaml.safe_load((released / "changelogs/.plugin-cache.yaml").read_text())
    found = {
        f"{kind} {name}": str(doc.get("version_added"))
        for kinds in (cache["plugins"], cache["objects"])
        for kind, docs in kinds.items()
        for name, doc in docs.items()
    }
    major, minor, patch = map(int, VERSION.split("."))
    allowed = set(yaml.safe_load((TREE / "changelogs/changelog.yaml").read_text())["releases"])
    allowed |= {f"{major}.{minor}.{patch + 1}", f"{major}.{minor + 1}.0", f"{major + 1}.0.0"}
    assert {what: added for what, added in found.items() if added not in allowed} == {}, f"allowed: {sorted(allowed)}"
    assert "role credit_gate" in found and "module hyperstack_credit_info" in found


def test_tarball_ships_the_collection_and_nothing_else(tmp_path):
    run("ansible-galaxy", "collection", "build", "--output-path", str(tmp_path), cwd=TREE, tmp_path=tmp_path)
    with tarfile.open(tmp_path / f"nexgencloud-hyperstack-{VERSION}.tar.gz") as tar:
        names = {n.rstrip("/") for n in tar.getnames()}
        info = json.load(tar.extractfile("MANIFEST.json"))["collection_info"]
    shipped = {"MANIFEST.json", "FILES.json", "README.md", "CHANGELOG.md", "LICENSE", "requirements.txt"}
    shipped |= {"meta/runtime.yml", "meta/execution-environment.yml", "changelogs/changelog.yaml"}
    shipped |= {
        str(p.relative_to(TREE)) for sub in ("plugins", "roles", "extensions") for p in (TREE / sub).rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    # The event source (ansible-rulebook finds it there, by nexgencloud.hyperstack.credit), its example rulebook and
    # the vars file the rulebooks' commands pass.
    shipped |= {"extensions/eda/plugins/event_source/credit.py", "examples/credit_watch.yml", "examples/credit_low.yml", "examples/vars.yml"}
    assert not shipped - names
    top = {"MANIFEST.json", "FILES.json", "README.md", "CHANGELOG.md", "LICENSE", "requirements.txt", "bindep.txt"}
    top |= {"meta", "plugins", "roles", "extensions", "docs", "examples", "changelogs"}
    assert {n for n in names if "/" not in n} <= top
    # The maintainers' files: the latest benchmark is the project's, not the collection's.
    junk = [
        "*__pycache__*",
        "*.pyc",
        "*.orig",
        "*.rej",
        "*~",
        "*.swp",
        "*/.*",
        ".*",
        "*.tar.gz",
        "changelogs/fragments/*",
        "*integration_config.yml",
        "docs/benchmark.*",
    ]
    assert not [n for n in names if any(fnmatch.fnmatch(n, p) for p in junk)]
    assert info["version"] == VERSION
    assert all(info[key] for key in ("repository", "documentation", "issues", "license", "tags", "description", "readme"))


def test_the_contributing_layout_names_every_file_under_plugins():
    # A newcomer finds each thing from the table: a file it does not name is a room nobody was told of.
    layout = (TREE / "CONTRIBUTING.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    # Only the table's own rows: their first cell names the files.
    named = {path for row in re.findall(r"^\| (.*?) \|", layout, re.M) for path in re.findall(r"`(plugins/[^`]+)`", row)}
    files = sorted(str(path.relative_to(TREE)) for path in (TREE / "plugins").rglob("*") if path.is_file() and "__pycache__" not in path.parts)
    # The action plugins are named by one pattern row: one per module, of the module's name.
    assert "plugins/action/hyperstack_<name>.py" in named
    unnamed = [
        path for path in files if path not in named and not (path.startswith("plugins/action/") and (TREE / "plugins" / "modules" / Path(path).name).is_file())
    ]
    assert not unnamed, "CONTRIBUTING.md's layout table does not name %s" % ", ".join(unnamed)
    assert named - {"plugins/action/hyperstack_<name>.py"} <= set(files), "the table names files that do not exist"


def test_no_file_of_module_utils_is_over_450_lines():
    # One job a file: a file past this has grown a second job, to be cut out at its seam.
    sizes = {path.name: len(path.read_text().splitlines()) for path in (TREE / "plugins" / "module_utils").glob("*.py")}
    assert sizes and not {name: n for name, n in sizes.items() if n > 450}, sizes


# The rules of plugins/module_utils (tests/unit/plugins/module_utils/test_layers.py's PURE): their tests start no server.
_RULES = ("errors", "money", "month", "options", "plan", "pricing", "estimate", "verdict", "report", "machines")
_SERVERS = {"emu", "fleet", "scripted", "tls_scripted", "_emulator", "_scripted", "_tls_scripted"}


def _unit_tests():
    return sorted(path for path in (TREE / "tests" / "unit").rglob("test_*.py") if "fixtures" not in path.parts)


def test_the_unit_tests_mirror_the_code():
    # A file's tests are where its name says: tests/unit/DIR/test_NAME[_ASPECT].py for DIR/[_]NAME.py.
    strays = []
    for path in _unit_tests():
        relative = path.relative_to(TREE / "tests" / "unit")
        code = TREE / relative.parent
        names = {source.stem.lstrip("_") for source in code.glob("*.py")} | ({"layers"} if relative.parent == Path("plugins/module_utils") else set())
        tested = relative.stem[len("test_") :]
        if relative.parent == Path(".") or not any(tested == name or tested.startswith(name + "_") for name in names):
            strays.append(str(relative))
    assert _unit_tests() and not strays, "these tests name no file of the code: %s" % ", ".join(strays)


def test_the_tests_of_a_rule_start_no_server():
    module_utils = TREE / "tests" / "unit" / "plugins" / "module_utils"
    served = []
    for path in _unit_tests():
        tested = path.stem[len("test_") :]
        if path.parent != module_utils or not any(tested == name or tested.startswith(name + "_") for name in _RULES):
            continue
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and {arg.arg for arg in node.args.args} & _SERVERS:
                served.append("%s::%s" % (path.name, node.name))
        if re.search(r"\b(Emulator|ScriptedServer)\(", text):
            served.append(path.name)
    assert not served, "a rule's tests start a server (move them to test_tasks_* or test_reads_*): %s" % ", ".join(served)


@pytest.mark.parametrize("folder", ["plugins/module_utils", "plugins/plugin_utils"])
def test_every_shared_file_has_tests_of_its_name(folder):
    tests = {path.stem for path in (TREE / "tests" / "unit" / folder).glob("test_*.py")}
    untested = [
        path.name for path in sorted((TREE / folder).glob("_*.py")) if not any(t == "test" + path.stem or t.startswith("test" + path.stem + "_") for t in tests)
    ]
    assert not untested, "no tests/unit/%s/test_<name>.py for %s" % (folder, ", ".join(untested))
