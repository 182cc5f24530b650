# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The reads, in one place: which endpoints a task needs (estimate_reads, gate_reads), read at once on
threads of their own (read_concurrently), and the reads that take more than one request (every page
of the machines, the month to date, the flavors of a region). What is read is judged by the pure
rules (_estimate.py, _verdict.py, _machines.py); the tasks that put the two together are _tasks.py's.
"""

from __future__ import annotations

import threading

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import (
    AUTO_TOPUP_STATUS,
    BILLING_HISTORY,
    CONTRACT_PAGE,
    CONTRACT_VMS,
    CREDIT,
    ENVIRONMENT_PAGE,
    FLAVORS,
    KEYPAIR_PAGE,
    LAST_DAY_COST,
    PAYMENT_DETAILS,
    PRICEBOOK,
    USAGE,
    VM,
    VM_PAGE,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._month import history_params
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._pricing import check_region

# The page size asked for (the server may give fewer) and the most pages read: 100 000 machines.
VM_PAGE_SIZE = 100
MAX_VM_PAGES = 1000


def read_concurrently(client, params, reads):
    """{name: read(client)} for reads, a {name: callable(client)}, each on a thread of its own.

    A client's connection pool is not shared between threads: the first read uses client,
    each other read a client of its own built from the same options (and the same leave to act).
    The failure of the first read in the order of reads is raised, whatever the order the answers came in.
    """
    names = list(reads)
    results, errors = {}, {}

    def run(name, own):
        try:
            results[name] = reads[name](own if own is not None else client.sibling(params))
        except Exception as exc:  # pylint: disable=broad-exception-caught
            errors[name] = exc  # raised in the calling thread, as if the reads were made there one by one

    threads = [threading.Thread(target=run, args=(name, None), daemon=True) for name in names[1:]]
    for thread in threads:
        thread.start()
    if names:
        run(names[0], client)
    for thread in threads:
        thread.join()
    for name in names:
        if name in errors:
            raise errors[name]
    return results


def read_month_to_date(client, now):
    """The month's spend to now, in dollars (a Decimal): the sum of incurred_bill over the history's rows."""
    return BILLING_HISTORY.fetch(client, params=history_params(now))["spent"]


def estimate_reads(request):
    """The reads the estimate of request (_plan.plan_request) needs, by name: credit and usage always; flavors
    and prices when an item needs them; the month-to-date with a monthly budget."""
    items = request["items"]
    reads = {"credit": CREDIT.fetch, "usage": USAGE.fetch}
    if request.get("monthly_budget") is not None:
        reads["month_to_date"] = lambda client: read_month_to_date(client, request["now"])
    if any(item["flavor"] or item["cluster"] for item in items):
        reads["flavors"] = FLAVORS.fetch
    if any(item["hourly_price"] is None for item in items):
        reads["pricebook"] = PRICEBOOK.fetch
    return reads


def gate_reads(request, planned, runway=False):
    """The reads of a gate: with a plan (planned), its estimate's (request); without one, the credit, and with a
    monthly budget (request, then, its checked options: the budget and its moment) what runs and the month to date;
    the last day's cost when a runway is asked for."""
    if planned:
        reads = estimate_reads(request)
    else:
        reads = {"credit": CREDIT.fetch}
        if request is not None and request["monthly_budget"] is not None:
            reads.update(usage=USAGE.fetch, month_to_date=lambda client: read_month_to_date(client, request["now"]))
    if runway:
        reads["last_day_cost"] = LAST_DAY_COST.fetch
    return reads


def read_flavors(client, region=None):
    """The flavors of region (every region without one); a region with none is refused naming those there are."""
    # The API filters by region.
    flavors = FLAVORS.fetch(client, {"region": region} if region else None)
    if region and not flavors:
        check_region(FLAVORS.fetch(client), region)
    return flavors


def read_vms(client, params=None, page_size=VM_PAGE_SIZE, max_pages=MAX_VM_PAGES):
    """Every machine of the list, following the pages however the server pages: until count machines are
    read or a page comes back empty; more than max_pages pages is refused rather than read for ever."""
    return _read_pages(client, VM_PAGE, "instances", "machines", params, page_size, max_pages)


