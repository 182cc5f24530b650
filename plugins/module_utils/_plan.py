# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The plan: the options of the modules that price one (PLAN_OPTIONS, documented in the
nexgencloud.hyperstack.plan doc fragment), the checks of its items, and what a Terraform plan
creates and destroys. A Terraform resource becomes a plan item that goes through the same checks
and takes its defaults from the same spec as an item written by hand. No request is made here.
"""

from __future__ import annotations

import json
import os

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._month import utc
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import MODULE, NUMBER_OPTIONS, check_number, gate_number

# The options of the modules that price a plan (documented in the nexgencloud.hyperstack.plan doc fragment).
# Types checked by Ansible; check_plan checks the rest, and Terraform's items, with these defaults.
PLAN_OPTIONS = {
    "plan": {
        "type": "list",
        "elements": "dict",
        "default": [],
        "options": {
            "flavor": {"type": "str"},
            "volume_gb": {"type": "float"},
            "cluster": {
                "type": "dict",
                "options": {
                    "master_flavor": {"type": "str"},
                    "master_count": {"type": "int", "default": 2},
                    "node_flavor": {"type": "str"},
                    "node_count": {"type": "int"},
                    "node_groups": {
                        "type": "list",
                        "elements": "dict",
                        "options": {"flavor": {"type": "str", "required": True}, "count": {"type": "int", "default": 1}, "max_count": {"type": "int"}},
                    },
                    "deployment_mode": {"type": "str", "choices": ["full", "standard"], "default": "full"},
                    "support_flavor": {"type": "str"},
                },
            },
            "address": {"type": "str"},
            "count": {"type": "int", "default": 1},
            "hourly_price": {"type": "float"},
            "public_ip": {"type": "bool", "default": False},
        },
    },
    "terraform_plan": {"type": "path"},
    "unpriced_resources": {"type": "str", "choices": ["fail", "ignore"], "default": "fail"},
    "region": {"type": "str"},
    "hours": NUMBER_OPTIONS["hours"],
    "margin_percent": NUMBER_OPTIONS["margin_percent"],
    "monthly_budget": NUMBER_OPTIONS["monthly_budget"],
    # Limits on the net change (what the plan adds less what it destroys); off when not set.
    "max_added_cost_per_hour": NUMBER_OPTIONS["max_added_cost_per_hour"],
    "max_added_percent": NUMBER_OPTIONS["max_added_percent"],
}
# The limits on the net change, by the name of the gate's condition each is (_verdict.failed_conditions).
LIMIT_OPTIONS = {"added_cost": "max_added_cost_per_hour", "added_percent": "max_added_percent"}

ITEM_OPTIONS = PLAN_OPTIONS["plan"]["options"]
CLUSTER_OPTIONS = ITEM_OPTIONS["cluster"]["options"]
GROUP_OPTIONS = CLUSTER_OPTIONS["node_groups"]["options"]
ITEM_KEYS, CLUSTER_KEYS, NODE_GROUP_KEYS = tuple(ITEM_OPTIONS), tuple(CLUSTER_OPTIONS), tuple(GROUP_OPTIONS)
KINDS = "flavor (a machine), volume_gb (a Cloud-SSD volume), cluster (a Kubernetes cluster) and address (a Terraform resource, with hourly_price)"
DEPLOYMENT_MODES = tuple(CLUSTER_OPTIONS["deployment_mode"]["choices"])
UNPRICED = tuple(PLAN_OPTIONS["unpriced_resources"]["choices"])

# The Hyperstack provider's resources the estimate prices, and those not billed by themselves.
VM, VOLUME, CLUSTER = "hyperstack_core_virtual_machine", "hyperstack_core_volume", "hyperstack_core_cluster"
FREE_TYPES = frozenset(
    (
        "hyperstack_core_keypair",
        "hyperstack_core_environment",
        "hyperstack_core_virtual_machine_sg_rule",
        "hyperstack_core_volume_attachment",
        "hyperstack_auth_role",
    )
)
PROVIDER = "/nexgencloud/hyperstack"


def _given(mapping, key, options):
    """mapping's key, or the spec's default when it is missing or null."""
    value = mapping.get(key)
    return options[key].get("default") if value is None else value


def _count(value, what, minimum=1, maximum=None):
    # A count or a node count: a whole number, from 1 unless told.
    return int(check_number(value, what, minimum=minimum, maximum=maximum, integer=True))


def _dict(value, where, keys):
    """value, a dictionary of only keys; refused in one line otherwise."""
    if not isinstance(value, dict):
        raise HyperstackError("%s must be a dictionary of %s, got %s" % (where, ", ".join(keys), json.dumps(value, default=str)))
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise HyperstackError("%s has unknown keys %s: the keys are %s" % (where, ", ".join(unknown), ", ".join(keys)))
    return value


def _name(value, where):
    if not isinstance(value, str) or not value.strip():
        raise HyperstackError("%s must be a flavor name, got %s" % (where, json.dumps(value, default=str)))
    return value.strip()


def check_cluster(cluster, where):
    """A cluster item's cluster, validated and normalised."""
    _dict(cluster, where, CLUSTER_KEYS)
    if cluster.get("master_flavor") is None:
        raise HyperstackError("%s needs master_flavor (the flavor of its master nodes, e.g. n1-cpu-medium)" % where)
    has_node_flavor, groups = cluster.get("node_flavor") is not None, cluster.get("node_groups") or []
    if not has_node_flavor and not groups:
        raise HyperstackError("%s needs workers: node_flavor and node_count, or node_groups" % where)
    if has_node_flavor != (cluster.get("node_count") is not None):
        raise HyperstackError("%s: node_flavor and node_count go together (the default worker group)" % where)
    if not isinstance(groups, list):
        raise HyperstackError("%s: node_groups must be a list of {flavor, count, max_count}, got %s" % (where, json.dumps(groups, default=str)))
    mode = _given(cluster, "deployment_mode", CLUSTER_OPTIONS)
    if mode not in DEPLOYMENT_MODES:
        raise HyperstackError("%s: deployment_mode must be full or standard, got %s" % (where, json.dumps(mode, default=str)))
    normal_groups = []
    for index, group in enumerate(groups, 1):
        at = "%s: node group %d" % (where, index)
        _dict(group, at, NODE_GROUP_KEYS)
        count = _count(_given(group, "count", GROUP_OPTIONS), at + ": count")
        most = None if group.get("max_count") is None else _count(group["max_count"], at + ": max_count", minimum=count, maximum=20)
        normal_groups.append({"flavor": _name(group.get("flavor"), at + ": flavor"), "count": count, "max_count": most})
    master = _name(cluster["master_flavor"], where + ": master_flavor")
    return {
        "master_flavor": master,
        "master_count": _count(_given(cluster, "master_count", CLUSTER_OPTIONS), where + ": master_count", minimum=2, maximum=3),
        "node_flavor": _name(cluster["node_flavor"], where + ": node_flavor") if has_node_flavor else None,
        "node_count": _count(cluster["node_count"], where + ": node_count") if has_node_flavor else None,
        "node_groups": normal_groups,
        "deployment_mode": mode,
        "support_flavor": master if cluster.get("support_flavor") is None else _name(cluster["support_flavor"], where + ": support_flavor"),
    }


