# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_keypairs.py: the pure rules of hyperstack_environment and hyperstack_keypair,
called with literal facts and no server: the options' checks, the comparison of public keys (type and body; the
comment does not count), the one environment or key pair of a name, what to create or delete, the diff and the
messages, each pinned whole."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._errors import HyperstackError
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._keypairs import (
    CREATE,
    DELETE,
    ENVIRONMENT_FIELDS,
    KEYPAIR_FIELDS,
    check_environment_options,
    check_keypair_options,
    diff,
    environment_change,
    keypair_change,
    parse_key,
    same_key,
    short_key,
    the_environment,
    the_keypair,
)
from ansible_collections.nexgencloud.hyperstack.plugins.module_utils._options import MODULE

# Two real ed25519 public keys (the wire format of the type and 32 bytes).
KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMqXgRLKG73K+sIxs5oj3E2nhu/4FHxOcrmAd4Wv7ki7"
KEY_B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID4j6BYAOVlKM4lPZWThsTSLvXoAiNQsSstz7q7VnACd"
ENVIRONMENTS = [{"id": 1, "name": "default-NORWAY-1", "region": "NORWAY-1"}, {"id": 2, "name": "ml-CANADA-1", "region": "CANADA-1", "features": {}}]
KEYPAIRS = [
    {"id": 1, "name": "ops-key", "environment": {"name": "default-NORWAY-1"}, "public_key": KEY_A + " ops@host", "fingerprint": "aa:bb"},
    {"id": 2, "name": "ops-key", "environment": {"name": "ml-CANADA-1"}, "public_key": KEY_B, "fingerprint": "cc:dd"},
]
OPS_NORWAY = {"id": 1, "name": "ops-key", "environment": "default-NORWAY-1", "fingerprint": "aa:bb", "public_key": KEY_A + " ops@host"}


def refusal(call, *args):
    with pytest.raises(HyperstackError) as caught:
        call(*args)
    return caught.value.msg


def env_params(**params):
    return dict({"name": "ml-CANADA-1", "region": "CANADA-1", "state": "present"}, **params)


def key_params(**params):
    return dict({"name": "ops-key", "environment": "default-NORWAY-1", "public_key": KEY_A, "state": "present"}, **params)


# -- public keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [KEY_A, KEY_A + " me@host", "  " + KEY_A + " another comment with spaces \n", KEY_A.replace(" ", "\t") + "\t", KEY_A + " ops@host\r\n"],
)
def test_the_same_key_with_another_comment_or_white_space_is_the_same_key(given):
    assert same_key(given, KEY_A + " ops@host") and same_key(KEY_A + " ops@host", given)


@pytest.mark.parametrize(
    "given",
    [KEY_B, KEY_B + " ops@host", "ssh-rsa " + KEY_A.split()[1] + " ops@host", KEY_A[:-4] + " ops@host"],
)
def test_another_body_or_type_is_another_key(given):
    assert not same_key(given, KEY_A + " ops@host")


def test_a_key_that_is_not_an_openssh_line_is_compared_whole_its_spaces_aside():
    assert same_key("not a key", " not  a key\n") and not same_key("not a key", "not a key at all")
    assert not same_key(KEY_A, None) and not same_key(KEY_A, "")


