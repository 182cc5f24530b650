#!/usr/bin/env bash
# Mutation testing of plugins/module_utils/ with mutmut. Slow (minutes per file on two cores),
# so it is not a stage of scripts/test.sh and not run in CI.
#
#   scripts/mutation.sh                                  every file of plugins/module_utils/
#   scripts/mutation.sh plugins/module_utils/_client.py  the files named
#   scripts/mutation.sh --score                          the counts so far, also during a run
#   scripts/mutation.sh --results                        the survivors of the last run, with their diffs
#                                                        (not during a run: mutmut's commands re-read the
#                                                        file being mutated and spoil its cache)
#
# mutmut changes the code one operator at a time and runs the tests named in setup.cfg [mutmut]
# (the runner) against each change: a mutant the tests let live is a behaviour no test pins.
# The run works on a copy of the checkout (the files git sees) in $HS_BUILD/mutation, default
# .build/mutation, so a stopped run never leaves a mutant in the checkout; mutmut's cache stays
# there, and a second run tests again only the mutants whose code or tests changed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${HS_BUILD:-$ROOT/.build}
VENV=$ROOT/.venv/mutation
WORK=$BUILD/mutation
REQUIREMENTS=$ROOT/tests/requirements-mutation.txt
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! cmp -s "$REQUIREMENTS" "$VENV/.requirements"; then
    "$VENV/bin/python" -m pip install -q -r "$REQUIREMENTS" 2> >(grep -v "is neither a file nor a directory" >&2) >&2
    cp "$REQUIREMENTS" "$VENV/.requirements"
fi
export PATH="$VENV/bin:$PATH"
# A mutant of the same size written within the same second as the code before it would be
# hidden by the cached bytecode of that code (.pyc files record whole seconds): write none.
export PYTHONDONTWRITEBYTECODE=1

score() {
    # Counts by outcome, from mutmut's cache, for the files of plugins/module_utils/.
    (cd "$WORK" && python - <<'PY'
import collections, sqlite3
db = sqlite3.connect(".mutmut-cache")
rows = db.execute(
    "SELECT sf.filename, m.status FROM mutant m JOIN line l ON m.line = l.id JOIN sourcefile sf ON l.sourcefile = sf.id"
).fetchall()
by_file = collections.defaultdict(collections.Counter)
for filename, status in rows:
    by_file[filename][status] += 1
for filename, counts in sorted(by_file.items()):
    tested = sum(n for s, n in counts.items() if s != "untested")
    killed = counts["ok_killed"] + counts["bad_timeout"] + counts["ok_suspicious"]
    print("%s: %d mutants, %d tested, %d killed, %d survived, score %.1f%%" % (
        filename, sum(counts.values()), tested, killed, counts["bad_survived"], 100.0 * killed / tested if tested else 0))
PY
    )
}

if [ "${1:-}" = "--score" ]; then
    score  # from the cache alone: safe while a run goes on
    exit 0
fi
if [ "${1:-}" = "--results" ]; then
    cd "$WORK"
    mutmut results
    for id in $(mutmut result-ids survived); do
        echo "--- survivor $id"
        mutmut show "$id"
    done
    score
    exit 0
fi

# Refresh the copy, keeping mutmut's cache.
mkdir -p "$WORK"
find "$WORK" -mindepth 1 -maxdepth 1 ! -name .mutmut-cache -exec rm -rf {} +
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -xf - -C "$WORK"
find "$WORK" -name __pycache__ -prune -exec rm -rf {} +

paths=$(IFS=,; echo "${*:-plugins/module_utils/}")
cd "$WORK"
# The mutation profile runs fewer hypothesis examples per mutant (conftest.py).
status=0
# MUTMUT_OPTS passes more options, e.g. "--enable-mutation-types string,fstring" (with its own
# HS_BUILD, a second run can take another share of the mutants at the same time).
read -ra more <<<"${MUTMUT_OPTS:-}"
HYPOTHESIS_PROFILE=mutation mutmut run --paths-to-mutate "$paths" --no-progress "${more[@]}" || status=$?
score
# mutmut's exit status is a bit field; 1 is a fatal error (a failing baseline), the rest are outcomes.
[ $((status & 1)) -eq 0 ]
