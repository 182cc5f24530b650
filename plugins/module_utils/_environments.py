# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The tasks of hyperstack_environment and hyperstack_keypair: read the environments or the key pairs, decide by
_keypairs.py's rules, act. Idempotent by name; nothing sent in check mode (the client given may not act then);
a create or a delete whose answer is lost is followed by a read, never by the request again.
"""

from __future__ import annotations

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._endpoints import CREATE_ENVIRONMENT, CREATE_KEYPAIR, DELETE_ENVIRONMENT, DELETE_KEYPAIR
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._keypairs import (
    CREATE,
    DELETE,
    ENVIRONMENT_FIELDS,
    KEYPAIR_FIELDS,
    check_environment_options,
    check_keypair_options,
    describe_environment,
    describe_keypair,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._keypairs import diff as diff_of
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._keypairs import (
    environment_change,
    environment_facts,
    keypair_change,
    keypair_facts,
    lost_create,
    lost_delete,
    the_environment,
    the_keypair,
    unread,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._reads import read_environment_vms, read_environments, read_keypairs

# What each module creates and deletes, and how it words and reads what the API answers.
ENVIRONMENT = {"create": CREATE_ENVIRONMENT, "delete": DELETE_ENVIRONMENT, "facts": environment_facts, "describe": describe_environment}
KEYPAIR = {"create": CREATE_KEYPAIR, "delete": DELETE_KEYPAIR, "facts": keypair_facts, "describe": describe_keypair}


def environment(client, params, check_mode=False, diff=False):
    """hyperstack_environment's run: the environment named params' name present (in params' region) or absent."""
    check_environment_options(params, client.caller)
    found = the_environment(read_environments(client), params["name"])
    action, after = environment_change(found, params)
    result = {"changed": action is not None, "environment": after}
    if check_mode and action == DELETE:
        # The API refuses to delete an environment that holds machines: check mode promises no more than the run does.
        machines = read_environment_vms(client, params["name"])
        if machines:
            result.update(changed=False, environment=found)
            result["warnings"] = [
                "the API will refuse to delete %s: it still holds %d virtual machines (%s); delete them first (hyperstack_vm, state absent)"
                % (describe_environment(found), len(machines), ", ".join(sorted(m["name"] for m in machines)))
            ]
            action = None
    if action and not check_mode:
        body = {"name": params["name"], "region": after["region"]}
        result["environment"] = _act(
            client, ENVIRONMENT, action, after, body, lambda: environment_change(the_environment(read_environments(client), params["name"]), params), result
        )
    if diff:
        shown = None if action == DELETE else after if params["state"] == "present" else found
        result["diff"] = {"before": diff_of(found, ENVIRONMENT_FIELDS), "after": diff_of(shown, ENVIRONMENT_FIELDS)}
    return result


def keypair(client, params, check_mode=False, diff=False):
    """hyperstack_keypair's run: the key pair named params' name in params' environment present (with params' public
    key) or absent."""
    public_key = check_keypair_options(params, client.caller)
    found = the_keypair(read_keypairs(client), params["name"], params["environment"])
    action, after = keypair_change(found, params, public_key)
    result = {"changed": action is not None, "keypair": after}
    if action == CREATE and the_environment(read_environments(client), params["environment"]) is None:
        # Asked before the create, so that the task says what is missing rather than the API's refusal.
        if not check_mode:
            raise HyperstackError(
                "no environment is named %s: create it first (nexgencloud.hyperstack.hyperstack_environment); nothing was changed" % params["environment"]
            )
        result["warnings"] = ["no environment is named %s yet: the key pair cannot be created until it is" % params["environment"]]
    if action and not check_mode:
        body = {"name": params["name"], "environment_name": params["environment"], "public_key": public_key}
        result["keypair"] = _act(
            client,
            KEYPAIR,
            action,
            after,
            body,
            lambda: keypair_change(the_keypair(read_keypairs(client), params["name"], params["environment"]), params, public_key),
            result,
        )
    if diff:
        result["diff"] = {"before": diff_of(found, KEYPAIR_FIELDS), "after": diff_of(after if params["state"] == "present" else None, KEYPAIR_FIELDS)}
    return result


def _act(client, kind, action, facts, body, decide_again, result):
    """Create (with body) or delete what facts describe, as kind (ENVIRONMENT, KEYPAIR) does; the facts after it.
    decide_again(): what is left to do, read afresh, for when the answer is lost (a timeout, a dropped connection, a
    5xx, an answer that cannot be read): the request is never sent again. Done, the change was made (and result
    warns of the lost answer); not done, the task fails saying it may yet be."""
    what = kind["describe"](facts)
    try:
        if action == CREATE:
            answered = kind["facts"](kind["create"].fetch(client, body=body, name=facts["name"]))
            # What the answer leaves out (an environment's name in a key pair's) is what was asked for.
            return dict(facts, **{key: value for key, value in answered.items() if value is not None})
        kind["delete"].fetch(client, id=facts["id"], name=facts["name"])
        return facts
    except HyperstackError as exc:
        if exc.status_code is not None and 400 <= exc.status_code < 500:
            raise  # the API's own refusal (or its rate limit, ridden out): nothing was done
        verb = "created" if action == CREATE else "deleted"
        try:
            left, now = decide_again()
        except HyperstackError as again:
            raise HyperstackError(unread(exc.msg, again.msg, verb), exc.status_code) from None
        if left == action:
            raise HyperstackError((lost_create if action == CREATE else lost_delete)(exc.msg, what), exc.status_code) from None
        result.setdefault("warnings", []).append("%s: the answer was lost; read again, %s was %s" % (exc.msg, what, verb))
        return now if action == CREATE else facts
