# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A module on the host path (async: AnsiballZ, not the action plugin's controller path), run by a real
ansible-playbook against the emulator: what its payload carries (only the module_utils it imports), and a
read that raises something unexpected ending as one redacted line, the same failure path as the controller's."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, api_requests, find_secret

# Loaded by the module's Python (PYTHONPATH, from the task's environment): the read of every endpoint raises
# an error no handler words, quoting the key, as a bug would.
SITECUSTOMIZE = """
import importlib.abc, sys

TARGET = "ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints"


class _Broken(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != TARGET:
            return None
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target) if finder is not self and hasattr(finder, "find_spec") else None
            if spec is not None:
                load = spec.loader.exec_module

                def exec_module(module):
                    load(module)
                    if module.__name__ != TARGET:  # the zip's importer loads every module of the payload
                        return

                    def fetch(self, client, params=None):
                        raise RuntimeError("a bug with %s\\n  on two lines" % client._session.headers["api_key"])

                    module.Endpoint.fetch = fetch

                spec.loader.exec_module = exec_module
                return spec
        return None


sys.meta_path.insert(0, _Broken())
"""

PAYLOADS = {
    # The module: what it must carry, and what it must not.
    "hyperstack_credit_info": (
        {"_client", "_endpoints", "_errors", "_module", "_options", "_deadline", "_money"},
        {"_estimate", "_verdict", "_month", "_pricing", "_plan", "_reads", "_tasks", "_machines", "_hibernation"},
    ),
    "hyperstack_credit_gate_info": ({"_verdict", "_estimate", "_month", "_pricing", "_plan", "_reads", "_tasks"}, {"_hibernation"}),
    "hyperstack_flavor_info": ({"_listings", "_reads", "_endpoints", "_client"}, {"_tasks", "_estimate", "_verdict", "_report", "_hibernation"}),
    "hyperstack_vm_info": ({"_listings", "_reads", "_machines"}, {"_tasks", "_estimate", "_verdict", "_report", "_hibernation"}),
}


def _play(work, collection_tree, tasks, **env):
    playbook = work / "play.yml"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    environ = dict(
        {k: v for k, v in os.environ.items() if not k.startswith("HYPERSTACK_")},
        ANSIBLE_COLLECTIONS_PATH=str(collection_tree),
        ANSIBLE_LOCAL_TEMP=str(work / "local"),
        ANSIBLE_REMOTE_TMP=str(work / "remote"),
        ANSIBLE_CONFIG=str(work / "none.cfg"),
        ANSIBLE_NOCOLOR="1",
        **env,
    )
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-vvv", "-i", "localhost,", "-c", "local"]
    command += ["-e", "ansible_python_interpreter=%s" % sys.executable, str(playbook)]
    return subprocess.run(command, cwd=str(work), env=environ, capture_output=True, text=True, timeout=180, check=False)


def _task(name, emu, **extra):
    return dict({"name": name, "async": 60, "poll": 1, "register": "out", "ignore_errors": True}, **extra)


@pytest.mark.slow
def test_a_module_on_a_host_carries_only_the_module_utils_it_imports(emu, collection_tree, tmp_path):
    tasks = [_task(name, emu, **{"nexgencloud.hyperstack.%s" % name: {"api_key": KEY, "api_url": emu.api_url}}) for name in PAYLOADS]
    done = _play(tmp_path, collection_tree, tasks, ANSIBLE_KEEP_REMOTE_FILES="1")
    assert done.returncode == 0, done.stdout + done.stderr
    for name, (carried, left_out) in PAYLOADS.items():
        wrappers = list((tmp_path / "remote").glob("*/AnsiballZ_%s.py" % name))
        assert wrappers, "no AnsiballZ payload of %s was kept" % name
        # The zip of the payload, base64 in the wrapper: ZIPDATA = """...""" before 2.21, zip_data='...' since.
        data = re.search(r'ZIPDATA = r?"""(.*?)"""|zip_data=\'([^\']*)\'', wrappers[0].read_text(), re.S)
        assert data, "the payload format of this ansible-core is not known to this test"
        names = zipfile.ZipFile(io.BytesIO(base64.b64decode(data.group(1) or data.group(2)))).namelist()
        shipped = {Path(n).stem for n in names if "/nexgencloud/hyperstack/plugins/module_utils/_" in n}
        assert carried <= shipped and not shipped & left_out, (name, sorted(shipped))


@pytest.mark.slow
def test_an_unexpected_exception_on_the_host_path_is_one_line_without_the_key(emu, collection_tree, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
    task = _task("async read", emu, **{"nexgencloud.hyperstack.hyperstack_credit_info": {"api_key": KEY, "api_url": emu.api_url}})
    task["environment"] = {"PYTHONPATH": str(tmp_path / "site")}
    done = _play(tmp_path, collection_tree, [task, {"name": "show", "ansible.builtin.debug": {"var": "out"}}])
    output = done.stdout + done.stderr
    assert "hyperstack_credit_info: unexpected RuntimeError: a bug with ******** on two lines" in output, output
    assert find_secret(output, KEY) is None
    assert "Traceback" not in output
    # The broken read sent nothing: the failure is the module's own, on the host.
    assert api_requests(emu, "/billing/user-credit/credit") == []
