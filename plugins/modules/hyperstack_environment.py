#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: hyperstack_environment
short_description: Create or delete a Hyperstack environment, by name
version_added: 1.4.0
description:
  - Makes sure the environment named O(name) exists in O(region) (C(POST /core/environments) of the Hyperstack
    Infrahub API), or that it does not (C(DELETE /core/environments/{id})). An environment holds virtual machines,
    key pairs and volumes, in one region.
  - Idempotent by name. The environments are read from C(GET /core/environments), every page; an environment of
    that name is left alone, and nothing is sent.
  - An environment's region cannot change. An environment of that name in another region than O(region) fails the
    task in one line, and nothing is sent.
  - O(state=absent) deletes the environment found by its name (by its id). The API refuses to delete an environment
    that still holds machines; the task then fails with the API's status and reason, in one line.
  - A create or a delete is never sent twice. When its answer is lost (a timeout, a dropped connection, a server
    error) the environments are read again. Found done, the task reports the change and warns of the lost answer;
    not done, the task fails saying the request may yet be carried out.
author:
  - NexGen Cloud Hyperstack collection team (@nexgencloud)
options:
  name:
    description:
      - The environment's name, at most 50 characters.
    type: str
    required: true
  region:
    description:
      - The region the environment is in, such as V(NORWAY-1) or V(CANADA-1).
      - Required with O(state=present).
      - With O(state=absent), when given, the environment is deleted only if it is in this region.
    type: str
  state:
    description:
      - V(present) creates the environment unless it exists; V(absent) deletes it if it exists.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - nexgencloud.hyperstack.api
attributes:
  check_mode:
    support: full
    description:
      - Says whether the environment would be created or deleted, and sends no request that acts.
      - An environment that still holds machines, which the API refuses to delete, is shown unchanged and warned of
        (its machines are read to know).
  diff_mode:
    support: full
    description: Shows the environment's name and region before and after, nothing for an environment that is not there.
seealso:
  - module: nexgencloud.hyperstack.hyperstack_keypair
"""

EXAMPLES = r"""
- name: An environment in CANADA-1 (key from HYPERSTACK_API_KEY)
  nexgencloud.hyperstack.hyperstack_environment:
    name: ml-CANADA-1
    region: CANADA-1
  register: env

- name: Say its id
  ansible.builtin.debug:
    msg: "{{ env.environment.name }} is environment {{ env.environment.id }}"

- name: Delete an environment once its machines are gone
  nexgencloud.hyperstack.hyperstack_environment:
    name: scratch-NORWAY-1
    state: absent
"""

RETURN = r"""
changed:
  description: Whether the environment was created or deleted (in check mode, would be).
  returned: always
  type: bool
  sample: true
environment:
  description:
    - The environment, as the API holds it; with O(state=absent), the one deleted.
    - In check mode, the one that would be created (its id null) or deleted.
    - Null with O(state=absent) when there is no environment of that name.
  returned: success
  type: dict
  contains:
    id:
      description: The environment's id; null for one that would be created in check mode.
      type: int
      sample: 2
    name:
      description: The environment's name.
      type: str
      sample: ml-CANADA-1
    region:
      description: The region the environment is in.
      type: str
      sample: CANADA-1
diff:
  description: With --diff, the environment's name and region before and after, one line each.
  returned: with --diff
  type: dict
  sample: {"before": "", "after": "name: ml-CANADA-1\nregion: CANADA-1\n"}
status_code:
  description: The HTTP status of the API's answer, when the task failed on an HTTP error.
  returned: failure, when there was an HTTP answer
  type: int
  sample: 400
"""

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._environments import environment
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._keypairs import ENVIRONMENT_OPTIONS
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module import HyperstackModule, run_module

# The module, declared once: run here on the host, and in the controller by its action plugin.
MODULE = HyperstackModule("hyperstack_environment", environment, options=ENVIRONMENT_OPTIONS, changes=True)


def main():
    run_module(MODULE)


if __name__ == "__main__":
    main()
