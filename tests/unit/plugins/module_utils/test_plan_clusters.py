# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tests of plugins/module_utils/_plan.py, clusters: a cluster plan item checked (a node group's defaults, one
kind of item, no public IP), and a bad one refused with one line naming its part."""

from __future__ import annotations

import pytest

from ansible_collections.nexgencloud.hyperstack.plugins.module_utils import _plan
from ansible_collections.nexgencloud.hyperstack.tests.unit.support import refused


@pytest.mark.parametrize(
    "cluster, message",
    [
        ({"node_flavor": "a", "node_count": 1}, "plan item 1: cluster needs master_flavor (the flavor of its master nodes, e.g. n1-cpu-medium)"),
        ({"master_flavor": "m"}, "plan item 1: cluster needs workers: node_flavor and node_count, or node_groups"),
        ({"master_flavor": "m", "node_flavor": "a"}, "plan item 1: cluster: node_flavor and node_count go together (the default worker group)"),
        ({"master_flavor": "m", "node_flavor": "a", "node_count": 1, "master_count": 4}, "plan item 1: cluster: master_count must be 3 or less, got 4"),
        ({"master_flavor": "m", "node_flavor": "a", "node_count": 1, "master_count": 1}, "plan item 1: cluster: master_count must be 2 or more, got 1"),
        ({"master_flavor": "m", "node_flavor": "a", "node_count": 0}, "plan item 1: cluster: node_count must be 1 or more, got 0"),
        (
            {"master_flavor": "m", "node_groups": [{"flavor": "a", "count": 3, "max_count": 2}]},
            "plan item 1: cluster: node group 1: max_count must be 3 or more, got 2",
        ),
        ({"master_flavor": "m", "node_groups": [{"flavor": "a", "max_count": 21}]}, "plan item 1: cluster: node group 1: max_count must be 20 or less, got 21"),
        ({"master_flavor": "m", "node_groups": [{"count": 1}]}, "plan item 1: cluster: node group 1: flavor must be a flavor name, got null"),
        ({"master_flavor": "m", "node_groups": "a"}, 'plan item 1: cluster: node_groups must be a list of {flavor, count, max_count}, got "a"'),
        (
            {"master_flavor": "m", "node_flavor": "a", "node_count": 1, "deployment_mode": "lite"},
            'plan item 1: cluster: deployment_mode must be full or standard, got "lite"',
        ),
        (
            {"master_flavor": "m", "workers": 2},
            "plan item 1: cluster has unknown keys workers: the keys are master_flavor, master_count, node_flavor, node_count, node_groups,"
            " deployment_mode, support_flavor",
        ),
        (
            "big",
            "plan item 1: cluster must be a dictionary of master_flavor, master_count, node_flavor, node_count, node_groups, deployment_mode,"
            ' support_flavor, got "big"',
        ),
    ],
)
def test_bad_clusters_are_refused_with_one_line(cluster, message):
    assert refused(_plan.check_plan, [{"cluster": cluster}]) == message


def test_a_cluster_is_one_kind_of_item_and_takes_no_public_ip():
    assert "must have exactly one of" in refused(_plan.check_plan, [{"cluster": {"master_flavor": "m"}, "flavor": "f"}])
    message = refused(_plan.check_plan, [{"cluster": {"master_flavor": "m", "node_flavor": "a", "node_count": 1}, "public_ip": True}])
    assert message == "plan item 1: public_ip applies to a flavor, not a cluster"


@pytest.mark.parametrize(
    "cluster, message",
    [
        ({"master_flavor": 5, "node_flavor": "n", "node_count": 1}, "plan item 1: cluster: master_flavor must be a flavor name, got 5"),
        ({"master_flavor": "m", "node_flavor": " ", "node_count": 1}, 'plan item 1: cluster: node_flavor must be a flavor name, got " "'),
        (
            {"master_flavor": "m", "node_flavor": "n", "node_count": 1, "support_flavor": []},
            "plan item 1: cluster: support_flavor must be a flavor name, got []",
        ),
        ({"master_flavor": "m", "node_groups": [{"flavor": "a", "count": 0}]}, "plan item 1: cluster: node group 1: count must be 1 or more, got 0"),
    ],
)
def test_each_part_of_a_cluster_is_named_when_refused(cluster, message):
    assert refused(_plan.check_plan, [{"cluster": cluster}]) == message


def test_a_node_group_starts_with_one_worker_and_a_flavor_must_be_a_name():
    cluster = _plan.check_plan([{"cluster": {"master_flavor": "m", "node_groups": [{"flavor": "a"}]}}])[0]["cluster"]
    assert cluster["node_groups"] == [{"flavor": "a", "count": 1, "max_count": None}]
    assert refused(_plan.check_plan, [{"flavor": 5}]) == "plan item 1: flavor must be a flavor name, got 5"
