# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The rules of the inventory plugin (plugins/inventory/hyperstack.py), on the machines' facts as
hyperstack_vm_info gives them (_machines.vms_facts): which machines its filters keep, each host's name
(two machines of one name both kept, told apart by their ids, and said so), its variables (prefixed
hyperstack_, the key=value labels as a mapping, ansible_host), and the plugin as a caller of the client.
No request is made here.
"""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import Caller

INVENTORY = Caller(
    "set api_key in the inventory source (vault-encrypted: ansible-vault encrypt_string) or the HYPERSTACK_API_KEY environment variable",
    "leave api_key out of the inventory source to use the variable",
)

PREFIX = "hyperstack_"
# The facts each host carries as a variable, PREFIX + name (label, the mapping, is added to them).
FACTS = ("id", "name", "status", "flavor", "labels", "environment", "region", "fixed_ip", "floating_ip", "cost_per_hour")
# What a host may be named after (the hostname option), and where ansible_host may come from (connect_with).
HOSTNAMES = ("name", "id", "fixed_ip", "floating_ip")
CONNECT_WITH = ("floating_ip", "fixed_ip", "none")
FILTERS = ("environments", "labels", "statuses")


def check_filters(options):
    """HyperstackError for a filter that selects nothing by construction: an empty list, or an empty string in one."""
    for name in FILTERS:
        value = options.get(name)
        if value is None:
            continue
        if not value:
            raise HyperstackError("%s is an empty list, which selects no machine: give at least one, or leave %s out" % (name, name))
        if any(not str(item).strip() for item in value):
            raise HyperstackError("%s holds an empty string, which selects no machine" % name)


def kept(facts, options):
    """Whether a machine's facts pass every filter given: of one of the environments, carrying every one of the
    labels (as the API writes them), of one of the statuses (in any case: active is ACTIVE)."""
    if options.get("environments") is not None and facts["environment"] not in options["environments"]:
        return False
    if options.get("labels") is not None and not all(label in facts["labels"] for label in options["labels"]):
        return False
    statuses = options.get("statuses")
    return statuses is None or str(facts["status"]).casefold() in {str(status).casefold() for status in statuses}


def label_mapping(labels):
    """The key=value labels as a mapping (split at the first =); a label without = (or with an empty key) is left
    out, and of two labels with one key the first the API lists wins."""
    mapping = {}
    for label in labels:
        key, equals, value = str(label).partition("=")
        if equals and key and key not in mapping:
            mapping[key] = value
    return mapping


def address(facts, connect_with):
    """ansible_host: the floating address when there is one, else the fixed one (floating_ip); the fixed one only
    (fixed_ip); None when there is none, or with none (the host's name is connected to)."""
    if connect_with == "none":
        return None
    if connect_with == "floating_ip" and facts.get("floating_ip"):
        return facts["floating_ip"]
    return facts.get("fixed_ip") or None


def host_vars(facts, connect_with="floating_ip"):
    """A host's variables: each fact prefixed hyperstack_, hyperstack_label the key=value labels as a mapping,
    and ansible_host when there is an address to connect with."""
    variables = {PREFIX + name: facts[name] for name in FACTS}
    variables[PREFIX + "label"] = label_mapping(facts["labels"])
    host = address(facts, connect_with)
    if host is not None:
        variables["ansible_host"] = host
    return variables


def _value(facts, hostname):
    value = facts.get(hostname)
    return None if value is None or not str(value).strip() else str(value)


def host_names(machines, hostname="name"):
    """(each machine's host name, in order; the warnings). A host is named after the machine's hostname field;
    the machines that share a value, and those without one, are each named <value or name>_<id>, so that every
    machine is a host of its own, and a warning says so."""
    values = [_value(facts, hostname) for facts in machines]
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    names, warnings, told = [], [], set()
    for facts, value in zip(machines, values):
        if value is not None and counts[value] == 1:
            names.append(value)
            continue
        names.append("%s_%s" % (value if value is not None else facts["name"], facts["id"]))
        if value in told:
            continue
        told.add(value)
        if value is None:
            ids = [str(m["id"]) for m, v in zip(machines, values) if v is None]
            warnings.append("%s machine%s without a %s (id %s) named <name>_<id>" % (len(ids), "" if len(ids) == 1 else "s", hostname, ", ".join(ids)))
        else:
            ids = [str(m["id"]) for m, v in zip(machines, values) if v == value]
            warnings.append("%d machines have the %s %s (ids %s): each host is named %s_<id>" % (len(ids), hostname, value, ", ".join(ids), value))
    # A name given to tell machines apart may be another machine's own (a machine named x_5): never two hosts in one.
    own = {name for name, value in zip(names, values) if value is not None and counts[value] == 1}
    for index, (facts, value) in enumerate(zip(machines, values)):
        if value is None or counts[value] > 1:
            while names[index] in own:
                warnings.append(
                    "%s is another machine's %s: the machine with id %s is named %s_%s" % (names[index], hostname, facts["id"], names[index], facts["id"])
                )
                names[index] = "%s_%s" % (names[index], facts["id"])
    return names, warnings


def hosts(machines, options):
    """(the hosts as (name, variables) of the machines the filters keep, in the API's order; the warnings)."""
    machines = [facts for facts in machines if kept(facts, options)]
    names, warnings = host_names(machines, options.get("hostname") or "name")
    return [(name, host_vars(facts, options.get("connect_with") or "floating_ip")) for name, facts in zip(names, machines)], warnings
