# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: hyperstack
short_description: The virtual machines of a Hyperstack organization as an inventory, with what each costs an hour
version_added: 1.4.0
description:
  - Makes each virtual machine of the organization a host, from C(GET /core/virtual-machines) of the Hyperstack
    Infrahub API, every page of it (until the count the API gives is read or a page comes back empty; a list that does
    not end after 1000 pages fails rather than reading for ever), each machine once.
  - Each host's C(hyperstack_cost_per_hour) is its current rate from the usage rows of C(GET /billing/billing/usage),
    as M(nexgencloud.hyperstack.hyperstack_vm_info) gives it. The machines and the usage are read once a run, at the
    same time, whatever the number of machines.
  - The host variables, prefixed C(hyperstack_), are C(hyperstack_id), C(hyperstack_name), C(hyperstack_status),
    C(hyperstack_flavor) (C(name), C(gpu), C(gpu_count)), C(hyperstack_labels) (the list as the API gives it),
    C(hyperstack_label) (the C(key=value) labels as a mapping, so that C(hyperstack_label.team) is the value of
    C(team=ml)), C(hyperstack_environment), C(hyperstack_region), C(hyperstack_fixed_ip), C(hyperstack_floating_ip)
    and C(hyperstack_cost_per_hour) (dollars an hour, null when no usage row bills the machine); and
    C(ansible_host), as O(connect_with) says.
  - Groups come from Ansible's constructed features (O(groups), O(keyed_groups), O(compose)).
  - The configuration file's name must end in C(hyperstack.yml) or C(hyperstack.yaml).
  - A failure (a wrong key, an API that cannot be reached, an answer that breaks the schema) is one line naming the
    inventory source, in which the API key never appears; the source counts as failed to parse, so with
    E(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true) C(ansible-inventory) and C(ansible-playbook) exit non-zero.
  - The API key may be vault-encrypted in the file (C(ansible-vault encrypt_string)), or come from the
    E(HYPERSTACK_API_KEY) environment variable.
author:
  - NexGen Cloud Hyperstack collection team (@nexgencloud)
options:
  plugin:
    description: The name of this plugin; a file that names another plugin is not this plugin's.
    type: str
    required: true
    choices:
      - nexgencloud.hyperstack.hyperstack
  environments:
    description:
      - Only the machines of one of these environments, by their exact names, for example V(default-NORWAY-1).
      - Unset, the machines of every environment.
    type: list
    elements: str
  labels:
    description:
      - Only the machines that carry every one of these labels, written as the API writes them, for example V(team=ml).
      - Unset, the machines whatever their labels.
    type: list
    elements: str
  statuses:
    description:
      - Only the machines in one of these statuses, in any case, for example V(ACTIVE) or V(HIBERNATED).
      - Unset (the default), the machines of every status, those stopped, hibernated, in error or changing included.
    type: list
    elements: str
  hostname:
    description:
      - The field of the machine each host is named after.
      - Two machines with one value (two machines of one name) are both kept, each named C(<value>_<id>), and a warning
        says so; so is a machine without one (C(<name>_<id>)).
    type: str
    choices: [name, id, fixed_ip, floating_ip]
    default: name
  connect_with:
    description:
      - Where C(ansible_host) comes from. V(floating_ip), the floating (public) address when the machine has one,
        else its fixed (private) one; V(fixed_ip), the fixed one only; V(none), no C(ansible_host) (the host's name
        is connected to).
      - A machine without the address asked for gets no C(ansible_host).
    type: str
    choices: [floating_ip, fixed_ip, none]
    default: floating_ip
notes:
  - With O(cache=true) a run whose cache is fresh sends no request. Ansible's default cache plugin,
    C(ansible.builtin.memory), lasts one run; set O(cache_plugin) to C(ansible.builtin.jsonfile) and O(cache_connection)
    to a directory to keep it between runs. What is cached is every machine with its rate, before the filters.
seealso:
  - module: nexgencloud.hyperstack.hyperstack_vm_info
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
  - nexgencloud.hyperstack.api.lookup
  - nexgencloud.hyperstack.api
"""

EXAMPLES = r"""
# hyperstack.yml: every machine, the key from HYPERSTACK_API_KEY, grouped by team label, region, flavor and status.
plugin: nexgencloud.hyperstack.hyperstack
keyed_groups:
  - key: hyperstack_label.team | default(omit)
    prefix: team
  - key: hyperstack_region
    prefix: region
  - key: hyperstack_flavor.name
    prefix: flavor
  - key: hyperstack_status | lower
    prefix: status
groups:
  costly: (hyperstack_cost_per_hour or 0) > 10
compose:
  ansible_user: "'ubuntu'"

---
# ml.hyperstack.yml: the running machines labelled team=ml, the key vault-encrypted, the inventory cached for 5 minutes.
plugin: nexgencloud.hyperstack.hyperstack
api_key: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  ...
labels:
  - team=ml
statuses:
  - ACTIVE
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/hyperstack-inventory
cache_timeout: 300
"""

import os

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client import HyperstackClient
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, failure
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._machines import vms_facts
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import API_OPTIONS, api_values, keys_in_sight, plain
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._reads import read_concurrently, vm_info_reads
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._inventory import FILTERS, INVENTORY, check_filters, hosts


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "nexgencloud.hyperstack.hyperstack"

    def verify_file(self, path):
        return super().verify_file(path) and str(path).endswith(("hyperstack.yml", "hyperstack.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        given = {}
        try:
            config = self._read_config_data(path)
            # The API options as written in the file (a vault-encrypted key decrypted, a template rendered); the
            # environment and the defaults as the modules read them (an empty variable is unset).
            given = {name: self._given(config[name]) for name in API_OPTIONS if config.get(name) is not None}
            options = {name: self.get_option(name) for name in FILTERS + ("hostname", "connect_with")}
            check_filters(options)
            machines = self._machines(path, api_values(given, os.environ), cache)
            found, warnings = hosts(machines, options)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # Ansible's own (the file, an option's type) as it words it; any message could quote an option value,
            # so each one is redacted with every key in sight, on one line.
            exc = HyperstackError(exc.message) if isinstance(exc, AnsibleError) else exc
            msg = failure(exc, where=self.NAME, keys=keys_in_sight(given.get("api_key"), os.environ))["msg"]
            raise AnsibleParserError("inventory source %s: %s" % (path, msg)) from None
        for warning in warnings:
            self.display.warning("inventory source %s: %s" % (path, warning))
        strict = self.get_option("strict")
        for name, variables in found:
            self.inventory.add_host(name)
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
            self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)

    def _given(self, value):
        if isinstance(value, str) and self.templar.is_template(value):
            value = self.templar.template(value)
        return plain(str(value) if type(value).__name__ == "EncryptedString" else value)

    def _machines(self, path, params, cache):
        """Every machine with its rate: from the cache while it is fresh (cache: true), else read, and cached."""
        use_cache = self.get_option("cache")
        key = self.get_cache_key(path)
        if use_cache and cache:
            try:
                return self._cache[key]
            except KeyError:
                pass
        client = HyperstackClient.from_params(params, INVENTORY, os.environ)
        read = read_concurrently(client, params, vm_info_reads())
        machines = vms_facts(read["vms"], read["usage"]["resources"])
        if use_cache:
            self._cache[key] = machines
        return machines
