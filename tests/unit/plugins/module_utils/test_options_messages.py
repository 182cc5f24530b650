# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_options.py, its whole messages: an empty key given while HYPERSTACK_API_KEY
is set, for each caller, word for word. The same messages from a task, a module on a host and the lookup are
pinned in test_tasks_callers.py, test_module.py and plugins/lookup/test_credit.py, from EMPTY_KEY_MESSAGES here."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.extensions.eda.plugins.event_source import credit as source
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _options
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import LOOKUP, MODULE, RULEBOOK
from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._roles import ROLES
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY

# The roles' declarations (plugin_utils/_roles.py), as these tests name them.
ROLE = ROLES["nexgencloud.hyperstack.credit_gate"].caller

# -- an empty key given while HYPERSTACK_API_KEY is set ---------------------------------------


EMPTY_KEY = "{key} is empty, and a value given, even an empty one, wins over the HYPERSTACK_API_KEY environment variable, which is set: {leave}"

EMPTY_KEY_MESSAGES = {
    "module": EMPTY_KEY.format(key="api_key", leave="leave api_key out of the task and of module_defaults to use the variable"),
    "lookup": EMPTY_KEY.format(key="api_key", leave="leave api_key= out of the lookup to use the variable"),
    "rulebook": EMPTY_KEY.format(key="api_key", leave="leave api_key out of the source's arguments to use the variable"),
    "role": EMPTY_KEY.format(
        key="hyperstack_api_key", leave="leave hyperstack_api_key undefined to use the variable (-e hyperstack_api_key= defines it, empty)"
    ),
}

CALLERS = {"module": MODULE, "lookup": LOOKUP, "rulebook": RULEBOOK, "role": ROLE}


def test_the_whole_message_of_an_empty_key_given_to_the_event_source():
    with pytest.raises(HyperstackError) as caught:
        source.settings({"api_key": ""}, {"HYPERSTACK_API_KEY": KEY})
    assert caught.value.msg == EMPTY_KEY_MESSAGES["rulebook"]


@pytest.mark.parametrize("environ", [{}, {"HYPERSTACK_API_KEY": " "}], ids=["unset", "blank"])
@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_with_no_key_in_the_environment_an_empty_one_is_missing(caller, environ):
    # Then there is no key to leave out for: the message says where one comes from, as before.
    with pytest.raises(HyperstackError) as caught:
        _options.check_api_options({"api_key": "", "api_url": _options.DEFAULT_API_URL}, CALLERS[caller], environ)
    assert caught.value.msg == CALLERS[caller].missing_key()
    with pytest.raises(HyperstackError) as caught:
        _options.check_api_options({"api_key": "", "api_url": _options.DEFAULT_API_URL}, CALLERS[caller], {"HYPERSTACK_API_KEY": KEY})
    assert caught.value.msg == EMPTY_KEY_MESSAGES[caller]
