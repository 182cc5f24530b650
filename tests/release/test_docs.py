# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The README's, the role's README's and the docs site's guides' code blocks work as written.

Without a network: every YAML block parses; every nexgencloud.hyperstack.X the docs name exists; every
option a block gives to a module of the collection is in that module's documentation (its DOCUMENTATION and
its doc fragments), every variable given to the role is in its argument spec; every path of the checkout a
shell block names exists; and the blocks marked to run (``<!-- test: run -->`` in Markdown, ``.. test: run``
in reStructuredText, just before the block) run with ansible-playbook against the bundled API emulator.
Run by `scripts/test.sh release`.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "docs" / "docsite" / "rst"
DOCS = [ROOT / "README.md", ROOT / "roles" / "credit_gate" / "README.md"] + sorted(GUIDES.glob("*.rst"))
KEY = "hs-DOCS-SECRET-7f3a91"
ROLE = "nexgencloud.hyperstack.credit_gate"
FQCN = re.compile(r"(?<![\w.])nexgencloud\.hyperstack\.(\w+)")
MARKDOWN = re.compile(r"^(?P<mark><!-- test: run -->\n)?```(?P<lang>[\w+-]*)\n(?P<body>.*?)^```", re.M | re.S)
RST = re.compile(r"^(?P<indent> *)\.\. code-block:: *(?P<lang>[\w+-]+)\n")
# The checkout's own paths a shell block may name (a command's argument, not a URL or a file of the user's).
PATH = re.compile(r"(?<![\w./~-])((?:scripts|examples|emulator|tests|docs|roles|plugins)/[\w./-]*[\w/])")


def _rst_blocks(text):
    lines = text.splitlines()
    for number, line in enumerate(lines):
        found = RST.match(line + "\n")
        if not found:
            continue
        body = []
        for following in lines[number + 1 :]:
            if following.strip() and len(following) - len(following.lstrip()) <= len(found.group("indent")):
                break
            body.append(following)
        while body and not body[-1].strip():
            body.pop()
        indents = [len(b) - len(b.lstrip()) for b in body if b.strip()]
        dedented = "\n".join(b[min(indents) :] for b in body).strip("\n") + "\n"
        before = [b.strip() for b in lines[:number] if b.strip()]
        yield found.group("lang"), dedented, bool(before) and before[-1] == ".. test: run"


def blocks(path):
    """(language, body, marked to run) of each code block of the file."""
    text = path.read_text()
    if path.suffix == ".rst":
        return list(_rst_blocks(text))
    return [(m.group("lang"), m.group("body"), bool(m.group("mark"))) for m in MARKDOWN.finditer(text)]


def every_block(*languages):
    return [
        pytest.param(path, lang, body, run, id="%s-%d" % (path.name, n))
        for path in DOCS
        for n, (lang, body, run) in enumerate(blocks(path))
        if lang in languages
    ]


