# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The rules of hyperstack_environment and hyperstack_keypair, given what was read: the options' checks, the
one environment or key pair a task names (by name; a key pair within its environment), what to create or
delete, the comparison of public keys (their type and base64 body; a comment does not count), the facts a
playbook gets, the diff and the one-line messages. No request: _environments.py reads and acts.
"""

from __future__ import annotations

import base64
import binascii

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError, one_line

# The longest name the API takes, of an environment and of a key pair.
NAME_MAX = 50
CREATE, DELETE = "create", "delete"

ENVIRONMENT_OPTIONS = {
    "name": {"type": "str", "required": True},
    "region": {"type": "str"},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
}
KEYPAIR_OPTIONS = {
    "name": {"type": "str", "required": True},
    "environment": {"type": "str", "required": True},
    "public_key": {"type": "str"},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
}
ENVIRONMENT_FIELDS = ("name", "region")
KEYPAIR_FIELDS = ("name", "environment", "public_key")


# -- the options -----------------------------------------------------------------------------------


def check_name(value, option, caller, example):
    """A name the API will take (not empty, at most NAME_MAX characters); raises otherwise."""
    if not value.strip():
        raise HyperstackError("%s is empty: give a name, such as %s" % (caller.name(option), example))
    if len(value) > NAME_MAX:
        raise HyperstackError("%s is %d characters long: the API takes at most %d" % (caller.name(option), len(value), NAME_MAX))
    return value


def check_environment_options(params, caller):
    """hyperstack_environment's options, checked before any request."""
    check_name(params["name"], "name", caller, "ml-CANADA-1")
    if params["state"] == "present" and not (params.get("region") or "").strip():
        raise HyperstackError("%s is required with state=present: the region the environment is in, such as NORWAY-1" % caller.name("region"))


def check_keypair_options(params, caller):
    """hyperstack_keypair's options, checked before any request; the public key given, stripped, or None."""
    check_name(params["name"], "name", caller, "ops-key")
    check_name(params["environment"], "environment", caller, "ml-CANADA-1")
    key = params.get("public_key")
    if key is None or not key.strip():
        if params["state"] == "present":
            raise HyperstackError(
                "%s is required with state=present: the one line of a .pub file, such as ssh-ed25519 AAAAC3Nz... me@host" % caller.name("public_key")
            )
        return None
    key = key.strip()
    lines = len(key.splitlines())
    if lines > 1:
        raise HyperstackError("%s holds %d lines: give one key, the one line of a .pub file" % (caller.name("public_key"), lines))
    if parse_key(key) is None:
        raise HyperstackError(
            "%s is not an OpenSSH public key: give its type, its base64 body and an optional comment, such as ssh-ed25519 AAAAC3Nz... me@host"
            % caller.name("public_key")
        )
    return key


# -- public keys -------------------------------------------------------------------------------------