def cluster_name(cluster):
    """A cluster as messages and the report name it: by what it is for, its workers (GPU flavors), not by its
    masters (a small CPU flavor)."""
    workers = [cluster["node_flavor"]] if cluster.get("node_flavor") else []
    workers += [group["flavor"] for group in cluster.get("node_groups") or []]
    return "cluster of %s workers" % " + ".join(dict.fromkeys(workers))


def check_plan(plan, source="plan"):
    """The plan's items, validated and normalised; refused with HyperstackError before any request."""
    if not isinstance(plan, list):
        raise HyperstackError("%s must be a list of items, got %s" % (source, type(plan).__name__))
    items = []
    for index, item in enumerate(plan, 1):
        where = "%s item %d" % (source, index)
        if not isinstance(item, dict):
            raise HyperstackError("%s must be a dictionary with flavor, volume_gb, cluster or address, got %s" % (where, json.dumps(item, default=str)))
        _dict(item, where, ITEM_KEYS)
        kinds = [kind for kind in ("flavor", "volume_gb", "cluster", "address") if item.get(kind) is not None]
        if len(kinds) != 1:
            raise HyperstackError("%s must have exactly one of %s" % (where, KINDS))
        kind = kinds[0]
        if kind != "flavor" and item.get("public_ip"):
            raise HyperstackError("%s: public_ip applies to a flavor, not a %s" % (where, {"volume_gb": "volume"}.get(kind, kind)))
        if kind == "address" and (not isinstance(item["address"], str) or not item["address"].strip() or item.get("hourly_price") is None):
            raise HyperstackError("%s: address names a Terraform resource (e.g. hyperstack_core_floating_ip.web) and needs its hourly_price" % where)
        items.append(
            {
                "flavor": _name(item["flavor"], where + ": flavor") if kind == "flavor" else None,
                "volume_gb": check_number(item["volume_gb"], where + ": volume_gb", above=0) if kind == "volume_gb" else None,
                "cluster": check_cluster(item["cluster"], where + ": cluster") if kind == "cluster" else None,
                "address": item["address"].strip() if kind == "address" else None,
                "count": _count(_given(item, "count", ITEM_OPTIONS), where + ": count"),
                "hourly_price": None if item.get("hourly_price") is None else check_number(item["hourly_price"], where + ": hourly_price", minimum=0),
                "public_ip": bool(_given(item, "public_ip", ITEM_OPTIONS)),
            }
        )
    return items


