# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/lookup/credit.py: its documentation's fragments, and the whole message of an empty key
given to it while HYPERSTACK_API_KEY is set."""

from __future__ import annotations

import os
import subprocess
import sys

from ansible_collections.nexgencloud.hyperstack.tests.unit.plugins.doc_fragments.test_api import _documentation
from ansible_collections.nexgencloud.hyperstack.tests.unit.plugins.module_utils.test_options_messages import EMPTY_KEY_MESSAGES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, ROOT


def test_lookup_plugin_uses_both_fragments():
    path = ROOT / "plugins" / "lookup" / "credit.py"
    fragments = _documentation(path)["extends_documentation_fragment"]
    # The lookup fragment first: it overrides what differs for a plugin (env entries, api_key not required).
    assert fragments.index("nexgencloud.hyperstack.api.lookup") < fragments.index("nexgencloud.hyperstack.api")


_LOOKUP = """
import sys
from ansible.plugins.loader import init_plugin_loader, lookup_loader
init_plugin_loader([sys.argv[1]])
try:
    lookup_loader.get("nexgencloud.hyperstack.credit").run([], api_key="", api_url=sys.argv[2])
except Exception as exc:
    print(exc)
"""


def test_the_whole_message_of_an_empty_key_given_to_the_lookup(emu, collection_tree):
    # In a Python of its own: the plugin loader changes the process for good.
    env = dict(os.environ, HYPERSTACK_API_KEY=KEY)
    done = subprocess.run([sys.executable, "-c", _LOOKUP, str(collection_tree), emu.api_url], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == EMPTY_KEY_MESSAGES["lookup"], done.stdout + done.stderr
