"""Handouts: a notebook executed and exported as one self-contained HTML file (and a PDF).

Classroom mode (issue 11). From the course folder:

    .venv/bin/python -m helpers.handout notebooks/03_outlier_sensitivity.ipynb
    .venv/bin/python -m helpers.handout --all                # every notebook in notebooks/
    .venv/bin/python -m helpers.handout --all --code show    # with the code cells

writes ``handouts/03_outlier_sensitivity.html`` (and ``.pdf`` where Chromium is
installed). What a handout is:

- the notebook executed from the top in a fresh kernel (an error stops it, with
  the cell that failed);
- prose, printed results and every figure; the code hidden by default, as in
  Voilà (``--code show`` keeps it);
- every widget as a picture of its initial state. The executed notebook holds
  each widget's static PNG next to its live view (``CourseWidget`` and ipympl
  add one); nbconvert's HTML exporter would pick the view, which has no state
  outside a kernel and shows as an empty box. :class:`WidgetFallbackPreprocessor`
  drops the view wherever another representation exists, and a widget with
  none (an exercise, say) becomes its visible text plus a short note saying it
  is interactive in JupyterLab or Voilà: never an empty output;
- formulas pre-rendered to MathML (with ``latex2mathml``), which Chromium,
  Firefox and Safari display natively and which prints: the file needs no
  network. A formula latex2mathml cannot convert stays as TeX and the handout
  then loads MathJax from its CDN, so that one shows when opened online (the
  command lists such formulas); without latex2mathml installed every formula
  stays TeX (MathJax, online only);
- no other script and nothing loaded from outside: images are embedded, CSS
  is inlined;
- the PDF is Chromium's print of that HTML (``chromium --headless
  --print-to-pdf``), A4; skipped with a message where no Chromium is found
  (set ``CHROMIUM=/path/to/chromium`` to choose one).
"""

from __future__ import annotations

import argparse
import functools
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import ExecutePreprocessor, Preprocessor

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
RICH_TYPES = ("text/html", "text/markdown", "text/latex")

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
INTERACTIVE_NOTE = "Interactive in the notebook: open it in JupyterLab or Voilà to use this widget."

# --------------------------------------------------------------------------
# Formulas: TeX to MathML, once per formula


@dataclass
class MathLog:
    """Formulas converted to MathML and those kept as TeX (to be typeset by MathJax online)."""

    converted: int = 0
    kept: list[str] = field(default_factory=list)


_UNCONVERTED = re.compile(r">\\[A-Za-z]+<|<mi>&(?:amp;)?</mi>")


@functools.lru_cache(maxsize=4096)
def _mathml(tex: str, display: bool) -> str | None:
    try:
        from latex2mathml.converter import convert
    except ImportError:
        return None
    try:
        markup = convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds of errors on TeX it does not know
        return None
    if _UNCONVERTED.search(markup):  # it passes unknown commands through as text: not rendered
        return None
    # Keep the TeX source for copy-paste and screen readers.
    return markup.replace("<math ", f'<math alttext="{html.escape(tex.strip())}" ', 1)


