# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

hyperstack_vm's task: the named machines to the state asked for, side by side. It reads the machines,
decides by _provision.py's rules, and, before the first create, prices what it adds and judges it as the
credit gate does (the same estimate, verdict and reasons) with the environment's quota: a refusal sends no
create. A create whose answer is lost is never sent again blindly: the machines are read again and only
those still missing are asked for. Hibernation and restore are _hibernation.py's.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREATE_VM, DELETE_VM, IMAGES, LABEL, START, STOP, USAGE, VM_QUOTA
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, one_line
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._estimate import estimate_from
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._hibernation import VmFailure, change_state
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._machines import ACTIVE, SETTLED, environment_of, vms_facts
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import count_auto_topup, gate_number
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._payments import Topups, auto_topup_fact, cover
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import VM, check_plan, plan_request
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._pricing import price_destroyed
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._provision import (
    GATE_NAMES,
    GONE,
    SHUTOFF,
    TARGET,
    check_names,
    create_body,
    decide,
    dollars,
    entries,
    gate_plan,
    quota_reason,
    shown,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._reads import (
    gate_reads,
    payment_reads,
    read_concurrently,
    read_environment_vms,
    read_environments,
    read_keypairs,
    read_vm,
    read_vms,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._verdict import failed_conditions, verdict

# Requests sent at once, at most (20 machines side by side; the client rides out the API's 429s).
SIDE_BY_SIDE = 20
POLL_FIRST, POLL_MAX = 0.25, 5.0
# Seconds to wait before sending again what the rate limit refused, when the API says no Retry-After.
RATE_PAUSE = 1.0
DONE = {"create": "created", "delete": "deleted", "start": "started", "stop": "stopped", "hibernate": "hibernated", "restore": "restored"}


def provision(client, params, check_mode=False, diff=False, sleep=time.sleep, clock=time.monotonic):
    """hyperstack_vm's run: the named machines to params' state; the task's result (VmFailure carries it on failure)."""
    names = check_names(params)
    for option in GATE_NAMES:
        gate_number(params, option, client.caller)  # refused before any request, named as the task wrote it
    count_auto_topup(params, client.caller)
    state = params.get("state") or "present"
    creating = state in ("present", "active")
    reads = {"vms": read_vms}
    if creating:
        reads.update(environments=read_environments, keypairs=read_keypairs)
    read = read_concurrently(client, params, reads)
    plan = decide(read["vms"], names, params)
    result = {"changed": False, "vms": [], "created": [], "deleted": [], "added_per_hour": 0.0, "saved_per_hour": 0.0}
    before = {m["name"]: m for m in read["vms"] if m["name"] in names}
    if state == "absent" and params.get("environment"):
        # A machine of that name elsewhere is not the one named (decide leaves it): not shown as if it were.
        before = {name: m for name, m in before.items() if environment_of(m).get("name") == params["environment"]}
    warnings = []
    if plan["create"]:
        environment = _check_needs(read, params, check_mode, warnings)
        result["gate"] = _gate(client, params, plan["create"], environment)
        gated = params.get("gate", True) is not False
        if (gated and not result["gate"]["passed"]) or result["gate"]["api_refuses"]:
            result["vms"] = entries(names, before, {}, dict(plan, create=[]), check_mode, params)
            if gated:
                msg = "the gate refuses to create %s: %s (nothing was created; gate=false turns the gate off)"
                reasons = result["gate"]["reasons"]
            else:
                msg = "the API would refuse to create %s: %s (nothing was created; gate=false does not turn these off)"
                reasons = result["gate"]["api_refuses"]
            raise VmFailure(msg % (", ".join(plan["create"]), "; ".join(reasons)), result)
        result["added_per_hour"] = result["gate"]["plan_cost_per_hour"]
    if plan["delete"]:
        result["saved_per_hour"] = _saved(client, plan["delete"])
    problems, pending, done = [], {}, {}
    if not check_mode:
        problems += _act(client, params, plan, pending, done, sleep)
    else:
        for action in DONE:
            if action not in ("hibernate", "restore"):
                for what in plan[action]:
                    done[what if isinstance(what, str) else what["name"]] = [DONE[action]]
    for machine, labels in plan["relabel"]:
        done.setdefault(machine["name"], []).append("labels")
        if not check_mode:
            problem = _relabel(client, machine, labels)
            if problem:
                problems.append(problem)
                done[machine["name"]].remove("labels")
    sleeping = _sleeping(client, params, plan, check_mode, diff, done)
    result["saved_per_hour"] = _plus(result["saved_per_hour"], sleeping.get("saved_per_hour", 0.0))
    result["added_per_hour"] = _plus(result["added_per_hour"], sleeping.get("added_per_hour", 0.0))
    problems += [e["error"] for e in sleeping.get("vms", []) if e.get("error") and not check_mode]
    warnings += sleeping.get("warnings", [])
    if warnings:
        result["warnings"] = warnings
    for machine in plan["wait"]:
        pending[machine["id"]] = (machine["name"], GONE if state == "absent" else None)
    if params.get("wait", True) and not check_mode and pending:
        problems += _wait(client, params, pending, float(params.get("wait_timeout", 900)), sleep, clock)
    problems += _settled_elsewhere(client, plan["wait"], state, check_mode)
    after = _final(client, params, names, state, list(before.values()) if check_mode else None)
    result["vms"] = entries(names, after, done, plan, check_mode, params, result.get("gate"))
    result["created"] = [n for n in names if "created" in done.get(n, [])]
    result["deleted"] = [n for n in names if "deleted" in done.get(n, [])]
    result["changed"] = any(done.values())
    if diff:
        after = shown(names, {e["name"]: e for e in result["vms"] if e["status"] != GONE}) + dollars(result)
        result["diff"] = {"before": shown(names, before), "after": after}
    if problems:
        changed = ["%s %s" % (n, " and ".join(done[n])) for n in names if done.get(n)]
        raise VmFailure(
            "%s (%s)"
            % (
                "; ".join(one_line(p) for p in problems),
                "%s: %s" % ("would change" if check_mode else "changed", ", ".join(changed)) if changed else "nothing was changed",
            ),
            result,
        )
    return result


def _check_needs(read, params, check_mode, warnings):
    """The environment to create in (its entry); refused, before any create, when it, or the key pair in it, does not
    exist. In check mode, where an earlier task of the play would have made them, each is warned of instead, and a
    missing environment is None: what needs it (the region's price and stock, the quota) is said to be unchecked."""
    name = params["environment"]
    environment = next((e for e in read["environments"] if e["name"] == name), None)
    keys = [k for k in read["keypairs"] if k["name"] == params["key_name"] and ((k.get("environment") or {}).get("name") == name)]
    problems = []
    if environment is None:
        known = ", ".join(sorted(e["name"] for e in read["environments"])) or "none"
        problems.append("environment %s does not exist (there are: %s): create it first with hyperstack_environment" % (name, known))
    if not keys:
        problems.append("key pair %s does not exist in environment %s: import it first with hyperstack_keypair" % (params["key_name"], name))
    if problems and not check_mode:
        raise HyperstackError("; ".join(problems) + " (nothing was created)")
    warnings += [
        "%s; the run fails unless an earlier task makes it%s"
        % (p, "" if environment else ", and the quota, the image and the region's stock and prices are not checked")
        for p in problems
    ]
    return environment


def _gate(client, params, creating, environment):
    """The gate's fact on creating the machines of creating in environment: the credit gate's estimate and verdict,
    the API's can_create_instance and the flavor's stock always checked, and the environment's quota. environment
    None (check mode only: it does not exist yet): priced in no region, without the quota."""
    region = (environment or {}).get("region")
    request = plan_request(dict(params, plan=gate_plan(len(creating), dict(params, create_bootable_volume=False)), terraform_plan=None), client.caller)
    min_runway = gate_number(params, "min_runway_days", client.caller)
    reads = gate_reads(request, True, runway=min_runway is not None)
    topups = count_auto_topup(params, client.caller)
    if topups:
        reads.update(payment_reads())
    if environment is not None:
        reads["quota"] = lambda c: VM_QUOTA.fetch(c, id=environment["id"], name=environment["name"])
        if params.get("image"):
            reads["images"] = lambda c: IMAGES.fetch(c, {"region": region}, region=region)
    read = read_concurrently(client, params, reads)
    if "images" in read and params["image"] not in read["images"]:
        raise HyperstackError(
            "image %s is not offered in region %s (the images there: %s) (nothing was created)" % (params["image"], region, ", ".join(read["images"]) or "none")
        )
    if params.get("create_bootable_volume"):
        flavor = next((f for f in read["flavors"] if f.get("name") == params["flavor"] and region in (None, f.get("region_name"))), None)
        request["items"] += check_plan(gate_plan(len(creating), params, flavor)[1:], "the bootable volume")
    fact_of = auto_topup_fact(read["auto_topup"], read["payments"], read["credit"]["threshold"]) if topups else None
    counted = Topups(topups, fact_of, client.caller.name("count_auto_topup")) if topups else None
    facts = cover(estimate_from(request, read, region), counted)
    fact = verdict(
        facts,
        daily_cost=read["last_day_cost"]["total_cost"] if min_runway is not None else None,
        min_headroom=gate_number(params, "min_headroom", client.caller) or 0,
        min_runway_days=min_runway,
        topups=counted,
    )
    if counted is not None:
        fact["auto_topup"] = counted.fact
    reason = quota_reason(read["quota"], len(creating), environment["name"]) if "quota" in read else None
    if reason:
        fact.update(passed=False, reasons=fact["reasons"] + [reason])
    fact["quota"] = read.get("quota")
    # What the API itself refuses, checked whatever the gate's options, gate=false included.
    fact["api_refuses"] = [r for name, r in failed_conditions(facts) if name == "can_create_instance"]
    if facts.get("out_of_stock"):
        fact["api_refuses"].append("out of stock in region %s: %s" % (region or "(not known yet)", ", ".join(facts["out_of_stock"])))
    if reason:
        fact["api_refuses"].append(reason)
    return fact


def _saved(client, machines):
    """What deleting machines saves an hour, from their usage rows; None when one has none (never counted as free)."""
    rows = USAGE.fetch(client)["resources"]
    costs = price_destroyed([{"type": VM, "id": m["id"]} for m in machines], rows)
    if not all(cost["found"] for cost in costs):
        return None
    return float(sum((decimal(cost["cost_per_hour"]) for cost in costs), Decimal(0)))


def _plus(a, b):
    # A sum of rates; one not priced (None) makes the sum not priced, never free.
    return None if a is None or b is None else float(decimal(a) + decimal(b))


def _side_by_side(client, params, calls):
    """{key: (result, HyperstackError or None)} of calls ({key: fn(client)}), up to SIDE_BY_SIDE at once, each
    thread on a client of its own."""
    local, results = threading.local(), {}

    def run(key):
        if not hasattr(local, "client"):
            local.client = client.sibling(params)
        try:
            results[key] = (calls[key](local.client), None)
        except HyperstackError as exc:
            results[key] = (None, exc)

    if calls:
        with ThreadPoolExecutor(max_workers=min(SIDE_BY_SIDE, len(calls))) as pool:
            list(pool.map(run, list(calls)))
    return results


def _lost(exc):
    # Anything but the API's refusal (a 4xx): no answer, a server error, a 2xx that cannot be read; it may have been carried out.
    return exc.status_code is None or not 400 <= exc.status_code < 500


def _act(client, params, plan, pending, done, sleep):
    """Send the creates, deletes, starts and stops side by side; pending gets what to wait for; the problems met."""
    problems = []
    asked = {("create", name): (lambda c, n=name: CREATE_VM.fetch(c, body=create_body(n, params), name=n)) for name in plan["create"]}
    endpoints = {"delete": DELETE_VM, "start": START, "stop": STOP}
    for action, endpoint in endpoints.items():
        for m in plan[action]:
            asked[(action, m["name"])] = lambda c, e=endpoint, m=m: e.fetch(c, id=m["id"], name=m["name"])
    by_name = {m["name"]: m for action in endpoints for m in plan[action]}
    target = {"create": ACTIVE, "delete": GONE, "start": ACTIVE, "stop": SHUTOFF}
    answers = _side_by_side(client, params, asked)
    # A request the rate limit refused (429, after the client's own retries) was not carried out: sent again once the
    # limit lets it, as many rounds as it takes within wait_timeout, so that a batch rides out the limit.
    deadline = time.monotonic() + float(params.get("wait_timeout", 900))
    while time.monotonic() < deadline:
        limited = {key: asked[key] for key, (_answer, exc) in answers.items() if exc is not None and exc.status_code == 429}
        if not limited:
            break
        sleep(max((float(answers[key][1].retry_after or 0) for key in limited), default=0) or RATE_PAUSE)
        answers.update(_side_by_side(client, params, limited))
    lost = []
    for (action, name), (answer, exc) in sorted(answers.items()):
        if exc is None:
            vid = answer[0]["id"] if action == "create" else by_name[name]["id"]
            pending[vid] = (name, target[action])
            done[name] = [DONE[action]]
        elif _lost(exc):
            lost.append((action, name, exc))
        else:
            problems.append(exc.msg)
    if lost:
        problems += _recover(client, params, lost, pending, done, target)
    return problems


def _recover(client, params, lost, pending, done, target):
    """The requests whose answer was lost: the machines read again, never the request sent again blindly. A create
    whose machine is not there is asked once more (it was not made); a delete, start or stop is judged by what is read."""
    problems = []
    try:
        now = {m["name"]: m for m in read_environment_vms(client, params.get("environment") if all(a == "create" for a, _n, _e in lost) else None)}
    except HyperstackError as exc:
        return ["%s; reading the machines again failed too, so what they did is not known: %s" % (e.msg, exc.msg) for _a, _n, e in lost]
    again = {}
    for action, name, exc in lost:
        machine = now.get(name)
        if action == "create" and machine is not None:
            pending[machine["id"]] = (name, ACTIVE)
            done[name] = ["created"]
        elif action == "create":
            again[("create", name)] = lambda c, n=name: CREATE_VM.fetch(c, body=create_body(n, params), name=n)
        elif machine is None or machine["status"] not in SETTLED or machine["status"] == target[action]:
            # Gone, under way, or already there: it was carried out.
            if machine is not None:
                pending[machine["id"]] = (name, target[action])
            done[name] = [DONE[action]]
        else:
            problems.append("%s; read again, %s was still %s: it may yet change, and is not asked again" % (exc.msg, name, machine["status"]))
    for (action, name), (answer, exc) in sorted(_side_by_side(client, params, again).items()):
        if exc is None:
            pending[answer[0]["id"]] = (name, ACTIVE)
            done[name] = ["created"]
        else:
            problems.append(exc.msg + ("; asked once after a lost answer found no machine, so it is not asked again" if _lost(exc) else ""))
    return problems


def _relabel(client, machine, labels):
    try:
        LABEL.fetch(client, body={"labels": labels}, id=machine["id"], name=machine["name"])
    except HyperstackError as exc:
        return exc.msg
    return None


def _sleeping(client, params, plan, check_mode, diff, done):
    """Hibernate or restore as hyperstack_vm_hibernation does (the same code); its result, or {} with nothing to do."""
    machines = plan["hibernate"] + plan["restore"]
    if not machines:
        return {}
    ask = dict(ids=[m["id"] for m in machines], state="hibernated" if plan["hibernate"] else "active", retain_ip=params.get("retain_ip", True))
    ask.update(wait=params.get("wait", True), wait_timeout=params.get("wait_timeout", 900), mark=None)
    try:
        slept = change_state(client, dict(params, names=None, labels=None, **ask), check_mode, diff)
    except VmFailure as exc:
        slept = dict(exc.result())
    for entry in slept.get("vms", []):
        if entry["changed"]:
            done.setdefault(entry["name"], []).append("hibernated" if plan["hibernate"] else "restored")
    return slept


def _wait(client, params, pending, wait_timeout, sleep, clock):
    """Poll the machines (one read of the list a round, not one per machine) until each in pending ({id: (name,
    target)}; target None: any settled status, GONE: deleted) is there, or wait_timeout runs out; the problems met."""
    deadline, delay, problems = clock() + wait_timeout, POLL_FIRST, []
    waiting = dict(pending)
    while waiting:
        left = deadline - clock()
        if left <= 0:
            late = ", ".join("%s (id %s)" % (name, vid) for vid, (name, _t) in sorted(waiting.items()))
            return problems + ["the wait_timeout of %g seconds ran out with %s still changing" % (wait_timeout, late)]
        sleep(min(delay, left))
        delay = min(delay * 2, POLL_MAX)
        try:
            now = {m["id"]: m for m in read_vms(client)}
        except HyperstackError as exc:
            return problems + [exc.msg]
        for vid, (name, target) in list(waiting.items()):
            machine = now.get(vid)
            if machine is None:
                # Missing from one read of the pages (the list may shift between pages): read it alone to know.
                try:
                    machine = _read_again(client, vid, name)
                except HyperstackError as exc:
                    problems.append(exc.msg)
                    del waiting[vid]
                    continue
            status = GONE if machine is None else machine["status"]
            if status == target or (target is None and status in SETTLED):
                del waiting[vid]
            elif status in (GONE, "ERROR"):
                # Settled where it was not asked to: no longer waited for.
                problems.append("%s (id %s) became %s, not %s" % (name, vid, "gone" if status == GONE else status, target or "settled"))
                del waiting[vid]
    return problems


def _read_again(client, vid, name):
    """The machine vid read alone, or None when the API says there is none (404); another failure is raised."""
    try:
        return read_vm(client, {"id": vid, "name": name})
    except HyperstackError as exc:
        if exc.status_code == 404:
            return None
        raise


def _settled_elsewhere(client, machines, state, check_mode):
    """The machines that were changing when the task started (waited for, not asked again) and settled in another
    status than the state asks for: one problem each, so that the task fails and a second run acts on them."""
    target = TARGET[state] if state != "absent" else None
    if target is None or not machines or check_mode:
        return []
    problems = []
    for machine in machines:
        try:
            now = read_vm(client, machine)["status"]
        except HyperstackError as exc:
            problems.append(exc.msg)
            continue
        if now != target:
            problems.append(
                "%s (id %s) was changing (%s) when the task started and is now %s, not %s: run the task again to bring it there"
                % (machine["name"], machine["id"], machine["status"], now, target)
            )
    return problems


def _final(client, params, names, state, machines=None):
    """The named machines as they are at the end (machines: as read before, in check mode), by name, with their
    rates from the usage rows."""
    if machines is None:
        read = read_concurrently(client, params, {"vms": read_vms, "usage": USAGE.fetch})
        machines = [m for m in read["vms"] if m["name"] in names]
        if state == "absent" and params.get("environment"):
            machines = [m for m in machines if environment_of(m).get("name") == params["environment"]]
        rows = read["usage"]["resources"]
    else:
        rows = USAGE.fetch(client)["resources"]
    return {facts["name"]: facts for facts in vms_facts(machines, rows)}
