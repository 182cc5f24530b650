# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

What a deployment will cost: the plan's items (given, or read from a Terraform plan),
priced from the API's flavors and price list, added to what already runs less what the
plan destroys, and set against the credit. Pure functions on Decimal money, so they are
tested directly; only read_deployment_cost() talks to the API.
"""

from __future__ import annotations

import difflib
import json
import threading
from decimal import Decimal, InvalidOperation

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _budget
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import CREDIT, FLAVORS, PRICEBOOK, USAGE, HyperstackClient, HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import decimal, exact_difference, money, plain_number

# Price list names (matched without regard to case) for what is not a GPU.
VCPU, RAM, CLOUD_SSD, PUBLIC_IP = "vCPU (cpu-only-flavors)", "RAM (cpu-only-flavors)", "Cloud-SSD", "PublicIP"
ITEM_KEYS = ("flavor", "volume_gb", "cluster", "address", "count", "hourly_price", "public_ip")
KINDS = "flavor (a machine), volume_gb (a Cloud-SSD volume), cluster (a Kubernetes cluster) and address (a Terraform resource, with hourly_price)"
CLUSTER_KEYS = ("master_flavor", "master_count", "node_flavor", "node_count", "node_groups", "deployment_mode", "support_flavor")
NODE_GROUP_KEYS = ("flavor", "count", "max_count")
DEPLOYMENT_MODES = ("full", "standard")
UNPRICED = ("fail", "ignore")
# What an estimate says of the month (None without a monthly_budget).
BUDGET_KEYS = ("month_to_date", "month_forecast", "monthly_budget", "within_budget", "budget_summary")

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
# The usage rows' resource_type of what a plan may destroy.
USAGE_TYPES = {VM: "vm", VOLUME: "volume"}
PROVIDER = "/nexgencloud/hyperstack"


def check_number(value, what, minimum=None, above=None, integer=False, maximum=None):
    # Numbers may come templated as strings; booleans are never numbers.
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InvalidOperation
        number = decimal(value.strip() if isinstance(value, str) else value)
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise HyperstackError("%s must be a number, got %s" % (what, json.dumps(value, default=str)))
    if integer and number != number.to_integral_value():
        raise HyperstackError("%s must be a whole number, got %s" % (what, value))
    if minimum is not None and number < minimum:
        raise HyperstackError("%s must be %s or more, got %s" % (what, minimum, value))
    if maximum is not None and number > maximum:
        raise HyperstackError("%s must be %s or less, got %s" % (what, maximum, value))
    if above is not None and number <= above:
        raise HyperstackError("%s must be more than %s, got %s" % (what, above, value))
    return number


def _count(value, what, minimum=1, maximum=None):
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
    mode = cluster.get("deployment_mode") or "full"
    if mode not in DEPLOYMENT_MODES:
        raise HyperstackError("%s: deployment_mode must be full or standard, got %s" % (where, json.dumps(mode, default=str)))
    normal_groups = []
    for index, group in enumerate(groups, 1):
        at = "%s: node group %d" % (where, index)
        _dict(group, at, NODE_GROUP_KEYS)
        count = _count(group.get("count", 1), at + ": count")
        most = None if group.get("max_count") is None else _count(group["max_count"], at + ": max_count", minimum=count, maximum=20)
        normal_groups.append({"flavor": _name(group.get("flavor"), at + ": flavor"), "count": count, "max_count": most})
    master = _name(cluster["master_flavor"], where + ": master_flavor")
    return {
        "master_flavor": master,
        "master_count": _count(cluster.get("master_count", 2), where + ": master_count", minimum=2, maximum=3),
        "node_flavor": _name(cluster["node_flavor"], where + ": node_flavor") if has_node_flavor else None,
        "node_count": _count(cluster["node_count"], where + ": node_count") if has_node_flavor else None,
        "node_groups": normal_groups,
        "deployment_mode": mode,
        "support_flavor": master if cluster.get("support_flavor") is None else _name(cluster["support_flavor"], where + ": support_flavor"),
    }


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
                "count": _count(item.get("count", 1), where + ": count"),
                "hourly_price": None if item.get("hourly_price") is None else check_number(item["hourly_price"], where + ": hourly_price", minimum=0),
                "public_ip": bool(item.get("public_ip", False)),
            }
        )
    return items


def _plan_document(text, path):
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise HyperstackError("terraform_plan %s is not JSON (%s): give the output of terraform show -json PLANFILE" % (path, exc))
    # A plan has planned_values (and resource_changes, left out when nothing changes); a state file has neither.
    if (
        not isinstance(document, dict)
        or "format_version" not in document
        or ("planned_values" not in document and "resource_changes" not in document)
        or not isinstance(document.get("resource_changes", []), list)
    ):
        raise HyperstackError(
            "terraform_plan %s is not a Terraform plan in JSON (it needs format_version and planned_values or resource_changes):"
            " give the output of terraform show -json PLANFILE, not of a state" % path
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
        "master_count": after.get("master_count") or 2,
        "node_flavor": after.get("node_flavor_name"),
        "node_count": after.get("node_count"),
        "deployment_mode": after.get("deployment_mode") or "full",
    }
    return {"cluster": cluster}, ("master_flavor_name", "node_flavor_name", "node_count")


def _is_hyperstack(change):
    provider = change.get("provider_name")
    if provider is None:
        return str(change.get("type", "")).startswith("hyperstack_")
    return str(provider).endswith(PROVIDER)


def terraform_plan(text, path, unpriced_resources="fail", priced=()):
    """What a `terraform show -json` plan creates (plan items), destroys and leaves unpriced.

    priced: the addresses a plan item prices by itself (an address item). Returns
    {"items", "destroyed", "not_priced"}; HyperstackError when the file is not a plan, or
    when it creates a Hyperstack resource of a type not priced and unpriced_resources is fail.
    """
    document = _plan_document(text, path)
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
                raise HyperstackError("terraform_plan %s: %s has no known %s in the plan: set it to a literal value" % (path, address, " or ".join(missing)))
            item = check_plan([entry], "terraform_plan %s: %s" % (path, address))[0]
            item["source"] = address
            items.append(item)
        elif not _is_hyperstack(change):
            not_priced.append({"address": address, "type": kind, "reason": "not Hyperstack's bill (provider %s)" % change.get("provider_name")})
        elif kind not in FREE_TYPES:
            refused.append("%s (%s)" % (address, kind))
            not_priced.append({"address": address, "type": kind, "reason": "a Hyperstack resource the estimate does not price (unpriced_resources: ignore)"})
    if refused and unpriced_resources != "ignore":
        raise HyperstackError(
            "terraform_plan %s creates Hyperstack resources the estimate does not price: %s; price each as a plan item"
            " {address: ADDRESS, hourly_price: DOLLARS}, or set unpriced_resources: ignore to leave them out" % (path, ", ".join(refused))
        )
    return {"items": items, "destroyed": destroyed, "not_priced": not_priced}


def _prices(pricebook):
    return {entry["name"].casefold(): entry for entry in pricebook}


def _price(prices, name):
    entry = prices.get(name.casefold())
    if entry is None:
        raise KeyError(name)
    return decimal(entry["value"])


def _offered(flavors, name, region):
    """The flavor's entries (one per region) for the plan's region, or every region offering it."""
    entries = [f for f in flavors if f["name"] == name]
    if not entries:
        names = sorted({f["name"] for f in flavors})
        # Matched without regard to case: a100 finds n3-A100x1.
        folded = {n.casefold(): n for n in names}
        closest = [folded[n] for n in difflib.get_close_matches(name.casefold(), sorted(folded), n=3, cutoff=0.5)]
        closest += [n for n in names if name.casefold() in n.casefold() and n not in closest][: 3 - len(closest)]
        raise HyperstackError(
            "flavor %s does not exist%s" % (name, "; the closest are %s" % ", ".join(closest) if closest else "; hyperstack_flavor_info lists them")
        )
    if region is not None:
        here = [f for f in entries if f["region_name"].casefold() == region.casefold()]
        if not here:
            raise HyperstackError("flavor %s is not offered in region %s; it is in %s" % (name, region, ", ".join(sorted(f["region_name"] for f in entries))))
        return here
    return entries


def check_region(flavors, region):
    """HyperstackError naming the regions that exist when region has no flavors."""
    if region is not None and flavors and not any(f["region_name"].casefold() == region.casefold() for f in flavors):
        raise HyperstackError("region %s has no flavors; the regions are %s" % (region, ", ".join(sorted({f["region_name"] for f in flavors}))))


def _plural(count, word):
    return "%s %s%s" % (count, word, "" if count == 1 else "s")


def _flavor_price(flavor, prices):
    """One machine of flavor from the price list: (dollars per hour, how)."""
    # JSON Schema's "integer" takes 4.0 too: counted as the whole number it is, never a float times a Decimal.
    gpus, cpus = int(flavor["gpu_count"] or 0), int(flavor["cpu"])
    if flavor["gpu"]:
        return _price(prices, flavor["gpu"]) * gpus, "pricebook %s x %s" % (flavor["gpu"], _plural(gpus, "GPU"))
    ram = decimal(flavor["ram"])
    return _price(prices, VCPU) * cpus + _price(prices, RAM) * ram, "pricebook %s x %d + %s x %s GB" % (VCPU, cpus, RAM, plain_number(ram))


def _cluster_parts(cluster):
    """(label, flavor, nodes priced, nodes at count) of a cluster's machines."""
    parts = [("master", cluster["master_flavor"], cluster["master_count"], cluster["master_count"])]
    if cluster["node_flavor"]:
        parts.append(("worker", cluster["node_flavor"], cluster["node_count"], cluster["node_count"]))
    for group in cluster["node_groups"]:
        parts.append(("node group worker", group["flavor"], group["max_count"] or group["count"], group["count"]))
    if cluster["deployment_mode"] == "full":
        parts += [("bastion", cluster["support_flavor"], 1, 1), ("load balancer", cluster["support_flavor"], 1, 1)]
    return parts


