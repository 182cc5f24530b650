# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.modules import hyperstack_contract_info
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import ModuleAction


class ActionModule(ModuleAction):
    MODULE = hyperstack_contract_info.MODULE
