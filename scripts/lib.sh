# shellcheck shell=bash
# Shared set-up for scripts/demo.sh and scripts/test.sh: a Python of the right
# version, a virtualenv per ansible-core release, and the collection laid out where
# ansible-test and ansible-playbook look for it. Everything lands under .venv/ and
# .build/ in the checkout; nothing is installed system-wide.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Scratch space (collection tree, built tarballs, logs); HS_BUILD lets runs side by side
# use their own.
BUILD=${HS_BUILD:-$ROOT/.build}
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\n== %s\n' "$*" >&2; }

# find_python X.Y: a python of that version on PATH or under pyenv, or nothing.
find_python() {
    local want=$1 candidate
    for candidate in "python$want" "$HOME"/.pyenv/versions/"$want".*/bin/python "python3"; do
        candidate=$(command -v "$candidate" 2>/dev/null) || continue
        if [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# ensure_venv CORE PYTHON_VERSION [pip requirement files...]: prints the venv's path
# (.venv/ansible-CORE, or .venv/$VENV_NAME when that is set).
# Installs again only when a requirement line is not in the venv's stamp yet, so one
# venv can serve callers that ask for more or fewer requirement files.
ensure_venv() {
    local core=$1 pyver=$2 python venv stamp want file
    shift 2
    venv="$ROOT/.venv/${VENV_NAME:-ansible-$core}"
    stamp="$venv/.requirements"
    want=$( (cat "$@" 2>/dev/null; echo "ansible-core==$core.*") | sed 's/#.*//; s/[[:space:]]*$//' | grep -v '^$' | sort -u)
    if [ ! -x "$venv/bin/python" ]; then
        python=$(find_python "$pyver") || {
            echo "Python $pyver is needed for ansible-core $core and was not found (on PATH or under ~/.pyenv)." >&2
            return 1
        }
        say "Creating $venv (Python $pyver, ansible-core $core)"
        rm -rf "$venv"
        "$python" -m venv "$venv" || {
            echo "Could not create a virtualenv; on Debian/Ubuntu: apt-get install python3-venv" >&2
            return 1
        }
        : >"$stamp"
    fi
    if [ -n "$(comm -23 <(echo "$want") <(sort -u "$stamp" 2>/dev/null))" ]; then
        say "Installing into $venv: ${want//$'\n'/ }"
        local args=()
        for file in "$@"; do args+=(-r "$file"); done
        # The grep drops pip's noise about this machine's empty local package mirrors.
        "$venv/bin/python" -m pip install -q "ansible-core==$core.*" "${args[@]}" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2) >&2
        sort -u "$stamp" <(echo "$want") -o "$stamp"
    fi
    echo "$venv"
}

# collection_tree: copy the checkout's files (as git sees them: tracked and
# untracked, minus ignored) to $BUILD/tree/ansible_collections/nexgencloud/hyperstack,
# the path shape ansible-test insists on. Prints that path.
collection_tree() {
    local dest="$BUILD/tree/ansible_collections/nexgencloud/hyperstack"
    rm -rf "$BUILD/tree"
    mkdir -p "$dest"
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -xf - -C "$dest"
    # ansible-test lists content with git from the nearest repository: without one of its
    # own, the tree (under the git-ignored .build/) would count as ignored, every test skipped.
    git init -q "$dest"
    echo "$dest"
}

# start_emulator VENV LOG [emulator args...]: starts the API emulator in the background
# and sets EMULATOR_PID and EMULATOR_URL (its API URL, ending in /v1). Not in a
# subshell: the caller's trap must see the PID.
start_emulator() {
    local venv=$1 log=$2 url_file="$BUILD/emulator-$$.url" _
    shift 2
    mkdir -p "$BUILD"
    rm -f "$url_file"
    "$venv/bin/python" "$ROOT/emulator/hyperstack_emulator.py" --url-file "$url_file" "$@" >"$log" 2>&1 &
    EMULATOR_PID=$!
    for _ in $(seq 1 100); do
        if [ -s "$url_file" ]; then
            # shellcheck disable=SC2034 # read by the caller
            EMULATOR_URL=$(cat "$url_file")
            rm -f "$url_file"
            return 0
        fi
        kill -0 "$EMULATOR_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "the API emulator did not start; its log:" >&2
    cat "$log" >&2
    return 1
}