def tex_to_html(tex: str, display: bool, log: MathLog) -> str:
    """MathML for ``tex`` or, if it cannot be converted, the TeX between $ signs (for MathJax)."""
    markup = _mathml(tex, display)
    if markup is not None:
        log.converted += 1
        return markup
    log.kept.append(tex.strip())
    delimiter = "$$" if display else "$"
    return f"{delimiter}{html.escape(tex, quote=False)}{delimiter}"


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer with formulas written as MathML."""

    def __init__(self, *args, math_log: MathLog, **kwargs):
        super().__init__(*args, **kwargs)
        self.math_log = math_log

    def inline_math(self, body: str) -> str:
        return tex_to_html(body, False, self.math_log)

    def block_math(self, body: str) -> str:
        return tex_to_html(body, True, self.math_log)

    def latex_environment(self, name: str, body: str) -> str:
        return tex_to_html(f"\\begin{{{name}}}{body}\\end{{{name}}}", True, self.math_log)


_TEX_IN_HTML = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![$\\])\$([^$]+?)(?<![$\\])\$", re.S)


def html_math_to_mathml(markup: str, log: MathLog) -> str:
    """Convert $...$ and $$...$$ in the text of an HTML fragment (widget readouts, HTMLMath)."""
    if "$" not in markup:
        return markup
    import bs4

    soup = bs4.BeautifulSoup(markup, "html.parser")
    for text in list(soup.find_all(string=True)):
        if "$" not in text or text.parent.name in ("script", "style", "code", "pre"):
            continue
        raw, pieces, last = str(text), [], 0
        for m in _TEX_IN_HTML.finditer(raw):
            display = m.group(1) is not None
            pieces.append(html.escape(raw[last:m.start()], quote=False))
            pieces.append(tex_to_html(m.group(1) if display else m.group(2), display, log))
            last = m.end()
        pieces.append(html.escape(raw[last:], quote=False))
        text.replace_with(bs4.BeautifulSoup("".join(pieces), "html.parser"))
    return str(soup)


# --------------------------------------------------------------------------
# Widgets: a picture (or their text) instead of an empty view


def _model_ref(value) -> str | None:
    if isinstance(value, str) and value.startswith("IPY_MODEL_"):
        return value[len("IPY_MODEL_"):]
    return None


def widget_text(model_id: str, state: dict, _seen=None) -> list[str]:
    """The visible text of a widget tree from its saved state: HTML, HTMLMath and Label values,
    in order; hidden parts (layout display none) and solutions or feedback are left out."""
    seen = _seen if _seen is not None else set()
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    model = state[model_id]
    values = model.get("state", {})
    layout = state.get(_model_ref(values.get("layout")) or "", {}).get("state", {})
    classes = " ".join(values.get("_dom_classes", ()))
    if layout.get("display") == "none" or layout.get("visibility") == "hidden" \
            or re.search(r"solution|feedback|course-message|course-scenes", classes):
        return []
    found = []
    name = model.get("model_name", "")
    if name in ("HTMLModel", "HTMLMathModel", "LabelModel") and str(values.get("value", "")).strip():
        text = values["value"] if name != "LabelModel" else html.escape(values["value"])
        found.append(text)
    for child in values.get("children", ()):
        ref = _model_ref(child)
        if ref:
            found.extend(widget_text(ref, state, seen))
    return found


class WidgetFallbackPreprocessor(Preprocessor):
    """Give every widget output a static representation that nbconvert can show.

    - another representation exists (a PNG from CourseWidget or ipympl, HTML):
      the widget view is dropped; with an image, the image (the picture of the
      figure's initial state) stays, followed by the widget's visible text
      (its readout as it first showed, from the saved widget state) if any;
    - nothing else exists: the output becomes the widget's visible text (from
      the widget state saved at execution) and a note that it is interactive.

    Each changed output gets ``metadata["handout"]`` = "widget-image",
    "widget-html" or "widget-text". HTML outputs get their $...$ math as MathML.
    """

    def preprocess(self, nb, resources):
        self.widget_state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
        self.math_log = resources.setdefault("handout_math", MathLog())
        nb, resources = super().preprocess(nb, resources)
        nb.metadata.pop("widgets", None)  # no embedded widget manager in a handout
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", ()):
            data = output.get("data")
            if not data:
                continue
            if WIDGET_VIEW in data:
                self._static(output, data)
            if "text/html" in output.data:
                output.data["text/html"] = html_math_to_mathml(_text(output.data["text/html"]), self.math_log)
        return cell, resources

    def _static(self, output, data) -> None:
        view = data.pop(WIDGET_VIEW)
        parts = widget_text(view.get("model_id", ""), self.widget_state)
        texts = "".join(f"<div>{part}</div>" for part in parts)
        image = next((t for t in IMAGE_TYPES if t in data), None)
        if image is not None and not texts:
            output.data = nbformat.from_dict({image: data[image], "text/plain": data.get("text/plain", "")})
            output.setdefault("metadata", {})["handout"] = "widget-image"
        elif image is not None:  # the picture, and under it the widget's readout as it first showed
            src = (f"data:{image};base64,{_text(data[image]).strip()}" if image != "image/svg+xml"
                   else "data:image/svg+xml;charset=utf-8," + urllib.parse.quote(_text(data[image])))
            output.data = nbformat.from_dict({
                "text/html": f'<div class="handout-widget-picture"><img src="{src}" alt="figure">{texts}</div>',
                "text/plain": data.get("text/plain", ""),
            })
            output.setdefault("metadata", {})["handout"] = "widget-image"
        elif any(t in data for t in RICH_TYPES):
            output.setdefault("metadata", {})["handout"] = "widget-html"
        else:
            output.data = nbformat.from_dict({
                "text/html": f'<div class="handout-widget">{texts}'
                             f'<p class="handout-widget-note">{html.escape(INTERACTIVE_NOTE)}</p></div>',
                "text/plain": INTERACTIVE_NOTE,
            })
            output.setdefault("metadata", {})["handout"] = "widget-text"


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


# --------------------------------------------------------------------------
# The HTML exporter

_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
{%- if resources.handout_needs_mathjax -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<style type="text/css">
  body { max-width: 60rem; margin: 0 auto; }
  .jp-OutputArea-output img { max-width: 100%; height: auto; }
  .handout-widget-picture img { display: block; }
  .jp-mod-noOutputs.jp-mod-noInput { display: none; }
  math { font-family: "STIX Two Math", "Latin Modern Math", "Cambria Math", math; }
  math[display="block"] { margin: 0.6em 0; }
  .handout-widget { border-left: 3px solid #0072B2; padding: 0.2em 0.8em; }
  .handout-widget-note { color: #555; font-style: italic; font-size: 90%; }
  .handout-footer { color: #555; font-size: 85%; margin: 2em 0 1em; }
  @page { size: A4; margin: 14mm 12mm; }
  @media print {
    body { max-width: none; }
    .jp-OutputArea-output img, math[display="block"], table { break-inside: avoid; }
    .jp-InputPrompt, .jp-OutputPrompt { display: none; }
  }
</style>
{%- endblock html_head_css -%}
{% block body_footer %}
<p class="handout-footer">{{ resources.handout_footer }}</p>
{{ super() }}
{% endblock body_footer %}
"""


