# shellcheck shell=bash
# What scripts/demo.sh and scripts/test.sh share: nox, in a virtualenv of its own (.venv/nox), runs
# their sessions (noxfile.py), which make the rest under .venv/ and .build/ in the checkout.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\n== %s\n' "$*" >&2; }

# run_nox ARG...: nox with these arguments, from the checkout, reusing the sessions' venvs (-R).
run_nox() {
    local venv=$ROOT/.venv/nox requirements=$ROOT/tests/requirements-nox.txt python
    if ! cmp -s "$requirements" "$venv/.requirements"; then
        # The newest Python 3 on PATH or under pyenv: antsibull-nox's checks run on nox's Python.
        # nullglob: without pyenv the pattern is no candidate, not a literal one that fails the loop.
        python=$(shopt -s nullglob; for candidate in python3 $(compgen -c python3. | grep -E '^python3\.[0-9]+$') "$HOME"/.pyenv/versions/3.*/bin/python; do
            command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; print("%d.%03d" % sys.version_info[:2], sys.executable)' 2>/dev/null
        done | sort | tail -1 | cut -d' ' -f2- || true)
        [ -n "$python" ] || {
            echo "No python3 was found (on PATH or under ~/.pyenv): the tests need Python 3.11 or later" >&2
            return 1
        }
        say "Installing nox into $venv ($python)"
        "$python" -m venv --clear "$venv" || {
            echo "Could not create a virtualenv; on Debian/Ubuntu: apt-get install python3-venv" >&2
            return 1
        }
        # The grep drops pip's noise about this machine's empty local package mirrors.
        "$venv/bin/python" -m pip install -q -r "$requirements" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2) >&2
        cp "$requirements" "$venv/.requirements"
    fi
    (cd "$ROOT" && "$venv/bin/nox" --no-color -R "$@")
}
