"""Notebooks are committed with outputs stripped, and each follows the course's frame.

These checks read the notebooks as committed (git HEAD), not the working copy:
JupyterLab autosaves outputs into the notebooks a learner runs, and what a learner
does in a clone must not make the tests fail. Outside a git checkout (a downloaded
archive), or for a notebook not committed yet, they read the working copy.
To strip a notebook before committing: ``pre-commit install`` once (see README), or
``python -m nbstripout --keep-id notebooks/NAME.ipynb``.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
EXPECTED = ["01_norm", "02_loss", "03_outlier_sensitivity", "04_weight_decay", "05_sparsity"]


def _git(args: list[str], cwd: Path) -> str | None:
    """stdout of ``git args`` run in ``cwd``, or None where git, the checkout or the object is missing."""
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.decode("utf-8") if result.returncode == 0 else None


def committed_text(path: Path) -> str:
    """``path`` as committed in git HEAD; the working copy where there is no such commit."""
    text = _git(["show", f"HEAD:./{path.name}"], cwd=path.parent)
    return text if text is not None else path.read_text(encoding="utf-8")


def committed_notebooks(folder: Path) -> list[Path]:
    """The notebooks committed in ``folder`` (its working-copy notebooks outside a git checkout)."""
    listed = _git(["ls-tree", "--name-only", "HEAD", "--", "."], cwd=folder)
    if listed is None or not listed.strip():
        return sorted(folder.glob("*.ipynb"))
    return sorted(folder / name for name in listed.split() if name.endswith(".ipynb"))


def cells_with_outputs(notebook: dict) -> list[int]:
    """Indices of the code cells that store outputs or an execution count."""
    return [i for i, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]


NOTEBOOKS = committed_notebooks(NOTEBOOK_DIR)


def test_the_five_notebooks_exist_in_order():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    dirty = cells_with_outputs(json.loads(committed_text(path)))
    assert not dirty, f"{path.name}: cells {dirty} have stored outputs; strip them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_cell_summary_and_glossary(path):
    nb = json.loads(committed_text(path))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "%matplotlib widget" in code[0] and "set_style()" in code[0] and "SEED" in code[0], \
        "the first code cell must be the setup cell (%matplotlib widget, set_style(), SEED)"
    assert "sys.path" not in "\n".join(code), "helpers is installed; notebooks need no sys.path edits"
    assert "summary" in text.lower(), "each notebook ends with a summary"
    assert any("\uac00" <= ch <= "\ud7a3" for ch in text), "each notebook has a glossary with the notes' Korean terms"


def test_every_notebook_opens_with_the_same_run_first_line():
    """One wording in all five, and true in every front end: JupyterLab needs Run All, Voilà and
    handouts have already run the cells."""
    firsts = {p.stem: "".join(json.loads(committed_text(p))["cells"][0]["source"]) for p in NOTEBOOKS}
    assert len(set(firsts.values())) == 1, firsts
    line = next(iter(firsts.values()))
    assert line.startswith("**In JupyterLab, run me first:**") and "Run All Cells" in line, line
    assert "Voilà" in line and "handout" in line, line


# --- what a learner does in a clone does not fail the tests (issue 14, item 11) ---------------


def _add_outputs(path: Path) -> None:
    """What JupyterLab's autosave does after Run All: outputs and execution counts in every code cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for count, cell in enumerate((c for c in nb["cells"] if c["cell_type"] == "code"), start=1):
        cell["execution_count"] = count
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}]
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


@pytest.fixture
def learners_clone(tmp_path):
    """A fresh clone of this repository in which a learner ran every notebook (outputs autosaved)."""
    if shutil.which("git") is None or _git(["rev-parse", "HEAD"], cwd=ROOT) is None:
        if os.environ.get("CI") == "true":
            pytest.fail("git or the git checkout is missing in CI")
        pytest.skip("not a git checkout: the tests read the working copy here")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    shutil.copy(__file__, clone / "tests" / Path(__file__).name)  # this version of the checks
    for path in committed_notebooks(clone / "notebooks"):
        _add_outputs(path)
    return clone


