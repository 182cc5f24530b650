# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_tasks.py, a Terraform plan in deployment_cost (hyperstack_deployment_cost_info)
against the emulator: the breakdown names the Terraform address of each item from the plan."""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.tests.unit.plugins.module_utils.test_plan_terraform import _change
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, terraform_plan_json


def test_the_breakdown_names_the_terraform_address_of_each_item_from_a_plan(tmp_path, emu):
    path = tmp_path / "p.json"
    path.write_text(terraform_plan_json(_change("hyperstack_core_volume", ["create"], {"size": 10}, "hyperstack_core_volume.data")))
    result = MODULES["hyperstack_deployment_cost_info"].run(dict(api_key=KEY, api_url=emu.api_url, terraform_plan=str(path), plan=[{"volume_gb": 5}]))
    breakdown = result["hyperstack_deployment_cost_info"]["breakdown"]
    assert [entry.get("source") for entry in breakdown] == [None, "hyperstack_core_volume.data"]
