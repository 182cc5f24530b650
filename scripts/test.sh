#!/usr/bin/env bash
# The test command, from nothing: `scripts/test.sh [STAGE...]` (default: all, in order) makes
# what it needs (a venv per ansible-core under .venv/, the collection under .build/tree/).
# The community's checks run through antsibull-nox (noxfile.py, antsibull-nox.toml); what they
# cannot run here (ansible-test needs --local, the emulator-backed suites, the EE) runs below.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# ansible-core release and the Python it runs on here; each is tested in its own venv.
# The last is the newest.
MATRIX=("2.19 3.11" "2.20 3.12" "2.21 3.13")

# A core whose Python is missing is skipped with a warning on a user's machine, and is
# an error in CI (CI=true), where every supported core must be tested.
have_python() {
    find_python "$1" >/dev/null && return 0
    if [ -n "${CI:-}" ]; then
        echo "Python $1 was not found (on PATH or under ~/.pyenv) and CI tests every supported core" >&2
        exit 1
    fi
    echo "WARNING: Python $1 not found (on PATH or under ~/.pyenv): skipping ansible-core tests that need it" >&2
    return 1
}

# The newest supported core this machine can run: sanity, release and ee use it.
newest_venv() {
    local core pyver i
    for ((i = ${#MATRIX[@]} - 1; i >= 0; i--)); do
        read -r core pyver <<<"${MATRIX[$i]}"
        if find_python "$pyver" >/dev/null; then
            ensure_venv "$core" "$pyver" "$ROOT/requirements.txt" "$ROOT/tests/requirements.txt" "$ROOT/tests/requirements-tools.txt"
            return
        fi
    done
    echo "none of the supported Pythons (${MATRIX[*]}) was found" >&2
    return 1
}

# ensure_debs PROGRAM... -- PACKAGE...: installs the Debian packages when a program is missing
# and this is root (CI, a fresh machine); otherwise says what to install and returns 1.
ensure_debs() {
    local missing=
    while [ "$1" != -- ]; do command -v "$1" >/dev/null || missing+=" $1"; shift; done
    shift
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "Installing $* (Debian packages)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >&2 && return 0
    fi
    echo "WARNING:$missing not found (apt-get install $*)" >&2
    return 1
}

# nox SESSION...: the community's checks (noxfile.py, antsibull-nox.toml), each in a venv of
# its own under $BUILD/nox, made once and reused as it is (delete $BUILD/nox to refresh the tools).
# CI=true makes the formatters check, not fix.
nox() {
    local venv
    venv=$(newest_venv)
    say "antsibull-nox: $*"
    (cd "$ROOT" && CI=true "$venv/bin/nox" --no-color --reuse-existing-virtualenvs --no-install --envdir "$BUILD/nox" -e "$@")
}

stage_sanity() {
    local venv tree
    venv=$(newest_venv)
    nox lint docs-check extra-checks
    # ansible-test's shellcheck test is skipped, with only a warning, when the program is missing.
    ensure_debs shellcheck -- shellcheck || [ -z "${CI:-}" ] || exit 1
    "$venv/bin/python" "$ROOT/scripts/seed_ansible_test_pip.py"
    tree=$(collection_tree)
    say "ansible-test sanity ($("$venv/bin/ansible" --version | sed -n 1p))"
    (cd "$tree" && "$venv/bin/ansible-test" sanity --local --python "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" --color no) 2>&1 |
        tee "$BUILD/sanity.log"
    # A sanity run that found nothing to test must not pass for a clean one.
    if grep -q "All targets skipped" "$BUILD/sanity.log"; then
        echo "ansible-test sanity found no files to test" >&2
        return 1
    fi
}

# core_venv CORE PYTHON: the venv of that core, with what the unit suites need too.
core_venv() {
    if [ "$1" = "${MATRIX[-1]%% *}" ]; then
        newest_venv
    else
        ensure_venv "$1" "$2" "$ROOT/requirements.txt" "$ROOT/tests/requirements.txt"
    fi
}

# The unit suites (the secrets scan among them) run on every core, as integration does.
stage_units() {
    local pair core pyver venv tree
    for pair in "${MATRIX[@]}"; do
        read -r core pyver <<<"$pair"
        if [ -n "${CORES:-}" ] && [[ " $CORES " != *" $core "* ]]; then continue; fi
        have_python "$pyver" || continue
        venv=$(core_venv "$core" "$pyver")
        tree=$(collection_tree)
        say "unit, fault-injection and fuzz tests (pytest, $("$venv/bin/ansible" --version | sed -n 1p))"
        (cd "$tree" && PATH="$venv/bin:$PATH" PYTHONPATH="$BUILD/tree" \
            "$venv/bin/python" -m pytest -p no:cacheprovider tests/unit "${PYTEST_ARGS[@]}")
    done
}

stage_integration() {
    local pair core pyver venv tree log targets
    read -ra targets <<<"${TARGETS:-}"
    for pair in "${MATRIX[@]}"; do
        read -r core pyver <<<"$pair"
        if [ -n "${CORES:-}" ] && [[ " $CORES " != *" $core "* ]]; then continue; fi
        have_python "$pyver" || continue
        venv=$(core_venv "$core" "$pyver")
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
        (cd "$tree" && "$venv/bin/ansible-test" integration --local --python "$pyver" --color no "${targets[@]}")
        kill "$EMULATOR_PID" 2>/dev/null || true
        trap - EXIT
    done
}

stage_release() {
    local venv tree
    venv=$(newest_venv)
    nox build-import-check ansible-lint docs-site
    tree=$(collection_tree)
    say "release checks no tool makes (tests/release) and the AWX guide as written (tests/ee/test_awx_guide.py)"
    (cd "$tree" && PATH="$venv/bin:$PATH" "$venv/bin/python" -m pytest -p no:cacheprovider tests/release tests/ee/test_awx_guide.py "${PYTEST_ARGS[@]}")
}

# The AWX guide's execution environment, built with podman and running the gate
# (tests/ee/test_ee_image.py); it skips, saying why, where podman cannot run, except in CI.
stage_ee() {
    local venv tree
    venv=$(newest_venv)
    ensure_debs podman runc debootstrap -- podman runc debootstrap || true
    tree=$(collection_tree)
    say "execution environment: build with podman, run the gate with ansible-runner and ansible-navigator"
    (cd "$tree" && PATH="$venv/bin:$PATH" "$venv/bin/python" -m pytest -p no:cacheprovider -rs tests/ee/test_ee_image.py "${PYTEST_ARGS[@]}")
}

# Event-Driven Ansible (tests/eda): ansible-rulebook from PyPI, in a venv of its own with the newest
# core, and the Java 17 runtime its rules engine needs (Debian's openjdk-17-jre-headless), running
# rulebooks over the built and installed collection against the emulator.
stage_eda() {
    local core pyver venv tree
    read -r core pyver <<<"${MATRIX[-1]}"
    have_python "$pyver" || return 0
    if ! ensure_debs java -- openjdk-17-jre-headless; then
        [ -z "${CI:-}" ] || exit 1
        echo "WARNING: skipping the eda stage: ansible-rulebook needs a Java 17 runtime" >&2
        return 0
    fi
    venv=$(VENV_NAME=eda ensure_venv "$core" "$pyver" "$ROOT/requirements.txt" "$ROOT/tests/requirements-eda.txt")
    tree=$(collection_tree)
    say "Event-Driven Ansible: rulebooks over the installed collection ($("$venv/bin/ansible-rulebook" --version | sed -n 1p), $(java -version 2>&1 | sed -n 1p))"
    (cd "$tree" && PATH="$venv/bin:$PATH" PYTHONPATH="$BUILD/tree" "$venv/bin/python" -m pytest -p no:cacheprovider tests/eda "${PYTEST_ARGS[@]}")
}

# PYTEST_K selects unit tests by name; PYTEST_OPTS adds pytest options (e.g. -s to see the soak's figures).
read -ra PYTEST_ARGS <<<"${PYTEST_OPTS:-}"
[ -n "${PYTEST_K:-}" ] && PYTEST_ARGS+=(-k "$PYTEST_K")
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(sanity units integration release eda ee)
start=$(date +%s)
for stage in "${stages[@]}"; do
    case "$stage" in
        sanity | units | integration | release | eda | ee)
            t=$(date +%s)
            "stage_$stage"
            say "stage $stage passed in $(($(date +%s) - t)) s"
            ;;
        *) echo "unknown stage: $stage (sanity, units, integration, release, eda, ee)" >&2; exit 2 ;;
    esac
done
say "all stages passed (${stages[*]}) in $(($(date +%s) - start)) s"
