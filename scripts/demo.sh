#!/usr/bin/env bash
# The main job, from nothing: set up ansible-core and the collection, then run the
# credit gate playbook (examples/credit_gate.yml) twice against the API emulator:
# once with enough credit (it passes), once with too little (it stops the play); then
# the plan gate (examples/plan_gate.yml): a deployment the credit covers, and one it
# does not, each with its breakdown and its report in Markdown (what a CI job summary shows).
# With HYPERSTACK_API_KEY set, it runs the gate once against the real API instead.
set -euo pipefail
# The nox session demo (run by scripts/test.sh, which makes nox's venv) makes the venv (the oldest
# supported core this machine has), starts the emulator unless HYPERSTACK_API_KEY is set, and runs
# this script again with HS_VENV and EMULATOR_URL.
[ -n "${HS_VENV:-}" ] || exec bash "$(dirname "$0")/test.sh" demo
ROOT=$(cd "$(dirname "$0")/.." && pwd)
venv=$HS_VENV
say() { printf '\n== %s\n' "$*" >&2; }
BUILD=${HS_BUILD:-$ROOT/.build}
# Set before the install, so ansible-galaxy does not warn that the path is not a configured one.
export ANSIBLE_COLLECTIONS_PATH="$BUILD/collections" ANSIBLE_LOCALHOST_WARNING=false
say "Building and installing the collection into $BUILD/collections"
rm -rf "$BUILD/dist"
"$venv/bin/ansible-galaxy" collection build "$ROOT" --output-path "$BUILD/dist" --force >/dev/null
"$venv/bin/ansible-galaxy" collection install "$BUILD"/dist/nexgencloud-hyperstack-*.tar.gz \
    -p "$BUILD/collections" --force >/dev/null
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
gate() { "$venv/bin/ansible-playbook" "$ROOT/examples/credit_gate.yml"; }
plan_gate() { "$venv/bin/ansible-playbook" "$ROOT/examples/plan_gate.yml" "$@"; }
set_credit() {
    "$venv/bin/python" - "$EMULATOR_URL" "$1" <<'PY'
import json, sys, urllib.request
base = sys.argv[1].rsplit("/v1", 1)[0]
request = urllib.request.Request(base + "/_emulator/state", data=json.dumps({"credit": float(sys.argv[2])}).encode(), method="POST")
urllib.request.urlopen(request, timeout=5).read()
PY
}

if [ -z "${EMULATOR_URL:-}" ]; then
    say "HYPERSTACK_API_KEY is set: running the gate against ${HYPERSTACK_API_URL:-${HYPERSTACK_API_ADDRESS:-the real Hyperstack API}}"
    gate && plan_gate
    exit $?
fi

export HYPERSTACK_API_KEY=demo-key HYPERSTACK_API_URL="$EMULATOR_URL"

say "Run 1 of 4: the organization has \$1,500.00 of credit; the gate asks for \$100 of headroom"
gate

say "Run 2 of 4: the credit drops to \$42.50; the same gate must stop the play"
set_credit 42.5
# Only the gate's own verdict counts: a failure of any other kind is a failure of the demo.
if gate | tee "$BUILD/demo-run2.log"; then
    echo "demo: the gate let a \$42.50 organization through; that is a bug" >&2
    exit 1
fi
grep -q "Not enough Hyperstack credit to provision" "$BUILD/demo-run2.log" || {
    echo "demo: the second run failed, but not at the gate: see the output above" >&2
    exit 1
}

say "Run 3 of 4: the plan gate, \$1,500.00 of credit: two A100 machines and a 1 TB volume for 72 h on top of what runs"
set_credit 1500
rm -f "$BUILD/demo-report3.md" "$BUILD/demo-report4.md"
plan_gate -e plan_report="$BUILD/demo-report3.md" | tee "$BUILD/demo-run3.log"
grep -q "Plan covered: the plan costs" "$BUILD/demo-run3.log"
say "The plan gate's report (hyperstack_credit_gate.report), as a CI job summary or a merge-request comment shows it"
cat "$BUILD/demo-report3.md"
grep -q "^\*\*Verdict: passed\*\*$" "$BUILD/demo-report3.md"

say "Run 4 of 4: the same plan with \$250.00 of credit must be stopped, with its breakdown"
set_credit 250
if plan_gate -e plan_report="$BUILD/demo-report4.md" | tee "$BUILD/demo-run4.log"; then
    echo "demo: the plan gate let a plan through that \$250.00 does not cover; that is a bug" >&2
    exit 1
fi
grep -q "Hyperstack credit gate failed: the plan costs .* more than the headroom \$250.00" "$BUILD/demo-run4.log" || {
    echo "demo: the fourth run failed, but not at the plan gate: see the output above" >&2
    exit 1
}
say "The stopped plan's report, with its reasons"
cat "$BUILD/demo-report4.md"
grep -q "^\*\*Verdict: failed" "$BUILD/demo-report4.md"
say "demo: both gates passed with enough credit and stopped the play with too little, as they should"
