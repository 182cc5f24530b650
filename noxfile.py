# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The test command's sessions (scripts/test.sh runs them), the community's checks (antsibull-nox.toml) and the docs site.

    nox -l                                            the sessions
    nox -s units-2.21 -- -k test_gate                 pytest arguments after -- (a file::test too)
    nox -s integration-2.21 -- hyperstack_usage_info  ansible-test targets after --
    nox -s units                                      every core (CORES="2.20 2.21" narrows it)
    PYTEST_OPTS="-n 0" nox -s units-2.21              in one process, not in pytest-xdist's workers

The sessions of a core share its venv, .venv/ansible-X.Y, holding what its requirement files name and
nothing else: made once, and made afresh whenever those lines change (uv makes it in seconds), so a
second run starts at once; ansible-test wants the collection at
.build/tree/ansible_collections/nexgencloud/hyperstack, copied afresh by each session (and to
.build/tree-0, tree-1, ... for the ansible-tests of an integration session).
"""

import collections
import contextlib
import fcntl
import glob
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# antsibull-nox's one switch between checking and fixing is CI (its IN_CI, read at import): under
# CI=true its formatters check and fail, elsewhere they fix the files in place. The sessions below
# read the same CI: in CI a core whose Python is missing fails, elsewhere it is skipped.
import antsibull_nox
import nox

antsibull_nox.load_antsibull_nox_toml()

# Each ansible-core release tested, and the Python it runs on here; the last is the newest.
# scripts/benchmark.py reads this line.
CORES = {"2.19": "3.11", "2.20": "3.12", "2.21": "3.13"}
NEWEST = list(CORES)[-1]
ROOT = Path(__file__).resolve().parent
# HS_BUILD lets runs side by side use scratch space of their own.
BUILD = Path(os.environ.get("HS_BUILD", ROOT / ".build"))
REQUIREMENTS = ("requirements.txt", "tests/requirements.txt")
TOOLS = REQUIREMENTS + ("tests/requirements-tools.txt",)

nox.options.envdir = str(BUILD / "nox")
# antsibull-nox's sessions (and mutation, docs-site) get their venvs from uv, which scripts/test.sh
# installs beside nox; a nox without it falls back to virtualenv.
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["sanity", "units", "system", "integration", "release", "eda", "ee"]


def find_python(version):
    """A python of that version on PATH or under pyenv, or None."""
    for candidate in (
        [shutil.which(f"python{version}")] + sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python"))) + [shutil.which("python3")]
    ):
        found = candidate and subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True, check=False
        )
        if found and found.stdout.strip() == version:
            return candidate
    return None


def _missing(session, what):
    """CI tests every supported core and stage: what is missing there fails; elsewhere it is skipped."""
    if os.environ.get("CI"):
        session.error(f"{what}, and CI runs everything")
    session.warn(f"WARNING: {what}: skipping {session.name}")
    session.skip(what)


def _newest(session):
    """The newest core this machine has the Python of; in CI, the newest supported (its venv fails without it)."""
    if os.environ.get("CI"):
        return NEWEST
    return next((core for core in reversed(CORES) if find_python(CORES[core])), None) or _missing(
        session, "none of the supported Pythons (%s) was found" % ", ".join(CORES.values())
    )


def _uv():
    """uv: the one beside nox (tests/requirements-nox.txt), or on PATH; None without it."""
    try:
        import uv  # pylint: disable=import-outside-toplevel

        return uv.find_uv_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


def _venv(session, core, requirements, name=None):
    """.venv/ansible-CORE (or .venv/NAME) on the core's Python, holding ansible-core CORE, the requirement files and
    what they need, nothing else: its .requirements records the lines it was made from, and a venv whose lines
    differ (one added, changed or removed) is made afresh."""
    venv = ROOT / ".venv" / (name or f"ansible-{core}")
    python = venv / "bin" / "python"
    stamp = venv / ".requirements"
    want = {f"ansible-core=={core}.*"} | {line.split("#")[0].strip() for f in requirements for line in (ROOT / f).read_text().splitlines()} - {""}
    want = "".join(f"{line}\n" for line in sorted(want))
    if python.exists() and stamp.exists() and stamp.read_text() == want:
        return venv
    interpreter = find_python(CORES[core]) or _missing(session, f"Python {CORES[core]} (for ansible-core {core}) was not found on PATH or under ~/.pyenv")
    shutil.rmtree(venv, ignore_errors=True)
    install = [f"ansible-core=={core}.*"] + [arg for f in requirements for arg in ("-r", str(ROOT / f))]
    uv = _uv()
    # Silent: the installer's output is shown only if it fails.
    if uv:
        session.run(uv, "venv", "-q", "--python", interpreter, str(venv), external=True)
        session.run(uv, "pip", "install", "-q", "--python", str(python), *install, external=True, silent=True)
    else:
        session.run(sys.executable, "-m", "virtualenv", "-q", "-p", interpreter, str(venv), external=True)
        session.run(str(python), "-m", "pip", "install", "-q", *install, external=True, silent=True)
    # Written last: a venv whose install failed has no stamp, and is made afresh next time.
    stamp.write_text(want)
    return venv


def _tools(session, core):
    """.venv/tools: the core's venv and the tools of sanity, release and ee (tests/requirements-tools.txt), apart
    from .venv/ansible-CORE so that each venv has one requirement set."""
    return _venv(session, core, TOOLS, name="tools")


def _copy_checkout(dest, keep=()):
    """The checkout's files as git sees them (tracked and untracked, not ignored) copied to dest,
    emptied first but for the names in keep."""
    if dest.exists():
        for entry in dest.iterdir():
            if entry.name in keep:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).exists():  # not a tracked file deleted in the checkout
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name, follow_symlinks=False)
    return dest


def collection_tree(name="tree"):
    """The checkout copied to BUILD/NAME/ansible_collections/nexgencloud/hyperstack, the path shape ansible-test insists on."""
    shutil.rmtree(BUILD / name, ignore_errors=True)
    dest = _copy_checkout(BUILD / name / "ansible_collections" / "nexgencloud" / "hyperstack")
    # ansible-test lists content with git from the nearest repository: without one of its own, the
    # tree (under the git-ignored .build/) would count as ignored, every test skipped.
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    return dest


@contextlib.contextmanager
def _emulator(session, venv, log, *args):
    """The API emulator in the background for the block: its API URL, ending in /v1."""
    BUILD.mkdir(parents=True, exist_ok=True)
    url_file = BUILD / f"emulator-{os.getpid()}-{Path(log).stem}.url"
    url_file.unlink(missing_ok=True)
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [venv / "bin" / "python", ROOT / "emulator" / "hyperstack_emulator.py", "--url-file", url_file, *args], stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 10
        while not url_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                session.error("the API emulator did not start; its log:\n" + Path(log).read_text(encoding="utf-8"))
            time.sleep(0.1)
        yield url_file.read_text(encoding="utf-8").strip()
    finally:
        url_file.unlink(missing_ok=True)
        process.terminate()
        process.wait()


def _debs(session, programs, packages):
    """True when the programs are there, or once the Debian packages are installed (as root, with apt-get)."""
    if all(shutil.which(p) for p in programs):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        try:
            session.run("apt-get", "update", "-qq", external=True)
            session.run("apt-get", "install", "-y", "-qq", *packages, external=True, env={"DEBIAN_FRONTEND": "noninteractive"})
            return True
        except nox.command.CommandFailed:
            pass  # said below; the caller decides whether the session can go on without them
    session.warn(f"WARNING: {' '.join(programs)} not found (apt-get install {' '.join(packages)})")
    return False


def _ansible_test_key(session):
    """~/.ansible/test/id_rsa and id_rsa.pub, the key pair every ansible-test integration of this user shares,
    made once before any is started. ansible-test makes it when it finds none, with no lock between processes: on
    a new machine two started side by side both ran ssh-keygen, and the second failed ("already exists. Overwrite").
    This mirrors ansible-test's SshKey.generate_key_pair (ansible_test/_internal/core_ci.py, the same in 2.19 to
    2.21): the class is internal, and builds only inside ansible-test, from its whole configuration."""
    home = Path.home() / ".ansible" / "test"
    key, pub = home / "id_rsa", home / "id_rsa.pub"
    if key.is_file() and pub.is_file():
        return
    if not shutil.which("ssh-keygen"):
        session.error("ansible-test integration needs ssh-keygen, which is not on PATH: install OpenSSH's client (Debian: apt-get install openssh-client)")
    home.mkdir(parents=True, exist_ok=True)
    directory = os.open(home, os.O_RDONLY)
    try:
        # A second test command (its own HS_BUILD) making it at the same time waits, then finds it made.
        fcntl.flock(directory, fcntl.LOCK_EX)
        if key.is_file() and pub.is_file():
            return
        with tempfile.TemporaryDirectory(dir=home) as tmp:
            made = Path(tmp) / key.name
            keygen = subprocess.run(["ssh-keygen", "-m", "PEM", "-q", "-t", "rsa", "-N", "", "-f", str(made)], capture_output=True, text=True, check=False)
            if keygen.returncode:
                why = " ".join((keygen.stdout + keygen.stderr).split()) or "no output"
                session.error(
                    f"ssh-keygen could not make ansible-test's key pair {key} (exit {keygen.returncode}: {why}):"
                    f" fix that, or make it yourself with: ssh-keygen -m PEM -t rsa -N '' -f {key}"
                )
            # As ansible-test does: the PKCS#8 header some ssh-keygen write, which paramiko does not read, made RSA's.
            made.write_text(re.sub(r"(BEGIN|END) PRIVATE KEY", r"\1 RSA PRIVATE KEY", made.read_text()))
            # Whole files, the public one first: ansible-test takes the pair only once both are there.
            os.replace(f"{made}.pub", pub)
            os.replace(made, key)
        session.log(f"made ansible-test's SSH key pair {key}, once for the ansible-tests side by side")
    finally:
        os.close(directory)


def _cpus():
    """The CPUs this process may run on: a container's share, not the host's count."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _stop(runs):
    """Ends the processes of runs that are still going."""
    for run in (entry[-1] for entry in runs):
        if run.poll() is None:
            run.terminate()
            run.wait()


