# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_machines.py: the pure rules of the virtual machines, called with literal
machines and no server: the selectors checked alone, and which machine the API will refuse to hibernate or restore
(its status, the flavors Hyperstack documents)."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._machines import check_selectors, refusal

# -- selectors -------------------------------------------------------------------------------------


def test_selectors_check_alone():
    check_selectors({"ids": None, "names": None, "labels": None}, required=False)
    with pytest.raises(HyperstackError):
        check_selectors({"ids": None, "names": None, "labels": None}, required=True)


# -- what the API will refuse ----------------------------------------------------------------------


def _machine(status="ACTIVE", gpu="A100-80G-PCIe", gpu_count=1, region="NORWAY-1", name="n3-x"):
    return {"id": 1, "name": "m", "status": status, "flavor": {"name": name, "gpu": gpu, "gpu_count": gpu_count}, "environment": {"region": region}}


@pytest.mark.parametrize(
    "machine, target, reason",
    [
        (_machine(), "HIBERNATED", None),
        (
            _machine(gpu="", gpu_count=0, name="n1-cpu-small"),
            "HIBERNATED",
            "its flavor n1-cpu-small is CPU-only, and Hyperstack's CPU-only flavors cannot hibernate",
        ),
        (_machine(gpu="RTX-A4000"), "HIBERNATED", "its flavor n3-x (RTX-A4000) cannot hibernate, as Hyperstack documents"),
        (_machine(gpu="rtx a4000"), "HIBERNATED", "its flavor n3-x (rtx a4000) cannot hibernate, as Hyperstack documents"),
        (
            _machine(gpu="H100-80G-SXM5", region="US-1"),
            "HIBERNATED",
            "its flavor n3-x (H100-80G-SXM5) cannot hibernate in region US-1, as Hyperstack documents",
        ),
        (_machine(gpu="H100-80G-SXM5", region="CANADA-1"), "HIBERNATED", None),
        (_machine(gpu="H100-80G-PCIe", region="US-1"), "HIBERNATED", None),
        # The hardware left out: the API decides.
        (_machine(gpu=None, gpu_count=None), "HIBERNATED", None),
        (_machine(status="ERROR"), "HIBERNATED", "it is ERROR, and only an ACTIVE machine can be hibernated"),
        (_machine(status="SHUTOFF"), "HIBERNATED", "it is SHUTOFF, and only an ACTIVE machine can be hibernated"),
        # Under way, or already there: nothing to refuse.
        (_machine(status="HIBERNATING"), "HIBERNATED", None),
        (_machine(status="HIBERNATED"), "HIBERNATED", None),
        (_machine(status="HIBERNATED", gpu="RTX-A4000"), "ACTIVE", None),
        (_machine(status="SHUTOFF"), "ACTIVE", "it is SHUTOFF, not HIBERNATED: only a hibernated machine can be restored"),
        (_machine(status="ACTIVE"), "ACTIVE", None),
    ],
)
def test_refusal_follows_the_status_and_the_documented_flavors(machine, target, reason):
    assert refusal(machine, target) == reason
