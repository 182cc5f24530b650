# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_environments.py for hyperstack_environment, against the emulator (its
environments default-NORWAY-1, ml-CANADA-1 and prod-US-1, ids 1 to 3): created once and idempotent by name, check
mode and --diff sending nothing, a region that cannot change, deleted by the id found by name, the API's refusal to
delete an environment that still holds machines in one line, a lost answer read again and never sent again, and the
same result on a host. The key pairs: test_environments_keypair.py."""

from __future__ import annotations

import json

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info
from ansible_collections.nexgencloud.hyperstack.tests.unit import support
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import KEY, MODULES, changing, find_secret, run_module

NAME = "nexgencloud.hyperstack.hyperstack_environment"
DEFAULT = {"default-NORWAY-1": "NORWAY-1", "ml-CANADA-1": "CANADA-1", "prod-US-1": "US-1"}
LOST = [{"status": 500}, {"status": 503}, {"action": "reset"}, {"status": 200, "body": "<html>ok</html>"}]
fleet = support.fleet


def environment(emu, check_mode=False, diff=False, **args):
    """hyperstack_environment on emu as its action plugin runs it in the controller."""
    args = dict(dict(api_key=KEY, api_url=emu.api_url), **args)
    return run_info(MODULES["hyperstack_environment"], args, {}, NAME, check_mode=check_mode, diff=diff)


def environments(emu):
    """The emulator's environments: name -> (id, region)."""
    with emu.state.lock:
        return {env["name"]: (env["id"], env["region"]) for env in emu.state.state["environments"]}


def regions(emu):
    return {name: region for name, (_id, region) in environments(emu).items()}


# -- present -----------------------------------------------------------------------------------------


def test_an_environment_is_created_once_and_then_left_alone(emu):
    created = environment(emu, name="scratch-NORWAY-1", region="NORWAY-1")
    assert not created.get("failed") and created["changed"] is True, created
    assert created["environment"] == {"id": 4, "name": "scratch-NORWAY-1", "region": "NORWAY-1"}
    assert changing(emu) == [("POST", "/core/environments", {"name": "scratch-NORWAY-1", "region": "NORWAY-1"})]
    again = environment(emu, diff=True, name="scratch-NORWAY-1", region="NORWAY-1")
    assert not again.get("failed") and again["changed"] is False and again["environment"] == created["environment"], again
    assert again["diff"] == {"before": "name: scratch-NORWAY-1\nregion: NORWAY-1\n", "after": "name: scratch-NORWAY-1\nregion: NORWAY-1\n"}
    assert len(changing(emu)) == 1 and regions(emu) == dict(DEFAULT, **{"scratch-NORWAY-1": "NORWAY-1"})


def test_check_mode_says_what_would_be_created_and_sends_nothing(emu):
    result = environment(emu, check_mode=True, diff=True, name="scratch-NORWAY-1", region="NORWAY-1")
    assert not result.get("failed") and result["changed"] is True, result
    assert result["environment"] == {"id": None, "name": "scratch-NORWAY-1", "region": "NORWAY-1"}
    assert result["diff"] == {"before": "", "after": "name: scratch-NORWAY-1\nregion: NORWAY-1\n"}
    assert emu.state.requests and changing(emu) == [] and regions(emu) == DEFAULT


def test_an_existing_environment_is_found_by_name_whatever_the_case_of_its_region(emu):
    result = environment(emu, name="ml-CANADA-1", region="canada-1")
    assert not result.get("failed") and result["changed"] is False and result["environment"] == {"id": 2, "name": "ml-CANADA-1", "region": "CANADA-1"}
    assert changing(emu) == []


def test_an_environment_in_another_region_fails_in_one_line_and_nothing_is_sent(emu):
    result = environment(emu, name="ml-CANADA-1", region="US-1")
    assert result["failed"] and result["msg"] == (
        "environment ml-CANADA-1 (id 2) is in region CANADA-1, not US-1: an environment's region cannot change; give region CANADA-1,"
        " or delete the environment (state=absent) and create it again"
    ), result
    assert changing(emu) == [] and regions(emu) == DEFAULT