def _pytest(session, venv, *paths, pythonpath=False, workers="auto", dist="loadscope"):
    """pytest from the venv in a fresh collection tree; PYTEST_OPTS, -k PYTEST_K and the arguments after -- added.
    A test named after -- (tests/...) replaces the default paths. Tests named, or picked with -k, and --pdb run in
    pytest's own process (starting workers would take longer than a few tests; the debugger needs one process);
    otherwise pytest-xdist runs them in that many workers (auto: one a CPU), by default each module's tests in one
    worker (loadscope), so that a module's fixture (a venv, an installed collection) is made once.
    PYTEST_OPTS="-n 0" runs them all in one process."""
    tree = collection_tree()
    args = shlex.split(os.environ.get("PYTEST_OPTS", "")) + (["-k", os.environ["PYTEST_K"]] if os.environ.get("PYTEST_K") else []) + session.posargs
    if any(arg.startswith("tests/") for arg in session.posargs):
        paths = [p for p in paths if not p.startswith("tests/")]
    elif workers and "--pdb" not in args and not any(arg.startswith("-k") for arg in args):
        args = ["--numprocesses", str(workers), "--dist", dist] + args
    env = {"PATH": f"{venv}/bin:{os.environ['PATH']}"}
    if pythonpath:
        env["PYTHONPATH"] = str(tree.parents[2])
    with session.chdir(tree):
        session.run(str(venv / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider", *paths, *args, env=env, external=True)


def _per_core(stage, doc):
    """Registers the function as a session STAGE-X.Y for each core, and STAGE for those CORES names (default all)."""

    def register(run):
        for core in CORES:

            def one(session, core=core):
                run(session, core)

            one.__doc__ = f"{doc}, ansible-core {core} on Python {CORES[core]}"
            nox.session(name=f"{stage}-{core}", python=False, tags=[stage], default=False)(one)

        def every(session):  # pylint: disable=unused-argument
            """The sessions it requires do the work."""

        every.__doc__ = f"{stage}-X.Y for each core (CORES names some)"
        nox.session(name=stage, python=False, default=False, requires=[f"{stage}-{c}" for c in os.environ.get("CORES", "").split() or CORES])(every)
        return run

    return register


@_per_core("units", "pytest tests/unit (pytest arguments after --)")
def _units(session, core):
    # Twice as many workers as CPUs, each given tests one by one: half the suite's time is spent waiting
    # (deadlines, retries, slow servers), and its module fixtures are cheap (a server on loopback).
    _pytest(session, _venv(session, core, REQUIREMENTS), "tests/unit", pythonpath=True, workers=2 * _cpus(), dist="load")


@_per_core("system", "pytest tests/system: real ansible-playbook runs, the soak, the benchmark, the SDK (pytest arguments after --)")
def _system(session, core):
    # Per core: what ansible-playbook prints at -vvv, and how a play of many forks fails, are each core's own.
    # The benchmark's smoke run (half the stage's time) checks that the script still works: on the newest
    # core only (the benchmark itself runs every core).
    newest_only = [] if core == NEWEST else ["--deselect=tests/system/test_benchmark.py::test_benchmark_smoke"]
    _pytest(session, _venv(session, core, REQUIREMENTS), "tests/system", *newest_only, pythonpath=True)


@_per_core("integration", "ansible-test integration --local against the emulator, one ansible-test a CPU (targets, or its options, after --)")
def _integration(session, core):
    venv = _venv(session, core, REQUIREMENTS)
    command = [str(venv / "bin" / "ansible-test"), "integration", "--local", "--python", CORES[core], "--color", "no"]
    wanted = os.environ.get("TARGETS", "").split() + session.posargs
    if any(arg.startswith("-") for arg in wanted):
        # ansible-test's own options (-v, --start-at, --allow-disabled, ...) apply to its whole list: one run.
        shares = [wanted]
    else:
        listed = subprocess.run(command + ["--list-targets", *wanted], cwd=collection_tree(), capture_output=True, text=True, check=False)
        if listed.returncode or not listed.stdout.split():
            session.error("ansible-test found no integration target to run: " + listed.stdout + listed.stderr)
        # ansible-test runs its targets one after another, each on one CPU: a share of them (every nth) runs in
        # each ansible-test, side by side, each with a tree and an emulator of its own, as a target steers its emulator.
        targets = listed.stdout.split()
        count = min(_cpus(), len(targets))
        shares = [targets[i::count] for i in range(count)]
    # What the runs share is made before any starts.
    _ansible_test_key(session)
    with contextlib.ExitStack() as stack:
        runs = []
        # However the block ends, no ansible-test is left running against an emulator that has stopped.
        stack.callback(_stop, runs)
        for i, share in enumerate(shares):
            log = BUILD / f"integration-{core}-{i}.log"
            url = stack.enter_context(_emulator(session, venv, BUILD / f"emulator-integration-{core}-{i}.log", "--api-key", "integration-key"))
            tree = collection_tree(f"tree-{i}")
            config = {"hyperstack_api_url": url, "hyperstack_api_key": "integration-key", "hyperstack_emulator": url.rsplit("/v1", 1)[0] + "/_emulator"}
            (tree / "tests" / "integration" / "integration_config.yml").write_text("---\n" + "".join(f"{k}: {v}\n" for k, v in config.items()))
            session.log(f"{' '.join(command)} {' '.join(share)} (output in {log})")
            with open(log, "w", encoding="utf-8") as out:
                runs.append((share, log, subprocess.Popen(command + share, cwd=tree, stdout=out, stderr=subprocess.STDOUT)))
        failed = []
        for share, log, run in runs:
            run.wait()
            # Each ansible-test's output whole, one after another, as if they had run in turn.
            sys.stdout.write(log.read_text(encoding="utf-8"))
            if run.returncode:
                failed.append(f"{' '.join(share)} (exit {run.returncode}, output in {log})")
        if failed:
            session.error("ansible-test integration failed: " + "; ".join(failed))


@nox.session(python=False, default=False, requires=["lint", "docs-check", "extra-checks"])
def sanity(session: nox.Session) -> None:
    """antsibull-nox's lint, docs-check and extra-checks, then ansible-test sanity --local on the newest core."""
    core = _newest(session)
    venv = _tools(session, core)
    # ansible-test's shellcheck test is skipped, with only a warning, when the program is missing.
    if not _debs(session, ["shellcheck"], ["shellcheck"]) and os.environ.get("CI"):
        session.error("ansible-test sanity needs shellcheck in CI")
    session.run(venv / "bin" / "python", ROOT / "scripts" / "seed_ansible_test_pip.py", external=True)
    tree = collection_tree()
    command = [venv / "bin" / "ansible-test", "sanity", "--local", "--python", CORES[core], "--color", "no", *session.posargs]
    # Shown as it runs, and kept in .build/sanity.log.
    seen = []
    with subprocess.Popen(command, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as run:
        for line in run.stdout:
            sys.stdout.write(line)
            seen.append(line)
    seen = "".join(seen)
    (BUILD / "sanity.log").write_text(seen, encoding="utf-8")
    if run.returncode:
        session.error(f"ansible-test sanity failed (exit {run.returncode})")
    # A sanity run that found nothing to test must not pass for a clean one.
    if "All targets skipped" in seen:
        session.error("ansible-test sanity found no files to test")


@nox.session(python=False, default=False, requires=["build-import-check", "ansible-lint", "docs-site"])
def release(session: nox.Session) -> None:
    """antsibull-nox's build-import-check, ansible-lint and docs-site, then tests/release and tests/ee/test_awx_guide.py.

    The release checks no community tool makes, and the AWX guide as written."""
    _pytest(session, _tools(session, _newest(session)), "tests/release", "tests/ee/test_awx_guide.py")


@nox.session(python=False, default=False)
def ee(session: nox.Session) -> None:
    """The AWX guide's execution environment built with podman, and the gate run in it (tests/ee/test_ee_image.py).

    It skips, saying why, where podman cannot run, except in CI."""
    venv = _tools(session, _newest(session))
    _debs(session, ["podman", "runc", "debootstrap"], ["podman", "runc", "debootstrap"])
    _pytest(session, venv, "-rs", "tests/ee/test_ee_image.py", workers=None)


@nox.session(python=False, default=False)
def eda(session: nox.Session) -> None:
    """tests/eda: ansible-rulebook (.venv/eda, the newest core) with Java 17 runs rulebooks over the installed collection."""
    if not _debs(session, ["java"], ["openjdk-17-jre-headless"]):
        _missing(session, "ansible-rulebook needs a Java 17 runtime")
    _pytest(session, _venv(session, NEWEST, ("requirements.txt", "tests/requirements-eda.txt"), name="eda"), "tests/eda", pythonpath=True)


@nox.session(python=False, default=False)
def demo(session: nox.Session) -> None:
    """scripts/demo.sh's plays on the oldest core this machine has, against the emulator.

    With HYPERSTACK_API_KEY set, against the real API."""
    core = next((c for c, version in CORES.items() if find_python(version)), None) or _missing(session, "no supported Python was found")
    # The core's own venv: more than the demo needs (requirements.txt), made once for all its sessions.
    env = {"HS_VENV": str(_venv(session, core, REQUIREMENTS))}
    script = ROOT / "scripts" / "demo.sh"
    if os.environ.get("HYPERSTACK_API_KEY"):
        session.run("bash", script, env=env, external=True)
        return
    with _emulator(session, Path(env["HS_VENV"]), BUILD / "demo-emulator.log", "--api-key", "demo-key", "--credit", "1500", "--threshold", "0") as url:
        session.run("bash", script, env=dict(env, EMULATOR_URL=url), external=True)


def _mutation_score(work):
    """Counts by outcome, from mutmut's cache, per file: safe while a run goes on."""
    with contextlib.closing(sqlite3.connect(work / ".mutmut-cache")) as db:
        rows = db.execute("SELECT sf.filename, m.status FROM mutant m JOIN line l ON m.line = l.id JOIN sourcefile sf ON l.sourcefile = sf.id").fetchall()
    by_file = collections.defaultdict(collections.Counter)
    for filename, status in rows:
        by_file[filename][status] += 1
    for filename, counts in sorted(by_file.items()):
        tested = sum(n for s, n in counts.items() if s != "untested")
        killed = counts["ok_killed"] + counts["bad_timeout"] + counts["ok_suspicious"]
        score = 100.0 * killed / tested if tested else 0
        print(f"{filename}: {sum(counts.values())} mutants, {tested} tested, {killed} killed, {counts['bad_survived']} survived, score {score:.1f}%")


@nox.session(default=False)
def mutation(session: nox.Session) -> None:
    """mutmut over plugins/module_utils/ (or the files after --) with setup.cfg's runner. Slow: not a stage, not in CI.

    -- --score: the counts so far (also during a run); -- --results: the survivors of the last run, with their
    diffs (not during a run: mutmut's commands re-read the file being mutated and spoil its cache)."""
    session.install("-r", "tests/requirements-mutation.txt")
    work = BUILD / "mutation"
    work.mkdir(parents=True, exist_ok=True)
    if session.posargs == ["--score"]:
        _mutation_score(work)
        return
    with session.chdir(work):
        if session.posargs == ["--results"]:
            session.run("mutmut", "results")
            # Quiet: a SyntaxWarning of glob2 (under mutmut) would otherwise be read as mutant ids.
            for mutant in session.run("mutmut", "result-ids", "survived", silent=True, env={"PYTHONWARNINGS": "ignore"}).split():
                session.log(f"survivor {mutant}")
                session.run("mutmut", "show", mutant)
            _mutation_score(work)
            return
        # A copy, so a stopped run never leaves a mutant in the checkout; mutmut's cache stays, and a second
        # run tests again only the mutants whose code or tests changed.
        _copy_checkout(work, keep=(".mutmut-cache",))
        paths = ",".join(session.posargs) or "plugins/module_utils/"
        # No bytecode: a mutant of the same size written within the second of the code before it would be hidden
        # by that code's cached .pyc (which records whole seconds). The mutation profile runs fewer hypothesis
        # examples per mutant (conftest.py). MUTMUT_OPTS passes more options, e.g. "--enable-mutation-types
        # string,fstring" (with its own HS_BUILD, a second run can take another share of the mutants at once).
        env = {"PYTHONDONTWRITEBYTECODE": "1", "HYPOTHESIS_PROFILE": "mutation"}
        # mutmut's exit status is a bit field: 1 is a fatal error (a failing baseline), the rest are outcomes.
        outcomes = [code for code in range(256) if not code & 1]
        command = ["mutmut", "run", "--paths-to-mutate", paths, "--no-progress", *shlex.split(os.environ.get("MUTMUT_OPTS", ""))]
        session.run(*command, env=env, success_codes=outcomes)
    _mutation_score(work)


@nox.session(name="docs-site", default=False)
def docs_site(session: nox.Session) -> None:
    """Build the HTML reference with antsibull-docs, as for other collections."""
    session.install("ansible-core", "antsibull-docs")
    tmp = os.path.abspath(session.create_tmp())
    collections = f"{tmp}/collections"
    # A fresh folder each time: the glob below must find this version's tarball only.
    dist = f"{tmp}/dist"
    session.run("rm", "-rf", dist, external=True)
    session.run("ansible-galaxy", "collection", "build", "--output-path", dist, ".")
    session.run("sh", "-c", f"ansible-galaxy collection install --force -p {collections} {dist}/nexgencloud-hyperstack-*.tar.gz", external=True)
    env = {"ANSIBLE_COLLECTIONS_PATH": collections}
    site = f"{tmp}/docsite"
    session.run("rm", "-rf", site, external=True)
    session.run("mkdir", "-m", "0755", site, external=True)
    session.run("antsibull-docs", "sphinx-init", "--use-current", "--fail-on-error", "--dest-dir", site, "nexgencloud.hyperstack", env=env)
    session.install("-r", f"{site}/requirements.txt")
    # No internet here: no intersphinx inventories, so references into docs.ansible.com stay
    # unresolved (ref.ref, and ref.envvar: Ansible's own settings, such as the inventory cache's, which an
    # inventory plugin's docs name); the collection's own references are checked by docs-check.
    with open(f"{site}/conf.py", "a", encoding="utf-8") as conf:
        conf.write("\nintersphinx_mapping = {}\nsuppress_warnings = ['ref.ref', 'ref.envvar']\n")
    # build.sh rebuilds the RST from the installed collection, then runs sphinx-build -W.
    session.run("bash", f"{site}/build.sh", env=env, external=True)
    session.log(f"docs site: {site}/build/html/index.html")
