#!/usr/bin/env bash
# Release checks for the collection, run by `scripts/test.sh release`:
#
#   scripts/release_checks.sh <collection tree>
#
# <collection tree> is the collection laid out as ansible_collections/nexgencloud/hyperstack
# (scripts/lib.sh collection_tree makes one from the checkout). The tools come from PATH:
# ansible-core, antsibull-changelog, ansible-builder (tests/requirements-tools.txt).
# Every check runs, even after a failure; the script ends non-zero when any failed. Nothing
# here uses the network. What antsibull-nox checks (ansible-lint, docs, the build, the docs
# site) and the execution environment image (tests/ee/test_ee_image.py) are other steps of
# the release and ee stages.
set -euo pipefail

TREE=$(cd "${1:?usage: $0 <collection tree (.../ansible_collections/nexgencloud/hyperstack)>}" && pwd)
COLLECTIONS_ROOT=$(cd "$TREE/../../.." && pwd)
[ "$(basename "$(dirname "$(dirname "$TREE")")")" = ansible_collections ] || {
    echo "$TREE is not at .../ansible_collections/<namespace>/<name>" >&2
    exit 2
}
for tool in python ansible-galaxy antsibull-changelog; do
    command -v "$tool" >/dev/null || {
        echo "$tool is not on PATH: put the virtualenv with tests/requirements-tools.txt first on PATH" >&2
        exit 2
    }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hs-release-checks.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# Keep ansible away from ~/.ansible: only the tree under test is seen.
export ANSIBLE_HOME="$WORK/ansible-home"
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_ROOT"
export ANSIBLE_NOCOLOR=1 NO_COLOR=1

