# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the AWX guide's tests: its checked YAML blocks and its credential type."""

from __future__ import annotations

import pytest
from guide import _blocks


@pytest.fixture(scope="module")
def blocks():
    return _blocks()


@pytest.fixture(scope="module")
def credential_type(blocks):
    return {"inputs": blocks["credential-inputs"], "injectors": blocks["credential-injectors"]}
