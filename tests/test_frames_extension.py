"""The course's prebuilt JupyterLab extension, `l1-l2-course-frames` (labextension/, issue 13).

What it does on the page is tested in a real browser (tests/browser/test_frame_path_page.py,
and in Voilà by tests/browser/test_voila.py); here: the committed build is the build of the
committed source, the package installs it, JupyterLab finds it, and it was written for the
ipympl that is installed.
"""

import hashlib
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import ipympl.backend_nbagg

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "labextension"
DIST = SOURCE / "dist"
NAME = "l1-l2-course-frames"


def source_digest() -> str:
    """SHA-256 of what the build reads: src/index.js, package.json and package-lock.json."""
    digest = hashlib.sha256()
    for name in ("src/index.js", "package.json", "package-lock.json"):
        digest.update(name.encode() + b"\0" + (SOURCE / name).read_bytes() + b"\0")
    return digest.hexdigest()


def test_the_committed_build_is_built_from_the_committed_source():
    recorded = (DIST / "source.sha256").read_text().strip()
    assert recorded == source_digest(), (
        "labextension/src or its package files changed since dist/ was built: run labextension/build.sh "
        "and commit labextension/dist")
    built = json.loads((DIST / "package.json").read_text())
    assert built["name"] == NAME
    entry = DIST / built["jupyterlab"]["_build"]["load"]
    assert entry.is_file(), entry
    chunks = "".join(path.read_text() for path in (DIST / "static").glob("*.js"))
    assert "l1-l2-course-frames:plugin" in chunks and "_data_url" in chunks


def test_it_was_written_for_the_installed_ipympl():
    source = (SOURCE / "src" / "index.js").read_text()
    versions = json.loads(re.search(r"IPYMPL_PAGE_VERSIONS = (\[[^\]]*\])", source).group(1).replace("'", '"'))
    installed = ipympl.backend_nbagg.Canvas._model_module_version.default_value
    assert installed in versions, (
        f"ipympl's page side is now {installed}; read its handle_binary, update labextension/src/index.js "
        f"(written for {versions}) and rebuild")


def test_the_package_installs_it_where_jupyterlab_and_voila_look():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    shared = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared["labextension/dist"] == f"share/jupyter/labextensions/{NAME}"
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / NAME
    committed = sorted(p.relative_to(DIST) for p in DIST.rglob("*") if p.is_file())
    assert committed and sorted(p.relative_to(installed) for p in installed.rglob("*") if p.is_file()) == committed, (
        "the installed copy differs from labextension/dist: reinstall the package (pip install -e .)")
    for relative in committed:
        assert (installed / relative).read_bytes() == (DIST / relative).read_bytes(), relative


def test_jupyterlab_lists_it_enabled():
    listing = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"],
                             capture_output=True, text=True, timeout=120)
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)
    line = next((row for row in text.splitlines() if NAME in row), "")
    assert "enabled" in line and "OK" in line, text
