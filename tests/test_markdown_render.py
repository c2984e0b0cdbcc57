"""Same page in every front end: markdown cells render with nbconvert's mistune parser.

JupyterLab renders markdown with marked; nbconvert and Voilà (classroom mode,
handouts) use mistune through ``nbconvert.filters.markdown_mistune``. Where the
two disagree, a table, a formula or a list shows as raw text in Voilà while it
looks right in JupyterLab. Classic case: ``|v|`` inside the math of a table row
splits the row, so mistune rejects the whole table (write ``\\lvert v\\rvert``).

Each markdown cell is rendered with nbconvert's own ``MarkdownWithMath`` parser;
only the renderer's output for math tokens is changed (wrapped in a marker
element), which does not change the parse. Then the HTML is searched for what
should not be there outside math, code and pre:

- raw table: a table delimiter row (``|---|---|``), or a paragraph line that
  starts and ends with ``|``;
- raw formula: a ``$`` (unbalanced, or ``$$`` not taken as display math), or a
  TeX command such as ``\\alpha`` in plain text;
- raw list: a paragraph line starting with ``- ``, ``* ``, ``+ `` or ``1. ``;
- raw heading: a paragraph line starting with ``#``.

Inside raw HTML blocks (which mistune leaves alone) MathJax still typesets
``$...$`` pairs, so there only an unpaired ``$`` counts.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import bs4
import nbformat
import pytest
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

MATH = "md-math"
RAW_HTML = "md-rawhtml"


class _MarkingRenderer(IPythonRenderer):
    """nbconvert's renderer, with math tokens wrapped in an element we can find."""

    def inline_math(self, body: str) -> str:
        return f'<span class="{MATH}">{html.escape(body, quote=False)}</span>'

    def block_math(self, body: str) -> str:
        return f'<div class="{MATH}">{html.escape(body, quote=False)}</div>'

    def latex_environment(self, name: str, body: str) -> str:
        return f'<div class="{MATH}">{html.escape(body, quote=False)}</div>'

    def multiline_math(self, text: str) -> str:  # mistune 2 only
        return f'<div class="{MATH}">{html.escape(text, quote=False)}</div>'

    def block_html(self, html_text: str) -> str:
        return f'<div class="{RAW_HTML}">{super().block_html(html_text)}</div>'


def render(source: str, attachments: dict | None = None) -> str:
    """HTML of one markdown cell as nbconvert/Voilà parse it (math wrapped in ``.md-math``)."""
    renderer = _MarkingRenderer(escape=False, attachments=attachments or {})
    return MarkdownWithMath(renderer=renderer).render(source)


_DELIMITER_ROW = re.compile(r"\|?\s*:?-{3,}:?\s*\|\s*:?-{3,}:?\s*\|?|\|\s*:?-{3,}:?\s*\|")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\S")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_PAIRED_MATH = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<![$\\])\$[^$]+?(?<![$\\])\$", re.S)
_TEXT_BLOCKS = ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _cells(line: str) -> int:
    """Number of cells in a table row as a pipe-table parser splits it (escaped pipes excepted)."""
    parts = re.split(r"(?<!\\)\|", line.strip())
    if parts and parts[0].strip() == "":
        parts = parts[1:]
    if parts and parts[-1].strip() == "":
        parts = parts[:-1]
    return len(parts)


def _table_problem(lines: list[str]) -> str:
    """Which rows of a raw table break it: rows whose cell count differs from the header's."""
    rows = [line for line in lines if line.strip()]
    header = _cells(rows[0]) if rows else 0
    odd = [row.strip() for row in rows[1:] if _cells(row) != header]
    if odd:
        return f"header has {header} cells; " + " / ".join(odd)
    return " / ".join(row.strip() for row in rows[:2])


def raw_markdown(source: str, attachments: dict | None = None) -> list[str]:
    """What comes out raw when mistune renders ``source``: one message per problem, with the text."""
    soup = bs4.BeautifulSoup(render(source, attachments), "html.parser")
    originals: list[str] = []

    def hide(element, shown: str) -> None:
        originals.append(shown)
        element.replace_with(f"\u27e6{len(originals) - 1}\u27e7")

    for element in soup.find_all(class_=MATH):
        hide(element, f"${element.get_text()}$")
    for element in soup.find_all(["code", "pre", "script", "style"]):
        hide(element, f"`{element.get_text()}`")

    def restore(text: str) -> str:
        return re.sub("\u27e6(\\d+)\u27e7", lambda m: originals[int(m.group(1))], text)

    problems: list[str] = []

    def add(kind: str, text: str) -> None:
        message = f"{kind}: '{_short(restore(text))}'"
        if message not in problems:
            problems.append(message)

    # Raw HTML blocks: MathJax typesets $...$ pairs there; only an unpaired $ is raw.
    for block in soup.find_all(class_=RAW_HTML):
        for text in block.find_all(string=True):
            if "$" in _PAIRED_MATH.sub("", str(text)):
                add("unbalanced $ in HTML", str(text))
        block.decompose()

    for text in soup.find_all(string=True):
        if "$$" in text:
            add("raw $$ (display math not recognized)", str(text))
        elif "$" in text:
            add("raw $ (formula not recognized, or unbalanced $)", str(text))
        for command in _TEX_COMMAND.findall(str(text)):
            add(f"TeX command {command} outside math", str(text))
    for block in soup.find_all(_TEXT_BLOCKS):
        if block.name != "p" and block.find(_TEXT_BLOCKS):
            continue  # checked through its inner blocks
        lines = block.get_text().split("\n")
        if any(_DELIMITER_ROW.search(line) for line in lines) or (
            block.name == "p" and any(_TABLE_ROW.match(line) for line in lines)
        ):
            add("raw table (mistune did not take it as a table)",
                _table_problem([restore(line) for line in lines if "|" in line]))
            continue
        for line in lines if block.name == "p" else ():
            if _LIST_MARKER.match(line):
                add("raw list marker", line)
            elif _HEADING.match(line):
                add("raw heading", line)
    return problems


