# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one credit check costs in a task's freshly forked worker, and why (the benchmark's P0).

Ansible's strategy imports the action plugin, and with it requests, jsonschema and the
validators, before it forks a worker per task. This script does the same: a process imports
the action plugin, then forks children one after another, each running one check
(``run_info``, what the action plugin runs in the controller) against the API emulator, and
reports the time and the page faults (``ru_minflt``) of that check inside the child, and the time of
a second check in the same child:

- cold: as in a task's worker;
- warm: the parent ran one check itself before forking, so every cache of the libraries and
  the interpreter's specialised code were made before the fork: the floor of any work done
  before the fork, short of sending a request from Ansible's own process.

Each round runs both, in a shuffled order, each in a process of its own; the ratio is taken
within a round, then the median.

    .venv/ansible-2.21/bin/python scripts/fork_cost.py [--forks 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The benchmark's own emulator loader and collection tree: run as a script, this script's directory is on
# sys.path, which the linters' is not.
from benchmark import collection_tree, load_emulator  # pylint: disable=import-error

KEY = "fork-cost-key"
MODES = ("cold", "warm")


def child(mode, url, forks):
    """In a process of its own: import the action plugin, warm up or not, then time a check in each forked child."""
    with tempfile.TemporaryDirectory(prefix="hs-fork-") as tmp:
        sys.path.insert(0, str(collection_tree(Path(tmp))))
        # pylint: disable=import-outside-toplevel
        from ansible_collections.nexgencloud.hyperstack.plugins.action.hyperstack_credit_info import ActionModule
        from ansible_collections.nexgencloud.hyperstack.plugins.plugin_utils._action import run_info

        def check():
            result = run_info(ActionModule.MODULE, {"api_url": url, "api_key": KEY}, os.environ, "nexgencloud.hyperstack.hyperstack_credit_info")
            if result.get("failed"):
                raise RuntimeError(result["msg"])

        if mode == "warm":
            check()
        figures = [_forked(check) for _fork in range(forks)]
    print(json.dumps({key: statistics.median(f[key] for f in figures) for key in ("ms", "faults", "again")}))


def _forked(check):
    """The figures of check run twice in a forked child: ms and page faults of the first, ms of the second."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        # The child never unwinds into the parent's code (nor removes its directory): it ends here.
        code = 1
        try:
            os.close(read)
            before, started = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.perf_counter()
            check()
            figures = {"ms": (time.perf_counter() - started) * 1000, "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before}
            started = time.perf_counter()
            check()
            figures["again"] = (time.perf_counter() - started) * 1000
            os.write(write, json.dumps(figures).encode())
            code = 0
        except BaseException as exc:  # pylint: disable=broad-exception-caught
            sys.stderr.write("a check failed in a forked child: %s\n" % exc)
            sys.stderr.flush()
        finally:
            os._exit(code)  # pylint: disable=protected-access
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = pipe.read()
    status = os.waitpid(pid, 0)[1]
    if status or not answer:
        raise SystemExit("a check failed in a forked child (wait status %d)" % status)
    return json.loads(answer)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--forks", type=int, default=200, help="checks a round and mode, each in a child of its own")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.url, args.forks)
        return
    # The emulator serves from a thread of this process; the checks run in other processes.
    with load_emulator().Emulator(api_key=KEY) as emulator:
        url = emulator.api_url
        rounds = []
        print("| round | mode | check in a forked child, ms (median of %d) | page faults (median) | a second check in the child, ms |" % args.forks)
        print("|---:|---|---:|---:|---:|")
        for number in range(1, args.rounds + 1):
            figures = {}
            for mode in random.sample(MODES, len(MODES)):
                done = subprocess.run(
                    [sys.executable, __file__, "--child", mode, "--url", url, "--forks", str(args.forks)], capture_output=True, text=True, check=False
                )
                if done.returncode:
                    sys.exit(done.stdout + done.stderr)
                figures[mode] = json.loads(done.stdout)
            for mode in MODES:
                print("| %d | %s | %.2f | %d | %.2f |" % (number, mode, figures[mode]["ms"], figures[mode]["faults"], figures[mode]["again"]))
            rounds.append(figures)
    ratio = statistics.median(r["warm"]["ms"] / r["cold"]["ms"] for r in rounds)
    print(
        "\nwarm / cold, median of %d rounds: %.2f of the time, %.2f of the page faults"
        % (len(rounds), ratio, statistics.median(r["warm"]["faults"] / r["cold"]["faults"] for r in rounds))
    )


if __name__ == "__main__":
    main()
