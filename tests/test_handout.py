"""Handouts (helpers.handout): every widget a picture or its text, never an empty box.

The five notebooks are executed once for the module (the slow part), then each
handout is checked cell by cell against its executed notebook: as many images
as outputs with a picture (one per widget output that has its PNG), the
widget's text and a note for a widget with no picture, no empty output, no
script and nothing loaded from the network, formulas as MathML.
"""

from __future__ import annotations

import base64
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bs4
import nbformat
import pytest
from nbconvert.exporters import HTMLExporter

from helpers import handout

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
PNG_1x1 = base64.b64encode(
    bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                  "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082")
).decode()


# --------------------------------------------------------------------------
# The preprocessor on a small notebook made here


def _widget_output(model_id: str, **extra) -> nbformat.NotebookNode:
    data = {handout.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": model_id},
            "text/plain": "VBox(children=(...))", **extra}
    return nbformat.v4.new_output("display_data", data=data)


def _model(name: str, **state) -> dict:
    return {"model_name": name, "model_module": "@jupyter-widgets/controls",
            "model_module_version": "2.0.0", "state": state}


def small_notebook() -> nbformat.NotebookNode:
    state = {
        "box": _model("VBoxModel", children=["IPY_MODEL_prompt", "IPY_MODEL_solution", "IPY_MODEL_btn"],
                      _dom_classes=["course-exercise"]),
        "prompt": _model("HTMLMathModel", value="What is $\\lVert (3, 4)\\rVert_2$?"),
        "solution": _model("HTMLModel", value="It is 5.", layout="IPY_MODEL_hidden",
                           _dom_classes=["course-solution"]),
        "hidden": {"model_name": "LayoutModel", "model_module": "@jupyter-widgets/base",
                   "model_module_version": "2.0.0", "state": {"display": "none"}},
        "btn": _model("ButtonModel", description="Check"),
        "fig_box": _model("VBoxModel", children=["IPY_MODEL_readout"]),
        "readout": _model("HTMLModel", value="<b>L2 = 5</b> for $x = (3, 4)$"),
    }
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("Norm: $\\lVert x\\rVert_2 = \\sqrt{x_1^2 + x_2^2}$"),
        nbformat.v4.new_code_cell("explorer", outputs=[_widget_output("fig_box", **{"image/png": PNG_1x1})]),
        nbformat.v4.new_code_cell("exercise", outputs=[_widget_output("box")]),
        nbformat.v4.new_code_cell("lost", outputs=[_widget_output("not-in-state")]),
        nbformat.v4.new_code_cell("plain", outputs=[_widget_output("x", **{"image/png": PNG_1x1})]),
    ]
    nb.metadata["widgets"] = {handout.WIDGET_STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    return nb


def test_nbconvert_alone_leaves_an_empty_widget_output():
    # The problem this module solves (issue 11): the lab HTML picks the view, which has no picture.
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(small_notebook())
    soup = bs4.BeautifulSoup(body, "html.parser")
    explorer = soup.select("div.jp-Cell")[1]
    assert explorer.find("img") is None


def test_preprocessor_gives_every_widget_a_picture_or_its_text():
    body, log = handout.export_html(small_notebook(), "small")
    soup = bs4.BeautifulSoup(body, "html.parser")
    cells = soup.select("main > div.jp-Cell")
    assert len(cells) == 5
    explorer, exercise, lost, plain = cells[1:]
    # a picture, and the readout under it (with its formula as MathML)
    assert len(explorer.find_all("img")) == 1 and "L2 = 5" in explorer.get_text()
    assert explorer.find("math") is not None
    # a widget without a picture: its visible text and the note; the hidden solution stays hidden
    assert exercise.find("img") is None
    assert "What is" in exercise.get_text() and exercise.find("math") is not None
    assert "It is 5" not in exercise.get_text()
    assert handout.INTERACTIVE_NOTE in exercise.get_text()
    # a widget whose state was not saved: the note, never an empty box
    assert handout.INTERACTIVE_NOTE in lost.get_text()
    assert len(plain.find_all("img")) == 1
    assert "VBox(children" not in body
    assert "<script" not in body and log.kept == [] and log.converted >= 3


def test_formulas_are_mathml_and_unconvertible_ones_stay_tex():
    log = handout.MathLog()
    assert handout.tex_to_html("x^2", False, log).startswith("<math")
    assert 'display="block"' in handout.tex_to_html("\\sum_i x_i", True, log)
    kept = handout.tex_to_html("\\notacommand{x}", False, log)
    assert kept == "$\\notacommand{x}$" and log.kept == ["\\notacommand{x}"] and log.converted == 2
    assert handout.html_math_to_mathml("a &lt; b and $a < b$", log).count("<math") == 1


def test_command_line_needs_a_notebook(capsys):
    with pytest.raises(SystemExit):
        handout.main([])
    assert "--all" in capsys.readouterr().err


def test_command_line_reports_a_missing_file(tmp_path, capsys):
    assert handout.main([str(tmp_path / "nope.ipynb"), "--out", str(tmp_path), "--no-pdf"]) == 1
    assert "no notebook at" in capsys.readouterr().err


# --------------------------------------------------------------------------
# The course's notebooks


@pytest.fixture(scope="module")
def executed():
    """Every notebook executed once (two kernels at a time): name -> notebook or the error."""

    def run(path):
        try:
            return handout.execute(path, timeout=300)
        except Exception as error:  # reported by the notebook's own test
            return error

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip((p.stem for p in NOTEBOOKS), pool.map(run, NOTEBOOKS)))


