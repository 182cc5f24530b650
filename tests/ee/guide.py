# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX/AAP guide (docs/awx.md) as the tests read it: its checked YAML blocks, the
environment AWX injects from its credential type, and the API emulator."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml
from jinja2 import sandbox

# The collection root (…/ansible_collections/nexgencloud/hyperstack).
ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "awx.md"
KEY = "hs-AWX-SECRET-58d2e1"
BLOCK = re.compile(r"<!-- check: (?P<name>[\w-]+) -->\s*```yaml\n(?P<body>.*?)```", re.S)


def _blocks():
    text = GUIDE.read_text()
    return {m.group("name"): yaml.safe_load(m.group("body")) for m in BLOCK.finditer(text)}


def _default_api_url():
    source = (ROOT / "plugins" / "module_utils" / "_options.py").read_text()
    return re.search(r'^DEFAULT_API_URL = "([^"]+)"$', source, re.M).group(1)


def _emulator_class():
    spec = importlib.util.spec_from_file_location("hs_emulator_for_awx_guide", ROOT / "emulator" / "hyperstack_emulator.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Emulator


def _awx_render(credential_type, inputs):
    """The environment AWX injects for a credential with these inputs.

    As awx.main.models.credential.CredentialType.inject_credential does it: only inputs
    with a value are in the namespace, and templates render in an immutable sandbox.
    """
    namespace = {name: value for name, value in inputs.items() if value not in ("", None)}
    env = sandbox.ImmutableSandboxedEnvironment()
    return {name: env.from_string(template).render(**namespace) for name, template in credential_type["injectors"]["env"].items()}
