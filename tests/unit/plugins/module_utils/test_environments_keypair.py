# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_environments.py for hyperstack_keypair, against the emulator (a key pair ops-key
in each of its environments default-NORWAY-1, ml-CANADA-1 and prod-US-1): imported once and idempotent by name
within its environment (a comment or white space does not count), check mode and --diff sending nothing, a key pair
of that name with another key neither kept nor replaced, an environment that does not exist, deleted by the id found
by name, a lost answer read again and never sent again, and the same result on a host."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, changing, run_module

NAME = "nexgencloud.hyperstack.hyperstack_keypair"
# Two real ed25519 public keys (the wire format of the type and 32 bytes), and their MD5 fingerprints.
KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMqXgRLKG73K+sIxs5oj3E2nhu/4FHxOcrmAd4Wv7ki7"
KEY_B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID4j6BYAOVlKM4lPZWThsTSLvXoAiNQsSstz7q7VnACd"


def keypair(emu, check_mode=False, diff=False, **args):
    """hyperstack_keypair on emu as its action plugin runs it in the controller."""
    args = dict(dict(api_key=KEY, api_url=emu.api_url), **args)
    return run_info(MODULES["hyperstack_keypair"], args, {}, NAME, check_mode=check_mode, diff=diff)


def keypairs(emu):
    """The emulator's key pairs: (environment, name) -> (id, public key, fingerprint)."""
    with emu.state.lock:
        return {(k["environment"]["name"], k["name"]): (k["id"], k["public_key"], k["fingerprint"]) for k in emu.state.state["keypairs"]}


def ops_key(emu, environment="ml-CANADA-1"):
    return keypairs(emu)[(environment, "ops-key")]


# -- present -----------------------------------------------------------------------------------------


def test_a_keypair_is_imported_once_and_then_left_alone_whatever_its_comment(emu):
    before = keypairs(emu)
    created = keypair(emu, name="deploy", environment="ml-CANADA-1", public_key="  %s me@host \n" % KEY_A)
    assert not created.get("failed") and created["changed"] is True, created
    fingerprint = keypairs(emu)[("ml-CANADA-1", "deploy")][2]
    assert created["keypair"] == {"id": 4, "name": "deploy", "environment": "ml-CANADA-1", "fingerprint": fingerprint, "public_key": KEY_A + " me@host"}
    assert changing(emu) == [("POST", "/core/keypairs", {"name": "deploy", "environment_name": "ml-CANADA-1", "public_key": KEY_A + " me@host"})]
    again = keypair(emu, diff=True, name="deploy", environment="ml-CANADA-1", public_key=KEY_A + " another@comment")
    assert not again.get("failed") and again["changed"] is False and again["keypair"] == created["keypair"], again
    shown = "name: deploy\nenvironment: ml-CANADA-1\npublic_key: %s me@host\n" % KEY_A
    assert again["diff"] == {"before": shown, "after": shown} and len(changing(emu)) == 1
    assert set(keypairs(emu)) == set(before) | {("ml-CANADA-1", "deploy")}


def test_check_mode_says_what_would_be_imported_and_sends_nothing(emu):
    result = keypair(emu, check_mode=True, diff=True, name="deploy", environment="ml-CANADA-1", public_key=KEY_A)
    assert not result.get("failed") and result["changed"] is True and "warnings" not in result, result
    assert result["keypair"] == {"id": None, "name": "deploy", "environment": "ml-CANADA-1", "fingerprint": None, "public_key": KEY_A}
    assert result["diff"] == {"before": "", "after": "name: deploy\nenvironment: ml-CANADA-1\npublic_key: %s\n" % KEY_A}
    assert emu.state.requests and changing(emu) == [] and ("ml-CANADA-1", "deploy") not in keypairs(emu)


