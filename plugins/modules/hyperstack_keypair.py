#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_keypair
short_description: Import or delete a Hyperstack SSH key pair, by name within its environment
version_added: 1.4.0
description:
  - Makes sure the key pair named O(name) exists in the environment O(environment) with the public key
    O(public_key) (C(POST /core/keypairs) of the Hyperstack Infrahub API), or that it does not
    (C(DELETE /core/keypair/{id})). A machine created with the key pair's name lets in whoever holds its private key.
  - Idempotent by name within the environment. The key pairs are read from C(GET /core/keypairs), every page; a key
    pair of that name in that environment with the same public key is left alone, and nothing is sent. Two keys are
    the same when their type and base64 body are; a comment, or white space around the key, does not count.
  - The API cannot change a key pair's public key. A key pair of that name in that environment with another public
    key is neither kept nor replaced; the task fails saying so, in one line, and nothing is sent.
  - A key pair is created only in an environment that exists (C(GET /core/environments)); one that does not is
    refused before anything is sent (in check mode, warned of).
  - A create or a delete is never sent twice. When its answer is lost (a timeout, a dropped connection, a server
    error) the key pairs are read again. Found done, the task reports the change and warns of the lost answer; not
    done, the task fails saying the request may yet be carried out.
author:
  - NexGen Cloud Hyperstack collection team (@nexgencloud)
options:
  name:
    description:
      - The key pair's name, at most 50 characters.
    type: str
    required: true
  environment:
    description:
      - The name of the environment the key pair is in.
    type: str
    required: true
  public_key:
    description:
      - The public key, the one line of a C(.pub) file (its type, its base64 body and an optional comment), such
        as V(ssh-ed25519 AAAAC3Nz... me@host), for example from P(ansible.builtin.file#lookup).
      - Required with O(state=present).
      - With O(state=absent), when given, the key pair is deleted only if it has this key.
    type: str
  state:
    description:
      - V(present) imports the key pair unless it exists with this key; V(absent) deletes it if it exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - nexgencloud.hyperstack.api
attributes:
  check_mode:
    support: full
    description: Says whether the key pair would be created or deleted, and sends no request that acts.
  diff_mode:
    support: full
    description: Shows the key pair's name, environment and public key before and after, nothing for one that is not there.
seealso:
  - module: nexgencloud.hyperstack.hyperstack_environment
"""

EXAMPLES = r"""
- name: My public key, in the environment ml-CANADA-1 (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_keypair:
    name: ops-key
    environment: ml-CANADA-1
    public_key: "{{ lookup('ansible.builtin.file', '~/.ssh/id_ed25519.pub') }}"
  register: key

- name: Say its fingerprint
  ansible.builtin.debug:
    msg: "{{ key.keypair.name }}: {{ key.keypair.fingerprint }}"

- name: Delete an old key pair
  nexgencloud.hyperstack.hyperstack_keypair:
    name: old-key
    environment: ml-CANADA-1
    state: absent
"""

RETURN = r"""
changed:
  description: Whether the key pair was created or deleted (in check mode, would be).
  returned: always
  type: bool
  sample: true
keypair:
  description:
    - The key pair, as the API holds it; with O(state=absent), the one deleted.
    - In check mode, the one that would be created (its id and fingerprint null) or deleted.
    - Null with O(state=absent) when there is no key pair of that name in the environment.
  returned: success
  type: dict
  contains:
    id:
      description: The key pair's id; null for one that would be created in check mode.
      type: int
      sample: 7
    name:
      description: The key pair's name.
      type: str
      sample: ops-key
    environment:
      description: The name of the environment the key pair is in.
      type: str
      sample: ml-CANADA-1
    fingerprint:
      description: The key's fingerprint, as the API gives it; null for one that would be created in check mode.
      type: str
      sample: "3f:5c:0a:9e:41:d2:7b:88:6c:11:f0:2a:93:e4:5d:b7"
    public_key:
      description: The public key, as the API holds it (in check mode, as given).
      type: str
      sample: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGl2b3J5IGtleSBmb3IgdGVzdHMgb25seQ me@host
diff:
  description: With --diff, the key pair's name, environment and public key before and after, one line each.
  returned: with --diff
  type: dict
  sample: {"before": "", "after": "name: ops-key\nenvironment: ml-CANADA-1\npublic_key: ssh-ed25519 AAAAC3Nz... me@host\n"}
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 409
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._environments import keypair
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._keypairs import KEYPAIR_OPTIONS
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule("hyperstack_keypair", keypair, options=KEYPAIR_OPTIONS, changes=True)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