class HandoutExporter(HTMLExporter):
    """nbconvert's lab HTML with formulas as MathML, no scripts, images embedded."""

    def __init__(self, *, show_code: bool = False, **kwargs):
        kwargs.setdefault("template_name", "lab")
        kwargs.setdefault("template_file", "handout.html.j2")
        kwargs.setdefault("extra_loaders", [jinja2.DictLoader({"handout.html.j2": _TEMPLATE})])
        super().__init__(**kwargs)
        self.embed_images = True
        self.exclude_input = not show_code
        self.exclude_input_prompt = True
        self.exclude_output_prompt = True
        self.math_log = MathLog()

    @jinja2.pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        renderer = MathMLRenderer(
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=True,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            math_log=self.math_log,
        )
        return MarkdownWithMath(renderer=renderer).render(source)


def _markdown_needs_mathjax(nb) -> bool:
    """True when some formula of the markdown cells cannot be converted to MathML."""
    probe = MathLog()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            MarkdownWithMath(renderer=MathMLRenderer(escape=False, math_log=probe)).render(cell.source)
    return bool(probe.kept)


# --------------------------------------------------------------------------
# Execute, export, print


@dataclass
class Handout:
    """What build_handout made: the files, the executed notebook (before the widget fallback)
    and the formulas left as TeX."""

    html_path: Path
    pdf_path: Path | None
    executed: nbformat.NotebookNode
    converted_formulas: int
    kept_formulas: list[str]
    pdf_note: str = ""
    seconds: float = 0.0


