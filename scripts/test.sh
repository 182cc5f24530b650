#!/usr/bin/env bash
# The test command, from nothing: every stage sets up what it needs (virtualenvs per
# ansible-core release under .venv/, the collection laid out under .build/tree/).
#
#   scripts/test.sh                 all stages
#   scripts/test.sh units sanity    only those stages, in that order
#
# Stages: sanity (ansible-test sanity, newest core), units (pytest against loopback
# servers: the emulator, pytest-httpserver, a trustme CA), integration (ansible-test
# integration against the emulator, on every supported core), release (changelog,
# ansible-lint, execution environment, galaxy build).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NEWEST=2.21
# ansible-core release and the Python it runs on here; each is tested in its own venv.
MATRIX=("2.19 3.11" "2.20 3.12" "2.21 3.13")

python_of() {
    local pair
    for pair in "${MATRIX[@]}"; do
        set -- $pair
        [ "$1" = "$CORE" ] && { echo "$2"; return; }
    done
}

newest_venv() {
    CORE=$NEWEST
    ensure_venv "$NEWEST" "$(python_of)" "$ROOT/requirements.txt" "$ROOT/tests/requirements.txt" \
        "$ROOT/tests/requirements-tools.txt"
}

stage_sanity() {
    local venv tree
    venv=$(newest_venv)
    "$venv/bin/python" "$ROOT/scripts/seed_ansible_test_pip.py"
    tree=$(collection_tree)
    say "ansible-test sanity (ansible-core $NEWEST)"
    (cd "$tree" && "$venv/bin/ansible-test" sanity --local --python "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" --color no)
}

stage_units() {
    local venv tree
    venv=$(newest_venv)
    tree=$(collection_tree)
    say "unit, fault-injection and fuzz tests (pytest, ansible-core $NEWEST)"
    (cd "$tree" && PATH="$venv/bin:$PATH" PYTHONPATH="$BUILD/tree" \
        "$venv/bin/python" -m pytest -p no:cacheprovider tests/unit "${PYTEST_ARGS[@]}")
}

stage_integration() {
    local pair core pyver venv tree log
    for pair in "${MATRIX[@]}"; do
        set -- $pair
        core=$1 pyver=$2
        if [ -n "${CORES:-}" ] && [[ " $CORES " != *" $core "* ]]; then continue; fi
        if [ "$core" = "$NEWEST" ]; then
            CORE=$core venv=$(newest_venv)
        else
            venv=$(ensure_venv "$core" "$pyver" "$ROOT/requirements.txt")
        fi
        tree=$(collection_tree)
        log="$BUILD/emulator-integration-$core.log"
        start_emulator "$venv" "$log" --api-key integration-key
        # The emulator lives only as long as this stage.
        trap 'kill "$EMULATOR_PID" 2>/dev/null || true' EXIT
        cat >"$tree/tests/integration/integration_config.yml" <<EOF
---
hyperstack_api_url: $EMULATOR_URL
hyperstack_api_key: integration-key
hyperstack_emulator: ${EMULATOR_URL%/v1}/_emulator
EOF
        say "ansible-test integration (ansible-core $core, Python $pyver)"
        (cd "$tree" && "$venv/bin/ansible-test" integration --local --python "$pyver" --color no ${TARGETS:-})
        kill "$EMULATOR_PID" 2>/dev/null || true
        trap - EXIT
    done
}

stage_release() {
    local venv tree
    venv=$(newest_venv)
    tree=$(collection_tree)
    if [ -x "$ROOT/scripts/release_checks.sh" ]; then
        PATH="$venv/bin:$PATH" bash "$ROOT/scripts/release_checks.sh" "$tree"
    fi
}

PYTEST_ARGS=()
[ -n "${PYTEST_K:-}" ] && PYTEST_ARGS=(-k "$PYTEST_K")
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(sanity units integration release)
start=$(date +%s)
for stage in "${stages[@]}"; do
    case "$stage" in
        sanity | units | integration | release) "stage_$stage" ;;
        *) echo "unknown stage: $stage (sanity, units, integration, release)" >&2; exit 2 ;;
    esac
done
say "all stages passed (${stages[*]}) in $(($(date +%s) - start)) s"
