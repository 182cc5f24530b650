# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one credit check costs, against the API emulator on loopback.

    .venv/ansible-2.21/bin/python scripts/benchmark.py            # about 5 minutes
    .venv/ansible-2.21/bin/python scripts/benchmark.py --rounds 15

It compares, in one process tree and interleaved round by round (so a busy
machine slows every variant alike):

- P1: a play of N ``nexgencloud.hyperstack.hyperstack_credit_info`` tasks against
  the same N hand-written ``ansible.builtin.uri`` GETs, as whole plays and as the
  marginal cost of a task ((play with N tasks - play with 0 tasks) / N);
- P2: the marginal cost of a check through ``lookup('nexgencloud.hyperstack.credit')``
  against one module task;
- the official ``hyperstack`` Python SDK (a script, one process per check, from its
  own virtualenv .venv/sdk) and ``curl`` (one process per check) as the floor;
- the import time of the module's import chain (``python -X importtime``).

Every run is checked: the play must pass and the emulator must have served exactly
the checks it made, or the benchmark stops. The results go to stdout as markdown
and to docs/benchmark.md (``--output``).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import random
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key-7f3a"
SDK_REQUIREMENTS = ROOT / "scripts" / "benchmark" / "requirements-sdk.txt"
SDK_VENV = ROOT / ".venv" / "sdk"
MODULE = "nexgencloud.hyperstack.hyperstack_credit_info"
LOOKUP = "nexgencloud.hyperstack.credit"

# One check through the official SDK, as a user's script would make it.
SDK_SCRIPT = """\
import sys
import hyperstack

configuration = hyperstack.Configuration(host=sys.argv[1], api_key={"apiKey": sys.argv[2]})
with hyperstack.ApiClient(configuration) as api_client:
    answer = hyperstack.CreditApi(api_client).get_user_credit()
assert answer.status is True and answer.data.credit is not None, answer
"""

# The module's import chain, and uri's, for the import-time profile.
MODULE_CHAIN = "ansible_collections.nexgencloud.hyperstack.plugins.module_utils._module"
URI_CHAIN = "ansible.module_utils.basic, ansible.module_utils.urls"


def say(text):
    print(text, file=sys.stderr, flush=True)


