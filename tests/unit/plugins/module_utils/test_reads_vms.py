# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_reads.py's read_vms: every page of the virtual machines read however the
server pages (the emulator's fleet), a list without a count read until a page is empty and each machine once, and a
list whose pages never end stopped past the bound."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import VM_PAGE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._reads import read_vms
from ansible_collections.nexgencloud.hyperstack.tests.unit import support
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import FLEET, LIST, api_requests, make_client

# The emulator's fleet of virtual machines (support.fleet): a fixture, found by pytest by this name here.
fleet = support.fleet


# -- reading every page ----------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [1, 3, 100])
def test_every_page_is_read_however_the_server_pages(fleet, page_size):
    fleet.state.update({"vm_page_size": page_size})
    machines = read_vms(make_client(fleet.api_url))
    assert [m["id"] for m in machines] == list(FLEET)
    pages = [r["query"] for r in api_requests(fleet, LIST)]
    # Until count machines are read: no empty page asked for once the count is reached.
    assert len(pages) == -(-8 // page_size) and all("pageSize=100" in q for q in pages), pages


class Pages:
    """A client whose list pages are given: no count, the same machine twice, or pages without end."""

    def __init__(self, pages, count=None):
        self.pages, self.count, self.asked = pages, count, []

    def request(self, method, path, schema, what, params=None, body=None, acts=None):
        assert method == "GET" and path == VM_PAGE.path and what == VM_PAGE.what and body is None and not acts
        self.asked.append(params["page"])
        page = self.pages(params["page"]) if callable(self.pages) else (self.pages[params["page"] - 1] if params["page"] <= len(self.pages) else [])
        return {"status": True, "count": self.count, "instances": [{"id": i, "name": "vm-%d" % i, "status": "ACTIVE"} for i in page]}


def test_without_a_count_the_pages_are_read_until_one_is_empty_and_a_machine_is_read_once():
    client = Pages([[1, 2], [2, 3], [4]])
    assert [m["id"] for m in read_vms(client)] == [1, 2, 3, 4] and client.asked == [1, 2, 3, 4]


def test_a_list_whose_pages_never_end_fails_past_the_bound():
    client = Pages(lambda page: [page], count=10**9)
    with pytest.raises(HyperstackError) as caught:
        read_vms(client, max_pages=5)
    assert caught.value.msg == (
        "reading the virtual machines (GET /core/virtual-machines): still more machines after 5 pages (5 machines read of the 1000000000 it counts):"
        " the API's paging does not end; stopped rather than read for ever"
    )
    assert client.asked == [1, 2, 3, 4, 5]