def parse_key(text):
    """(type, base64 body) of an OpenSSH public key line, its comment left out; None when text is not one."""
    fields = str(text or "").split()
    if len(fields) < 2:
        return None
    try:
        base64.b64decode(fields[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    return fields[0], fields[1]


def same_key(given, stored):
    """Whether two public keys are the same key: the same type and body, whatever their comments and spaces. A key
    that is not an OpenSSH line is compared whole, its spaces aside."""
    parsed = parse_key(given), parse_key(stored)
    if None in parsed:
        return one_line(given or "") == one_line(stored or "")
    return parsed[0] == parsed[1]


def short_key(text):
    """A public key in a few characters: its type and the end of its body (its start is the type again)."""
    parsed = parse_key(text)
    if parsed is None:
        text = one_line(text or "")
        return text if len(text) <= 40 else text[:37] + "..."
    kind, body = parsed
    return "%s %s" % (kind, body if len(body) <= 24 else "..." + body[-16:])


# -- what the API holds ----------------------------------------------------------------------------


def environment_facts(environment):
    return {"id": environment.get("id"), "name": environment.get("name"), "region": environment.get("region")}


def keypair_facts(keypair):
    return {
        "id": keypair.get("id"),
        "name": keypair.get("name"),
        "environment": environment_of(keypair),
        "fingerprint": keypair.get("fingerprint"),
        "public_key": keypair.get("public_key"),
    }


def environment_of(keypair):
    return (keypair.get("environment") or {}).get("name")


def describe_environment(environment):
    return "environment %s%s" % (environment["name"], "" if environment.get("id") is None else " (id %s)" % environment["id"])


def describe_keypair(keypair):
    return "key pair %s%s in environment %s" % (keypair["name"], "" if keypair.get("id") is None else " (id %s)" % keypair["id"], keypair["environment"])


def the_environment(environments, name):
    """The facts of the environment named name, or None; two of that name are refused."""
    return _the_one([environment_facts(e) for e in environments if e.get("name") == name], "environment %s" % name, "environments")


def the_keypair(keypairs, name, environment):
    """The facts of the key pair named name in environment, or None; two of that name there are refused."""
    found = [keypair_facts(k) for k in keypairs if k.get("name") == name and environment_of(k) == environment]
    return _the_one(found, "key pair %s in environment %s" % (name, environment), "key pairs")


def _the_one(found, what, plural):
    if len(found) > 1:
        ids = ", ".join(str(f["id"]) for f in found)
        raise HyperstackError("the API lists %d %s as %s (ids %s): which one is meant is not known, so nothing was changed" % (len(found), plural, what, ids))
    return found[0] if found else None


# -- what to do --------------------------------------------------------------------------------------


def environment_change(found, params):
    """(what to do: CREATE, DELETE or None, the environment's facts after it) for hyperstack_environment's params and
    the environment found of its name (None when there is none). A region that differs is refused: it cannot change."""
    region = (params.get("region") or "").strip()
    if found is not None and region and region.casefold() != (found["region"] or "").casefold():
        if params["state"] == "present":
            raise HyperstackError(
                "%s is in region %s, not %s: an environment's region cannot change; give region %s, or delete the environment (state=absent) and"
                " create it again" % (describe_environment(found), found["region"], region, found["region"])
            )
        raise HyperstackError(
            "%s is in region %s, not %s: not deleted; give region %s, or leave region out"
            % (describe_environment(found), found["region"], region, found["region"])
        )
    if params["state"] == "absent":
        return (DELETE, found) if found else (None, None)
    if found:
        return None, found
    return CREATE, {"id": None, "name": params["name"], "region": region}


def keypair_change(found, params, public_key):
    """(what to do: CREATE, DELETE or None, the key pair's facts after it) for hyperstack_keypair's params, the
    public key given (checked) and the key pair found of its name in its environment (None when there is none). A
    key pair whose key is not the one given is refused: the API cannot change a key pair's key."""
    if found is not None and public_key is not None and not same_key(public_key, found["public_key"]):
        shown = "%s has the public key %s%s, not the %s given" % (
            describe_keypair(found),
            short_key(found["public_key"]),
            " (fingerprint %s)" % found["fingerprint"] if found.get("fingerprint") else "",
            short_key(public_key),
        )
        if params["state"] == "present":
            raise HyperstackError(
                "%s: the API cannot change a key pair's key, so it is neither kept nor replaced; give the new key another name, or delete this key"
                " pair (state=absent) first" % shown
            )
        raise HyperstackError("%s: not deleted; give its own key, or leave public_key out" % shown)
    if params["state"] == "absent":
        return (DELETE, found) if found else (None, None)
    if found:
        return None, found
    return CREATE, {"id": None, "name": params["name"], "environment": params["environment"], "fingerprint": None, "public_key": public_key}


def diff(facts, fields):
    """One side of --diff: a line "field: value" for each field of facts, nothing for a resource that is not there."""
    return "".join("%s: %s\n" % (field, facts[field]) for field in fields) if facts else ""


# -- an answer lost ----------------------------------------------------------------------------------


def lost_create(msg, what):
    """The failure of a create whose answer was lost, and which a read made afterwards does not show."""
    return "%s; read again, there is no %s: it may yet be created, and was not sent again" % (msg, what)


def lost_delete(msg, what):
    """The failure of a delete whose answer was lost, and after which a read still shows what it deletes."""
    return "%s; read again, %s is still there: it may yet be deleted, and was not sent again" % (msg, what)


def unread(msg, again, verb):
    """The failure of a changing request whose answer was lost, and of the read made to find out what it did."""
    return "%s; reading again failed too, so whether it was %s is not known: %s" % (msg, verb, again)