def _documentation(source):
    """The DOCUMENTATION string of a plugin's or a doc fragment's source, as YAML."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DOCUMENTATION" for t in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError("no DOCUMENTATION")


def module_options(name):
    """A module's options: its own and its doc fragments' (nexgencloud.hyperstack.api, ...)."""
    doc = _documentation((ROOT / "plugins" / "modules" / f"{name}.py").read_text())
    options = set(doc.get("options") or {})
    for fragment in doc.get("extends_documentation_fragment") or []:
        assert fragment.startswith("nexgencloud.hyperstack."), fragment
        options |= set(_documentation((ROOT / "plugins" / "doc_fragments" / f"{fragment.split('.')[2]}.py").read_text()).get("options") or {})
    return options


MODULES = {path.stem for path in (ROOT / "plugins" / "modules").glob("*.py")}
ROLE_OPTIONS = set(yaml.safe_load((ROOT / "roles" / "credit_gate" / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"])
# What a name nexgencloud.hyperstack.X may be: a module, a role, the lookup or the event source (both credit),
# a doc fragment, or the action group.
NAMES = (
    MODULES
    | {path.name for path in (ROOT / "roles").iterdir() if path.is_dir()}
    | {path.stem for path in (ROOT / "plugins" / "lookup").glob("*.py")}
    | {path.stem for path in (ROOT / "extensions" / "eda" / "plugins" / "event_source").glob("*.py")}
    | {path.stem for path in (ROOT / "plugins" / "doc_fragments").glob("*.py")}
    | set(yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["action_groups"])
)


def _tasks(document):
    """Every task of a YAML block (a list of plays or of tasks), blocks, rescues and always included."""
    items = document if isinstance(document, list) else []
    for item in items:
        if not isinstance(item, dict):
            continue
        if "hosts" in item:
            for section in ("pre_tasks", "tasks", "post_tasks", "handlers"):
                yield from _tasks(item.get(section) or [])
            continue
        yield item
        for section in ("block", "rescue", "always"):
            yield from _tasks(item.get(section) or [])


def _plays(document):
    return [item for item in document if isinstance(item, dict) and "hosts" in item] if isinstance(document, list) else []


def test_the_guides_are_the_docs_sites_and_each_has_its_label():
    index = yaml.safe_load((ROOT / "docs" / "docsite" / "extra-docs.yml").read_text())
    listed = [entry for section in index["sections"] for entry in section["toctree"]]
    assert sorted(listed) == sorted(path.stem for path in GUIDES.glob("*.rst"))
    for path in GUIDES.glob("*.rst"):
        assert f".. _ansible_collections.nexgencloud.hyperstack.docsite.{path.stem}:" in path.read_text(), path.name


def test_the_readme_is_for_users():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= 400
    # No run-by-run figures: test counts, stage timings, benchmark ratios, mutation scores.
    assert not re.findall(r"\b\d+ (?:tests|pytest cases|mutants)\b|\bP[0-5]\b|\bseconds\b|\d+ s\b", text)
    # The test command .ci/run calls is the README's.
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
    shell = "".join(body for lang, body, _marker in blocks(ROOT / "README.md") if lang == "bash")
    assert re.search(r"^scripts/test\.sh\b", shell, re.M) and re.search(r"^scripts/demo\.sh\b", shell, re.M)
    # Install gives ansible-galaxy before using it.
    assert shell.index("pip install ansible-core") < shell.index("ansible-galaxy collection install")
    assert "ansible-galaxy collection build" in shell


@pytest.mark.parametrize("path", DOCS, ids=[path.name for path in DOCS])
def test_every_name_in_the_collection_exists(path):
    unknown = sorted(set(FQCN.findall(path.read_text())) - NAMES)
    assert not unknown, "%s names what the collection does not have: %s" % (path.name, ", ".join(unknown))


@pytest.mark.parametrize("path, lang, body, run", every_block("yaml"))
def test_yaml_blocks_parse_and_give_only_options_that_exist(path, lang, body, run):  # pylint: disable=unused-argument
    document = yaml.safe_load(body)
    for play in _plays(document):
        for group, defaults in (play.get("module_defaults") or {}).items():
            assert group == "group/nexgencloud.hyperstack.all" or group.split(".")[-1] in MODULES, group
            assert set(defaults) <= module_options("hyperstack_credit_info"), defaults
        for role in play.get("roles") or []:
            if isinstance(role, dict) and role.get("role") == ROLE:
                assert set(role.get("vars") or {}) <= ROLE_OPTIONS, set(role["vars"]) - ROLE_OPTIONS
    for task in _tasks(document):
        for action, args in task.items():
            if action.startswith("nexgencloud.hyperstack."):
                name = action.split(".")[2]
                assert name in MODULES, action
                unknown = set(args or {}) - module_options(name)
                assert not unknown, "%s has no option %s" % (action, ", ".join(sorted(unknown)))
            if action in ("ansible.builtin.include_role", "ansible.builtin.import_role") and args.get("name") == ROLE:
                unknown = set(task.get("vars") or {}) - ROLE_OPTIONS
                assert not unknown, "the role has no variable %s" % ", ".join(sorted(unknown))


@pytest.mark.parametrize("path, lang, body, run", every_block("bash"))
def test_shell_blocks_name_paths_that_exist(path, lang, body, run):  # pylint: disable=unused-argument
    commands = "\n".join(line.split("#", 1)[0] for line in body.splitlines())
    missing = [name for name in PATH.findall(commands) if not (ROOT / name).exists()]
    assert not missing, "%s: no such path in the checkout: %s" % (path.name, ", ".join(missing))
    # A `cd examples && ...` runs its command there: the files it names are in examples/.
    for directory, rest in re.findall(r"\bcd (examples)\b && (.*)", commands):
        for name in re.findall(r"(?<![\w/.-])([\w-]+\.yml)\b", rest):
            assert (ROOT / directory / name).is_file(), "%s: %s/%s does not exist" % (path.name, directory, name)


def _emulator_class():
    spec = importlib.util.spec_from_file_location("hs_emulator_for_docs", ROOT / "emulator" / "hyperstack_emulator.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Emulator


@pytest.fixture(scope="module")
def collections_path(tmp_path_factory):
    """A directory ansible finds the collection under: the tree's own, or a link to this checkout."""
    if ROOT.parent.parent.name == "ansible_collections":
        return ROOT.parents[2]
    top = tmp_path_factory.mktemp("collections")
    (top / "ansible_collections" / "nexgencloud").mkdir(parents=True)
    (top / "ansible_collections" / "nexgencloud" / "hyperstack").symlink_to(ROOT)
    return top


