"""Figure text legible on a projector (introduced for classroom mode, issue 11; used by the tests).

The minimum is :data:`MIN_FONT_PX` = 12 screen pixels (CSS pixels, the unit of a
browser window) for every piece of text drawn in a figure: tick labels, axis
labels, titles, legends, annotations. At the course's 100 dpi that is 8.6 pt,
so the course style (10 pt ticks and legends = 13.9 px, 11 pt labels = 15.3 px)
passes with a margin, and a figure that shrinks text to 7 pt (9.7 px) to fit
does not. Why 12 px: a 1024x768 projector image about 2 m wide puts 12 px at
about 2.3 cm on the screen wall, the height of lower-case letters of about
1.3 cm, which the back row of a classroom (10 m) still reads; 10 px and below
blurs there.

Screen pixels, not figure pixels: ipympl shows a figure at ``figsize * dpi`` CSS
pixels and raises ``fig.dpi`` by the device pixel ratio on HiDPI screens (the
CSS size stays), so the size on screen is ``points * original_dpi / 72``.

:func:`check_font_sizes` draws the figure once with a renderer that records what
it really draws (so tick labels outside the view, empty titles and hidden
artists do not count, and animated artists drawn by a :class:`Blitter` on the
draw event do), and raises ``ValueError`` listing every text under the minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_FONT_PX = 12.0
"""Smallest figure text allowed, in screen (CSS) pixels: 8.6 pt at 100 dpi."""


@dataclass(frozen=True)
class DrawnText:
    """One text the renderer drew: its string, size on screen and what it belongs to."""

    text: str
    px: float
    where: str

    def __str__(self) -> str:
        return f"{self.text!r} at {self.px:.1f} px ({self.where})"


def screen_dpi(fig) -> float:
    """Pixels per inch of ``fig`` on screen: its dpi before any device-pixel-ratio scaling."""
    return float(getattr(fig, "_original_dpi", None) or fig.dpi)


def _axes_label(axes, fig) -> str:
    index = fig.axes.index(axes) + 1 if axes in fig.axes else "?"
    title = axes.get_title() or axes.get_title("left") or axes.get_ylabel() or ""
    return f"axes {index}" + (f' "{title}"' if title else "")


def _role_in(artist, axes) -> str | None:
    """What ``artist`` is to ``axes`` (tick label, axis label, title, legend), or None."""
    for axis in (axes.xaxis, axes.yaxis):
        ticks = axis.get_major_ticks() + axis.get_minor_ticks()
        if any(artist is t.label1 or artist is t.label2 for t in ticks):
            return "tick label"
        if artist is axis.label:
            return "axis label"
        if artist is axis.get_offset_text():
            return "offset text"
    if artist in (axes.title, getattr(axes, "_left_title", None), getattr(axes, "_right_title", None)):
        return "title"
    legend = axes.get_legend()
    if legend is not None and (artist in legend.get_texts() or artist is legend.get_title()):
        return "legend"
    return None


def _describe(artist, fig) -> str:
    """A short name for where a text sits: 'tick label of axes 2 "loss"', 'legend of axes 1', ..."""
    if artist is None:
        return "text"
    for axes in fig.axes:
        role = _role_in(artist, axes)
        if role:
            return f"{role} of {_axes_label(axes, fig)}"
    kind = type(artist).__name__
    axes = getattr(artist, "axes", None)
    if axes is not None:
        return f"{kind} in {_axes_label(axes, fig)}"
    legend = next((lg for lg in fig.legends if artist in lg.get_texts() or artist is lg.get_title()), None)
    if legend is not None:
        return "figure legend"
    if artist is getattr(fig, "_suptitle", None):
        return "figure title"
    return f"{kind} on the figure"


def drawn_texts(fig) -> list[DrawnText]:
    """Every non-empty text ``fig`` draws, with its size in screen pixels.

    Draws the figure once on its own Agg renderer (any canvas that is a
    FigureCanvasAgg, ipympl's included) and records each ``draw_text`` call.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(fig)  # a figure shown by another backend: measure it with Agg
    renderer = canvas.get_renderer()
    scale = screen_dpi(fig) / 72.0
    found: list[DrawnText] = []
    original = renderer.draw_text

    def recording_draw_text(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s and str(s).strip():
            found.append(DrawnText(str(s), prop.get_size_in_points() * scale, _describe(mtext, fig)))
        return original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    renderer.draw_text = recording_draw_text
    try:
        fig.draw(renderer)
    finally:
        del renderer.draw_text  # back to the class's method
    return found


def small_texts(fig, min_px: float = MIN_FONT_PX) -> list[DrawnText]:
    """The texts of ``fig`` smaller than ``min_px`` screen pixels (each listed once)."""
    seen, small = set(), []
    for item in drawn_texts(fig):
        if item.px < min_px - 1e-9 and item not in seen:
            seen.add(item)
            small.append(item)
    return small


def check_font_sizes(fig, min_px: float = MIN_FONT_PX, name: str = "figure") -> None:
    """Raise ValueError listing every text of ``fig`` drawn smaller than ``min_px`` screen pixels."""
    if not min_px > 0:
        raise ValueError(f"min_px must be a positive number of pixels, got {min_px!r}")
    small = small_texts(fig, min_px)
    if small:
        lines = "\n".join(f"  - {item}" for item in small)
        raise ValueError(
            f"{name}: {len(small)} text(s) smaller than {min_px:g} px on screen "
            f"(= {min_px * 72 / screen_dpi(fig):.1f} pt at {screen_dpi(fig):g} dpi), "
            f"too small for a projector:\n{lines}"
        )