VERSION=$(python -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$TREE/galaxy.yml")
TARBALL="$WORK/dist/nexgencloud-hyperstack-$VERSION.tar.gz"
FAILED=()

# check NAME FUNCTION: runs FUNCTION in a subshell under `set -e`, records a failure.
check() {
    local name=$1 rc
    shift
    printf '\n-- %s\n' "$name"
    set +e
    (set -e; "$@")
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then echo "   ok"; else echo "   FAILED: $name" >&2; FAILED+=("$name"); fi
}

fail() {
    echo "   $*" >&2
    return 1
}

check_versions() {
    # The User-Agent version lives in module_utils (only .py files travel with a module);
    # galaxy.yml is the release version. They must be the same string.
    python - "$TREE" "$VERSION" <<'PY'
import ast, re, sys
tree, version = sys.argv[1:]
path = tree + "/plugins/module_utils/_client.py"
found = [node.value.value for node in ast.parse(open(path).read()).body
         if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COLLECTION_VERSION" for t in node.targets)]
if not re.fullmatch(r"\d+\.\d+\.\d+", version):
    sys.exit("   galaxy.yml version %r is not MAJOR.MINOR.PATCH" % version)
if found != [version]:
    sys.exit("   galaxy.yml says version %s but COLLECTION_VERSION in plugins/module_utils/_client.py says %s: "
             "make them equal" % (version, found[0] if found else "nothing"))
print("   galaxy.yml and COLLECTION_VERSION (User-Agent) are both %s" % version)
PY
}

check_version_added() {
    # antsibull-changelog lists a plugin or role as new in a release only when its
    # version_added names that release; a wrong or missing one drops it from the changelog.
    python - "$TREE" "$VERSION" <<'PY'
import ast, glob, os, sys, yaml
tree, version = sys.argv[1:]
released = set((yaml.safe_load(open(tree + "/changelogs/changelog.yaml")) or {}).get("releases") or {})
allowed = released | {version}
bad = []
seen = 0
for path in sorted(glob.glob(tree + "/plugins/*/*.py")):
    kind = path.split("/")[-2]
    if kind in ("module_utils", "doc_fragments", "plugin_utils") or os.path.basename(path) == "__init__.py":
        continue
    docs = [n.value.value for n in ast.parse(open(path).read()).body
            if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "DOCUMENTATION" for t in n.targets)]
    added = (yaml.safe_load(docs[0]) or {}).get("version_added") if docs else None
    seen += 1
    if str(added) not in allowed:
        bad.append("%s: version_added is %r" % (os.path.relpath(path, tree), added))
for path in sorted(glob.glob(tree + "/roles/*/")):
    spec_path = path + "meta/argument_specs.yml"
    main = ((yaml.safe_load(open(spec_path)) or {}).get("argument_specs") or {}).get("main") or {} if os.path.exists(spec_path) else {}
    added = main.get("version_added")
    seen += 1
    if str(added) not in allowed:
        bad.append("%s: main.version_added is %r" % (os.path.relpath(spec_path, tree), added))
if bad:
    sys.exit("   version_added must be a released version or this one (%s):\n     %s" % (", ".join(sorted(allowed)), "\n     ".join(bad)))
print("   %d plugins and roles, each with version_added in %s" % (seen, sorted(allowed)))
PY
}

check_changelog_lint() {
    (cd "$TREE" && antsibull-changelog lint)
    (cd "$TREE" && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml)
    echo "   fragments and changelogs/changelog.yaml are valid"
}

check_changelog_current() {
    # Regenerate in a copy: CHANGELOG.md must be what changelogs/changelog.yaml says, and the
    # release entry for this version must list every plugin and role added in it.
    local copy="$WORK/changelog/ansible_collections/nexgencloud/hyperstack"
    mkdir -p "$copy"
    cp -a "$TREE/." "$copy/"
    (cd "$copy" && antsibull-changelog generate --reload-plugins) 2>&1 | { grep -v 'does not have a MANIFEST.json' || true; }
    diff -u "$TREE/CHANGELOG.md" "$copy/CHANGELOG.md" ||
        fail "CHANGELOG.md is not what changelogs/changelog.yaml generates: run 'antsibull-changelog generate' in the checkout"
    echo "   CHANGELOG.md is what 'antsibull-changelog generate' writes"
    python -c 'import sys, yaml; sys.exit(sys.argv[2] not in (yaml.safe_load(open(sys.argv[1])).get("releases") or {}))' \
        "$TREE/changelogs/changelog.yaml" "$VERSION" ||
        fail "changelogs/changelog.yaml has no release $VERSION (galaxy.yml's version): run 'antsibull-changelog release' in the checkout"
    # Pending fragments belong to the next release; leave them out of this comparison.
    rm -f "$copy"/changelogs/fragments/*
    # (It warns that the release exists and that no fragment brings a summary: expected here.)
    (cd "$copy" && antsibull-changelog release --version "$VERSION" --reload-plugins) 2>&1 |
        { grep -v -e 'does not have a MANIFEST.json' -e 'already exists' -e 'no release_summary' || true; }
    diff -u "$TREE/changelogs/changelog.yaml" "$copy/changelogs/changelog.yaml" ||
        fail "release $VERSION in changelogs/changelog.yaml misses the plugins or roles above: run 'antsibull-changelog release --version $VERSION --reload-plugins' in the checkout"
    diff -q "$TREE/CHANGELOG.md" "$copy/CHANGELOG.md" >/dev/null ||
        fail "CHANGELOG.md misses new plugins or roles: run 'antsibull-changelog release --version $VERSION --reload-plugins' in the checkout"
    echo "   release $VERSION lists every plugin and role whose version_added is $VERSION"
}

check_build() {
    mkdir -p "$WORK/dist"
    ansible-galaxy collection build "$TREE" --output-path "$WORK/dist" >/dev/null
    [ -f "$TARBALL" ] || fail "ansible-galaxy collection build did not write $TARBALL"
    tar -tzf "$TARBALL" | sed 's#/$##' | sort >"$WORK/contents.txt"
    echo "   $(basename "$TARBALL"): $(wc -l <"$WORK/contents.txt") entries, $(du -k "$TARBALL" | cut -f1) KiB"
    python - "$WORK/contents.txt" "$TREE" "$VERSION" <<'PY'
import fnmatch, glob, json, os, sys, tarfile
contents_file, tree, version = sys.argv[1:]
names = set(open(contents_file).read().split())
problems = []
required = ["MANIFEST.json", "FILES.json", "README.md", "CHANGELOG.md", "LICENSE", "requirements.txt",
            "meta/runtime.yml", "meta/execution-environment.yml", "changelogs/changelog.yaml"]
# Everything the collection runs with must ship: every plugin file and every role file in the tree.
for sub in ("plugins", "roles"):
    for path in glob.glob(os.path.join(tree, sub, "**", "*"), recursive=True):
        rel = os.path.relpath(path, tree)
        if os.path.isfile(path) and "__pycache__" not in rel and not rel.endswith(".pyc"):
            required.append(rel)
problems += ["missing: %s" % name for name in required if name not in names]
for sub in ("plugins/modules", "roles"):
    if not any(n.startswith(sub + "/") for n in names):
        problems.append("nothing under %s/" % sub)
top_level = {"MANIFEST.json", "FILES.json", "README.md", "CHANGELOG.md", "LICENSE", "requirements.txt", "bindep.txt",
             "meta", "plugins", "roles", "docs", "examples", "changelogs"}
problems += ["unexpected top-level entry: %s" % n for n in sorted(names) if "/" not in n and n not in top_level]
junk = ["*__pycache__*", "*.pyc", "*.orig", "*.rej", "*~", "*.swp", "*/.*", ".*", "tests*", "emulator*", "scripts*",
        "*.tar.gz", "changelogs/fragments/*", "changelogs/.plugin-cache.yaml", "*integration_config.yml"]
problems += ["junk: %s" % n for n in sorted(names) if any(fnmatch.fnmatch(n, p) for p in junk)]
tar_path = os.path.join(os.path.dirname(contents_file), "dist", "nexgencloud-hyperstack-%s.tar.gz" % version)
with tarfile.open(tar_path) as tar:
    info = json.load(tar.extractfile("MANIFEST.json"))["collection_info"]
for key in ("repository", "documentation", "issues", "license", "tags", "description", "readme"):
    if not info.get(key):
        problems.append("MANIFEST.json: collection_info.%s is empty (set it in galaxy.yml)" % key)
if info.get("version") != version:
    problems.append("MANIFEST.json: version %r, galaxy.yml %r" % (info.get("version"), version))
if problems:
    sys.exit("   " + "\n   ".join(problems))
print("   has plugins/, roles/, meta/, README.md, CHANGELOG.md, LICENSE, requirements.txt; no tests, tooling or caches")
PY
}

check_awx_guide() {
    # docs/awx.md: YAML parses, EE definitions pass ansible-builder's schema, the credential
    # type rendered as AWX renders it drives examples/credit_gate.yml against the emulator.
    (cd "$TREE" && python -m pytest -p no:cacheprovider -q tests/ee/test_awx_guide.py)
}

start=$(date +%s)
echo "Release checks of nexgencloud.hyperstack $VERSION in $TREE"
check "galaxy.yml version equals the User-Agent version" check_versions
check "version_added of every plugin and role" check_version_added
check "antsibull-changelog lint" check_changelog_lint
check "CHANGELOG.md and changelogs/changelog.yaml are up to date" check_changelog_current
check "ansible-galaxy collection build: contents and metadata" check_build
check "AWX/AAP guide works as written (tests/ee)" check_awx_guide

echo
if [ ${#FAILED[@]} -gt 0 ]; then
    echo "release checks FAILED ($(($(date +%s) - start)) s):" >&2
    printf '  - %s\n' "${FAILED[@]}" >&2
    exit 1
fi
echo "release checks passed ($(($(date +%s) - start)) s)"
