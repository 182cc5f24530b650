# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""hyperstack_vm (_vms.py) against the emulator, its gate with count_auto_topup: a paid, active top-up counted in the
cover lets the create through; a declined one is not counted, and the refusal says it would have covered it."""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import fleet  # noqa: F401 pylint: disable=unused-import
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, changing, emulator_module

CREATE = {"environment": "ml-CANADA-1", "flavor": "n3-A100x1", "image": "Ubuntu Server 22.04 LTS", "key_name": "ops-key"}
TOPUP = {"status": "active", "threshold_amount": 100.0, "topup_amount": 5000.0}


def _vm(emu, **args):
    args = dict(api_key=KEY, api_url=emu.api_url, wait_timeout=20, names=["job-1"], **CREATE, **args)
    return run_info(MODULES["hyperstack_vm"], args, {}, "nexgencloud.hyperstack.hyperstack_vm", check_mode=True)


def test_a_paid_active_top_up_lets_the_create_through_and_a_declined_one_does_not(fleet):  # noqa: F811 pylint: disable=redefined-outer-name
    fleet.state.update({"credit": 20.0, "auto_topup": TOPUP, "payments": [emulator_module.DECLINED_TOPUP[0]]})
    done = _vm(fleet, count_auto_topup=1)
    assert not done.get("failed"), done
    assert done["gate"]["passed"] is True and done["gate"]["auto_topup"]["countable"] is True
    assert done["gate"]["summary"].endswith("; covered counting 1 auto top-up of $5,000.00 (count_auto_topup 1)")
    fleet.state.update({"payments": "declined"})
    done = _vm(fleet, count_auto_topup=1)
    assert done.get("failed") is True and done["gate"]["auto_topup"]["countable"] is False
    assert done["msg"].endswith(
        "; 1 auto top-up of $5,000.00 (count_auto_topup 1) would cover it, but the last top-up payment of $50.00 is failed (attempt 3 of 3),"
        " not paid (nothing was created; gate=false turns the gate off)"
    ), done["msg"]
    # Without the option the gate is what it was: refused, nothing of the auto top-up read.
    done = _vm(fleet)
    assert done.get("failed") is True and "auto_topup" not in done["gate"] and "auto top-up" not in done["msg"]
    assert changing(fleet) == []
