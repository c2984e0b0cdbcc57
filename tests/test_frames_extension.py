"""The course's prebuilt JupyterLab extension, `l1-l2-course-frames` (labextension/, issue 13).

What it does on the page is tested in a real browser (tests/browser/test_frame_path_page.py,
and in Voilà by tests/browser/test_voila.py); here: the committed build is the build of the
committed source, the package installs it, JupyterLab finds it, and it was written for the
ipympl that is installed.
"""

import importlib.util
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
LABEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
# ipympl's own handle_binary, as the plugin was written against (jupyter-matplotlib 0.12.0, minified):
# it stores the whole figure's data URL after every frame.
IPYMPL_HANDLE_BINARY = ('this.image.src=o,this.set("_data_url",this.offscreen_canvas.toDataURL()),'
                        'this.waiting_for_image=!1}')
# ipympl's canvas view: mouse moves go out through lodash's throttle (leading and trailing calls; the
# plugin's throttle allows the same rate), from `mousemove`, with the handler mouse_event("motion_notify") returns.
IPYMPL_MOTION = ('.addEventListener("mousemove",(0,s.throttle)(this.mouse_event("motion_notify"),'
                 'this.model.get("pan_zoom_throttle")))')

# ipympl's image load handler, which the plugin's drawLoadedFrames does again for each frame from
# the kernel (in order, one image per frame): a live figure clears the canvas in "full" mode,
# draws the frame at the top-left corner, and repaints its views.
IPYMPL_IMAGE_ONLOAD = ('"full"===this.get("_image_mode")&&this.offscreen_context.clearRect(0,0,'
                       'this.offscreen_canvas.width,this.offscreen_canvas.height),'
                       'this.offscreen_context.drawImage(this.image,0,0),'
                       'this._for_each_view((t=>{t.update_canvas()}))}')
# ipympl's model answers a kernel message {type: T} with its handle_T method (the tiles' offer).
IPYMPL_HANDLERS = 'a=this["handle_"+s].bind(this)'


def _digest_module():
    spec = importlib.util.spec_from_file_location("labextension_digest", SOURCE / "digest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_build_is_built_from_the_committed_source():
    """dist/source.sha256 is written by build.sh after a build; the chunks carry the source's own strings."""
    recorded = (DIST / "source.sha256").read_text().strip()
    assert recorded == _digest_module().source_digest(), (
        "labextension/src or its package files changed since dist/ was built: run labextension/build.sh "
        "and commit labextension/dist")
    built = json.loads((DIST / "package.json").read_text())
    assert built["name"] == NAME
    entry = DIST / built["jupyterlab"]["_build"]["load"]
    assert entry.is_file(), entry
    chunks = "".join(path.read_text() for path in (DIST / "static").glob("*.js"))
    source = (SOURCE / "src" / "index.js").read_text()
    for needle in ("l1-l2-course-frames:plugin", '["^0.12"]', "toDataURL", "naturalWidth", "WeakRef",
                   "data:image/png;base64,", "pointerrawupdate", "onpointerrawupdate", 'mouse_event("motion_notify")',
                   "course_tiles_accept", "handle_course_tiles_offer", "handle_course_tiles", "courseQueue"):
        assert needle in chunks, needle
    assert "IPYMPL_PAGE_VERSIONS = ['^0.12']" in source


def test_it_was_written_for_the_installed_ipympl():
    """The kernel side's declared version and the page side's code: a new ipympl fails here until
    labextension/src/index.js has been read against it."""
    source = (SOURCE / "src" / "index.js").read_text()
    versions = json.loads(re.search(r"IPYMPL_PAGE_VERSIONS = (\[[^\]]*\])", source).group(1).replace("'", '"'))
    declared = ipympl.backend_nbagg.Canvas._model_module_version.default_value
    assert declared in versions, f"ipympl declares page side {declared}; the plugin was written for {versions}"
    page = LABEXTENSIONS / "jupyter-matplotlib"
    assert json.loads((page / "package.json").read_text())["version"] == "0.12.0"
    code = "".join(path.read_text() for path in (page / "static").glob("*.js"))
    assert IPYMPL_HANDLE_BINARY in code, "ipympl's handle_binary changed: read it against labextension/src/index.js"
    assert IPYMPL_MOTION in code, "ipympl's mouse moves changed: read withRawMotion in labextension/src/index.js"
    assert IPYMPL_IMAGE_ONLOAD in code, "ipympl's image onload changed: read drawLoadedFrames in labextension/src/"
    assert IPYMPL_HANDLERS in code, "ipympl's message dispatch changed: read acceptTiles in labextension/src/index.js"
    throttle = re.search(r'\$r\.throttle=function\(n,t,r\)\{var e=!0,u=!0;.{0,200}?'
                         r'Eo\(n,t,\{leading:e,maxWait:t,trailing:u\}\)', code)
    assert throttle, "ipympl's bundled lodash throttle (leading and trailing by default) changed"


def test_the_package_installs_it_where_jupyterlab_and_voila_look():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    shared = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared["labextension/dist"] == f"share/jupyter/labextensions/{NAME}"
    installed = LABEXTENSIONS / NAME
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
    disabled = text.split("Disabled extensions:", 1)[1] if "Disabled extensions:" in text else ""
    assert NAME not in disabled, text  # a plugin disabled by id shows only there
