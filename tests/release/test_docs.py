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
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "docs" / "docsite" / "rst"
# The event source, and its page in the docs site.
SOURCE = ROOT / "extensions" / "eda" / "plugins" / "event_source" / "credit.py"
SOURCE_PAGE = GUIDES / "event_source_credit.rst"
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
# What a name nexgencloud.hyperstack.X may be: a module, a role, the lookup or the event source (both credit), the inventory plugin,
# a doc fragment, or the action group.
NAMES = (
    MODULES
    | {path.name for path in (ROOT / "roles").iterdir() if path.is_dir()}
    | {path.stem for path in (ROOT / "plugins" / "lookup").glob("*.py")}
    | {path.stem for path in (ROOT / "plugins" / "inventory").glob("*.py")}
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
        for source in play.get("sources") or []:
            for name, args in source.items():
                if name.startswith("nexgencloud.hyperstack."):
                    assert name == "nexgencloud.hyperstack.credit", name
                    unknown = set(args or {}) - set(_documentation(SOURCE.read_text())["options"])
                    assert not unknown, "the event source has no option %s" % ", ".join(sorted(unknown))
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


def test_every_vars_file_a_rulebook_command_passes_is_shipped_beside_the_rulebooks():
    # The guides and the rulebooks' comments run ansible-rulebook from examples/: its --vars file is there.
    named = {}
    for path in DOCS + sorted((ROOT / "examples").glob("*.yml")):
        for name in re.findall(r"--vars[ =]([\w./-]+\.(?:ya?ml|json))\b", path.read_text()):
            named.setdefault(name, []).append(path.name)
    assert named, "some command passes a vars file"
    for name, where in named.items():
        assert (ROOT / "examples" / name).is_file(), "%s pass --vars %s, which examples/ does not have" % (", ".join(where), name)
    variables = yaml.safe_load((ROOT / "examples" / "vars.yml").read_text())
    rulebooks = [path for path in (ROOT / "examples").glob("*.yml") if any("sources" in play for play in _plays(yaml.safe_load(path.read_text())))]
    used = {name for path in rulebooks for name in re.findall(r"\{\{ (\w+) \| default\(", path.read_text())}
    assert set(variables) == used, "vars.yml holds every variable the rulebooks read, and only those"


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


# -- the commands that start the emulator, run as written ----------------------------------------------------


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _shell(tmp_path, collections_path, script):
    """bash running script from the checkout, as a reader pastes it, with the collection installed; the
    emulator it starts on 8080 is on a free port, waited for before the next line, and stopped at the end."""
    port = _free_port()
    started = re.compile(r"^(python3 emulator/hyperstack_emulator\.py .*&)$", re.M)
    assert started.search(script), "the commands start the emulator"
    wait = r"\1\nuntil curl -s -o /dev/null http://127.0.0.1:%d/_emulator/state; do sleep 0.1; done" % port
    script = "trap 'kill $(jobs -p) 2>/dev/null' EXIT\n" + started.sub(wait, script).replace("8080", str(port))
    env = {name: value for name, value in os.environ.items() if not name.startswith(("HYPERSTACK_", "ANSIBLE_"))}
    env.update(PATH="%s:%s" % (Path(sys.executable).parent, env["PATH"]), ANSIBLE_COLLECTIONS_PATH=str(collections_path))
    env.update(ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false")
    env.update(ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    ran = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)
    return ran.stdout + ran.stderr


def _emulator_blocks(path):
    return [body for lang, body, _marker in blocks(path) if lang == "bash" and ("hyperstack_emulator.py --port" in body or "127.0.0.1:8080" in body)]


def test_the_readmes_emulator_commands_run_as_written(tmp_path, collections_path):
    # The gate stops at $42.50 and passes at $5,000; the fleet the command serves is what the hibernation
    # guide's dry run hibernates; the state the curl commands print never shows the key.
    output = _shell(tmp_path, collections_path, "\n".join(_emulator_blocks(ROOT / "README.md")))
    stopped, passed = output.find("Not enough Hyperstack credit"), output.find("Credit OK")
    assert -1 < stopped < passed, output
    assert re.search(r"hibernated train-01, train-02\b", output), output
    # The provisioning example's dry run, then its run, each creating the two machines (the first in words only).
    assert output.count("Provisioned: created train-a, train-b") == 2 and "public addresses none yet" in output, output
    # A control endpoint refusing what it was sent answers {"error": ...}.
    assert '{"error": ' not in output and "Traceback" not in output, output
    assert output.count('"api_key_set": true') == 3 and "demo-key" not in output, output


def test_the_hibernation_guides_commands_run_against_the_emulator_it_starts(tmp_path, collections_path):
    guide = GUIDES / "guide_hibernation.rst"
    (start,) = _emulator_blocks(guide)
    dry_run = [line[2:] for lang, body, _marker in blocks(guide) if lang == "console" for line in body.splitlines() if line.startswith("$ ansible-playbook")]
    assert dry_run == ["ansible-playbook examples/hibernate_labelled.yml --check --diff"]
    output = _shell(tmp_path, collections_path, start + "\n".join(dry_run))
    assert re.search(r"hibernated train-01, train-02\b", output) and "failed=0" in output, output
    assert "demo-key" not in output


def test_the_provisioning_guides_commands_run_against_the_emulator_it_starts(tmp_path, collections_path):
    # The dry run creates nothing, the run creates the two machines, and the refusal the guide shows is the one the
    # play prints, word for word.
    guide = GUIDES / "guide_provisioning.rst"
    (start,) = _emulator_blocks(guide)
    commands = [line[2:] for lang, body, _marker in blocks(guide) if lang == "console" for line in body.splitlines() if line.startswith("$ ")]
    assert commands[:2] == ["ansible-playbook examples/provision.yml --check --diff", "ansible-playbook examples/provision.yml"], commands
    output = _shell(tmp_path, collections_path, start + "\n" + "\n".join(commands))
    runs = output.split("PLAY RECAP")
    assert len(runs) == 4, output
    assert "created train-a, train-b" in runs[0] and "public addresses none yet" in runs[0] and "failed=0" in runs[1], output
    assert re.search(r"created train-a, train-b, deleted nothing; public addresses \d+\.\d+\.\d+\.\d+, \d+", runs[1]) and "failed=0" in runs[2], output
    (shown,) = [" ".join(body.split()) for lang, body, _marker in blocks(guide) if lang == "text"]
    assert shown in " ".join(output.split()), output
    assert "demo-key" not in output


# -- the event source's page ----------------------------------------------------------------------------------


def _list_tables(text):
    """Each list-table of a reStructuredText text: its rows, each row its cells' text (lines joined)."""
    tables = []
    for part in re.split(r"^\.\. list-table::.*\n", text, flags=re.M)[1:]:
        rows = []
        for line in part.splitlines():
            if line.strip() and not line.startswith(" "):
                break
            if re.match(r"^   \* - ", line):
                rows.append([line[7:].strip()])
            elif re.match(r"^     -( |$)", line):
                rows[-1].append(line[7:].strip())
            elif line.startswith("       ") and rows:
                rows[-1][-1] = (rows[-1][-1] + " " + line.strip()).strip()
        tables.append(rows)
    return tables


def test_the_event_source_page_documents_every_option_of_the_source():
    documented = _documentation(SOURCE.read_text())["options"]
    header, *rows = _list_tables(SOURCE_PAGE.read_text())[0]
    assert header == ["option", "type", "default", "environment", "meaning"]
    page = {row[0].strip("`"): row[1:] for row in rows}
    # Added, removed or renamed in the source without the page (or the other way round): the lists differ.
    assert list(page) == list(documented), "the page's options, in the source's order"
    for name, (kind, default, environment, meaning) in page.items():
        spec = documented[name]
        assert kind == spec["type"] + (" of %s" % spec["elements"] if "elements" in spec else ""), name
        if spec.get("default") is None:
            assert default == "unset", name
        else:
            assert re.fullmatch(r"``[^`]+``", default) and yaml.safe_load(default.strip("`")) == spec["default"], name
        variables = re.findall(r"E\((\w+)\)", " ".join(spec["description"]))
        assert re.findall(r"``(\w+)``", environment) == variables, name
        assert meaning, name


EVENTS = """
import asyncio, json, sys
from ansible_collections.nexgencloud.hyperstack.extensions.eda.plugins.event_source import credit

async def first(args):
    queue = asyncio.Queue()
    task = asyncio.ensure_future(credit.main(queue, args))
    try:
        return await asyncio.wait_for(queue.get(), 60)
    finally:
        task.cancel()

url, key = sys.argv[1:]
args = {"api_key": key, "api_retries": 0, "interval": 60, "monthly_budget": 2000, "budget_levels": [50]}
print(json.dumps([asyncio.run(first(dict(args, api_url=url))), asyncio.run(first(dict(args, api_url=url + "/nope")))]))
"""


def test_the_event_source_page_names_the_keys_of_its_events(collections_path):
    # The source run against the emulator: its first event, and its first event when every read fails.
    _options, facts, error = [[row[0].strip("`") for row in table[1:]] for table in _list_tables(SOURCE_PAGE.read_text())]
    with _emulator_class()(api_key=KEY) as emu:
        env = dict(os.environ, PYTHONPATH=str(collections_path))
        ran = subprocess.run([sys.executable, "-c", EVENTS, emu.api_url, KEY], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert ran.returncode == 0 and KEY not in ran.stdout + ran.stderr, ran.stdout + ran.stderr
    polled, failed = json.loads(ran.stdout)
    assert sorted(polled["hyperstack_credit"]) == sorted(facts) and list(polled) == ["hyperstack_credit"]
    assert sorted(failed["hyperstack_credit_error"]) == sorted(error) and failed["hyperstack_credit_error"]["status_code"] == 404
