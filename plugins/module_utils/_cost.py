# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

What a deployment will cost: the plan's items (given, or read from a Terraform plan),
priced from the API's flavors and price list, added to what already runs, and set
against the credit. Pure functions on Decimal money, so they are tested directly; only
read_deployment_cost() talks to the API.
"""

from __future__ import annotations

import difflib
import json
from decimal import Decimal, InvalidOperation

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREDIT, FLAVORS, PRICEBOOK, USAGE, decimal

# Price list names (matched without regard to case) for what is not a GPU.
VCPU, RAM, CLOUD_SSD, PUBLIC_IP = "vCPU (cpu-only-flavors)", "RAM (cpu-only-flavors)", "Cloud-SSD", "PublicIP"
ITEM_KEYS = ("flavor", "volume_gb", "count", "hourly_price", "public_ip")


def _number(value, what, minimum=None, above=None, integer=False):
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
    if above is not None and number <= above:
        raise HyperstackError("%s must be more than %s, got %s" % (what, above, value))
    return number


def check_plan(plan, source="plan"):
    """The plan's items, validated and normalised; refused with HyperstackError before any request."""
    if not isinstance(plan, list):
        raise HyperstackError("%s must be a list of items, got %s" % (source, type(plan).__name__))
    items = []
    for index, item in enumerate(plan, 1):
        where = "%s item %d" % (source, index)
        if not isinstance(item, dict):
            raise HyperstackError("%s must be a dictionary with flavor or volume_gb, got %s" % (where, json.dumps(item, default=str)))
        unknown = sorted(set(item) - set(ITEM_KEYS))
        if unknown:
            raise HyperstackError("%s has unknown keys %s: the keys are %s" % (where, ", ".join(unknown), ", ".join(ITEM_KEYS)))
        has_flavor, has_volume = item.get("flavor") is not None, item.get("volume_gb") is not None
        if has_flavor == has_volume:
            raise HyperstackError("%s must have exactly one of flavor (a machine) and volume_gb (a Cloud-SSD volume)" % where)
        if has_flavor and (not isinstance(item["flavor"], str) or not item["flavor"].strip()):
            raise HyperstackError("%s: flavor must be a flavor name, got %s" % (where, json.dumps(item["flavor"], default=str)))
        if has_volume and item.get("public_ip"):
            raise HyperstackError("%s: public_ip applies to a flavor, not a volume" % where)
        normal = {
            "flavor": item["flavor"].strip() if has_flavor else None,
            "volume_gb": _number(item["volume_gb"], where + ": volume_gb", above=0) if has_volume else None,
            "count": int(_number(item.get("count", 1), where + ": count", minimum=1, integer=True)),
            "hourly_price": None if item.get("hourly_price") is None else _number(item["hourly_price"], where + ": hourly_price", minimum=0),
            "public_ip": bool(item.get("public_ip", False)),
        }
        items.append(normal)
    return items


def terraform_items(text, path):
    """Plan items for what a `terraform show -json` plan creates; HyperstackError when it is not one."""
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
    plan = []
    for change in document.get("resource_changes", []):
        details = change.get("change") if isinstance(change, dict) else None
        if not isinstance(details, dict) or "create" not in (details.get("actions") or []):
            continue  # only what is created costs more; updates, no-ops and deletions are not counted
        after = details.get("after") or {}
        address = change.get("address", change.get("type"))
        if change.get("type") == "hyperstack_core_virtual_machine":
            plan.append({"flavor": after.get("flavor_name"), "public_ip": bool(after.get("assign_floating_ip")), "_address": address})
        elif change.get("type") == "hyperstack_core_volume":
            plan.append({"volume_gb": after.get("size"), "_address": address})
    items = []
    for entry in plan:
        address = entry.pop("_address")
        if entry.get("flavor") is None and entry.get("volume_gb") is None:
            raise HyperstackError("terraform_plan %s: %s has no known flavor_name or size in the plan: set it to a literal value" % (path, address))
        item = check_plan([entry], "terraform_plan %s: %s" % (path, address))[0]
        item["source"] = address
        items.append(item)
    return items


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
        closest = difflib.get_close_matches(name, sorted({f["name"] for f in flavors}), n=3, cutoff=0.5)
        raise HyperstackError(
            "flavor %s does not exist%s" % (name, "; the closest are %s" % ", ".join(closest) if closest else "; hyperstack_flavor_info lists them")
        )
    if region is not None:
        here = [f for f in entries if f["region_name"].casefold() == region.casefold()]
        if not here:
            raise HyperstackError("flavor %s is not offered in region %s; it is in %s" % (name, region, ", ".join(sorted(f["region_name"] for f in entries))))
        return here
    return entries


def _plain(number):
    # 100 rather than 1E+2, 24 rather than 24.0.
    return "{:f}".format(number.normalize())


def _plural(count, word):
    return "%s %s%s" % (count, word, "" if count == 1 else "s")


