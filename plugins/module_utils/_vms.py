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
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import HIBERNATE, LABEL, PRICEBOOK, RESTORE, USAGE, VM, read_vms
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, one_line
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, rate
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import check_number
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import VM as VM_RESOURCE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._pricing import flavor_price, price_destroyed, price_index

HIBERNATED, ACTIVE = "HIBERNATED", "ACTIVE"
# The statuses the API documents as settled; any other is a change under way (its names are not relied on).
SETTLED = frozenset((ACTIVE, "SHUTOFF", HIBERNATED, "ERROR"))
TARGET = {"hibernated": HIBERNATED, "active": ACTIVE}
SELECTORS = ("ids", "names", "labels")
# hyperstack_vm_hibernation's defaults (its argument spec has them too; a caller that did not validate gets them here).
DEFAULTS = {"state": "hibernated", "retain_ip": True, "wait": True, "wait_timeout": 600, "mark": None}
# Polling a machine's status: the first wait, doubled up to the last.
POLL_FIRST, POLL_MAX = 0.25, 10.0
# The GPUs Hyperstack's hibernation guide names as unable to hibernate (compared as letters and digits only):
# the RTX A4000 anywhere, the H100 SXM5 in US-1; and every CPU-only flavor (refusal()).
UNABLE_GPUS = frozenset(("rtxa4000",))
UNABLE_IN_US1 = ("h100", "sxm5")


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
        "fixed_ip": machine.get("fixed_ip"),
        "floating_ip": machine.get("floating_ip"),
        "cost_per_hour": rate(cost["cost_per_hour"]) if cost["found"] else None,
    }


def read_vm_info(client, params):
    """hyperstack_vm_info's read: the machines selected, each with its current rate from the usage rows."""
    check_selectors(params, required=False)
    read = read_concurrently(client, params, {"vms": lambda own: _list(own, params), "usage": USAGE.fetch})
    machines = [m for m in read["vms"] if selected(m, params)]
    costs = price_destroyed([{"type": VM_RESOURCE, "id": m["id"]} for m in machines], read["usage"]["resources"])
    return [vm_facts(machine, cost) for machine, cost in zip(machines, costs)]


def flavor_rate(machine, prices):
    """(dollars an hour its flavor costs, how), priced as the estimate prices a flavor; (None, why) when it cannot be."""
    flavor = _flavor(machine)
    if flavor.get("gpu") and flavor.get("gpu_count") is None:
        # A GPU count the API left out is not no GPU: priced at none, the machine would look free.
        return None, "the API did not give the GPU count of flavor %s" % flavor.get("name")
    try:
        price, how = flavor_price(dict(flavor, gpu_count=flavor.get("gpu_count") or 0), prices)
    except KeyError as exc:
        return None, "the price list has no entry %s for flavor %s" % (exc, flavor.get("name"))
    except (TypeError, ValueError, ArithmeticError):
        return None, "the API did not give the hardware of flavor %s" % flavor.get("name")
    return price, how


def _squeezed(text):
    return "".join(ch for ch in (text or "").casefold() if ch.isalnum())


def refusal(machine, target):
    """Why the API will refuse to bring machine to target (HIBERNATED or ACTIVE), as far as its status and the
    flavors Hyperstack documents as unable to hibernate tell; None when nothing says it will.

    Only a settled machine is judged (one under way is waited for). A flavor whose hardware the API left out is
    not judged: the API decides."""
    status = machine["status"]
    if status == target or status not in SETTLED:
        return None
    if target == ACTIVE:
        return None if status == HIBERNATED else "it is %s, not HIBERNATED: only a hibernated machine can be restored" % status
    if status != ACTIVE:
        return "it is %s, and only an ACTIVE machine can be hibernated" % status
    flavor = _flavor(machine)
    gpu, name = flavor.get("gpu"), flavor.get("name")
    if gpu is not None and not gpu:
        return "its flavor %s is CPU-only, and Hyperstack's CPU-only flavors cannot hibernate" % name
    if _squeezed(gpu) in UNABLE_GPUS:
        return "its flavor %s (%s) cannot hibernate, as Hyperstack documents" % (name, gpu)
    region = _environment(machine).get("region")
    if all(part in _squeezed(gpu) for part in UNABLE_IN_US1) and _squeezed(region) == "us1":
        return "its flavor %s (%s) cannot hibernate in region %s, as Hyperstack documents" % (name, gpu, region)
    return None


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


