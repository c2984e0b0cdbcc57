"""Notebooks are committed with outputs stripped, and each follows the course's frame."""

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_norm", "02_loss", "03_outlier_sensitivity", "04_weight_decay", "05_sparsity"]


def test_the_five_notebooks_exist_in_order():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i for i, cell in enumerate(nb["cells"])
             if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} have stored outputs; strip them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_cell_summary_and_glossary(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "%matplotlib widget" in code[0] and "set_style()" in code[0] and "SEED" in code[0], \
        "the first code cell must be the setup cell (%matplotlib widget, set_style(), SEED)"
    assert "sys.path" not in "\n".join(code), "helpers is installed; notebooks need no sys.path edits"
    assert "summary" in text.lower(), "each notebook ends with a summary"
    assert any("\uac00" <= ch <= "\ud7a3" for ch in text), "each notebook has a glossary with the notes' Korean terms"
