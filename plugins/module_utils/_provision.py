# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The rules of hyperstack_vm, no request: its options, which of the named machines exist, what the task
must do to each (create, start, stop, hibernate, restore, relabel, delete, wait), what it cannot do (a
name the API gives to two machines, another flavor, image or environment: never deleted and created
again), the plan its gate prices, and the environment's quota as a condition of the gate.
"""

from __future__ import annotations

from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._machines import ACTIVE, HIBERNATED, SETTLED, environment_of, flavor_of
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, money
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import NUMBER_OPTIONS, PAYMENT_OPTIONS, check_number

SHUTOFF, ERROR = "SHUTOFF", "ERROR"
# The API's limit on a machine's name.
MAX_NAME = 50
# The gate's options, as hyperstack_credit_gate_info and hyperstack_deployment_cost_info name them.
GATE_NAMES = ("min_headroom", "min_runway_days", "hours", "margin_percent", "monthly_budget", "max_added_cost_per_hour", "max_added_percent")
VM_OPTIONS = dict(
    {
        "name": {"type": "str"},
        "names": {"type": "list", "elements": "str"},
        "state": {"type": "str", "choices": ["present", "absent", "active", "stopped", "hibernated"], "default": "present"},
        "environment": {"type": "str"},
        "flavor": {"type": "str"},
        "image": {"type": "str"},
        "key_name": {"type": "str"},
        "assign_floating_ip": {"type": "bool", "default": False},
        "create_bootable_volume": {"type": "bool", "default": False},
        "user_data": {"type": "str"},
        "labels": {"type": "list", "elements": "str"},
        "security_rules": {
            "type": "list",
            "elements": "dict",
            "options": {
                "direction": {"type": "str", "required": True, "choices": ["ingress", "egress"]},
                "ethertype": {"type": "str", "default": "IPv4", "choices": ["IPv4", "IPv6"]},
                "protocol": {"type": "str", "required": True},
                "remote_ip_prefix": {"type": "str", "required": True},
                "port_range_min": {"type": "int"},
                "port_range_max": {"type": "int"},
            },
        },
        "retain_ip": {"type": "bool", "default": True},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "float", "default": 900},
        "gate": {"type": "bool", "default": True},
    },
    **{name: NUMBER_OPTIONS[name] for name in GATE_NAMES},
    # How many automatic top-ups the gate may count (_payments.py), as the other gates take it.
    count_auto_topup=PAYMENT_OPTIONS["count_auto_topup"],
)
# What a machine must be given to be created (the API requires them).
TO_CREATE = ("environment", "flavor", "key_name")
# The status each state asks for; absent asks for no machine at all.
TARGET = {"present": None, "active": ACTIVE, "stopped": SHUTOFF, "hibernated": HIBERNATED}


def check_names(params):
    """The machines the task names (name or names), each once; refused before any request."""
    if (params.get("name") is None) == (params.get("names") is None):
        raise HyperstackError("give exactly one of name (one machine) and names (a list of machines)")
    names = [params["name"]] if params.get("name") is not None else list(params["names"])
    if not names:
        raise HyperstackError("names is an empty list, which names no machine: the task acts only on the machines it names")
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise HyperstackError("a machine's name must be a non-empty string, got %r" % (name,))
        if len(name) > MAX_NAME:
            raise HyperstackError("machine name %s is %d characters long: the API allows at most %d" % (name, len(name), MAX_NAME))
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise HyperstackError("names lists %s more than once" % ", ".join(twice))
    if params.get("labels") is not None and any(not isinstance(label, str) or not label.strip() for label in params["labels"]):
        raise HyperstackError("labels must be non-empty strings, such as team=ml")
    check_number(params.get("wait_timeout", 900), "wait_timeout", minimum=0)
    return names


def _where(machine):
    return "%s (id %s, environment %s)" % (machine["name"], machine["id"], environment_of(machine).get("name"))


def _cannot(machine, params):
    """What the task would have to change on machine and cannot (one phrase each)."""
    differences = []
    asked = {"environment": params.get("environment"), "flavor": params.get("flavor"), "image": params.get("image")}
    has = {
        "environment": environment_of(machine).get("name"),
        "flavor": flavor_of(machine).get("name"),
        "image": (machine.get("image") or {}).get("name") if isinstance(machine.get("image"), dict) else None,
    }
    for field in ("environment", "flavor", "image"):
        if asked[field] is not None and has[field] is not None and asked[field] != has[field]:
            differences.append("its %s is %s, not %s" % (field, has[field], asked[field]))
    return differences


def decide(machines, names, params):
    """What the task does to each named machine: {"create": [names], "delete", "start", "stop", "hibernate",
    "restore", "relabel" ([(machine, labels)]), "wait" (machines under way, waited for, not asked again),
    "keep" (machines as asked), "gone" (names with no machine, for absent)}.

    Refused with one line, before anything is changed: a name the API gives to two machines, a machine the task
    would have to move, resize or rebuild (never deleted and created again), a machine in ERROR, a state a machine
    cannot reach from its own, a machine to create without what the API needs."""
    state = params.get("state") or "present"
    plan = {key: [] for key in ("create", "delete", "start", "stop", "hibernate", "restore", "relabel", "wait", "keep", "gone")}
    problems = []
    for name in names:
        found = [m for m in machines if m["name"] == name]
        if len(found) > 1:
            problems.append("%s is ambiguous: the API gives that name to %s" % (name, ", ".join(_where(m) for m in found)))
            continue
        machine = found[0] if found else None
        if machine is not None and state == "absent" and params.get("environment") not in (None, environment_of(machine).get("name")):
            machine = None  # a machine of that name elsewhere is not the one named: left alone
        if machine is None:
            if state == "absent":
                plan["gone"].append(name)
            elif state in ("present", "active"):
                plan["create"].append(name)
            else:
                problems.append("%s does not exist, so it cannot be %s: create it first (state present)" % (name, state))
            continue
        if state == "absent":
            plan["delete" if machine["status"] != "DELETING" else "wait"].append(machine)
            continue
        differences = _cannot(machine, params)
        if differences:
            problems.append("%s: %s; the task cannot change that (it never deletes a machine to create it again)" % (_where(machine), ", ".join(differences)))
            continue
        if machine["status"] == ERROR:
            problems.append("%s is in ERROR: delete it (state absent) and run the task again" % _where(machine))
            continue
        if params.get("labels") is not None and sorted(machine.get("labels") or []) != sorted(params["labels"]):
            plan["relabel"].append((machine, list(params["labels"])))
        action = _action(machine, TARGET[state])
        if isinstance(action, str):
            problems.append(action)
        elif action is None:
            plan["keep"].append(machine)
        else:
            plan[action[0]].append(machine)
    if plan["create"]:
        missing = [option for option in TO_CREATE if not params.get(option)]
        if missing:
            problems.append("to create %s the task needs %s" % (", ".join(plan["create"]), ", ".join(missing)))
    if problems:
        raise HyperstackError("; ".join(problems) + " (nothing was changed)")
    return plan


def _action(machine, target):
    """(what to do,) to bring a settled machine to target (None: any settled status), None when it is there, or a
    one-line problem when it cannot get there from where it is."""
    status = machine["status"]
    if status not in SETTLED:
        return ("wait",)
    if target is None or status == target:
        return None
    moves = {
        (SHUTOFF, ACTIVE): "start",
        (HIBERNATED, ACTIVE): "restore",
        (ACTIVE, SHUTOFF): "stop",
        (ACTIVE, HIBERNATED): "hibernate",
    }
    move = moves.get((status, target))
    if move is None:
        hint = "restore it first (state active)" if status == HIBERNATED else "start it first (state active)"
        return "%s is %s and cannot become %s from there: %s" % (_where(machine), status, target, hint)
    return (move,)


def create_body(name, params):
    """The body of POST /core/virtual-machines for one machine of name (one machine per request: the API's naming of
    count above 1 is not documented)."""
    body = {
        "name": name,
        "environment_name": params["environment"],
        "flavor_name": params["flavor"],
        "key_name": params["key_name"],
        "count": 1,
        "assign_floating_ip": bool(params.get("assign_floating_ip")),
        "create_bootable_volume": bool(params.get("create_bootable_volume")),
    }
    for option, field in (("image", "image_name"), ("user_data", "user_data"), ("labels", "labels")):
        if params.get(option) is not None:
            body[field] = params[option]
    if params.get("security_rules"):
        body["security_rules"] = [{key: value for key, value in rule.items() if value is not None} for rule in params["security_rules"]]
    return body


def gate_plan(count, params, flavor=None):
    """The plan the gate prices for count new machines (a plan of hyperstack_deployment_cost_info): the flavor with
    its public address when one is assigned, and a bootable volume of the flavor's disk (flavor: the flavor's entry
    of the list, with disk) when one is created."""
    plan = [{"flavor": params["flavor"], "count": count, "public_ip": bool(params.get("assign_floating_ip"))}]
    if params.get("create_bootable_volume"):
        disk = (flavor or {}).get("disk")
        if not disk:
            raise HyperstackError("flavor %s: the API did not give its disk size, so its bootable volume cannot be priced" % params["flavor"])
        plan.append({"volume_gb": disk, "count": count})
    return plan


def quota_reason(quota, count, environment):
    """The gate's quota condition: the reason the environment cannot take count more machines, or None."""
    available = quota["available_vms"]  # required by the endpoint's schema
    if available >= count:
        return None
    return "quota: environment %s has room for %d more machines (%s of %s used), and the task creates %d" % (
        environment,
        max(available, 0),
        quota.get("current_vms"),
        quota.get("max_vms"),
        count,
    )