def _price_cluster(item, flavors, prices, region):
    """A cluster: (unit, unit at count, how, regions, stock, flavors out of stock); prices None for an hourly_price."""
    parts = _cluster_parts(item["cluster"])
    offered = {name: _offered(flavors, name, region) for name in dict.fromkeys(part[1] for part in parts)}
    regions = set.intersection(*({f["region_name"] for f in entries} for entries in offered.values()))
    if not regions:
        raise HyperstackError(
            "the cluster's flavors are offered in no one region (%s): give flavors of one region"
            % "; ".join("%s in %s" % (name, ", ".join(sorted({f["region_name"] for f in offered[name]}))) for name in sorted(offered))
        )
    missing = sorted(name for name, entries in offered.items() if not any(f["stock_available"] for f in entries if f["region_name"] in regions))
    if prices is None:
        return item["hourly_price"], item["hourly_price"], "hourly_price", sorted(regions), not missing, missing
    unit = at_count = Decimal(0)
    hows = []
    for label, name, nodes, at in parts:
        price, how = _flavor_price(offered[name][0], prices)
        unit += price * nodes
        at_count += price * at
        scaled = " at max_count (%d at count)" % at if nodes != at else ""
        hows.append("%s x %s%s (%s)" % (_plural(nodes, label), name, scaled, how))
    return unit, at_count, " + ".join(hows), sorted(regions), not missing, missing