RUNNABLE = [param for param in every_block("yaml") if param.values[3]]


def test_some_blocks_are_run():
    assert len(RUNNABLE) >= 5 and {param.values[0].name for param in RUNNABLE} >= {"README.md", "guide_gating.rst"}


def _play(tmp_path, collections_path, body):
    """ansible-playbook running the play against a fresh emulator: its run and the requests the emulator served."""
    playbook = tmp_path / "play.yml"
    playbook.write_text(body)
    env = {name: value for name, value in os.environ.items() if not name.startswith(("HYPERSTACK_", "ANSIBLE_"))}
    env.update(ANSIBLE_COLLECTIONS_PATH=str(collections_path), ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_NOCOLOR="1")
    env.update(ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    with _emulator_class()(api_key=KEY) as emu:
        env.update(HYPERSTACK_API_KEY=KEY, HYPERSTACK_API_URL=emu.api_url)
        ran = subprocess.run(
            [str(Path(sys.executable).parent / "ansible-playbook"), str(playbook)], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        return ran, emu.state.requests


@pytest.mark.parametrize("path, lang, body, run", RUNNABLE)
def test_the_runnable_blocks_run_against_the_emulator(tmp_path, collections_path, path, lang, body, run):  # pylint: disable=unused-argument
    assert _plays(yaml.safe_load(body)), "a block marked to run is a play"
    ran, served = _play(tmp_path, collections_path, body)
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output
    assert re.search(r"localhost\s*: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0", ran.stdout), output
    assert served and all(r["api_key_valid"] for r in served)
    assert KEY not in output


def test_the_suggestions_for_a_flavor_that_does_not_exist_are_the_modules(tmp_path, collections_path):
    # The guide quotes the module's message for a misspelt flavor: it must be the message, in the module's order.
    quoted = re.search(r"``a100`` gives ``(.*?)``", (GUIDES / "guide_cost.rst").read_text(), re.S).group(1)
    play = [
        {
            "name": "A flavor that does not exist",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [{"nexgencloud.hyperstack.hyperstack_deployment_cost_info": {"plan": [{"flavor": "a100"}]}}],
        }
    ]
    ran, _output = _play(tmp_path, collections_path, yaml.safe_dump(play))
    assert ran.returncode == 2 and '"msg": "%s"' % " ".join(quoted.split()) in ran.stdout, ran.stdout + ran.stderr
