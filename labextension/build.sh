#!/usr/bin/env bash
# Rebuild dist/ (the prebuilt JupyterLab extension the Python package installs) from src/index.js.
# Needs Node.js >= 18 and npm; run from anywhere, after the course's .venv exists. CI does not run
# this: dist/ is committed, and tests/test_frames_extension.py checks that it was built from the
# current src/index.js and package.json (dist/source.sha256).
set -euo pipefail
cd "$(dirname "$0")"
python=../.venv/bin/python
staging=$("$python" -c "import jupyterlab, os; print(os.path.join(os.path.dirname(jupyterlab.__file__), 'staging'))")
npm ci --no-audit --no-fund
rm -rf dist
JUPYTERLAB_STAGING="$staging" npm run build
"$python" -c "import sys; sys.path.insert(0, '..'); from tests.test_frames_extension import source_digest; open('dist/source.sha256', 'w').write(source_digest() + '\n')"
echo "built dist/ from src/index.js; now: .venv/bin/pip install -e . (installs it), and commit dist/"