def price_item(item, flavors, pricebook, region=None):
    """One plan item priced: unit and total dollars per hour, where, whether in stock, and how the price was found."""
    prices = _prices(pricebook)
    cluster = item.get("cluster")
    what = (
        item["flavor"]
        or (cluster and "a cluster of %s" % cluster["master_flavor"])
        or item.get("address")
        or "a %s GB volume" % plain_number(item["volume_gb"])
    )
    result = {"flavor": item["flavor"], "volume_gb": None if item["volume_gb"] is None else float(item["volume_gb"]), "count": item["count"]}
    regions, stock, out = ([region] if region else []), None, []
    try:
        if cluster is not None:
            unit, at_count, how, regions, stock, out = _price_cluster(item, flavors, None if item["hourly_price"] is not None else prices, region)
            result.update(cluster=cluster, cost_per_hour_at_count=float(at_count * item["count"]))
        elif item["flavor"] is not None:
            entries = _offered(flavors, item["flavor"], region)
            regions = sorted({f["region_name"] for f in entries})
            stock = any(f["stock_available"] for f in entries)
            out = [] if stock else [item["flavor"]]
            if item["hourly_price"] is not None:
                unit, how = item["hourly_price"], "hourly_price"
            else:
                unit, how = _flavor_price(entries[0], prices)
            if item["public_ip"] and item["hourly_price"] is None:
                unit += _price(prices, PUBLIC_IP)
                how += " + %s" % PUBLIC_IP
        elif item["hourly_price"] is not None:
            unit, how = item["hourly_price"], "hourly_price"
        else:
            unit = _price(prices, CLOUD_SSD) * item["volume_gb"]
            how = "pricebook %s x %s GB" % (CLOUD_SSD, plain_number(item["volume_gb"]))
    except KeyError as exc:
        raise HyperstackError("the price list has no entry %s for %s: give the item an hourly_price (dollars per hour per unit)" % (exc, what))
    if item.get("address") is not None:
        result["address"] = item["address"]
    result.update(
        unit_price_per_hour=unit,
        cost_per_hour=unit * item["count"],
        region=regions,
        stock_available=stock,
        priced_by=how,
        _out_of_stock=out,
    )
    if "source" in item:
        result["source"] = item["source"]
    return result


