"""Layout plumbing shared by the figures of every notebook (introduced in 01_norm)."""

from __future__ import annotations


def freeze_layout(fig, passes: int = 3) -> None:
    """Run the constrained layout until it settles, then keep it fixed.

    With equal-aspect axes the constrained layout moves the axes a little on each of
    the first draws; freezing it keeps the drag targets where the first picture shows
    them and makes later full redraws cheaper.
    """
    engine = fig.get_layout_engine()
    if engine is None:
        return
    for _ in range(passes):
        engine.execute(fig)
    fig.set_layout_engine("none")