def _has_image(output) -> bool:
    return any(t in output.get("data", {}) for t in handout.IMAGE_TYPES)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_handout_shows_every_widget(path, executed, tmp_path):
    nb = executed[path.stem]
    if isinstance(nb, Exception):
        what = f"{getattr(nb, 'ename', type(nb).__name__)}: {getattr(nb, 'evalue', nb)}"
        pytest.fail(f"{path.name} does not execute: {_ANSI.sub('', what)[-1500:]}",
                    pytrace=False)
    result = handout.build_handout(path, tmp_path, pdf=False, executed=nb)
    body = result.html_path.read_text(encoding="utf-8")
    soup = bs4.BeautifulSoup(body, "html.parser")
    cells = soup.select("main > div.jp-Cell")
    assert len(cells) == len(nb.cells)
    problems, widgets = [], 0
    for index, (cell, div) in enumerate(zip(nb.cells, cells)):
        outputs = cell.get("outputs", [])
        widget_outputs = [o for o in outputs if handout.WIDGET_VIEW in o.get("data", {})]
        widgets += len(widget_outputs)
        images = len(div.select(".jp-OutputArea-output img"))
        expected = sum(_has_image(o) for o in outputs)
        if images != expected:
            problems.append(f"cell {index}: {images} images for {expected} outputs with a picture")
        notes = div.get_text().count(handout.INTERACTIVE_NOTE)
        bare = sum(not _has_image(o) and not any(t in o["data"] for t in handout.RICH_TYPES)
                   for o in widget_outputs)
        if notes != bare:
            problems.append(f"cell {index}: {notes} notes for {bare} widget(s) with neither a picture nor HTML")
        for area in div.select(".jp-OutputArea-output"):
            if not area.get_text(strip=True) and not area.find(["img", "svg", "math"]):
                problems.append(f"cell {index}: an empty output: {str(area)[:200]}")
    assert widgets > 0, f"{path.name}: no widget outputs in the executed notebook"
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
    assert "VBox(children" not in body and "HBox(children" not in body
    # Self-contained: no script, nothing from the network (unless a formula needs MathJax).
    # (links in the prose may point anywhere; what the page loads may not)
    external = re.findall(r'<(?:script|img|iframe|link|source|video|audio|embed|object)\b[^>]*?'
                          r'(?:src|href|data)="(https?://[^"]+)"', body) + re.findall(r'url\((https?://[^)]+)\)', body)
    assert not [u for u in external if "mathjax" not in u.lower()], external
    assert "<script" not in body or result.kept_formulas
    assert result.converted_formulas > 10 and soup.find("math") is not None
    assert not result.kept_formulas, f"formulas latex2mathml could not convert: {result.kept_formulas}"


def test_pdf_of_a_handout(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>Handout</h1><p><math><mi>x</mi></math></p></body></html>")
    if handout.find_chromium() is None:
        message = "no Chromium: the handout command makes HTML only"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true, so this is a failure)")
        pytest.skip(message)
    note = handout.print_pdf(page, tmp_path / "page.pdf", timeout=120)
    assert note == ""
    data = (tmp_path / "page.pdf").read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") >= 1
