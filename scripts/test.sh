#!/usr/bin/env bash
# The test command, from nothing: `scripts/test.sh [STAGE...]` runs those nox sessions of noxfile.py
# (default: sanity units integration release eda ee, in order). `nox -l` lists them, with one per
# core for units and integration (units-2.21, integration-2.19, ...); CORES, TARGETS, PYTEST_K and
# PYTEST_OPTS reach them through the environment.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

args=()
[ $# -eq 0 ] || args=(-s "$@")
start=$(date +%s)
# Under CI=true antsibull-nox's formatters check, never fix; the sessions get the CI given here (HS_CI).
export HS_CI=${CI:-}
# -x: the first stage that fails stops the run, as a failing step stops CI.
CI=true run_nox -x "${args[@]}"
say "all stages passed (${*:-sanity units integration release eda ee}) in $(($(date +%s) - start)) s"