def price_destroyed(destroyed, rows):
    """What each destroyed resource costs now, from the usage rows of its type and id."""
    billed = {}
    for row in rows:
        key = (row.get("resource_type"), str(row.get("resource_id")))
        cost = decimal(row.get("bill_per_minute") or 0) * 60 if row.get("active") is not False and not row.get("exclude_billing") else Decimal(0)
        billed[key] = billed.get(key, Decimal(0)) + cost
    result, seen = [], set()
    for entry in destroyed:
        key = (USAGE_TYPES.get(entry["type"]), str(entry["id"]))
        found = entry["id"] is not None and key in billed
        # A resource listed twice (it cannot be destroyed twice) is subtracted once.
        cost = billed[key] if found and key not in seen else Decimal(0)
        seen.add(key)
        result.append(dict(entry, cost_per_hour=cost, found=found))
    return result


def estimate(credit, current_per_hour, items, hours, margin_percent, destroyed=(), not_priced=(), budget=None):
    """The verdict's numbers, floats for the playbook computed on Decimals.

    budget: (month_to_date, now, monthly_budget) for the month's forecast, or None for none.
    """
    headroom = exact_difference(credit["credit"], credit["threshold"])
    current = decimal(current_per_hour)
    plan = sum((item["cost_per_hour"] for item in items), Decimal(0))
    gone = sum((entry["cost_per_hour"] for entry in destroyed), Decimal(0))
    per_hour = current - gone + plan
    required = per_hour * hours * (1 + margin_percent / 100)
    covered = headroom >= required
    runway = headroom / per_hour if per_hour > 0 else None
    out_of_stock = sorted({name for item in items for name in item.get("_out_of_stock", [item["flavor"]] if item["stock_available"] is False else [])})
    summary = "the plan costs %s/h on top of %s/h already running%s: %s for %s h%s, %s the headroom %s" % (
        money(plan),
        money(current),
        ", less %s/h the plan destroys" % money(gone) if destroyed else "",
        money(required),
        plain_number(hours),
        " with a %s%% margin" % plain_number(margin_percent) if margin_percent else "",
        "within" if covered else "more than",
        money(headroom),
    )
    # The month: what runs after the plan (less what it destroys) for the hours left, and the plan for its hours.
    month = _budget.month_forecast(budget[0], current - gone, budget[1], plan, hours, budget[2]) if budget else dict.fromkeys(BUDGET_KEYS)
    lost = [entry["address"] for entry in destroyed if not entry["found"]]
    if lost:
        summary += "; not in the usage, so nothing subtracted: %s" % ", ".join(lost)
    if out_of_stock:
        summary += "; out of stock: %s" % ", ".join(out_of_stock)
    return {
        "credit": credit["credit"],
        "threshold": credit["threshold"],
        "headroom": credit["headroom"],
        "can_create_instance": credit["can_create_instance"],
        "current_cost_per_hour": float(current),
        "destroyed_cost_per_hour": float(gone),
        "plan_cost_per_hour": float(plan),
        "hours": float(hours),
        "margin_percent": float(margin_percent),
        "required": float(required),
        "covered": covered,
        "runway_hours": None if runway is None else float(runway),
        "out_of_stock": out_of_stock,
        "summary": summary,
        "breakdown": [
            dict(
                {key: value for key, value in item.items() if not key.startswith("_")},
                unit_price_per_hour=float(item["unit_price_per_hour"]),
                cost_per_hour=float(item["cost_per_hour"]),
            )
            for item in items
        ],
        "destroyed": [dict(entry, cost_per_hour=float(entry["cost_per_hour"])) for entry in destroyed],
        "not_priced": list(not_priced),
        **{key: month[key] for key in BUDGET_KEYS},
    }