def read_environments(client):
    """Every environment (every page)."""
    return _read_pages(client, ENVIRONMENT_PAGE, "items", "environments")


def read_keypairs(client):
    """Every key pair of every environment (every page)."""
    return _read_pages(client, KEYPAIR_PAGE, "items", "key pairs")


def _read_pages(client, endpoint, key, noun, params=None, page_size=VM_PAGE_SIZE, max_pages=MAX_VM_PAGES, size_name="pageSize"):
    # The pages of a list, each item once (by id), bounded: the API's count says when to stop.
    items, seen = [], set()
    for page in range(1, max_pages + 1):
        body = endpoint.fetch(client, dict(params or {}, page=page, **{size_name: page_size}))
        for item in body[key]:
            # An item that moved between two pages as the list changed is counted once.
            if item["id"] not in seen:
                seen.add(item["id"])
                items.append(item)
        if not body[key] or (body["count"] is not None and len(items) >= body["count"]):
            return items
    raise HyperstackError(
        "%s: still more %s after %d pages (%d %s read%s): the API's paging does not end; stopped rather than read for ever"
        % (endpoint.what, noun, max_pages, len(items), noun, "" if body["count"] is None else " of the %d it counts" % body["count"])
    )


def read_environment_vms(client, environment=None):
    """Every machine, or those of environment (asked of the API exactly, and checked here too)."""
    query = {"environment": environment, "exact_environment_match": "true"} if environment else None
    machines = read_vms(client, query)
    if environment:
        machines = [m for m in machines if (m.get("environment") or {}).get("name") == environment]
    return machines


def vm_info_reads(environment=None):
    """hyperstack_vm_info's reads: the machines (of environment, every one without) and the usage, for their rates."""
    return {"vms": lambda client: read_environment_vms(client, environment), "usage": USAGE.fetch}


def hibernation_reads():
    """hyperstack_vm_hibernation's reads: every machine, and the price list, for what each change saves or adds."""
    return {"vms": read_environment_vms, "pricebook": PRICEBOOK.fetch}


def read_vm(client, machine):
    """One machine read again (machine: its id and name): while a change is waited for, or after an answer was lost."""
    return VM.fetch(client, id=machine["id"], name=machine["name"])


def read_watch(client, monthly_budget, now):
    """The event source's reads of one poll, one after another: (the credit's facts, what runs now an hour, the month's
    spend to now, or None without a monthly budget)."""
    credit = CREDIT.fetch(client)
    cost_per_hour = USAGE.fetch(client)["cost_per_hour"]
    return credit, cost_per_hour, read_month_to_date(client, now) if monthly_budget is not None else None


# -- how the organization pays ----------------------------------------------------------------------


def payment_reads():
    """The reads of a gate that counts automatic top-ups: the auto top-up's status and the payments (its attempts)."""
    return {"auto_topup": AUTO_TOPUP_STATUS.fetch, "payments": PAYMENT_DETAILS.fetch}


def read_contracts(client):
    """Every contract of the organization (every page; the API's page size is per_page)."""
    return _read_pages(client, CONTRACT_PAGE, "items", "contracts", size_name="per_page")


def contract_info_reads():
    """hyperstack_contract_info's reads: the contracts and the machines (each machine's contract_id places it)."""
    return {"contracts": read_contracts, "vms": read_vms}


def contract_runway_reads(read):
    """What the runway across the contracts' ends needs beyond read (what a gate read already): the machines, the usage
    and the price list (at list price)."""
    more = {"vms": read_vms, "usage": USAGE.fetch, "pricebook": PRICEBOOK.fetch}
    return {name: fetch for name, fetch in more.items() if name not in read}


def read_payments(client):
    """The event source's reads of how the organization pays, one after the other: (the auto top-up's status, the payments)."""
    return AUTO_TOPUP_STATUS.fetch(client), PAYMENT_DETAILS.fetch(client)


def read_contract_vms(client, contract_id):
    """The machines the API places under contract_id."""
    return CONTRACT_VMS.fetch(client, id=contract_id)