def test_a_missing_region_is_refused_before_any_request(emu):
    result = environment(emu, name="scratch-NORWAY-1")
    assert result["failed"] and result["msg"] == "region is required with state=present: the region the environment is in, such as NORWAY-1"
    assert emu.state.requests == []


def test_the_apis_refusal_of_a_create_is_one_line_with_its_status(emu):
    result = environment(emu, name="scratch-MARS-1", region="MARS-1")
    assert (
        result["failed"]
        and result["status_code"] == 400
        and result["msg"]
        == (
            "creating environment scratch-MARS-1 (POST /core/environments): HTTP 400 Bad Request from %s/core/environments:"
            " Region MARS-1 is not available: no flavor is offered there (error_reason: Bad Request)" % emu.api_url
        )
    ), result
    assert regions(emu) == DEFAULT


# -- absent ------------------------------------------------------------------------------------------


def test_absent_deletes_by_the_id_found_by_name_and_then_changes_nothing(emu):
    dry = environment(emu, check_mode=True, diff=True, name="prod-US-1", state="absent")
    assert dry["changed"] is True and dry["environment"] == {"id": 3, "name": "prod-US-1", "region": "US-1"}, dry
    assert dry["diff"] == {"before": "name: prod-US-1\nregion: US-1\n", "after": ""} and changing(emu) == []
    done = environment(emu, name="prod-US-1", state="absent")
    assert not done.get("failed") and done["changed"] is True and done["environment"] == dry["environment"], done
    assert changing(emu) == [("DELETE", "/core/environments/3", None)] and "prod-US-1" not in regions(emu)
    again = environment(emu, diff=True, name="prod-US-1", state="absent")
    assert not again.get("failed") and again["changed"] is False and again["environment"] is None, again
    assert again["diff"] == {"before": "", "after": ""} and len(changing(emu)) == 1


def test_absent_with_another_region_deletes_nothing(emu):
    result = environment(emu, name="prod-US-1", region="NORWAY-1", state="absent")
    assert result["failed"] and result["msg"] == (
        "environment prod-US-1 (id 3) is in region US-1, not NORWAY-1: not deleted; give region US-1, or leave region out"
    ), result
    assert changing(emu) == [] and regions(emu) == DEFAULT


def test_deleting_an_environment_that_holds_machines_fails_with_the_apis_reason(fleet):
    result = environment(fleet, name="prod-US-1", state="absent")
    assert (
        result["failed"]
        and result["status_code"] == 400
        and result["msg"]
        == (
            "deleting environment prod-US-1 (id 3) (DELETE /core/environments/3): HTTP 400 Bad Request from %s/core/environments/3:"
            " Environment prod-US-1 still has 1 virtual machine: delete them first (error_reason: Bad Request)" % fleet.api_url
        )
    ), result
    assert changing(fleet) == [("DELETE", "/core/environments/3", None)] and regions(fleet) == DEFAULT


def test_check_mode_says_the_api_will_refuse_to_delete_an_environment_that_holds_machines(fleet):
    result = environment(fleet, check_mode=True, diff=True, name="prod-US-1", state="absent")
    assert not result.get("failed") and result["changed"] is False, result
    assert result["warnings"] == [
        "the API will refuse to delete environment prod-US-1 (id 3): it still holds 1 virtual machines (web-01);"
        " delete them first (hyperstack_vm, state absent)"
    ]
    assert result["diff"]["before"] == result["diff"]["after"] and changing(fleet) == []


# -- an answer lost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", LOST)
def test_a_lost_answer_of_a_create_that_was_carried_out_is_read_again_not_sent_again(emu, fault):
    emu.state.add_faults([dict(fault, path="/core/environments", method="POST", acted=True)])
    result = environment(emu, name="scratch-NORWAY-1", region="NORWAY-1")
    assert not result.get("failed") and result["changed"] is True, result
    assert result["environment"] == {"id": 4, "name": "scratch-NORWAY-1", "region": "NORWAY-1"}
    assert len(result["warnings"]) == 1 and result["warnings"][0].startswith("creating environment scratch-NORWAY-1 (POST /core/environments): ")
    assert result["warnings"][0].endswith(
        " (the request may have been carried out: it is not sent again; read the state before trying again): the answer was lost; read again,"
        " environment scratch-NORWAY-1 was created"
    ), result["warnings"]
    assert len(changing(emu)) == 1


