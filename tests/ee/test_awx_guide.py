# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX/AAP guide (docs/awx.md) works as written.

Its YAML blocks parse; its execution environment definitions pass ansible-builder's own
schema; its credential type is what AWX accepts, and, rendered the way AWX renders
injectors, its environment drives examples/credit_gate.yml against the API emulator with
the guide's job variables and host variables. Run by `scripts/test.sh release`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
import yaml
from guide import GUIDE, KEY, ROOT, _awx_render, _blocks, _default_api_url, _emulator_class
from jinja2 import sandbox


def test_every_yaml_block_parses_and_the_checked_ones_are_there():
    text = GUIDE.read_text()
    bodies = re.findall(r"```yaml\n(.*?)```", text, re.S)
    for body in bodies:
        yaml.safe_load(body)
    assert set(_blocks()) == {
        "ee-galaxy",
        "ee-tarball",
        "ee-local-options",
        "credential-inputs",
        "credential-injectors",
        "job-extra-vars",
        "host-vars",
    }
    assert len(bodies) == len(_blocks()), "a yaml block of docs/awx.md has no <!-- check: name --> marker"


@pytest.mark.parametrize("name", ["ee-galaxy", "ee-tarball"])
def test_execution_environment_definitions_pass_ansible_builders_schema(blocks, name):
    from ansible_builder.ee_schema import validate_schema

    definition = blocks[name]
    validate_schema(definition)
    assert definition["version"] == 3
    # The collection's Python requirements come from its own metadata, not from here.
    assert "python" not in definition["dependencies"]


def test_the_tarball_definition_names_the_tarball_this_version_builds(blocks):
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    tarball = "nexgencloud-hyperstack-%s.tar.gz" % version
    definition = blocks["ee-tarball"]
    assert definition["additional_build_files"] == [{"src": tarball, "dest": "collections"}]
    assert definition["dependencies"]["galaxy"]["collections"] == [{"name": "collections/" + tarball, "type": "file"}]


def test_credential_type_is_one_awx_accepts(credential_type):
    fields = credential_type["inputs"]["fields"]
    ids = [field["id"] for field in fields]
    for field in fields:
        assert set(field) <= {"id", "type", "label", "secret", "help_text", "default", "multiline", "format", "choices", "ask_at_runtime"}
        assert field["type"] in ("string", "boolean") and field["label"]
    assert credential_type["inputs"]["required"] == ["api_key"]
    assert [f for f in fields if f["id"] == "api_key"][0]["secret"] is True
    assert set(credential_type["injectors"]) == {"env"}
    assert set(credential_type["injectors"]["env"]) == {"HYPERSTACK_API_KEY", "HYPERSTACK_API_URL"}
    # AWX validates injector templates with every field defined and nothing else.
    strict = sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    for template in credential_type["injectors"]["env"].values():
        strict.from_string(template).render(**{name: "EXAMPLE" for name in ids})
    with pytest.raises(jinja2.UndefinedError):
        strict.from_string("{{ api_token }}").render(**{name: "EXAMPLE" for name in ids})


@pytest.mark.parametrize("inputs", [{"api_key": KEY}, {"api_key": KEY, "api_url": ""}])
def test_an_empty_or_missing_url_injects_the_default_url(credential_type, inputs):
    assert _awx_render(credential_type, inputs) == {"HYPERSTACK_API_KEY": KEY, "HYPERSTACK_API_URL": _default_api_url()}


def _run_example(tmp_path, credential_type, blocks, api_url, inventory_hosts, *verbosity):
    env = {name: value for name, value in os.environ.items() if not name.startswith(("HYPERSTACK_", "ANSIBLE_"))}
    env.update(_awx_render(credential_type, {"api_key": KEY, "api_url": api_url}))
    env["ANSIBLE_COLLECTIONS_PATH"] = str(ROOT.parents[2])
    env["ANSIBLE_HOME"] = str(tmp_path / "ansible-home")
    env["ANSIBLE_NOCOLOR"] = "1"
    extra_vars = tmp_path / "extra_vars.yml"
    extra_vars.write_text(yaml.safe_dump(blocks["job-extra-vars"]))
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": inventory_hosts}}))
    playbook = Path(sys.executable).parent / "ansible-playbook"
    return subprocess.run(
        [str(playbook), "-i", str(inventory), "-e", "@%s" % extra_vars, str(ROOT / "examples" / "credit_gate.yml")] + list(verbosity),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_injected_credential_passes_the_gate_with_enough_credit(tmp_path, credential_type, blocks):
    # The inventory lists localhost with the guide's host variables.
    with _emulator_class()(api_key=KEY, credit=1500.0, threshold=100.0) as emu:
        run = _run_example(tmp_path, credential_type, blocks, emu.api_url, {"localhost": blocks["host-vars"]})
        requests_seen = emu.state.requests
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"localhost\s*: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0", run.stdout), run.stdout
    assert requests_seen and all(r["api_key_valid"] for r in requests_seen), requests_seen


def test_the_injected_credential_stops_the_play_when_credit_is_short(tmp_path, credential_type, blocks):
    # Implicit localhost (the inventory has no hosts); -vvv, and the key still never shows.
    with _emulator_class()(api_key=KEY, credit=300.0, threshold=100.0) as emu:
        run = _run_example(tmp_path, credential_type, blocks, emu.api_url, {}, "-vvv")
    output = run.stdout + run.stderr
    assert run.returncode == 2, output
    required = float(blocks["job-extra-vars"]["hyperstack_min_headroom"])
    assert "$200.00" in output and "$%.2f" % required in output, output
    assert KEY not in output and KEY[-6:] not in output