def read_concurrently(client, params, reads):
    """{name: read(client)} for reads, a {name: callable(client)}, each on a thread of its own.

    A client's connection pool is not shared between threads: the first read uses client,
    each other read a client of its own built from the same options. The failure of the first
    read in the order of reads is raised, whatever the order the answers came in.
    """
    names = list(reads)
    results, errors = {}, {}

    def run(name, own):
        try:
            results[name] = reads[name](own if own is not None else HyperstackClient.from_params(params))
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


def plan_request(params):
    """The validated plan of params: hours, margin, items, Terraform's destroyed and not priced; no request."""
    hours = check_number(params.get("hours", 24), "hours", above=0)
    margin = check_number(params.get("margin_percent", 0), "margin_percent", minimum=0)
    unpriced = params.get("unpriced_resources") or "fail"
    if unpriced not in UNPRICED:
        raise HyperstackError("unpriced_resources must be fail or ignore, got %s" % json.dumps(unpriced, default=str))
    budget = params.get("monthly_budget")
    budget = None if budget is None else check_number(budget, "monthly_budget", minimum=0)
    items = check_plan(params.get("plan") or [])
    tf = {"items": [], "destroyed": [], "not_priced": []}
    path = params.get("terraform_plan")
    if path:
        try:
            with open(path, "rb") as handle:
                text = handle.read().decode("utf-8")
        except (OSError, UnicodeError) as exc:
            raise HyperstackError("terraform_plan %s could not be read on the host running the task: %s" % (path, exc))
        tf = terraform_plan(text, path, unpriced, priced={item["address"] for item in items if item["address"]})
    return {
        "hours": hours,
        "margin": margin,
        "items": items + tf["items"],
        "destroyed": tf["destroyed"],
        "not_priced": tf["not_priced"],
        "monthly_budget": budget,
        # One moment for the month's bounds and the history read up to it.
        "now": _budget.utc() if budget is not None else None,
    }


def plan_reads(request):
    """The reads the estimate of request needs, by name: credit and usage always; flavors and prices when an
    item needs them; the month-to-date with a monthly budget."""
    items = request["items"]
    reads = {"credit": CREDIT.fetch, "usage": USAGE.fetch}
    if request.get("monthly_budget") is not None:
        reads["month_to_date"] = lambda client: _budget.read_month_to_date(client, request["now"])
    if any(item["flavor"] or item["cluster"] for item in items):
        reads["flavors"] = FLAVORS.fetch
    if any(item["hourly_price"] is None for item in items):
        reads["pricebook"] = PRICEBOOK.fetch
    return reads


def estimate_from(request, read, region=None):
    """The estimate of request from the results of its reads."""
    flavors = read.get("flavors", [])
    check_region(flavors, region)
    priced = [price_item(item, flavors, read.get("pricebook", []), region) for item in request["items"]]
    destroyed = price_destroyed(request["destroyed"], read["usage"]["resources"])
    budget = (read["month_to_date"], request["now"], request["monthly_budget"]) if request.get("monthly_budget") is not None else None
    return estimate(read["credit"], read["usage"]["cost_per_hour"], priced, request["hours"], request["margin"], destroyed, request["not_priced"], budget)


def read_deployment_cost(client, params):
    """Validate, read what is needed at once (credit, usage; flavors and prices only when an item needs them) and estimate."""
    request = plan_request(params)
    return estimate_from(request, read_concurrently(client, params, plan_reads(request)), params.get("region"))
