# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The virtual machines, as rules on what was read of them: which ones a task selects (by ids, names and
labels, every selector given must match; a selector that selects nothing by construction is refused
before any request), what each costs now (its usage rows), what its flavor costs (priced as the
estimate prices one), and whether the API will refuse to hibernate or restore it. No request is made here.
"""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._money import rate
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._plan import VM as VM_RESOURCE
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._pricing import flavor_price, price_destroyed

HIBERNATED, ACTIVE = "HIBERNATED", "ACTIVE"
# The statuses the API documents as settled; any other is a change under way (its names are not relied on).
SETTLED = frozenset((ACTIVE, "SHUTOFF", HIBERNATED, "ERROR"))
SELECTORS = ("ids", "names", "labels")
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


def environment_of(machine):
    """The machine's environment (name, region), {} when the API gave none."""
    return machine.get("environment") or {}


def flavor_of(machine):
    """The machine's flavor, {} when the API gave none."""
    return machine.get("flavor") or {}


def describe(machine):
    """A machine as the messages name it: its name and id."""
    return "%s (id %s)" % (machine["name"], machine["id"])


def vm_facts(machine, cost):
    """What hyperstack_vm_info returns of a machine; cost: its usage (price_destroyed's entry)."""
    flavor = flavor_of(machine)
    return {
        "id": machine["id"],
        "name": machine["name"],
        "status": machine["status"],
        "flavor": {"name": flavor.get("name"), "gpu": flavor.get("gpu") or "", "gpu_count": flavor.get("gpu_count") or 0},
        "labels": list(machine.get("labels") or []),
        "environment": environment_of(machine).get("name"),
        "region": environment_of(machine).get("region"),
        "fixed_ip": machine.get("fixed_ip"),
        "floating_ip": machine.get("floating_ip"),
        "cost_per_hour": rate(cost["cost_per_hour"]) if cost["found"] else None,
    }


def flavor_rate(machine, prices):
    """(dollars an hour its flavor costs, how), priced as the estimate prices a flavor; (None, why) when it cannot be."""
    flavor = flavor_of(machine)
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
    flavor = flavor_of(machine)
    gpu, name = flavor.get("gpu"), flavor.get("name")
    if gpu is not None and not gpu:
        return "its flavor %s is CPU-only, and Hyperstack's CPU-only flavors cannot hibernate" % name
    if _squeezed(gpu) in UNABLE_GPUS:
        return "its flavor %s (%s) cannot hibernate, as Hyperstack documents" % (name, gpu)
    region = environment_of(machine).get("region")
    if all(part in _squeezed(gpu) for part in UNABLE_IN_US1) and _squeezed(region) == "us1":
        return "its flavor %s (%s) cannot hibernate in region %s, as Hyperstack documents" % (name, gpu, region)
    return None


def check_known(machines, params):
    """HyperstackError for an id or a name that no machine has: a typo until shown otherwise, refused before anything is done."""
    missing = []
    if params.get("ids") is not None:
        ids = {m["id"] for m in machines}
        missing += ["id %s" % i for i in params["ids"] if i not in ids]
    if params.get("names") is not None:
        names = {m["name"] for m in machines}
        missing += ["name %s" % n for n in params["names"] if n not in names]
    if missing:
        raise HyperstackError("no virtual machine has the %s: nothing was changed" % ", ".join(missing))


def unmatched(machines, params):
    """The warning for selectors that matched no machine: which labels no machine carries, or that none carries
    them all together with the ids and names given."""
    absent = [label for label in params.get("labels") or [] if not any(label in (m.get("labels") or []) for m in machines)]
    if absent:
        return "no virtual machine carries the label%s %s, so no machine was selected" % ("" if len(absent) == 1 else "s", ", ".join(absent))
    given = ", ".join("%s %s" % (name, ", ".join(str(v) for v in params[name])) for name in SELECTORS if params.get(name) is not None)
    return "no virtual machine matches every selector given (%s), so no machine was selected" % given


def vms_facts(machines, rows):
    """hyperstack_vm_info's facts of machines, each with its current rate from the usage rows."""
    costs = price_destroyed([{"type": VM_RESOURCE, "id": m["id"]} for m in machines], rows)
    return [vm_facts(machine, cost) for machine, cost in zip(machines, costs)]