@pytest.mark.parametrize("text", ["", "ssh-ed25519", "ssh-ed25519 not*base64", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5A", None])
def test_what_is_not_an_openssh_public_key_does_not_parse(text):
    assert parse_key(text) is None


def test_a_key_is_shown_by_its_type_and_the_end_of_its_body():
    assert short_key(KEY_A + " me@host") == "ssh-ed25519 ...FHxOcrmAd4Wv7ki7"
    assert short_key("ssh-rsa AAAA") == "ssh-rsa AAAA"
    assert short_key("x" * 50) == "x" * 37 + "..."


# -- the options -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, words",
    [
        (env_params(region=None), "region is required with state=present: the region the environment is in, such as NORWAY-1"),
        (env_params(region="  "), "region is required with state=present: the region the environment is in, such as NORWAY-1"),
        (env_params(name=" "), "name is empty: give a name, such as ml-CANADA-1"),
        (env_params(name="e" * 51), "name is 51 characters long: the API takes at most 50"),
    ],
)
def test_the_environments_options_are_checked_before_any_request(params, words):
    assert refusal(check_environment_options, params, MODULE) == words


def test_an_environment_to_delete_needs_no_region_and_a_name_of_50_characters_is_taken():
    check_environment_options(env_params(region=None, state="absent"), MODULE)
    check_environment_options(env_params(name="e" * 50), MODULE)


@pytest.mark.parametrize(
    "params, words",
    [
        (key_params(public_key=None), "public_key is required with state=present: the one line of a .pub file, such as ssh-ed25519 AAAAC3Nz... me@host"),
        (key_params(public_key=" \n"), "public_key is required with state=present: the one line of a .pub file, such as ssh-ed25519 AAAAC3Nz... me@host"),
        (key_params(public_key=KEY_A + "\n" + KEY_B), "public_key holds 2 lines: give one key, the one line of a .pub file"),
        (
            key_params(public_key="-----BEGIN OPENSSH PRIVATE KEY-----"),
            "public_key is not an OpenSSH public key: give its type, its base64 body and an optional comment, such as ssh-ed25519 AAAAC3Nz... me@host",
        ),
        (key_params(environment=""), "environment is empty: give a name, such as ml-CANADA-1"),
        (key_params(name=""), "name is empty: give a name, such as ops-key"),
        (key_params(name="k" * 51), "name is 51 characters long: the API takes at most 50"),
    ],
)
def test_the_keypairs_options_are_checked_before_any_request(params, words):
    assert refusal(check_keypair_options, params, MODULE) == words


def test_the_public_key_given_is_stripped_and_not_needed_to_delete():
    assert check_keypair_options(key_params(public_key="  " + KEY_A + " me@host \n"), MODULE) == KEY_A + " me@host"
    assert check_keypair_options(key_params(public_key=None, state="absent"), MODULE) is None


# -- the one of a name -------------------------------------------------------------------------------


def test_an_environment_is_found_by_its_exact_name():
    assert the_environment(ENVIRONMENTS, "ml-CANADA-1") == {"id": 2, "name": "ml-CANADA-1", "region": "CANADA-1"}
    assert the_environment(ENVIRONMENTS, "ml-canada-1") is None and the_environment([], "ml-CANADA-1") is None


def test_a_keypair_is_found_by_its_name_within_its_environment():
    assert the_keypair(KEYPAIRS, "ops-key", "default-NORWAY-1") == OPS_NORWAY
    assert the_keypair(KEYPAIRS, "ops-key", "ml-CANADA-1")["id"] == 2
    assert the_keypair(KEYPAIRS, "ops-key", "prod-US-1") is None


def test_a_name_the_api_gives_twice_is_refused():
    twice = ENVIRONMENTS + [{"id": 7, "name": "ml-CANADA-1", "region": "CANADA-1"}]
    assert refusal(the_environment, twice, "ml-CANADA-1") == (
        "the API lists 2 environments as environment ml-CANADA-1 (ids 2, 7): which one is meant is not known, so nothing was changed"
    )
    assert refusal(the_keypair, KEYPAIRS + [dict(KEYPAIRS[1], id=9)], "ops-key", "ml-CANADA-1") == (
        "the API lists 2 key pairs as key pair ops-key in environment ml-CANADA-1 (ids 2, 9): which one is meant is not known, so nothing was changed"
    )


# -- what to do --------------------------------------------------------------------------------------


CANADA = {"id": 2, "name": "ml-CANADA-1", "region": "CANADA-1"}


@pytest.mark.parametrize(
    "found, params, expected",
    [
        (None, env_params(), (CREATE, {"id": None, "name": "ml-CANADA-1", "region": "CANADA-1"})),
        (None, env_params(region=" CANADA-1 "), (CREATE, {"id": None, "name": "ml-CANADA-1", "region": "CANADA-1"})),
        (CANADA, env_params(), (None, CANADA)),
        (CANADA, env_params(region="canada-1"), (None, CANADA)),
        (CANADA, env_params(state="absent", region=None), (DELETE, CANADA)),
        (CANADA, env_params(state="absent"), (DELETE, CANADA)),
        (None, env_params(state="absent"), (None, None)),
    ],
)
def test_what_an_environment_task_does(found, params, expected):
    assert environment_change(found, params) == expected


def test_an_environment_in_another_region_is_neither_kept_nor_deleted():
    assert refusal(environment_change, CANADA, env_params(region="US-1")) == (
        "environment ml-CANADA-1 (id 2) is in region CANADA-1, not US-1: an environment's region cannot change; give region CANADA-1,"
        " or delete the environment (state=absent) and create it again"
    )
    assert refusal(environment_change, CANADA, env_params(region="US-1", state="absent")) == (
        "environment ml-CANADA-1 (id 2) is in region CANADA-1, not US-1: not deleted; give region CANADA-1, or leave region out"
    )


@pytest.mark.parametrize(
    "found, params, key, expected",
    [
        (None, key_params(), KEY_A, (CREATE, {"id": None, "name": "ops-key", "environment": "default-NORWAY-1", "fingerprint": None, "public_key": KEY_A})),
        (OPS_NORWAY, key_params(), KEY_A, (None, OPS_NORWAY)),
        (OPS_NORWAY, key_params(), KEY_A + " someone@else", (None, OPS_NORWAY)),
        (OPS_NORWAY, key_params(state="absent"), None, (DELETE, OPS_NORWAY)),
        (OPS_NORWAY, key_params(state="absent"), KEY_A, (DELETE, OPS_NORWAY)),
        (None, key_params(state="absent"), None, (None, None)),
    ],
)
def test_what_a_keypair_task_does(found, params, key, expected):
    assert keypair_change(found, params, key) == expected


def test_a_keypair_with_another_key_is_neither_kept_nor_replaced_nor_deleted():
    assert refusal(keypair_change, OPS_NORWAY, key_params(), KEY_B + " me@host") == (
        "key pair ops-key (id 1) in environment default-NORWAY-1 has the public key ssh-ed25519 ...FHxOcrmAd4Wv7ki7 (fingerprint aa:bb), not the"
        " ssh-ed25519 ...iNQsSstz7q7VnACd given: the API cannot change a key pair's key, so it is neither kept nor replaced; give the new key"
        " another name, or delete this key pair (state=absent) first"
    )
    assert refusal(keypair_change, dict(OPS_NORWAY, fingerprint=None), key_params(state="absent"), KEY_B) == (
        "key pair ops-key (id 1) in environment default-NORWAY-1 has the public key ssh-ed25519 ...FHxOcrmAd4Wv7ki7, not the"
        " ssh-ed25519 ...iNQsSstz7q7VnACd given: not deleted; give its own key, or leave public_key out"
    )


def test_the_diff_is_a_line_a_field_and_nothing_for_what_is_not_there():
    assert diff(CANADA, ENVIRONMENT_FIELDS) == "name: ml-CANADA-1\nregion: CANADA-1\n"
    assert diff(OPS_NORWAY, KEYPAIR_FIELDS) == "name: ops-key\nenvironment: default-NORWAY-1\npublic_key: %s ops@host\n" % KEY_A
    assert diff(None, KEYPAIR_FIELDS) == ""
