# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the system suite: the unit suite's own (tests/unit/conftest.py: the collection tree and the
emulator), imported, not copied. The collection tree must be importable: the nox sessions system-X.Y put
it on PYTHONPATH."""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.tests.unit.conftest import _emulator, collection_tree, emu  # noqa: F401 pylint: disable=unused-import
