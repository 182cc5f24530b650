#!/usr/bin/env bash
# The test command, from nothing: `scripts/test.sh [SESSION...]` runs those nox sessions of noxfile.py
# (default: its stages sanity units system integration release eda ee, in order; scripts/demo.sh runs
# its session demo through it). `nox -l` lists them, with one per core for units, system and
# integration (units-2.21, integration-2.19, ...); CI, CORES, TARGETS, PYTEST_K and PYTEST_OPTS reach
# them through the environment. nox itself, antsibull-nox and uv live in .venv/nox, made here on the
# newest Python 3 on PATH or under pyenv, and made afresh when tests/requirements-nox.txt changes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
venv=$ROOT/.venv/nox
requirements=$ROOT/tests/requirements-nox.txt
export PIP_DISABLE_PIP_VERSION_CHECK=1
# Every venv uv makes (nox's, the cores', antsibull-nox's) is byte-compiled once, as it is made: where Python may not
# write its bytecode (PYTHONDONTWRITEBYTECODE, as CI machines often set), each process would compile what it imports.
export UV_COMPILE_BYTECODE=1

say() { printf '\n== %s\n' "$*" >&2; }

if ! cmp -s "$requirements" "$venv/.requirements"; then
    # antsibull-nox's checks run on nox's Python. nullglob: without pyenv the pattern is no
    # candidate, not a literal one that fails the loop.
    python=$(shopt -s nullglob; for candidate in python3 $(compgen -c python3. | grep -E '^python3\.[0-9]+$') "$HOME"/.pyenv/versions/3.*/bin/python; do
        command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; print("%d.%03d" % sys.version_info[:2], sys.executable)' 2>/dev/null
    done | sort | tail -1 | cut -d' ' -f2- || true)
    [ -n "$python" ] || {
        echo "No python3 was found (on PATH or under ~/.pyenv): the tests need Python 3.11 or later" >&2
        exit 1
    }
    say "Installing nox into $venv ($python)"
    "$python" -m venv --clear "$venv" || {
        echo "Could not create a virtualenv; on Debian/Ubuntu: apt-get install python3-venv" >&2
        exit 1
    }
    # uv from PyPI with pip, then the rest with uv (seconds, where pip takes more). The grep drops
    # pip's noise about this machine's empty local package mirrors.
    "$venv/bin/python" -m pip install -q "$(grep -E '^uv([<>=!~ ]|$)' "$requirements")" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2) >&2
    "$venv/bin/uv" pip install -q --python "$venv/bin/python" -r "$requirements"
    cp "$requirements" "$venv/.requirements"
fi

args=()
[ $# -eq 0 ] || args=(-s "$@")
start=$(date +%s)
cd "$ROOT"
# -R reuses the sessions' venvs; -x: the first session that fails stops the run, as a failing step stops CI.
"$venv/bin/nox" --no-color -R -x "${args[@]}"
say "passed: ${*:-sanity units system integration release eda ee} in $(($(date +%s) - start)) s"
