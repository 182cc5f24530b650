# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

Hibernating and restoring machines (hyperstack_vm_hibernation, the runway_guard role): the selected
machines (_machines.py's rules) to hibernated or active, idempotent, nothing sent in check mode (the
client given may not act then), a lost answer followed by a read of the machine, never by the request
again, and the change waited for by polling.
"""

from __future__ import annotations

import time
from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import HIBERNATE, LABEL, RESTORE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, one_line
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._machines import (
    ACTIVE,
    HIBERNATED,
    SETTLED,
    check_known,
    check_selectors,
    describe,
    flavor_of,
    flavor_rate,
    refusal,
    selected,
    unmatched,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import HIBERNATION_DEFAULTS as DEFAULTS
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import check_number
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._pricing import price_index
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._reads import hibernation_reads, read_concurrently, read_vm

TARGET = {"hibernated": HIBERNATED, "active": ACTIVE}
# Polling a machine's status: the first wait, doubled up to the last.
POLL_FIRST, POLL_MAX = 0.25, 10.0


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
    in check mode nothing is sent, and a machine refusal() says the API will refuse is shown unchanged,
    with the reason, and warned of. A machine the API refuses does not stop the others.
    What each change saves (hibernated) or adds (restored) an hour is priced before anything is sent."""
    check_selectors(params, required=True)
    params = dict(params, **{name: default for name, default in DEFAULTS.items() if params.get(name) is None})
    target = TARGET[params["state"]]
    wait_timeout = float(check_number(params["wait_timeout"], client.caller.name("wait_timeout"), minimum=0))
    if params.get("mark") is not None and not params["mark"].strip():
        raise HyperstackError("%s is an empty string, which marks nothing: give a label, such as hibernated-by=nightly" % client.caller.name("mark"))
    read = read_concurrently(client, params, hibernation_reads())
    check_known(read["vms"], params)
    prices = price_index(read["pricebook"])
    machines = [m for m in read["vms"] if selected(m, params)]
    entries, problems, pending, warnings = [], [], [], []
    for machine in machines:
        entry = {
            "id": machine["id"],
            "name": machine["name"],
            "labels": list(machine.get("labels") or []),
            "flavor": flavor_of(machine).get("name"),
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
            now = read_vm(client, machine)["status"]
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
                entry["status_after"] = read_vm(client, entry)["status"]
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