def unmatched(machines, params):
    """The warning for selectors that matched no machine: which labels no machine carries, or that none carries
    them all together with the ids and names given."""
    absent = [label for label in params.get("labels") or [] if not any(label in (m.get("labels") or []) for m in machines)]
    if absent:
        return "no virtual machine carries the label%s %s, so no machine was selected" % ("" if len(absent) == 1 else "s", ", ".join(absent))
    given = ", ".join("%s %s" % (name, ", ".join(str(v) for v in params[name])) for name in SELECTORS if params.get(name) is not None)
    return "no virtual machine matches every selector given (%s), so no machine was selected" % given


def change_state(client, params, check_mode=False, diff=False, sleep=time.sleep, clock=time.monotonic):
    """hyperstack_vm_hibernation's run: the selected machines to params' state; the task's result.

    A machine in the state asked for is left alone, one under way is waited for, not asked again;
    in check mode nothing is sent, and a machine refusal() says the API will refuse is shown unchanged,
    with the reason, and warned of. A machine the API refuses does not stop the others.
    What each change saves (hibernated) or adds (restored) an hour is priced before anything is sent."""
    check_selectors(params, required=True)
    params = dict(params, **{name: default for name, default in DEFAULTS.items() if params.get(name) is None})
    target = TARGET[params["state"]]
    wait_timeout = float(check_number(params["wait_timeout"], client.caller.name("wait_timeout"), minimum=0))
    if params.get("mark") is not None and not params["mark"].strip():
        raise HyperstackError("%s is an empty string, which marks nothing: give a label, such as hibernated-by=nightly" % client.caller.name("mark"))
    read = read_concurrently(client, params, {"vms": lambda own: _list(own, {}), "pricebook": PRICEBOOK.fetch})
    _unknown(read["vms"], params)
    prices = price_index(read["pricebook"])
    machines = [m for m in read["vms"] if selected(m, params)]
    entries, problems, pending, warnings = [], [], [], []
    for machine in machines:
        entry = {
            "id": machine["id"],
            "name": machine["name"],
            "labels": list(machine.get("labels") or []),
            "flavor": _flavor(machine).get("name"),
            "status_before": machine["status"],
            "status_after": machine["status"],
            "changed": False,
            "saved_per_hour": None,
            "added_per_hour": None,
        }
        entries.append(entry)
        why = refusal(machine, target) if check_mode else None
        if why:
            # What the run would be refused: shown unchanged, not counted, and said; the run itself asks the API.
            entry["error"] = "%s would be refused: %s" % (describe(machine), why)
            warnings.append(entry["error"])
            continue
        problem = _change(client, machine, entry, target, params, prices, check_mode, pending)
        if problem:
            entry["error"] = problem
            problems.append(problem)
    if params["wait"] and not check_mode:
        problems += _wait(client, pending, target, wait_timeout, sleep, clock)
    result = {
        "changed": any(e["changed"] for e in entries),
        "vms": entries,
        "saved_per_hour": _total(entries, "saved_per_hour", target == HIBERNATED),
        "added_per_hour": _total(entries, "added_per_hour", target == ACTIVE),
    }
    if not machines:
        warnings.append(unmatched(read["vms"], params))
    if warnings:
        result["warnings"] = warnings
    if diff:
        shown = "%s: %s (labels: %s)\n" if params.get("mark") else "%s: %s\n"
        result["diff"] = {
            key: "".join(shown % ((describe(e), e["status_" + key]) + ((", ".join(e["labels_" + key]),) if params.get("mark") else ())) for e in entries)
            for key in ("before", "after")
        }
    for entry in entries:
        entry.pop("labels_before", None)
        entry.pop("labels_after", None)
    if problems:
        done = [describe(e) for e in entries if e["changed"]]
        verb = "would change" if check_mode else "changed"
        msg = "%s (%s)" % ("; ".join(one_line(p) for p in problems), "%s: %s" % (verb, ", ".join(done)) if done else "nothing was changed")
        raise VmFailure(msg, result)
    return result


