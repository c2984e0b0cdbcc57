"""Real matplotlib mouse events for widget tests without a browser."""

from matplotlib.backend_bases import MouseButton, MouseEvent


def _send(fig, name, x_px, y_px, button=None):
    event = MouseEvent(name, fig.canvas, x_px, y_px, button=button)
    fig.canvas.callbacks.process(name, event)
    return event


def drag(ax, start, end, *, steps: int = 5, offset_px=(0.0, 0.0)):
    """Press at ``start`` (data coords, plus a pixel offset), move in ``steps`` to ``end``, release."""
    fig = ax.figure
    fig.canvas.draw()  # transforms and the blit background exist only after a draw
    x0, y0 = ax.transData.transform(start)
    x1, y1 = ax.transData.transform(end)
    x0 += offset_px[0]
    y0 += offset_px[1]
    _send(fig, "button_press_event", x0, y0, MouseButton.LEFT)
    for k in range(1, steps + 1):
        t = k / steps
        _send(fig, "motion_notify_event", x0 + t * (x1 - x0), y0 + t * (y1 - y0))
    # Release where ``end`` is shown now (a widget may have moved its axes during the drag).
    x1, y1 = ax.transData.transform(end)
    _send(fig, "button_release_event", x1, y1, MouseButton.LEFT)
