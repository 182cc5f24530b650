# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Let ansible-test bootstrap pip into its sanity-test virtualenvs without its download host.

ansible-test runs a get-pip script it caches in ~/.ansible/test/cache and downloads from
ci-files.testing.ansible.com, which these machines cannot reach (only package registries).
Where none is cached, this writes a stand-in: pip from ensurepip, then get-pip's arguments
installed from the package registry.
"""

import os
import pathlib
import re

import ansible_test

SHIM = """# Stand-in for get-pip, written by nexgencloud.hyperstack's scripts/seed_ansible_test_pip.py.
import ensurepip, os, subprocess, sys

ensurepip.bootstrap(upgrade=True)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
cert = "/etc/ssl/certs/ca-certificates.crt"
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + (["--cert", cert] if os.path.exists(cert) else []) + args))
"""

requirements = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
version = re.search(r"pip='([0-9.]+)'", requirements.read_text()).group(1)
cache = pathlib.Path(os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % version.replace(".", "_")))
if not cache.exists():
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(SHIM)
    print("seed: wrote an ensurepip stand-in for get-pip to %s" % cache)
