# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_listings.py, flavors (hyperstack_flavor_info) against the emulator: the region sent
as a query parameter, the flavors flattened."""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES


def test_flavor_module_sends_the_region_as_a_query_parameter_and_flattens(emu):
    result = MODULES["hyperstack_flavor_info"].run(dict(api_key=KEY, api_url=emu.api_url, region="CANADA-1", name="n1-cpu-large"))
    assert [(f["name"], f["region_name"]) for f in result["hyperstack_flavor_info"]] == [("n1-cpu-large", "CANADA-1")]
    assert emu.state.requests[-1]["query"] == "region=CANADA-1"
