# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the unit suite (tests/system/conftest.py imports them too): the emulator, a scripted server
over HTTP and one over TLS (its private CA made by trustme), each one per session, reset per test."""

from __future__ import annotations

import atexit
import os
import ssl
import sys
import tempfile
from pathlib import Path

import pytest
import trustme
from hypothesis import HealthCheck, settings

# Hypothesis runs derandomized and without a database, so a run fails or passes the same way
# every time, on every machine: a case it once found stays as an @example in the test.
# HYPOTHESIS_PROFILE=explore searches afresh (random, more examples) to look for new ones;
# nox -s mutation uses the smaller "mutation" profile, run once per mutant.
_FUZZ = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("default", derandomize=True, max_examples=500, **_FUZZ)
settings.register_profile("mutation", derandomize=True, max_examples=60, **_FUZZ)
settings.register_profile("explore", derandomize=False, max_examples=5000, **_FUZZ)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

_ROOT = Path(__file__).resolve().parents[2]


def _collection_tree():
    """The directory holding ansible_collections/ for this checkout: the real one, or a symlinked one."""
    if _ROOT.parent.name == "nexgencloud" and _ROOT.parents[1].name == "ansible_collections":
        return _ROOT.parents[2]
    # Run from a plain checkout (not through scripts/test.sh): lay out the path shape Python needs.
    tree = Path(tempfile.mkdtemp(prefix="hs-unit-tree-"))
    link = tree / "ansible_collections" / "nexgencloud" / "hyperstack"
    link.parent.mkdir(parents=True)
    os.symlink(_ROOT, link)
    # Unlink, never delete through, the link to the checkout.
    atexit.register(lambda: (link.unlink(), link.parent.rmdir(), link.parent.parent.rmdir(), tree.rmdir()))
    return tree


TREE = _collection_tree()
if str(TREE) not in sys.path:
    sys.path.insert(0, str(TREE))

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, Emulator, ScriptedServer  # noqa: E402


@pytest.fixture(scope="session")
def collection_tree():
    """The path to put in ANSIBLE_COLLECTIONS_PATH."""
    return TREE


@pytest.fixture(scope="session")
def _emulator():
    with Emulator(api_key=KEY) as emulator:
        yield emulator


@pytest.fixture
def emu(_emulator):
    """The API emulator on loopback, fresh for each test (its default key is KEY)."""
    _emulator.state.reset()
    yield _emulator
    _emulator.state.reset()


@pytest.fixture(scope="session")
def _scripted():
    server = ScriptedServer()
    yield server
    server.close()


def _reset_around(server):
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def scripted(_scripted):
    """A raw-socket HTTP server whose answers the test queues (see support.ScriptedServer)."""
    yield from _reset_around(_scripted)


@pytest.fixture(scope="session")
def ca():
    """A private certificate authority, trusted by nothing unless a test says so."""
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca, tmp_path_factory):
    """ca's certificate as a PEM file, for ca_path or a CA bundle variable."""
    path = tmp_path_factory.mktemp("ca") / "private-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="session")
def _tls_scripted(ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = ScriptedServer(ssl_context=context)
    yield server
    server.close()


@pytest.fixture
def tls_scripted(_tls_scripted):
    """scripted over TLS, its certificate issued by ca for 127.0.0.1."""
    yield from _reset_around(_tls_scripted)