# -- what the task shows of the machines -----------------------------------------------------

GONE = "(gone)"
FIELDS = ("id", "name", "status", "environment", "flavor", "fixed_ip", "floating_ip", "labels", "cost_per_hour")


def entries(names, machines, done, plan, check_mode, params, gate=None):
    """One entry per named machine, in the order named: as it is (or, in check mode, would be), and what was done."""
    creating = set(plan["create"])
    relabelled = {m["id"]: labels for m, labels in plan["relabel"]}
    unit = None
    if gate and gate.get("breakdown"):
        unit = float(sum((decimal(item["unit_price_per_hour"]) for item in gate["breakdown"]), Decimal(0)))
    entries = []
    for name in names:
        machine = machines.get(name)
        entry = dict.fromkeys(FIELDS)
        if machine is None:
            entry.update(name=name, status=GONE)
            if name in creating:
                # Not made (check mode, or refused): what it would be.
                entry.update(status=ACTIVE, cost_per_hour=unit, environment=params["environment"], flavor=params["flavor"], labels=params.get("labels") or [])
        else:
            entry.update({key: machine.get(key) for key in FIELDS})
            entry["flavor"] = (machine.get("flavor") or {}).get("name")
            if check_mode:
                entry["status"] = would_be(machine, plan)
                entry["labels"] = relabelled.get(machine["id"], entry["labels"])
        entry["changes"] = list(done.get(name, []))
        entry["changed"] = bool(entry["changes"])
        entries.append(entry)
    return entries