def _plan_document(text, path, option):
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise HyperstackError("%s %s is not JSON (%s): give the output of terraform show -json PLANFILE" % (option, path, exc))
    # A plan has planned_values (and resource_changes, left out when nothing changes); a state file has neither.
    if (
        not isinstance(document, dict)
        or "format_version" not in document
        or ("planned_values" not in document and "resource_changes" not in document)
        or not isinstance(document.get("resource_changes", []), list)
    ):
        raise HyperstackError(
            "%s %s is not a Terraform plan in JSON (it needs format_version and planned_values or resource_changes):"
            " give the output of terraform show -json PLANFILE, not of a state" % (option, path)
        )
    return document


def _terraform_entry(kind, after):
    """The plan item of a created resource of a priced type, and the attributes it needs."""
    if kind == VM:
        return {"flavor": after.get("flavor_name"), "public_ip": bool(after.get("assign_floating_ip"))}, ("flavor_name",)
    if kind == VOLUME:
        return {"volume_gb": after.get("size")}, ("size",)
    cluster = {
        "master_flavor": after.get("master_flavor_name"),
        "master_count": after.get("master_count"),
        "node_flavor": after.get("node_flavor_name"),
        "node_count": after.get("node_count"),
        "deployment_mode": after.get("deployment_mode"),
    }
    return {"cluster": cluster}, ("master_flavor_name", "node_flavor_name", "node_count")


def _is_hyperstack(change):
    provider = change.get("provider_name")
    if provider is None:
        return str(change.get("type", "")).startswith("hyperstack_")
    return str(provider).endswith(PROVIDER)