@pytest.mark.parametrize("fault", LOST[:3])
def test_a_lost_answer_of_a_create_not_carried_out_fails_saying_it_may_yet_be(emu, fault):
    emu.state.add_faults([dict(fault, path="/core/environments", method="POST")])
    result = environment(emu, name="scratch-NORWAY-1", region="NORWAY-1")
    assert result["failed"] and result["msg"].startswith("creating environment scratch-NORWAY-1 (POST /core/environments): "), result
    assert result["msg"].endswith(
        " (the request may have been carried out: it is not sent again; read the state before trying again); read again, there is no environment"
        " scratch-NORWAY-1: it may yet be created, and was not sent again"
    ), result["msg"]
    assert len(changing(emu)) == 1 and regions(emu) == DEFAULT


def test_a_lost_answer_of_a_delete_is_read_again(emu):
    emu.state.add_faults([{"status": 502, "path": "/core/environments/3", "acted": True}])
    result = environment(emu, name="prod-US-1", state="absent")
    assert not result.get("failed") and result["changed"] is True and "prod-US-1" not in regions(emu), result
    emu.state.add_faults([{"status": 502, "path": "/core/environments/2"}])
    result = environment(emu, name="ml-CANADA-1", state="absent")
    assert result["failed"] and result["msg"].endswith(
        "; read again, environment ml-CANADA-1 (id 2) is still there: it may yet be deleted, and was not sent again"
    )
    assert [r[:2] for r in changing(emu)] == [("DELETE", "/core/environments/3"), ("DELETE", "/core/environments/2")] and "ml-CANADA-1" in regions(emu)


def test_a_failed_read_after_a_lost_answer_says_it_is_not_known(emu):
    emu.state.add_faults(
        [{"status": 503, "path": "/core/environments", "method": "POST"}, {"status": 503, "path": "/core/environments", "skip": 1, "times": 5}]
    )
    result = environment(emu, name="scratch-NORWAY-1", region="NORWAY-1", api_retries=0)
    unavailable = (
        "HTTP 503 Service Unavailable from %s/core/environments: Service Unavailable (error_reason: injected fault); the API had a server error;"
        " try again later" % emu.api_url
    )
    assert (
        result["failed"]
        and result["status_code"] == 503
        and result["msg"]
        == (
            "creating environment scratch-NORWAY-1 (POST /core/environments): %s (the request may have been carried out: it is not sent again; read the"
            " state before trying again); reading again failed too, so whether it was created is not known: reading the environments"
            " (GET /core/environments): %s" % (unavailable, unavailable)
        )
    ), result
    assert len(changing(emu)) == 1


# -- on a host, and the key ----------------------------------------------------------------------------


@pytest.mark.slow
def test_on_a_host_the_result_is_the_controllers(emu, collection_tree):
    args = dict(api_key=KEY, api_url=emu.api_url, name="scratch-NORWAY-1", region="NORWAY-1", _ansible_check_mode=True, _ansible_diff=True)
    status, result = run_module(collection_tree, "hyperstack_environment", args)
    here = environment(emu, check_mode=True, diff=True, name="scratch-NORWAY-1", region="NORWAY-1")
    assert status == 0 and {k: result[k] for k in ("changed", "environment", "diff")} == {k: here[k] for k in ("changed", "environment", "diff")}, result
    status, result = run_module(collection_tree, "hyperstack_environment", dict(args, _ansible_check_mode=False))
    assert status == 0 and result["environment"] == {"id": 4, "name": "scratch-NORWAY-1", "region": "NORWAY-1"}, result
    assert changing(emu) == [("POST", "/core/environments", {"name": "scratch-NORWAY-1", "region": "NORWAY-1"})]


def test_the_key_is_never_in_a_result(emu):
    emu.state.add_faults([{"action": "echo_key", "path": "/core/environments"}])
    result = environment(emu, name="scratch-NORWAY-1", region="NORWAY-1")
    assert result["failed"] and find_secret(json.dumps(result)) is None, result