def test_a_name_is_looked_for_within_the_environment_only(emu):
    emu.state.update({"keypairs": [k for k in emu.state.state["keypairs"] if k["environment"]["name"] != "prod-US-1"]})
    result = keypair(emu, name="ops-key", environment="prod-US-1", public_key=KEY_B)
    assert not result.get("failed") and result["changed"] is True and result["keypair"]["environment"] == "prod-US-1", result
    assert [r[:2] for r in changing(emu)] == [("POST", "/core/keypairs")] and ops_key(emu, "prod-US-1")[1] == KEY_B


def test_a_keypair_of_that_name_with_another_key_is_neither_kept_nor_replaced(emu):
    kid, public_key, fingerprint = ops_key(emu)
    for check_mode in (True, False):
        result = keypair(emu, check_mode=check_mode, name="ops-key", environment="ml-CANADA-1", public_key=KEY_A + " ops@example.com")
        assert result["failed"] and result["msg"] == (
            "key pair ops-key (id %d) in environment ml-CANADA-1 has the public key ssh-ed25519 ...%s (fingerprint %s), not the ssh-ed25519"
            " ...FHxOcrmAd4Wv7ki7 given: the API cannot change a key pair's key, so it is neither kept nor replaced; give the new key another"
            " name, or delete this key pair (state=absent) first" % (kid, public_key.split()[1][-16:], fingerprint)
        ), result
    assert changing(emu) == [] and ops_key(emu) == (kid, public_key, fingerprint)


def test_the_stored_key_without_its_comment_is_the_same_key(emu):
    kid, public_key, _fingerprint = ops_key(emu)
    result = keypair(emu, name="ops-key", environment="ml-CANADA-1", public_key=" ".join(public_key.split()[:2]))
    assert not result.get("failed") and result["changed"] is False and result["keypair"]["id"] == kid, result
    assert changing(emu) == []


def test_an_environment_that_does_not_exist_is_refused_before_anything_is_sent(emu):
    result = keypair(emu, name="deploy", environment="scratch-NORWAY-1", public_key=KEY_A)
    assert result["failed"] and result["msg"] == (
        "no environment is named scratch-NORWAY-1: create it first (nexgencloud.hyperstack.hyperstack_environment); nothing was changed"
    ), result
    dry = keypair(emu, check_mode=True, name="deploy", environment="scratch-NORWAY-1", public_key=KEY_A)
    assert not dry.get("failed") and dry["changed"] is True, dry
    assert dry["warnings"] == ["no environment is named scratch-NORWAY-1 yet: the key pair cannot be created until it is"]
    assert changing(emu) == []


def test_the_apis_refusal_of_a_key_is_one_line_with_its_status(emu):
    # Its type says RSA, its body ed25519: a line this collection reads as a key, which the API refuses.
    result = keypair(emu, name="deploy", environment="ml-CANADA-1", public_key="ssh-rsa " + KEY_A.split()[1])
    assert (
        result["failed"]
        and result["status_code"] == 400
        and result["msg"].startswith(
            "importing key pair deploy (POST /core/keypairs): HTTP 400 Bad Request from %s/core/keypairs: public_key is not an SSH public key" % emu.api_url
        )
    ), result
    assert ("ml-CANADA-1", "deploy") not in keypairs(emu)


def test_a_key_that_is_not_one_line_of_a_pub_file_is_refused_before_any_request(emu):
    result = keypair(emu, name="deploy", environment="ml-CANADA-1", public_key=KEY_A + "\n" + KEY_B)
    assert result["failed"] and result["msg"] == "public_key holds 2 lines: give one key, the one line of a .pub file", result
    assert emu.state.requests == []


# -- absent ------------------------------------------------------------------------------------------