# --------------------------------------------------------------------------
# The detector itself, on small good and bad strings


GOOD = {
    "table with math": "| rule | step |\n|---|---|\n| prox | $\\max(\\lvert v\\rvert - t, 0)$ |\n",
    "table after text": "Three rules:\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n",
    "inline and display math": "The norm $\\|v\\|_2$ is\n\n$$\\|v\\|_2 = \\sqrt{\\sum_i v_i^2}$$\n\nand $a_1 * b_2$.",
    "display math inside a paragraph": "so that $$J = L + \\lambda R$$ holds.",
    "latex environment": "\\begin{align}a &= b\\\\ c &= d\\end{align}",
    "bullet list after text": "Facts:\n- one\n- two\n",
    "ordered list": "Steps:\n\n1. first\n2. second\n",
    "code keeps dollars and pipes": ("Run `x = a | b` and `echo $HOME`:\n\n"
                                    "```\n| a | b |\n|---|---|\n- not a list\n```\n"),
    "html block with math": "<details><summary>Solution</summary>\n\nThe answer is $x = 2$.\n\n</details>\n",
    "html with paired math": "<div>the answer $x = 2$ and $y$</div>\n",
    "escaped markdown": "Five \\* three, 1\\. not a list, and a hyphen - in the text.",
    "absolute value in math": "The value $|v| = 3$ and the norm $\\|v\\|$.",
}

BAD = {
    "pipe in math splits a table row": (
        "| rule | step |\n|---|---|\n| prox | $\\max(|v| - t, 0)$ |\n", "raw table"),
    "table with a missing cell": ("| a | b |\n|---|---|---|\n| 1 | 2 |\n", "raw table"),
    "unbalanced dollar": ("costs $5 and more", "raw $"),
    "unpaired display math": ("the formula $$ a = b is left open", "raw $$"),
    "dollar split across table cells": ("| a | b |\n|---|---|\n| $x | y$ |\n", "raw $"),
    "tex outside math": ("the rate \\eta grows", "TeX command \\eta"),
    "unpaired dollar in html": ("<div>the answer $x = 2</div>\n", "unbalanced $ in HTML"),
    "ordered list not starting at 1 cannot interrupt a paragraph": ("Steps:\n2. second\n3. third", "raw list marker"),
    "list indented as a paragraph continuation": ("Text\n    - deep item", "raw list marker"),
    "heading indented as a paragraph continuation": ("Text\n    # Title", "raw heading"),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_detector_accepts_good_markdown(name):
    assert raw_markdown(GOOD[name]) == []


@pytest.mark.parametrize("name", sorted(BAD))
def test_detector_flags_bad_markdown(name):
    source, expected = BAD[name]
    problems = raw_markdown(source)
    assert any(p.startswith(expected) for p in problems), problems


def test_detector_names_the_raw_text():
    problems = raw_markdown("| a | b |\n|---|---|\n| $|v|$ | 2 |\n| 3 | 4 |\n")
    assert problems == ["raw table (mistune did not take it as a table): 'header has 2 cells; | $|v|$ | 2 |'"]


def test_detector_uses_nbconverts_parser():
    # The real nbconvert filter leaves exactly this table raw (issue 11): the detector agrees.
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    source = BAD["pipe in math splits a table row"][0]
    assert "<table>" not in markdown2html_mistune(source)
    assert "<table>" in markdown2html_mistune(GOOD["table with math"])


# --------------------------------------------------------------------------
# The notebooks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_markdown_cells_render_in_nbconvert_and_voila(path):
    nb = nbformat.read(path, as_version=4)
    failures = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for problem in raw_markdown(cell.source, cell.get("attachments")):
            failures.append(f"{path.name} cell {index}: {problem}")
    assert not failures, (
        "markdown that nbconvert/Voilà (mistune) leaves raw; JupyterLab may hide it. "
        "Inside a table row write \\lvert v\\rvert / \\lVert v\\rVert instead of | in math, "
        "and leave a blank line before lists and tables:\n" + "\n".join(failures)
    )
