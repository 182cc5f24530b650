# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The virtual machines: which ones a task selects (by ids, names and labels, every selector given must
match; a selector that selects nothing by construction is refused before any request), what each costs
now (its usage rows), what hibernating it saves (its flavor priced as the estimate prices one), and the
change to hibernated or active: idempotent, nothing sent in check mode, waited for by polling.
"""

from __future__ import annotations

import time
from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import read_concurrently
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import HIBERNATE, PRICEBOOK, RESTORE, USAGE, VM, read_vms
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, one_line
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import check_number
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import VM as VM_RESOURCE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._pricing import _flavor_price, _prices, price_destroyed

HIBERNATED, ACTIVE = "HIBERNATED", "ACTIVE"
# The statuses the API documents as settled; any other is a change under way (its names are not relied on).
SETTLED = frozenset((ACTIVE, "SHUTOFF", HIBERNATED, "ERROR"))
TARGET = {"hibernated": HIBERNATED, "active": ACTIVE}
SELECTORS = ("ids", "names", "labels")
# hyperstack_vm_hibernation's defaults (its argument spec has them too; a caller that did not validate gets them here).
DEFAULTS = {"state": "hibernated", "retain_ip": True, "wait": True, "wait_timeout": 600}
# Polling a machine's status: the first wait, doubled up to the last.
POLL_FIRST, POLL_MAX = 0.25, 10.0


def check_selectors(params, required):
    """HyperstackError, before any request, for a selector that selects nothing by construction: an empty
    list, an empty name or label; with required, no selector at all (a module that acts never means every machine)."""
    given = [name for name in SELECTORS if params.get(name) is not None]
    for name in given:
        if not params[name]:
            raise HyperstackError("%s is an empty list, which selects no machine: give at least one, or leave %s out" % (name, name))
        if name != "ids" and any(not str(value).strip() for value in params[name]):
            raise HyperstackError("%s holds an empty string, which selects no machine" % name)
    if required and not given:
        raise HyperstackError("no machine is selected: give ids, names or labels (the module never acts on every machine)")


def selected(machine, params):
    """Whether machine matches every selector given in params (ids, names, labels: all of them carried)."""
    if params.get("ids") is not None and machine["id"] not in params["ids"]:
        return False
    if params.get("names") is not None and machine["name"] not in params["names"]:
        return False
    labels = machine.get("labels") or []
    return params.get("labels") is None or all(label in labels for label in params["labels"])


def _environment(machine):
    return machine.get("environment") or {}


def _flavor(machine):
    return machine.get("flavor") or {}


def describe(machine):
    """A machine as the messages name it: its name and id."""
    return "%s (id %s)" % (machine["name"], machine["id"])


def _list(client, params):
    # The API filters by environment (asked for exactly); the names and labels are filtered here.
    query = {"environment": params["environment"], "exact_environment_match": "true"} if params.get("environment") else None
    machines = read_vms(client, query)
    if params.get("environment"):
        machines = [m for m in machines if _environment(m).get("name") == params["environment"]]
    return machines


def vm_facts(machine, cost):
    """What hyperstack_vm_info returns of a machine; cost: its usage (price_destroyed's entry)."""
    flavor = _flavor(machine)
    return {
        "id": machine["id"],
        "name": machine["name"],
        "status": machine["status"],
        "flavor": {"name": flavor.get("name"), "gpu": flavor.get("gpu") or "", "gpu_count": flavor.get("gpu_count") or 0},
        "labels": list(machine.get("labels") or []),
        "environment": _environment(machine).get("name"),
        "region": _environment(machine).get("region"),
        "cost_per_hour": float(cost["cost_per_hour"]) if cost["found"] else None,
    }


def read_vm_info(client, params):
    """hyperstack_vm_info's read: the machines selected, each with its current rate from the usage rows."""
    check_selectors(params, required=False)
    read = read_concurrently(client, params, {"vms": lambda own: _list(own, params), "usage": USAGE.fetch})
    machines = [m for m in read["vms"] if selected(m, params)]
    costs = price_destroyed([{"type": VM_RESOURCE, "id": m["id"]} for m in machines], read["usage"]["resources"])
    return [vm_facts(machine, cost) for machine, cost in zip(machines, costs)]


def saving(machine, prices):
    """(dollars an hour its flavor costs, how), priced as the estimate prices a flavor; (None, why) when it cannot be."""
    flavor = _flavor(machine)
    try:
        price, how = _flavor_price(dict(flavor, gpu_count=flavor.get("gpu_count") or 0), prices)
    except KeyError as exc:
        return None, "the price list has no entry %s for flavor %s" % (exc, flavor.get("name"))
    except (TypeError, ValueError, ArithmeticError):
        return None, "the API did not give the hardware of flavor %s" % flavor.get("name")
    return price, how


def _unknown(machines, params):
    # An id or a name that no machine has is a typo until shown otherwise: refused before anything is done.
    missing = []
    if params.get("ids") is not None:
        ids = {m["id"] for m in machines}
        missing += ["id %s" % i for i in params["ids"] if i not in ids]
    if params.get("names") is not None:
        names = {m["name"] for m in machines}
        missing += ["name %s" % n for n in params["names"] if n not in names]
    if missing:
        raise HyperstackError("no virtual machine has the %s: nothing was changed" % ", ".join(missing))


class VmFailure(HyperstackError):
    """Some machines were refused or did not settle in time: the failure still carries the result (what changed)."""

    def __init__(self, msg, result):
        super().__init__(msg)
        self._result = result

    def result(self):
        return dict(self._result, msg=self.msg)


def change_state(client, params, check_mode=False, diff=False, sleep=time.sleep, clock=time.monotonic):
    """hyperstack_vm_hibernation's run: the selected machines to params' state; the task's result.

    A machine in the state asked for is left alone, one under way is waited for, not asked again;
    in check mode nothing is sent. A machine the API refuses does not stop the others."""
    check_selectors(params, required=True)
    params = dict(params, **{name: default for name, default in DEFAULTS.items() if params.get(name) is None})
    target = TARGET[params["state"]]
    wait_timeout = float(check_number(params["wait_timeout"], "wait_timeout", minimum=0))
    reads = {"vms": lambda own: _list(own, {})}
    if target == HIBERNATED:
        reads["pricebook"] = PRICEBOOK.fetch
    read = read_concurrently(client, params, reads)
    _unknown(read["vms"], params)
    prices = _prices(read.get("pricebook") or [])
    entries, problems, pending = [], [], []
    for machine in (m for m in read["vms"] if selected(m, params)):
        entry = {
            "id": machine["id"],
            "name": machine["name"],
            "labels": list(machine.get("labels") or []),
            "flavor": _flavor(machine).get("name"),
            "status_before": machine["status"],
            "status_after": machine["status"],
            "changed": False,
            "saved_per_hour": None,
        }
        entries.append(entry)
        if machine["status"] == target:
            continue
        if machine["status"] not in SETTLED:
            pending.append(entry)  # under way: waited for, never asked again
            continue
        if not check_mode:
            action = HIBERNATE if target == HIBERNATED else RESTORE
            query = {"retain_ip": "true" if params["retain_ip"] else "false"} if target == HIBERNATED else None
            try:
                action.fetch(client, query, id=machine["id"], name=machine["name"])
            except HyperstackError as exc:
                entry["error"] = exc.msg
                problems.append(exc.msg)
                continue
            pending.append(entry)
        entry.update(changed=True, status_after=target)
        if target == HIBERNATED:
            price, how = saving(machine, prices)
            entry.update(saved_per_hour=None if price is None else float(price), priced_by=how)
    if params["wait"] and not check_mode:
        problems += _wait(client, pending, target, wait_timeout, sleep, clock)
    result = {"changed": any(e["changed"] for e in entries), "vms": entries, "saved_per_hour": _saved(entries, target)}
    if diff:
        result["diff"] = {key: "".join("%s: %s\n" % (describe(e), e["status_" + key]) for e in entries) for key in ("before", "after")}
    if problems:
        done = [describe(e) for e in entries if e["changed"]]
        msg = "%s (%s)" % ("; ".join(one_line(p) for p in problems), "changed: %s" % ", ".join(done) if done else "nothing was changed")
        raise VmFailure(msg, result)
    return result


def _saved(entries, target):
    # What the machines this task hibernates cost an hour; None when one of them could not be priced (never free).
    if target != HIBERNATED:
        return 0.0
    changed = [e for e in entries if e["changed"]]
    if any(e["saved_per_hour"] is None for e in changed):
        return None
    return float(sum((decimal(e["saved_per_hour"]) for e in changed), Decimal(0)))


def _wait(client, pending, target, wait_timeout, sleep, clock):
    """Poll each pending machine until it is target or wait_timeout (seconds) runs out; the problems met."""
    deadline, delay = clock() + float(wait_timeout), POLL_FIRST
    waiting, problems = list(pending), []
    while waiting:
        left = deadline - clock()
        if left <= 0:
            late = ", ".join("%s %s" % (describe(e), e["status_after"]) for e in waiting)
            return problems + ["the wait_timeout of %g seconds ran out with %s still changing" % (wait_timeout, late)]
        sleep(min(delay, left))
        delay = min(delay * 2, POLL_MAX)
        for entry in list(waiting):
            try:
                entry["status_after"] = VM.fetch(client, id=entry["id"], name=entry["name"])["status"]
            except HyperstackError as exc:
                entry["error"] = exc.msg
                problems.append(exc.msg)
                waiting.remove(entry)
                continue
            if entry["status_after"] == target:
                waiting.remove(entry)
    return problems
