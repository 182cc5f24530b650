# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The execution environment of docs/awx.md, built for real with podman, runs the gate.

A Debian base image is made locally with debootstrap (no registry is reachable) and kept
between runs; the EE is built from the collection's tarball with the guide's ee-tarball
definition, changed only where that base image needs it. Inside it, ansible-doc must list
every plugin the tarball ships and requests/jsonschema must import; then ansible-runner (as
AWX runs a job) and ansible-navigator (as AAP developers do) run examples/credit_gate.yml
against the API emulator on loopback, with the key injected as the guide's credential type
injects it. Where podman cannot run these tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest
import yaml
from guide import KEY, ROOT, _awx_render, _emulator_class

HERE = Path(__file__).resolve().parent
os.environ["CONTAINERS_CONF"] = str(HERE / "containers.conf")
TOOLS = Path(sys.executable).parent
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# What the base image is made of; its hash (with the CA bundle's) names the cached image.
BASE_RECIPE = ["--variant=minbase", "--include=python3,python3-pip,python3-venv,ca-certificates", "bookworm"]
EE_IMAGE = "localhost/nexgencloud-hyperstack-ee:test"
# plugins/ directories that hold no plugin ansible-doc lists; an action plugin is documented
# by the module of its name.
NOT_PLUGINS = {"module_utils", "doc_fragments", "plugin_utils"}
PLUGIN_TYPES = {"modules": "module", "action": "module"}


def _run(*args, **kwargs):
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run([str(a) for a in args], check=False, **kwargs)


def _must(*args, **kwargs):
    result = _run(*args, **kwargs)
    assert result.returncode == 0, "%s failed (%d):\n%s%s" % (" ".join(map(str, args)), result.returncode, result.stdout, result.stderr)
    return result


def _podman_problem():
    """Why podman cannot run containers here, or None."""
    if os.geteuid() != 0:
        return "podman is used as root here and this is not root"
    missing = [tool for tool in ("podman", "runc", "debootstrap") if not shutil.which(tool)]
    if missing:
        return "%s not installed (Debian: apt-get install podman runc debootstrap)" % ", ".join(missing)
    probe = _run("podman", "info", "--format", "{{.Host.OCIRuntime.Name}}")
    if probe.returncode != 0:
        return "podman info failed: %s" % probe.stderr.strip().splitlines()[-1:]
    return None


@pytest.fixture(scope="module")
def podman():
    problem = _podman_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail("the ee stage must run under CI=true, but: " + problem)
        pytest.skip("the ee stage needs podman: " + problem)


def _base_image():
    """The Debian base image, made with debootstrap once per recipe and kept in podman's store."""
    digest = hashlib.sha256(json.dumps(BASE_RECIPE).encode() + (CA_BUNDLE.read_bytes() if CA_BUNDLE.exists() else b"")).hexdigest()
    name = "localhost/hyperstack-ee-base:%s" % digest[:12]
    if _run("podman", "image", "exists", name).returncode == 0:
        return name
    with tempfile.TemporaryDirectory(dir="/var/tmp") as work:
        rootfs = Path(work) / "rootfs"
        _must("debootstrap", *BASE_RECIPE, rootfs)
        # pip inside the image must trust what this machine trusts (a proxy's CA); and this is
        # the image's own Python, so pip may install into it (PEP 668's marker goes).
        if CA_BUNDLE.exists():
            shutil.copy(CA_BUNDLE, rootfs / "etc/ssl/certs/ca-certificates.crt")
        for marker in rootfs.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
            marker.unlink()
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        _must("podman", "import", "-", name, stdin=tar.stdout)
        tar.wait()
    return name


def _tarball(dest):
    _must(TOOLS / "ansible-galaxy", "collection", "build", ROOT, "--output-path", dest)
    return next(Path(dest).glob("nexgencloud-hyperstack-*.tar.gz"))


def ee_definition(blocks, base_image):
    """The guide's ee-tarball definition, with the local base image and the options the guide gives for it."""
    definition = copy.deepcopy(blocks["ee-tarball"])
    definition["images"]["base_image"]["name"] = base_image
    definition.setdefault("options", {}).update(blocks["ee-local-options"]["options"])
    return definition


@pytest.fixture(scope="module")
def ee_image(podman, blocks, tmp_path_factory):
    """Builds the EE from the collection's tarball; gives the plugins that tarball ships."""
    context = tmp_path_factory.mktemp("ee")
    tarball = _tarball(context)
    definition = ee_definition(blocks, _base_image())
    assert definition["additional_build_files"][0]["src"] == tarball.name, "docs/awx.md installs another tarball than this version builds"
    (context / "execution-environment.yml").write_text(yaml.safe_dump(definition))
    _must(TOOLS / "ansible-builder", "build", "--tag", EE_IMAGE, "--container-runtime", "podman", "--context", context / "context", cwd=context)
    with tarfile.open(tarball) as tar:
        files = [entry["name"] for entry in json.load(tar.extractfile("FILES.json"))["files"] if entry["ftype"] == "file"]
    shipped = set()
    for name in files:
        parts = name.split("/")
        if len(parts) == 3 and parts[0] == "plugins" and parts[1] not in NOT_PLUGINS and parts[2].endswith(".py") and parts[2] != "__init__.py":
            shipped.add((PLUGIN_TYPES.get(parts[1], parts[1]), "nexgencloud.hyperstack." + parts[2][:-3]))
        elif len(parts) >= 2 and parts[0] == "roles":
            shipped.add(("role", "nexgencloud.hyperstack." + parts[1]))
    return shipped