def terraform_plan(text, path, unpriced_resources="fail", priced=(), option="terraform_plan"):
    """What a `terraform show -json` plan creates (plan items), destroys and leaves unpriced.

    priced: the addresses a plan item prices by itself (an address item); option: the option's name
    as the caller wrote it, in messages. Returns
    {"items", "destroyed", "not_priced"}; HyperstackError when the file is not a plan, or
    when it creates a Hyperstack resource of a type not priced and unpriced_resources is fail.
    """
    document = _plan_document(text, path, option)
    items, destroyed, not_priced, refused = [], [], [], []
    for change in document.get("resource_changes", []):
        details = change.get("change") if isinstance(change, dict) else None
        if not isinstance(details, dict):
            continue
        actions, kind = details.get("actions") or [], change.get("type")
        address = change.get("address", kind)
        if "delete" in actions and kind in (VM, VOLUME, CLUSTER):
            before = details.get("before") or {}
            destroyed.append({"address": address, "type": kind, "id": before.get("id")})
        if "create" not in actions:
            continue  # updates, no-ops and reads cost what they cost now; a deletion is handled above
        after = details.get("after") or {}
        if address in priced:
            continue
        if kind in (VM, VOLUME, CLUSTER):
            entry, needed = _terraform_entry(kind, after)
            missing = [name for name in needed if after.get(name) is None]
            if missing:
                raise HyperstackError("%s %s: %s has no known %s in the plan: set it to a literal value" % (option, path, address, " or ".join(missing)))
            item = check_plan([entry], "%s %s: %s" % (option, path, address))[0]
            item["source"] = address
            items.append(item)
        elif not _is_hyperstack(change):
            not_priced.append({"address": address, "type": kind, "reason": "not Hyperstack's bill (provider %s)" % change.get("provider_name")})
        elif kind not in FREE_TYPES:
            refused.append("%s (%s)" % (address, kind))
            not_priced.append({"address": address, "type": kind, "reason": "a Hyperstack resource the estimate does not price (unpriced_resources: ignore)"})
    if refused and unpriced_resources != "ignore":
        raise HyperstackError(
            "%s %s creates Hyperstack resources the estimate does not price: %s; price each as a plan item"
            " {address: ADDRESS, hourly_price: DOLLARS}, or set unpriced_resources: ignore to leave them out" % (option, path, ", ".join(refused))
        )
    return {"items": items, "destroyed": destroyed, "not_priced": not_priced}


def _relative(path):
    """Where a relative path was looked for: the working directory of the process that read it (in the
    controller, where ansible-playbook was started; on a host, the module's), never the playbook's."""
    if os.path.isabs(path):
        return ""
    try:
        where = " " + os.getcwd() + ","
    except OSError:  # the working directory was removed
        where = ""
    return (
        "; a relative path is looked for in the task's working directory,%s not the playbook's:"
        " give an absolute path (for a file beside the playbook, prefix playbook_dir)" % where
    )


def plan_limits(params, caller=MODULE):
    """{condition name: the limit as a Decimal, or None when not set} of params' limits on the net change;
    a negative or non-numeric one is refused naming the option as caller wrote it. No request."""
    limits = {}
    for name, option in LIMIT_OPTIONS.items():
        limits[name] = gate_number(params, option, caller)
    return limits


def plan_request(params, caller=MODULE):
    """The validated plan of params: hours, margin, items, Terraform's destroyed and not priced, the budget and
    the limits on the net change; no request.
    Options missing or null take PLAN_OPTIONS' defaults; a message names each as caller wrote it."""
    given = {name: _given(params, name, PLAN_OPTIONS) for name in ("hours", "margin_percent")}
    hours, margin = gate_number(given, "hours", caller), gate_number(given, "margin_percent", caller)
    unpriced = _given(params, "unpriced_resources", PLAN_OPTIONS)
    if unpriced not in UNPRICED:
        raise HyperstackError("%s must be fail or ignore, got %s" % (caller.name("unpriced_resources"), json.dumps(unpriced, default=str)))
    budget = gate_number(params, "monthly_budget", caller)
    limits = plan_limits(params, caller)
    items = check_plan(params.get("plan") or [], caller.name("plan"))
    tf = {"items": [], "destroyed": [], "not_priced": []}
    path = params.get("terraform_plan")
    if path:
        try:
            with open(path, "rb") as handle:
                text = handle.read().decode("utf-8")
        except (OSError, UnicodeError) as exc:
            raise HyperstackError("%s %s could not be read on the host running the task: %s%s" % (caller.name("terraform_plan"), path, exc, _relative(path)))
        tf = terraform_plan(text, path, unpriced, priced={item["address"] for item in items if item["address"]}, option=caller.name("terraform_plan"))
    return {
        "hours": hours,
        "margin": margin,
        "items": items + tf["items"],
        "destroyed": tf["destroyed"],
        "not_priced": tf["not_priced"],
        "monthly_budget": budget,
        "limits": limits,
        # One moment for the month's bounds and the history read up to it.
        "now": utc() if budget is not None else None,
    }
