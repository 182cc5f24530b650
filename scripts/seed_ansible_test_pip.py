# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make sure ansible-test can bootstrap pip into its sanity-test virtualenvs.

ansible-test downloads a get-pip script into ~/.ansible/test/cache on first use.
Where that download works this script saves it exactly as ansible-test would; where
the machine cannot reach that host (only package registries), it writes a small
stand-in that bootstraps pip from ensurepip and installs from the package registry.
"""

from __future__ import annotations

import os
import pathlib
import re
import sys
import urllib.request

SHIM = """# Stand-in for get-pip, written by nexgencloud.hyperstack's scripts/seed_ansible_test_pip.py
# because this machine could not download the real one. It takes get-pip's arguments.
import ensurepip
import os
import subprocess
import sys

ensurepip.bootstrap(upgrade=True)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
cert = "/etc/ssl/certs/ca-certificates.crt"
options = ["--cert", cert] if os.path.exists(cert) else []
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + options + args))
"""


def main():
    import ansible_test  # pylint: disable=import-outside-toplevel

    root = pathlib.Path(ansible_test.__file__).parent
    version = re.search(r"pip='([0-9.]+)'", (root / "_internal" / "python_requirements.py").read_text()).group(1)
    url = re.search(r"url = '([^']+)'", (root / "_util" / "target" / "setup" / "requirements.py").read_text()).group(1) % version
    cache = pathlib.Path(os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % version.replace(".", "_")))
    if cache.exists():
        return 0
    cache.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            content = response.read()
        print("seed: downloaded the pip %s bootstrap script for ansible-test" % version)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        content = SHIM.encode()
        print("seed: could not download get-pip (%s); wrote an ensurepip stand-in to %s" % (type(exc).__name__, cache))
    cache.write_bytes(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
