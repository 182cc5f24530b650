# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

Prices, on Decimals of the numbers as the API wrote them: a flavor, a volume and a Kubernetes
cluster from the price list and the flavors, and what a destroyed resource costs now from the
usage rows (_money.billed_per_hour). A new pricing rule goes here; what cannot be priced is
refused, never free. No request is made here.
"""

from __future__ import annotations

import difflib
from decimal import Decimal

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import billed_per_hour, decimal, plain_number
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import VM, VOLUME, cluster_name

# Price list names (matched without regard to case) for what is not a GPU.
VCPU, RAM, CLOUD_SSD, PUBLIC_IP = "vCPU (cpu-only-flavors)", "RAM (cpu-only-flavors)", "Cloud-SSD", "PublicIP"
# The usage rows' resource_type of what a plan may destroy.
USAGE_TYPES = {VM: "vm", VOLUME: "volume"}


def check_region(flavors, region):
    """HyperstackError naming the regions that exist when region has no flavors."""
    if region is not None and flavors and not any(f["region_name"].casefold() == region.casefold() for f in flavors):
        raise HyperstackError("region %s has no flavors; the regions are %s" % (region, ", ".join(sorted({f["region_name"] for f in flavors}))))


def price_index(pricebook):
    """The price list by name, matched without regard to case."""
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


def _plural(count, word):
    return "%s %s%s" % (count, word, "" if count == 1 else "s")


def flavor_price(flavor, prices):
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
        price, how = flavor_price(offered[name][0], prices)
        unit += price * nodes
        at_count += price * at
        scaled = " at max_count (%d at count)" % at if nodes != at else ""
        hows.append("%s x %s%s (%s)" % (_plural(nodes, label), name, scaled, how))
    return unit, at_count, " + ".join(hows), sorted(regions), not missing, missing


def _at(item, msg):
    # An item read from a Terraform plan is named by its resource's address.
    return HyperstackError("%s: %s" % (item["source"], msg) if item.get("source") else msg)


def price_item(item, flavors, pricebook, region=None):
    """One plan item priced: unit and total dollars per hour, where, whether in stock, and how the price was found."""
    prices = price_index(pricebook)
    cluster = item.get("cluster")
    what = item["flavor"] or (cluster and "a " + cluster_name(cluster)) or item.get("address") or "a %s GB volume" % plain_number(item["volume_gb"])
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
                unit, how = flavor_price(entries[0], prices)
            if item["public_ip"] and item["hourly_price"] is None:
                unit += _price(prices, PUBLIC_IP)
                how += " + %s" % PUBLIC_IP
        elif item["hourly_price"] is not None:
            unit, how = item["hourly_price"], "hourly_price"
        else:
            unit = _price(prices, CLOUD_SSD) * item["volume_gb"]
            how = "pricebook %s x %s GB" % (CLOUD_SSD, plain_number(item["volume_gb"]))
    except KeyError as exc:
        raise _at(item, "the price list has no entry %s for %s: give the item an hourly_price (dollars per hour per unit)" % (exc, what)) from None
    except HyperstackError as exc:
        raise _at(item, exc.msg) from None
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
        billed[key] = billed.get(key, Decimal(0)) + billed_per_hour(row)
    result, seen = [], set()
    for entry in destroyed:
        key = (USAGE_TYPES.get(entry["type"]), str(entry["id"]))
        found = entry["id"] is not None and key in billed
        # A resource listed twice (it cannot be destroyed twice) is subtracted once.
        cost = billed[key] if found and key not in seen else Decimal(0)
        seen.add(key)
        result.append(dict(entry, cost_per_hour=cost, found=found))
    return result