def test_absent_deletes_by_the_id_found_by_name_and_then_changes_nothing(emu):
    kid, public_key, fingerprint = ops_key(emu)
    facts = {"id": kid, "name": "ops-key", "environment": "ml-CANADA-1", "fingerprint": fingerprint, "public_key": public_key}
    dry = keypair(emu, check_mode=True, diff=True, name="ops-key", environment="ml-CANADA-1", state="absent")
    assert dry["changed"] is True and dry["keypair"] == facts and dry["diff"]["after"] == "" and changing(emu) == [], dry
    done = keypair(emu, name="ops-key", environment="ml-CANADA-1", state="absent")
    assert not done.get("failed") and done["changed"] is True and done["keypair"] == facts, done
    assert changing(emu) == [("DELETE", "/core/keypair/%d" % kid, None)] and ("ml-CANADA-1", "ops-key") not in keypairs(emu)
    assert ("default-NORWAY-1", "ops-key") in keypairs(emu) and ("prod-US-1", "ops-key") in keypairs(emu)
    again = keypair(emu, name="ops-key", environment="ml-CANADA-1", state="absent")
    assert not again.get("failed") and again["changed"] is False and again["keypair"] is None and len(changing(emu)) == 1, again


def test_absent_with_another_key_deletes_nothing(emu):
    kid, public_key, fingerprint = ops_key(emu)
    result = keypair(emu, name="ops-key", environment="ml-CANADA-1", public_key=KEY_B, state="absent")
    assert result["failed"] and result["msg"] == (
        "key pair ops-key (id %d) in environment ml-CANADA-1 has the public key ssh-ed25519 ...%s (fingerprint %s), not the ssh-ed25519"
        " ...iNQsSstz7q7VnACd given: not deleted; give its own key, or leave public_key out" % (kid, public_key.split()[1][-16:], fingerprint)
    ), result
    assert changing(emu) == []


# -- an answer lost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", [{"status": 502}, {"action": "reset"}])
def test_a_lost_answer_of_an_import_is_read_again_not_sent_again(emu, fault):
    emu.state.add_faults([dict(fault, path="/core/keypairs", method="POST", acted=True)])
    result = keypair(emu, name="deploy", environment="ml-CANADA-1", public_key=KEY_A)
    assert not result.get("failed") and result["changed"] is True and result["keypair"]["id"] == 4, result
    assert result["warnings"][0].endswith("the answer was lost; read again, key pair deploy in environment ml-CANADA-1 was created"), result
    emu.state.add_faults([dict(fault, path="/core/keypairs", method="POST")])
    result = keypair(emu, name="deploy2", environment="ml-CANADA-1", public_key=KEY_B)
    assert result["failed"] and result["msg"].endswith(
        "; read again, there is no key pair deploy2 in environment ml-CANADA-1: it may yet be created, and was not sent again"
    ), result
    assert [r[:2] for r in changing(emu)] == [("POST", "/core/keypairs")] * 2


def test_a_lost_answer_of_a_delete_is_read_again(emu):
    kid = ops_key(emu)[0]
    emu.state.add_faults([{"status": 500, "path": "/core/keypair/%d" % kid, "acted": True}])
    result = keypair(emu, name="ops-key", environment="ml-CANADA-1", state="absent")
    assert not result.get("failed") and result["changed"] is True and len(result["warnings"]) == 1, result
    assert changing(emu) == [("DELETE", "/core/keypair/%d" % kid, None)]


# -- on a host -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_on_a_host_the_result_is_the_controllers(emu, collection_tree):
    args = dict(api_key=KEY, api_url=emu.api_url, name="deploy", environment="ml-CANADA-1", public_key=KEY_A, _ansible_check_mode=True, _ansible_diff=True)
    status, result = run_module(collection_tree, "hyperstack_keypair", args)
    here = keypair(emu, check_mode=True, diff=True, name="deploy", environment="ml-CANADA-1", public_key=KEY_A)
    assert status == 0 and {k: result[k] for k in ("changed", "keypair", "diff")} == {k: here[k] for k in ("changed", "keypair", "diff")}, result
    status, result = run_module(collection_tree, "hyperstack_keypair", dict(args, _ansible_check_mode=False))
    assert status == 0 and result["changed"] and result["keypair"]["id"] == 4 and result["keypair"]["fingerprint"], result
    assert [r[:2] for r in changing(emu)] == [("POST", "/core/keypairs")]
