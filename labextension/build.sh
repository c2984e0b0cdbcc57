#!/usr/bin/env bash
# Rebuild dist/ (the prebuilt JupyterLab extension the Python package installs) from src/index.js.
# Needs Node.js >= 18 and npm; run from anywhere, after the course's .venv exists. CI does not run
# this: dist/ is committed, and tests/test_frames_extension.py checks that it was built from the
# current src/index.js, package.json and package-lock.json (dist/source.sha256, digest.py). The
# builder is @jupyterlab/builder 4.5 (npm has no 4.6) against the installed JupyterLab's core
# packages (--core-path), so the shared @jupyter-widgets/base is the one JupyterLab provides.
set -euo pipefail
cd "$(dirname "$0")"
python=../.venv/bin/python
staging=$("$python" -c "import jupyterlab, os; print(os.path.join(os.path.dirname(jupyterlab.__file__), 'staging'))")
npm ci --no-audit --no-fund
rm -rf dist
JUPYTERLAB_STAGING="$staging" npm run build
"$python" digest.py > dist/source.sha256
echo "built dist/ from src/index.js; now: .venv/bin/pip install -e . -c constraints.txt (installs it), and commit dist/"
