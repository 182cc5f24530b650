# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The community's checks (antsibull-nox.toml) and the docs site. scripts/test.sh runs them."""

import os

import antsibull_nox
import nox

antsibull_nox.load_antsibull_nox_toml()


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
    # unresolved (ref.ref); the collection's own references are checked by docs-check.
    with open(f"{site}/conf.py", "a", encoding="utf-8") as conf:
        conf.write("\nintersphinx_mapping = {}\nsuppress_warnings = ['ref.ref']\n")
    # build.sh rebuilds the RST from the installed collection, then runs sphinx-build -W.
    session.run("bash", f"{site}/build.sh", env=env, external=True)
    session.log(f"docs site: {site}/build/html/index.html")