def load_emulator():
    spec = importlib.util.spec_from_file_location("hyperstack_emulator", ROOT / "emulator" / "hyperstack_emulator.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def collection_tree(build):
    """The collection laid out by scripts/lib.sh collection_tree under build/tree."""
    env = dict(os.environ, HS_BUILD=str(build))
    out = subprocess.run(
        ["bash", "-c", 'source "$1/scripts/lib.sh" && collection_tree', "bash", str(ROOT)], env=env, check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip().splitlines()[-1])


def ensure_sdk_venv():
    """The official SDK in its own virtualenv (.venv/sdk), made once; None when it cannot be had."""
    python = SDK_VENV / "bin" / "python"
    want = SDK_REQUIREMENTS.read_text()
    stamp = SDK_VENV / ".requirements"
    if python.exists() and stamp.exists() and stamp.read_text() == want:
        return python
    say("== creating %s with the hyperstack SDK (%s)" % (SDK_VENV, SDK_REQUIREMENTS.relative_to(ROOT)))
    shutil.rmtree(SDK_VENV, ignore_errors=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(SDK_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(SDK_REQUIREMENTS)], check=True)
    except subprocess.CalledProcessError as exc:
        say("the SDK could not be installed (%s): it is left out" % exc)
        return None
    stamp.write_text(want)
    return python


class Timer:
    """Wall time and the CPU time of the waited-for children (all descendants) of one run."""

    def __init__(self):
        self.wall = self.cpu = None

    def __enter__(self):
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self._cpu = usage.ru_utime + usage.ru_stime
        self._wall = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self._wall
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = usage.ru_utime + usage.ru_stime - self._cpu


def write_playbooks(directory, api_url, tasks, lookup_tasks):
    """The plays, as YAML (JSON is YAML): 0 tasks, N module tasks, N uri tasks, M lookup tasks,
    M set_fact tasks without a lookup, and one set_fact task with M lookups."""
    credit_url = api_url + "/billing/user-credit/credit"

    def play(name, task_list):
        path = directory / ("%s.yml" % name)
        path.write_text(json.dumps([{"name": name, "hosts": "bench", "gather_facts": False, "tasks": task_list}], indent=1))
        return path

    module_task = {MODULE: {"api_key": KEY, "api_url": api_url}}
    # What a user writes by hand: the header, the body, no validation, no retries.
    uri_task = {"ansible.builtin.uri": {"url": credit_url, "headers": {"api_key": KEY}, "return_content": True}}
    one_lookup = "lookup('%s', api_key='%s', api_url='%s')" % (LOOKUP, KEY, api_url)
    lookup_task = {"ansible.builtin.set_fact": {"credit": "{{ %s }}" % one_lookup}}
    # The same task without the check, to tell the task's own cost from the lookup's.
    plain_task = {"ansible.builtin.set_fact": {"credit": "{{ 1500.0 }}"}}
    many_lookups = {"ansible.builtin.set_fact": {"credit": "{{ [%s] }}" % ", ".join([one_lookup] * lookup_tasks)}, "name": "many lookups"}
    return {
        "empty": play("empty", []),
        "module": play("module", [dict(module_task, name="module %d" % i) for i in range(tasks)]),
        "uri": play("uri", [dict(uri_task, name="uri %d" % i) for i in range(tasks)]),
        "lookup": play("lookup", [dict(lookup_task, name="lookup %d" % i) for i in range(lookup_tasks)]),
        "set_fact": play("set_fact", [dict(plain_task, name="set_fact %d" % i) for i in range(lookup_tasks)]),
        "lookups_in_one_task": play("lookups_in_one_task", [many_lookups]),
    }


class Bench:
    def __init__(self, args, tree_root, emulator, workdir, sdk_python, curl):
        self.args = args
        self.emulator = emulator
        self.api_url = emulator.api_url
        self.workdir = workdir
        self.sdk_python = sdk_python
        self.curl = curl
        self.playbook = Path(sys.executable).parent / "ansible-playbook"
        inventory = workdir / "inventory.ini"
        inventory.write_text("[bench]\nlocalhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
        self.inventory = inventory
        self.env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=str(tree_root),
            ANSIBLE_HOME=str(workdir / "ansible-home"),
            ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-tmp"),
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_RETRY_FILES_ENABLED="false",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_DEPRECATION_WARNINGS="false",
        )
        for name in ("HYPERSTACK_API_KEY", "HYPERSTACK_API_URL", "HYPERSTACK_API_ADDRESS", "ANSIBLE_CONFIG"):
            self.env.pop(name, None)
        self.playbooks = write_playbooks(workdir, self.api_url, args.tasks, args.lookup_tasks)
        self.expected = {
            "empty": 0,
            "module": args.tasks,
            "uri": args.tasks,
            "lookup": args.lookup_tasks,
            "set_fact": 0,
            "lookups_in_one_task": args.lookup_tasks,
        }
        self.sdk_script = workdir / "sdk_check.py"
        self.sdk_script.write_text(SDK_SCRIPT)

    def served(self):
        with self.emulator.state.lock:
            return len(self.emulator.state.requests)

    def checked(self, label, command, expected_requests, **kwargs):
        """Run command once; it must succeed and make exactly expected_requests API calls."""
        before = self.served()
        with Timer() as timer:
            proc = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
        made = self.served() - before
        if proc.returncode != 0 or made != expected_requests:
            sys.exit(
                "benchmark run %s is not valid: exit code %d, %d API requests (expected %d)\n%s\n%s"
                % (label, proc.returncode, made, expected_requests, proc.stdout[-3000:], proc.stderr[-3000:])
            )
        return timer

    def run_play(self, name):
        command = [str(self.playbook), "-i", str(self.inventory), str(self.playbooks[name])]
        return self.checked(name, command, self.expected[name], env=self.env, cwd=str(self.workdir))

    def run_sdk(self):
        return self.checked("sdk", [str(self.sdk_python), str(self.sdk_script), self.api_url, KEY], 1)

    def run_curl(self):
        command = [self.curl, "-sS", "--fail", "-o", "/dev/null", "-H", "api_key: %s" % KEY, self.api_url + "/billing/user-credit/credit"]
        return self.checked("curl", command, 1)


def median(values):
    return statistics.median(values) if values else float("nan")


def run_rounds(bench, args):
    variants = list(bench.playbooks)
    if bench.sdk_python:
        variants.append("sdk")
    if bench.curl:
        variants.append("curl")
    runs = {name: [] for name in variants}
    rng = random.Random(args.seed)
    # A first untimed pass warms the page cache and writes the .pyc files.
    for name in variants:
        getattr(bench, "run_play" if name in bench.playbooks else "run_" + name)(*([name] if name in bench.playbooks else []))
    for number in range(1, args.rounds + 1):
        order = variants[:]
        rng.shuffle(order)
        started = time.perf_counter()
        for name in order:
            if name in bench.playbooks:
                runs[name].append(bench.run_play(name))
            else:
                # One process per check, CHECKS times, as the per-check figure.
                timers = [getattr(bench, "run_" + name)() for dummy in range(args.process_checks)]
                runs[name].append(timers)
        say("round %d/%d (%s) in %.1f s" % (number, args.rounds, " ".join(order), time.perf_counter() - started))
    return runs


def summarize(runs, args):
    """Per-check medians: the plays' marginal cost per task (paired by round), processes per run."""
    rows = {}
    per_check = {"module": args.tasks, "uri": args.tasks, "lookup": args.lookup_tasks, "set_fact": args.lookup_tasks, "lookups_in_one_task": args.lookup_tasks}
    for name, per_task in per_check.items():
        rows[name] = {
            "wall": median([(r.wall - e.wall) / per_task for r, e in zip(runs[name], runs["empty"])]),
            "cpu": median([(r.cpu - e.cpu) / per_task for r, e in zip(runs[name], runs["empty"])]),
        }
    for name in ("sdk", "curl"):
        if name in runs:
            rows[name] = {"wall": median([t.wall for timers in runs[name] for t in timers]), "cpu": median([t.cpu for timers in runs[name] for t in timers])}
    plays = {name: {"wall": median([t.wall for t in runs[name]]), "cpu": median([t.cpu for t in runs[name]])} for name in ("empty",) + tuple(per_check)}
    # A check added to a task the play has anyway (a when:, an assert): the lookup task minus the same task without it.
    rows["lookup_added"] = {
        key: median([(getattr(lk, key) - getattr(sf, key)) / args.lookup_tasks for lk, sf in zip(runs["lookup"], runs["set_fact"])]) for key in ("wall", "cpu")
    }
    return rows, plays


def import_profile(python, tree_root, chain, runs):
    """Median cumulative import time (ms) of the chain's parts, from python -X importtime, and the process's wall time."""
    parts = {}
    walls = []
    env = dict(os.environ, PYTHONPATH=str(tree_root))
    for dummy in range(runs):
        started = time.perf_counter()
        proc = subprocess.run([str(python), "-X", "importtime", "-c", "import %s" % chain], env=env, capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - started)
        seen = {}
        for line in proc.stderr.splitlines():
            match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if match:
                seen[match.group(4)] = (int(match.group(1)), int(match.group(2)), len(match.group(3)))
        for name, (self_us, cumulative_us, dummy) in seen.items():
            parts.setdefault(name, {"self": [], "cumulative": []})
            parts[name]["self"].append(self_us / 1000)
            parts[name]["cumulative"].append(cumulative_us / 1000)
    return {name: {k: median(v) for k, v in values.items()} for name, values in parts.items()}, median(walls)


def profile_section(python, tree_root, runs):
    module_parts, module_wall = import_profile(python, tree_root, MODULE_CHAIN, runs)
    uri_parts, uri_wall = import_profile(python, tree_root, URI_CHAIN, runs)
    bare_wall = import_profile(python, tree_root, "sys", runs)[1]
    client = "ansible_collections.nexgencloud.hyperstack.plugins.module_utils._client"
    lines = [
        "| import | median cumulative ms |",
        "|---|---:|",
    ]
    for label, name in (
        ("`%s` (everything the module imports)" % MODULE_CHAIN.rsplit(".", 1)[1], MODULE_CHAIN),
        ("`ansible.module_utils.basic`", "ansible.module_utils.basic"),
        ("`_client` (the collection's HTTP client, with the two below)", client),
        ("`requests`", "requests"),
        ("`jsonschema`", "jsonschema"),
        ("`_client` itself, without its imports (self time)", None),
    ):
        if name is None:
            value = module_parts.get(client, {}).get("self", float("nan"))
        else:
            value = module_parts.get(name, {}).get("cumulative", float("nan"))
        lines.append("| %s | %.1f |" % (label, value))
    lines.append(
        "| `ansible.module_utils.urls` (what `uri` imports beyond `basic`) | %.1f |"
        % uri_parts.get("ansible.module_utils.urls", {}).get("cumulative", float("nan"))
    )
    lines.append("")
    lines.append(
        "Whole process (`python -c 'import ...'`, median wall): bare interpreter %.0f ms, the module's chain %.0f ms,"
        " `uri`'s chain (`basic` + `urls`) %.0f ms." % (bare_wall * 1000, module_wall * 1000, uri_wall * 1000)
    )
    return "\n".join(lines)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ansible = subprocess.run([str(Path(sys.executable).parent / "ansible"), "--version"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    return "%d CPUs (%s), %s, Python %s, %s" % (os.cpu_count(), cpu, platform.platform(terse=True), platform.python_version(), ansible.strip())


PLAY_ORDER = ("empty", "module", "uri", "lookup", "set_fact", "lookups_in_one_task")


def report(args, rows, plays, profile_text, sdk_version, curl_version, elapsed, command):
    uri = rows["uri"]["wall"]
    lines = [
        "# Benchmark: what one credit check costs",
        "",
        "- Date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "- Machine: %s" % machine(),
        "- Command: `%s` (%d rounds, %.0f s in all)" % (command, args.rounds, elapsed),
        "- Against the API emulator on loopback (no rate limit), `connection=local`, one host. Runs are interleaved"
        " in a shuffled order each round; every run is checked (the play passes, the emulator served exactly its checks).",
        "- Plays: %d tasks (module, `uri`), %d tasks (lookup) and 0 tasks; per-check cost of a task ="
        " (play with N tasks - play with 0 tasks) / N, paired within a round, median over rounds. SDK and curl: one"
        " process per check, %d per round, median over all." % (args.tasks, args.lookup_tasks, args.process_checks),
        "- CPU = user + system time of all the processes of a run (the figure a busy machine disturbs least).",
        "",
        "| one credit check | median wall s | median CPU s | wall ratio to `uri` |",
        "|---|---:|---:|---:|",
    ]
    labels = {
        "uri": "`ansible.builtin.uri` task, written by hand",
        "module": "`%s` task" % MODULE,
        "lookup": "`lookup('%s')`, in a `set_fact` task of its own" % LOOKUP,
        "set_fact": "(a `set_fact` task without a lookup, for comparison)",
        "lookup_added": "`lookup('%s')` added to a task the play has anyway (the two rows above subtracted)" % LOOKUP,
        "lookups_in_one_task": "`lookup('%s')`, %d of them in one `set_fact` task" % (LOOKUP, args.lookup_tasks),
        "sdk": "official `hyperstack` SDK %s, a script (one process)" % sdk_version,
        "curl": "`curl` (%s, one process)" % curl_version,
    }
    for name in ("uri", "module", "lookup", "set_fact", "lookup_added", "lookups_in_one_task", "sdk", "curl"):
        if name in rows:
            lines.append("| %s | %.4f | %.4f | %.2f |" % (labels[name], rows[name]["wall"], rows[name]["cpu"], rows[name]["wall"] / uri))
        else:
            lines.append("| %s | not measured | | |" % labels[name])
    p1_play = plays["module"]["wall"] / plays["uri"]["wall"]
    p1_marginal = rows["module"]["wall"] / uri
    p2 = {
        name: (rows[name]["wall"] / rows["module"]["wall"], rows[name]["cpu"] / rows["module"]["cpu"])
        for name in ("lookup", "lookup_added", "lookups_in_one_task")
    }
    lines += [
        "",
        "| play (median s) | 0 tasks | %d module tasks | %d `uri` tasks | %d lookup tasks | %d `set_fact` tasks | 1 task, %d lookups |"
        % (args.tasks, args.tasks, args.lookup_tasks, args.lookup_tasks, args.lookup_tasks),
        "|---|---:|---:|---:|---:|---:|---:|",
        "| wall | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |" % tuple(plays[n]["wall"] for n in PLAY_ORDER),
        "| CPU | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |" % tuple(plays[n]["cpu"] for n in PLAY_ORDER),
        "",
        "- **P1** (goal <= 1.00): module play / `uri` play = **%.2f** (wall), %.2f (CPU); per task (marginal) = **%.2f** (wall), %.2f (CPU)."
        % (p1_play, plays["module"]["cpu"] / plays["uri"]["cpu"], p1_marginal, rows["module"]["cpu"] / rows["uri"]["cpu"]),
        "- **P2** (goal <= 0.03): a check through the lookup / a module task, marginal: in a task of its own **%.3f** (wall), %.3f (CPU);"
        " added to a task the play has anyway **%.3f** (wall), %.3f (CPU); one of %d in one task **%.3f** (wall), %.3f (CPU)."
        % (p2["lookup"] + p2["lookup_added"] + (args.lookup_tasks,) + p2["lookups_in_one_task"]),
        "",
        "## Import time of the module's import chain",
        "",
        "A module task runs in a new Python each time (AnsiballZ), so what its import chain costs is paid per task."
        " `python -X importtime`, median of %d runs, with the collection tree on PYTHONPATH:" % args.profile_runs,
        "",
        profile_text,
        "",
        "## Reading the figures",
        "",
        "- A module task and a `uri` task both start a new Python on the host and import `ansible.module_utils.basic`;"
        " the module then imports `requests` and `jsonschema` where `uri` imports `ansible.module_utils.urls`"
        " (urllib, http.client, ssl), of a similar weight (table above). What a module task costs beyond a `uri` task is"
        " of the order of the `jsonschema` import: the price of checking the answer. The CPU figures are the steadier ones.",
        "- Start-up cuts: the standard-library imports of `_client` and `_endpoints` that could be deferred"
        " (`email.utils`, `decimal`, `ipaddress`, `random`, `json`, `urllib.parse`) are already loaded by `requests`"
        " or `ansible.module_utils.basic` before `_client` runs, so deferring them saves nothing; `requests` and"
        " `jsonschema` serve every successful check, so deferring them only moves their cost.",
        "- The lookup runs on the controller, but ansible runs each task in a new forked worker, and the controller"
        " has imported neither `requests`, `jsonschema`, `http.client` nor `ssl` before it forks: every task that"
        " calls the lookup imports them again (the `added to a task` row, %.3f s). The check itself (request,"
        " validation, facts) is the `%d of them in one task` row, %.4f s. So the lookup meets the P2 goal when checks"
        " share a task, not for one check per task." % (rows["lookup_added"]["wall"], args.lookup_tasks, rows["lookups_in_one_task"]["wall"]),
        "- The official SDK's `import hyperstack` loads the classes and pydantic models of the whole API before it"
        " makes the same GET; that import is most of its time.",
        "",
    ]
    return "\n".join(lines)


def tool_versions(sdk_python, curl):
    sdk_version = curl_version = ""
    if sdk_python:
        sdk_version = subprocess.run(
            [str(sdk_python), "-c", "import importlib.metadata as m; print(m.version('hyperstack'))"], capture_output=True, text=True, check=True
        ).stdout.strip()
    if curl:
        curl_version = subprocess.run([curl, "--version"], capture_output=True, text=True, check=True).stdout.split()[1]
    return sdk_version, curl_version


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5, about 5 minutes)")
    parser.add_argument("--tasks", type=int, default=10, help="module and uri tasks per play (default 10)")
    parser.add_argument("--lookup-tasks", type=int, default=20, help="lookup tasks per play (default 20)")
    parser.add_argument("--process-checks", type=int, default=3, help="SDK and curl processes per round (default 3)")
    parser.add_argument("--profile-runs", type=int, default=15, help="runs of python -X importtime per chain (default 15)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the shuffled order of each round")
    parser.add_argument("--no-sdk", action="store_true", help="leave out the official SDK (no .venv/sdk)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmark.md"), help="markdown report (default docs/benchmark.md; '-' for none)")
    parser.add_argument("--profile-only", action="store_true", help="only the import-time profile")
    args = parser.parse_args(argv)
    command = " ".join(shlex.quote(a) for a in [os.path.relpath(sys.executable, ROOT), "scripts/benchmark.py"] + (argv if argv is not None else sys.argv[1:]))
    started = time.perf_counter()

    build = Path(os.environ.get("HS_BUILD") or ROOT / ".build" / "benchmark")
    say("== laying out the collection under %s/tree" % build)
    tree_root = collection_tree(build).parents[2]
    say("== import-time profile (%d runs per chain)" % args.profile_runs)
    profile_text = profile_section(sys.executable, tree_root, args.profile_runs)
    if args.profile_only:
        print(profile_text)
        return 0

    sdk_python = None if args.no_sdk else ensure_sdk_venv()
    curl = shutil.which("curl")
    if not curl:
        say("curl is not installed (apt-get install curl): it is left out")
    sdk_version, curl_version = tool_versions(sdk_python, curl)
    emulator_module = load_emulator()
    with tempfile.TemporaryDirectory(prefix="hs-bench-") as tmp, emulator_module.Emulator(api_key=KEY) as emulator:
        bench = Bench(args, tree_root, emulator, Path(tmp), sdk_python, curl)
        say("== %d interleaved rounds against %s" % (args.rounds, emulator.api_url))
        runs = run_rounds(bench, args)
    rows, plays = summarize(runs, args)
    text = report(args, rows, plays, profile_text, sdk_version, curl_version, time.perf_counter() - started, command)
    print(text)
    if args.output != "-":
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text)
        say("== written to %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
