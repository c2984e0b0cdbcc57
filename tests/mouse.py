"""Real matplotlib mouse events for widget tests without a browser."""

from matplotlib.backend_bases import MouseButton, MouseEvent


def _send(fig, name, x_px, y_px, button=None, buttons=None):
    if name == "motion_notify_event":
        event = MouseEvent(name, fig.canvas, x_px, y_px, buttons=buttons)
    else:
        event = MouseEvent(name, fig.canvas, x_px, y_px, button=button)
    fig.canvas.callbacks.process(name, event)
    return event


def move(ax, point, *, held: bool = False, offset_px=(0.0, 0.0)):
    """A mouse move to ``point`` (data coords); ``held`` says whether the left button is down."""
    x, y = ax.transData.transform(point)
    return _send(ax.figure, "motion_notify_event", x + offset_px[0], y + offset_px[1],
                 buttons={MouseButton.LEFT} if held else set())


def move_px(fig, x_px, y_px, *, held: bool = False):
    """A mouse move to a pixel of the figure (it may be outside every axes)."""
    return _send(fig, "motion_notify_event", x_px, y_px, buttons={MouseButton.LEFT} if held else set())


def press(ax, point, offset_px=(0.0, 0.0)):
    fig = ax.figure
    fig.canvas.draw()  # transforms and the blit background exist only after a draw
    x, y = ax.transData.transform(point)
    return _send(fig, "button_press_event", x + offset_px[0], y + offset_px[1], MouseButton.LEFT)


def drag(ax, start, end, *, steps: int = 5, offset_px=(0.0, 0.0), release: bool = True):
    """Press at ``start`` (data coords, plus a pixel offset), move in ``steps`` to ``end`` with the
    button held, and release there (``release=False`` leaves the button down)."""
    fig = ax.figure
    fig.canvas.draw()  # transforms and the blit background exist only after a draw
    x0, y0 = ax.transData.transform(start)
    x1, y1 = ax.transData.transform(end)
    x0 += offset_px[0]
    y0 += offset_px[1]
    _send(fig, "button_press_event", x0, y0, MouseButton.LEFT)
    for k in range(1, steps + 1):
        t = k / steps
        _send(fig, "motion_notify_event", x0 + t * (x1 - x0), y0 + t * (y1 - y0), buttons={MouseButton.LEFT})
    if release:
        # Release where ``end`` is shown now (a widget may have moved its axes during the drag).
        x1, y1 = ax.transData.transform(end)
        _send(fig, "button_release_event", x1, y1, MouseButton.LEFT)