def test_ansible_doc_in_the_image_lists_every_plugin_the_tarball_ships(ee_image):
    # Without --no-fail-on-errors: a plugin whose documentation does not load fails the dump.
    dump = _must("podman", "run", "--rm", EE_IMAGE, "ansible-doc", "--metadata-dump", "nexgencloud.hyperstack")
    listed = {(kind, name) for kind, plugins in json.loads(dump.stdout)["all"].items() if kind != "keyword" for name in plugins}
    assert ee_image and listed == ee_image, "ansible-doc in the image lists %s; the tarball ships %s" % (sorted(listed), sorted(ee_image))
    assert {plugin[0] for plugin in ee_image} >= {"module", "lookup", "role"}


def test_the_image_has_requests_and_jsonschema(ee_image):
    _must("podman", "run", "--rm", EE_IMAGE, "python3", "-c", "import requests, jsonschema")


def _private_data_dir(tmp_path, blocks, credential_type, api_url):
    """An ansible-runner private data dir as AWX lays it out: project, extra vars, credential env."""
    (tmp_path / "project").mkdir()
    shutil.copy(ROOT / "examples" / "credit_gate.yml", tmp_path / "project")
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "extravars").write_text(yaml.safe_dump(blocks["job-extra-vars"]))
    (tmp_path / "env" / "envvars").write_text(yaml.safe_dump(_awx_render(credential_type, {"api_key": KEY, "api_url": api_url})))
    return tmp_path


def _ansible_runner(tmp_path, blocks, credential_type, api_url):
    pdd = _private_data_dir(tmp_path, blocks, credential_type, api_url)
    # The image's default user (1000) cannot write the artifacts folder mounted from the host.
    return _run(
        TOOLS / "ansible-runner",
        "run",
        pdd,
        "-p",
        "credit_gate.yml",
        "--process-isolation",
        "--process-isolation-executable",
        "podman",
        "--container-image",
        EE_IMAGE,
        "--container-option=--user=root",
        timeout=300,
    )


def _navigator(tmp_path, blocks, credential_type, api_url):
    pdd = _private_data_dir(tmp_path, blocks, credential_type, api_url)
    # ansible-navigator's runner talks through POSIX message queues: it refuses to start without /dev/mqueue.
    if not os.path.isdir("/dev/mqueue"):
        os.makedirs("/dev/mqueue")
        _must("mount", "-t", "mqueue", "mqueue", "/dev/mqueue")
    env = dict(os.environ, **_awx_render(credential_type, {"api_key": KEY, "api_url": api_url}))
    extra = ["-e", "hyperstack_min_headroom=%s" % blocks["job-extra-vars"]["hyperstack_min_headroom"]]
    return _run(
        TOOLS / "ansible-navigator",
        "run",
        "credit_gate.yml",
        "--mode",
        "stdout",
        "--ee",
        "true",
        "--container-engine",
        "podman",
        "--execution-environment-image",
        EE_IMAGE,
        "--pull-policy",
        "never",
        "--pass-environment-variable",
        "HYPERSTACK_API_KEY",
        "--pass-environment-variable",
        "HYPERSTACK_API_URL",
        "--playbook-artifact-enable",
        "false",
        "--log-file",
        tmp_path / "navigator.log",
        *extra,
        cwd=pdd / "project",
        env=env,
        timeout=300,
    )


@pytest.mark.parametrize("runner", [_ansible_runner, _navigator], ids=["ansible-runner", "ansible-navigator"])
@pytest.mark.parametrize(
    "credit, returncode, message",
    [
        (1500.0, 0, r"Credit OK: headroom \$1,400\.00 covers the required \$250\.00\."),
        (300.0, 2, r"Not enough Hyperstack credit to provision: headroom \$200\.00 .* is below the required \$250\.00"),
    ],
    ids=["passes", "blocked"],
)
def test_the_gate_runs_in_the_ee(ee_image, tmp_path, blocks, credential_type, runner, credit, returncode, message):
    assert float(blocks["job-extra-vars"]["hyperstack_min_headroom"]) == 250, "the figures below are the guide's"
    with _emulator_class()(api_key=KEY, credit=credit, threshold=100.0) as emu:
        run = runner(tmp_path, blocks, credential_type, emu.api_url)
        seen = emu.state.requests
    output = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", run.stdout + run.stderr)
    assert run.returncode == returncode, output
    assert re.search(message, output.replace("\n", " ")), output
    # The module in the container reached the emulator on the host, with the injected key.
    assert seen and all(r["api_key_valid"] for r in seen), seen
    assert KEY not in output
