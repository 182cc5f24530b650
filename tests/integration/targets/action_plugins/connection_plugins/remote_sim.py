# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = """
name: remote_sim
short_description: The local connection under another name, so a task takes the remote path
description:
  - Test only. Runs commands on the controller like ansible.builtin.local, but its transport is
    not C(local), so the collection's action plugins run the module as on a remote host.
author:
  - NexGen Cloud Hyperstack collection team (@nexgencloud)
extends_documentation_fragment:
  - connection_pipelining
"""

from ansible.plugins.connection.local import Connection as LocalConnection


class Connection(LocalConnection):
    transport = "remote_sim"