def test_a_learners_autosaved_outputs_do_not_fail_the_tests(learners_clone):
    notebook = learners_clone / "notebooks" / f"{EXPECTED[0]}.ipynb"
    assert cells_with_outputs(json.loads(notebook.read_text(encoding="utf-8"))), "the set-up added no outputs"
    assert not cells_with_outputs(json.loads(committed_text(notebook)))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_notebooks_clean.py", "-q", "-p", "no:randomly",
         "-k", "committed_without_outputs or exist_in_order or setup_cell", f"--basetemp={learners_clone / '.t'}"],
        cwd=learners_clone, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"{1 + 2 * len(EXPECTED)} passed" in result.stdout.strip().splitlines()[-1], result.stdout[-1000:]


def test_outside_a_git_checkout_the_working_copy_is_read():
    folder = Path(tempfile.mkdtemp(prefix="not-a-checkout-"))  # /tmp: no git repository above it
    try:
        if _git(["rev-parse", "--git-dir"], cwd=folder) is not None:
            pytest.skip(f"{folder} lies inside a git checkout")
        notebook = folder / "x.ipynb"
        notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "1", "outputs": [],
                                                   "execution_count": 3, "metadata": {}}]}), encoding="utf-8")
        assert committed_notebooks(folder) == [notebook]
        assert cells_with_outputs(json.loads(committed_text(notebook))) == [0]
    finally:
        shutil.rmtree(folder)


def test_the_readmes_my_work_command_keeps_the_clone_clean(tmp_path):
    """README "Your own work": copy the notebooks into my-work/ once, then open them there."""
    if shutil.which("git") is None or shutil.which("bash") is None or _git(["rev-parse", "HEAD"], cwd=ROOT) is None:
        if os.environ.get("CI") == "true":
            pytest.fail("git, bash or the git checkout is missing in CI")
        pytest.skip("needs git and bash")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "cp -r notebooks my-work" in line)
    assert ".venv/bin/jupyter lab my-work/" in command
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    shutil.copy(ROOT / ".gitignore", clone / ".gitignore")  # this version of the ignore list
    dry_run = command.replace(".venv/bin/jupyter lab", "echo would open")  # everything but the server

    def run():
        result = subprocess.run(["bash", "-c", dry_run], cwd=clone, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and "would open my-work/" in result.stdout, result.stderr

    def changed() -> list[str]:
        status = _git(["status", "--porcelain", "--untracked-files=all"], cwd=clone)
        return [line for line in status.splitlines() if not line.endswith(".gitignore")]

    run()
    copies = sorted((clone / "my-work").glob("*.ipynb"))
    assert [p.name for p in copies] == [p.name for p in committed_notebooks(clone / "notebooks")]
    for path in copies:
        _add_outputs(path)  # the learner runs everything; JupyterLab autosaves
    assert changed() == [], "my-work/ shows up in git status: git pull could be blocked"
    before = copies[0].read_text(encoding="utf-8")
    run()  # the same command later: opens the learner's copies, overwrites nothing
    assert copies[0].read_text(encoding="utf-8") == before
    assert changed() == []


# --- the commit hook that keeps them clean (.pre-commit-config.yaml) ---------------------------


def _nbstripout_hook() -> dict:
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return next(hook for repo in config["repos"] for hook in repo["hooks"] if hook["id"] == "nbstripout")


def test_the_commit_hook_uses_the_tested_nbstripout():
    from importlib.metadata import version

    assert _nbstripout_hook()["additional_dependencies"] == [f"nbstripout=={version('nbstripout')}"]


def test_the_commit_hook_strips_outputs_and_counts_and_changes_nothing_else(tmp_path):
    """The hook (run as pre-commit would) leaves each committed notebook as it is and turns a run one back."""
    hook = _nbstripout_hook()
    files = {}
    for path in NOTEBOOKS:
        committed = committed_text(path)
        clean, run = tmp_path / f"{path.stem}.clean.ipynb", tmp_path / f"{path.stem}.run.ipynb"
        clean.write_text(committed, encoding="utf-8")
        run.write_text(committed, encoding="utf-8")
        _add_outputs(run)
        files[path.name] = (committed, clean, run)
    subprocess.run([sys.executable, "-m", "nbstripout", *hook.get("args", []),
                    *(str(f) for _, clean, run in files.values() for f in (clean, run))], check=True, timeout=300)
    for name, (committed, clean, run) in files.items():
        assert clean.read_text(encoding="utf-8") == committed, f"the hook would change the committed {name}"
        assert json.loads(run.read_text(encoding="utf-8")) == json.loads(committed), f"{name} not stripped back"
