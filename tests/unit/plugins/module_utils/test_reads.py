# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_reads.py against the emulator: read_month_to_date, the month-to-date spend
summed exactly from the billing history of the month, and a row without its bill refused, not counted as nothing."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _reads
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.tests.unit.plugins.module_utils.test_month import at
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import check_message, make_client


def test_read_month_to_date_sums_the_history_of_the_month(emu):
    client = make_client(emu.api_url)
    # The emulator's default history: $1,589.75 + $310.25.
    assert _reads.read_month_to_date(client, at(2026, 12, 1, 19, 30)) == Decimal("1900.00")
    query = parse_qs(emu.state.requests[-1]["query"])
    assert query == {"start_date": ["2026-12-01T00:00:00"], "end_date": ["2026-12-01T19:30:00"]}
    # Ten rows of $0.10 are $1.00, not 0.9999999999999999.
    row = {"attributes": {"id": "r"}, "metrics": {"incurred_bill": 0.1}}
    emu.state.update({"billing_history": [row] * 10})
    assert _reads.read_month_to_date(client, at(2026, 12, 1, 19, 30)) == 1
    emu.state.update({"month_to_date": 42.5})
    assert _reads.read_month_to_date(client, at(2026, 12, 1, 19, 30)) == Decimal("42.5")
    emu.state.update({"billing_history": []})
    assert _reads.read_month_to_date(client, at(2026, 12, 1)) == 0


def test_a_row_without_its_bill_is_refused_not_counted_as_nothing(emu):
    emu.state.update({"billing_history": [{"attributes": {"id": "r"}, "metrics": {"vm_cost": 5.0}}]})
    with pytest.raises(HyperstackError) as caught:
        _reads.read_month_to_date(make_client(emu.api_url), at(2026, 12, 1, 19, 30))
    msg = check_message(caught.value.msg)
    assert msg.startswith("reading the billing history (GET /billing/billing/history): the response from ")
    assert "incurred_bill" in msg