def _change(client, machine, entry, target, params, prices, check_mode, pending):
    """One machine to target (entry updated as it goes); the problem met, or None."""
    mark, labels = params.get("mark"), entry["labels"]
    # The mark goes on before a machine is hibernated and comes off once it is restored (or found active).
    marked = labels + [mark] if mark and target == HIBERNATED and mark not in labels else labels
    unmarked = [label for label in labels if label != mark] if mark and target == ACTIVE else labels
    entry.update(labels_before=labels, labels_after=labels)
    if machine["status"] == target:
        return _relabel(client, machine, entry, unmarked, check_mode) if unmarked != labels else None
    if machine["status"] not in SETTLED:
        pending.append(entry)  # under way: waited for, never asked again
        return None
    price, how = flavor_rate(machine, prices)
    if not check_mode:
        if marked != labels:
            problem = _relabel(client, machine, entry, marked, check_mode)
            if problem:
                return problem + " (not hibernated)"
        problem, unknown = _ask(client, machine, target, params["retain_ip"])
        if problem and unknown and marked != labels:
            # It may yet hibernate: the mark stays, so that a restore by the mark finds it (on an active machine,
            # a restore by the mark takes it off).
            return problem + "; the mark %s stays on it" % mark
        if problem and marked != labels:
            undone = _relabel(client, machine, entry, labels, check_mode)
            # Put on and taken off again: unchanged, as far as the task knows.
            entry["changed"] = bool(undone)
            return problem + ("; the mark %s was taken off again" % mark if not undone else "; the mark %s stays on it: %s" % (mark, undone))
        if problem:
            return problem
        pending.append(entry)
    entry.update(changed=True, status_after=target, labels_after=marked, priced_by=how)
    entry["saved_per_hour" if target == HIBERNATED else "added_per_hour"] = None if price is None else float(price)
    if unmarked != labels:
        return _relabel(client, machine, entry, unmarked, check_mode)
    return None


def _ask(client, machine, target, retain_ip):
    """Ask the API to hibernate or restore machine: (the problem met or None, whether it may have acted all the
    same). An answer lost (no answer, a 5xx, a body that cannot be read) is followed by a read of the machine,
    never by the request again: found changing, it was asked."""
    action = HIBERNATE if target == HIBERNATED else RESTORE
    query = {"retain_ip": "true" if retain_ip else "false"} if target == HIBERNATED else None
    try:
        action.fetch(client, query, id=machine["id"], name=machine["name"])
    except HyperstackError as exc:
        if exc.status_code is not None and 400 <= exc.status_code < 500:
            return exc.msg, False  # the API's own refusal (or its rate limit): nothing was done
        try:
            now = VM.fetch(client, id=machine["id"], name=machine["name"])["status"]
        except HyperstackError as again:
            return "%s; reading it again failed too, so whether it changes is not known: %s" % (exc.msg, again.msg), True
        if now == machine["status"]:
            return "%s; read again, it was still %s: it may yet change, and is not asked again" % (exc.msg, now), True
    return None, False


def _relabel(client, machine, entry, labels, check_mode):
    """Set machine's labels (not in check mode); the problem met, or None."""
    if not check_mode:
        try:
            LABEL.fetch(client, body={"labels": labels}, id=machine["id"], name=machine["name"])
        except HyperstackError as exc:
            return exc.msg
        entry["labels"] = list(labels)
    entry.update(labels_after=list(labels), changed=True)
    return None


def _total(entries, key, applies):
    # What the changed machines save or add an hour; None when one of them could not be priced (never free).
    if not applies:
        return 0.0
    changed = [e for e in entries if "priced_by" in e]  # the machines asked to change (in check mode, that would be)
    if any(e[key] is None for e in changed):
        return None
    return float(sum((decimal(e[key]) for e in changed), Decimal(0)))


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
            elif entry["status_after"] in SETTLED and entry["status_after"] != entry["status_before"]:
                # Settled elsewhere (an ERROR, or a change under way that ended otherwise): no longer waited for.
                entry["error"] = "%s became %s, not %s" % (describe(entry), entry["status_after"], target)
                problems.append(entry["error"])
                waiting.remove(entry)
    return problems