def price_item(item, flavors, pricebook, region=None):
    """One plan item priced: unit and total dollars per hour, where, whether in stock, and how the price was found."""
    prices = _prices(pricebook)
    what = item["flavor"] or "a %s GB volume" % _plain(item["volume_gb"])
    result = {"flavor": item["flavor"], "volume_gb": None if item["volume_gb"] is None else float(item["volume_gb"]), "count": item["count"]}
    regions, stock = ([region] if region else []), None
    try:
        if item["flavor"] is not None:
            entries = _offered(flavors, item["flavor"], region)
            flavor = entries[0]
            regions = sorted({f["region_name"] for f in entries})
            stock = any(f["stock_available"] for f in entries)
            if item["hourly_price"] is not None:
                unit, how = item["hourly_price"], "hourly_price"
            elif flavor["gpu"]:
                unit = _price(prices, flavor["gpu"]) * flavor["gpu_count"]
                how = "pricebook %s x %s" % (flavor["gpu"], _plural(flavor["gpu_count"], "GPU"))
            else:
                ram = decimal(flavor["ram"])
                unit = _price(prices, VCPU) * flavor["cpu"] + _price(prices, RAM) * ram
                how = "pricebook %s x %d + %s x %s GB" % (VCPU, flavor["cpu"], RAM, _plain(ram))
            if item["public_ip"] and item["hourly_price"] is None:
                unit += _price(prices, PUBLIC_IP)
                how += " + %s" % PUBLIC_IP
        elif item["hourly_price"] is not None:
            unit, how = item["hourly_price"], "hourly_price"
        else:
            unit = _price(prices, CLOUD_SSD) * item["volume_gb"]
            how = "pricebook %s x %s GB" % (CLOUD_SSD, _plain(item["volume_gb"]))
    except KeyError as exc:
        raise HyperstackError("the price list has no entry %s for %s: give the item an hourly_price (dollars per hour per unit)" % (exc, what))
    result.update(
        unit_price_per_hour=unit,
        cost_per_hour=unit * item["count"],
        region=regions,
        stock_available=stock,
        priced_by=how,
    )
    if "source" in item:
        result["source"] = item["source"]
    return result


def money(amount):
    """Dollars as "$1,234.50" and "-$5.00"."""
    return ("-$" if amount < 0 else "$") + "{:,.2f}".format(abs(amount))


def estimate(credit, current_per_hour, items, hours, margin_percent):
    """The verdict's numbers, floats for the playbook computed on Decimals."""
    headroom = decimal(credit["credit"]) - decimal(credit["threshold"])
    current = decimal(current_per_hour)
    plan = sum((item["cost_per_hour"] for item in items), Decimal(0))
    per_hour = current + plan
    required = per_hour * hours * (1 + margin_percent / 100)
    covered = headroom >= required
    runway = headroom / per_hour if per_hour > 0 else None
    summary = "the plan costs %s/h on top of %s/h already running: %s for %s h%s, %s the headroom %s" % (
        money(plan),
        money(current),
        money(required),
        _plain(hours),
        " with a %s%% margin" % _plain(margin_percent) if margin_percent else "",
        "within" if covered else "more than",
        money(headroom),
    )
    out_of_stock = sorted({item["flavor"] for item in items if item["stock_available"] is False})
    return {
        "credit": credit["credit"],
        "threshold": credit["threshold"],
        "headroom": credit["headroom"],
        "can_create_instance": credit["can_create_instance"],
        "current_cost_per_hour": float(current),
        "plan_cost_per_hour": float(plan),
        "hours": float(hours),
        "margin_percent": float(margin_percent),
        "required": float(required),
        "covered": covered,
        "runway_hours": None if runway is None else float(runway),
        "out_of_stock": out_of_stock,
        "summary": summary,
        "breakdown": [dict(item, unit_price_per_hour=float(item["unit_price_per_hour"]), cost_per_hour=float(item["cost_per_hour"])) for item in items],
    }


def read_deployment_cost(client, params):
    """Validate, read what is needed (credit, usage; flavors and prices only when an item needs them) and estimate."""
    hours = _number(params.get("hours", 24), "hours", above=0)
    margin = _number(params.get("margin_percent", 0), "margin_percent", minimum=0)
    items = check_plan(params.get("plan") or [])
    path = params.get("terraform_plan")
    if path:
        try:
            with open(path, "rb") as handle:
                text = handle.read().decode("utf-8")
        except (OSError, UnicodeError) as exc:
            raise HyperstackError("terraform_plan %s could not be read on the host running the task: %s" % (path, exc))
        items += terraform_items(text, path)
    credit = CREDIT.fetch(client)
    current = USAGE.fetch(client)["cost_per_hour"]
    flavors = FLAVORS.fetch(client) if any(item["flavor"] for item in items) else []
    needs_prices = any(item["hourly_price"] is None for item in items)
    pricebook = PRICEBOOK.fetch(client) if needs_prices else []
    priced = [price_item(item, flavors, pricebook, params.get("region")) for item in items]
    return estimate(credit, current, priced, hours, margin)