def would_be(machine, plan):
    # In check mode: the status each change asked for would bring.
    for action, status in (("delete", GONE), ("start", ACTIVE), ("stop", SHUTOFF), ("hibernate", HIBERNATED), ("restore", ACTIVE)):
        if any(m["id"] == machine["id"] for m in plan[action]):
            return status
    return machine["status"]


def dollars(result):
    """The diff's last line: what the change adds and saves an hour, and the gate's verdict when it judged a create."""
    if not result["changed"]:
        return ""
    shown = [
        "%s %s/h" % (word, "an amount not priced" if result[key] is None else money(decimal(result[key])))
        for word, key in (("adds", "added_per_hour"), ("saves", "saved_per_hour"))
    ]
    gate = result.get("gate")
    if gate is not None:
        shown.append("the gate %s" % ("passes" if gate["passed"] else "refuses: " + "; ".join(gate["reasons"])))
    return "# %s\n" % ", ".join(shown)


def shown(names, machines):
    lines = []
    for name in names:
        machine = machines.get(name)
        if machine is None:
            lines.append("%s: absent\n" % name)
        else:
            labels = machine.get("labels") or []
            lines.append("%s: %s%s\n" % (name, machine.get("status"), " (labels: %s)" % ", ".join(labels) if labels else ""))
    return "".join(lines)