def execute(path: Path, timeout: float = 600.0) -> nbformat.NotebookNode:
    """The notebook at ``path`` executed top to bottom in a fresh kernel, in its own folder,
    with the widget state saved (raises nbclient's CellExecutionError on an error)."""
    nb = nbformat.read(path, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    executor = ExecutePreprocessor(timeout=timeout, kernel_name=kernel, store_widget_state=True,
                                   extra_arguments=["--IPKernelApp.log_level=ERROR"])
    executor.preprocess(nb, {"metadata": {"path": str(Path(path).parent.resolve())}})
    return nb


def export_html(executed, name: str, *, show_code: bool = False) -> tuple[str, MathLog]:
    """The handout HTML of an executed notebook (a copy is changed, not ``executed``)."""
    nb = nbformat.from_dict(executed)  # a deep copy
    resources = {"metadata": {"name": name}, "handout_math": MathLog()}
    nb, resources = WidgetFallbackPreprocessor().preprocess(nb, resources)
    exporter = HandoutExporter(show_code=show_code)
    resources["handout_needs_mathjax"] = bool(resources["handout_math"].kept) or _markdown_needs_mathjax(nb)
    resources["handout_footer"] = (
        f"Handout of {name}.ipynb, executed {time.strftime('%Y-%m-%d')}: every widget shows its "
        "initial state. Open the notebook in JupyterLab (or Voilà) to use the widgets."
    )
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    log = MathLog(resources["handout_math"].converted + exporter.math_log.converted,
                  resources["handout_math"].kept + exporter.math_log.kept)
    return body, log


def find_chromium() -> str | None:
    """$CHROMIUM, else chromium / chromium-browser / google-chrome on the PATH."""
    env = os.environ.get("CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html_path: Path, pdf_path: Path, timeout: float = 180.0) -> str:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium; returns "" or why it did not."""
    chromium = find_chromium()
    if chromium is None:
        return "no PDF: Chromium not found (install it, or set CHROMIUM=/path/to/chromium)"
    with tempfile.TemporaryDirectory(prefix="handout-chromium-") as profile:
        args = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--no-pdf-header-footer", "--print-to-pdf-no-header",
            f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri(),
        ]
        try:
            run = subprocess.run(args, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"no PDF: Chromium failed ({type(error).__name__}: {error})"
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        tail = run.stderr.decode(errors="replace").strip().splitlines()[-3:]
        return f"no PDF: Chromium exited with {run.returncode}: {' / '.join(tail)}"
    return ""


def build_handout(path, out_dir="handouts", *, show_code: bool = False, pdf: bool = True,
                  timeout: float = 600.0, executed=None) -> Handout:
    """Execute the notebook at ``path`` and write ``out_dir/<name>.html`` (and ``.pdf``).

    ``executed`` skips the execution (an executed notebook of the same path).
    """
    start = time.monotonic()
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if executed is None:
        executed = execute(path, timeout)
    body, log = export_html(executed, path.stem, show_code=show_code)
    html_path = out_dir / f"{path.stem}.html"
    html_path.write_text(body, encoding="utf-8")
    pdf_path, note = None, "PDF not asked for"
    if pdf:
        candidate = out_dir / f"{path.stem}.pdf"
        note = print_pdf(html_path, candidate)
        pdf_path = None if note else candidate
    return Handout(html_path, pdf_path, executed, log.converted, log.kept, note,
                   time.monotonic() - start)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.handout",
        description="Execute notebooks and export each as a self-contained HTML handout (and a PDF).",
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebook files (.ipynb)")
    parser.add_argument("--all", action="store_true", help="every notebook in notebooks/")
    parser.add_argument("--out", type=Path, default=Path("handouts"), help="output folder (default handouts/)")
    parser.add_argument("--code", choices=("hide", "show"), default="hide",
                        help="hide the code cells as Voilà does (default) or show them")
    parser.add_argument("--no-pdf", action="store_true", help="HTML only")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    paths = list(args.notebooks)
    if args.all:
        paths += sorted(Path("notebooks").glob("[0-9]*.ipynb"))
    if not paths:
        parser.error("name a notebook, or pass --all (run from the course folder)")
    failed = 0
    for path in paths:
        try:
            result = build_handout(path, args.out, show_code=args.code == "show", pdf=not args.no_pdf,
                                   timeout=args.timeout)
        except Exception as error:  # report and go on with the next notebook
            failed += 1
            what = f"{getattr(error, 'ename', type(error).__name__)}: {getattr(error, 'evalue', error)}"
            print(f"{path}: FAILED: {_ANSI.sub('', what)[-2000:]}", file=sys.stderr)
            continue
        print(f"{path} -> {result.html_path}" + (f" and {result.pdf_path}" if result.pdf_path else "")
              + f" ({result.seconds:.0f} s; {result.converted_formulas} formulas as MathML)")
        if result.pdf_note and not args.no_pdf:
            print(f"  {result.pdf_note}")
        if result.kept_formulas:
            print(f"  {len(result.kept_formulas)} formula(s) kept as TeX (MathJax typesets them when the "
                  f"handout is opened online): " + "; ".join(result.kept_formulas[:5]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
