"""Widgets of 02_loss without a browser: drag predictions, move every slider, check bars and labels.

References are written out with numpy, never taken from helpers.losses.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.plots import set_style
from helpers.plots.loss import UNIT_STOPS
from helpers.widgets.loss import PREDICTION, TARGET, build_crossing_explorer, build_loss_explorer
from tests.mouse import drag
from tests.test_widgets_norm import numbers_after, plain

Y = np.array(TARGET)
HALF_LAST_DIGIT = 5.001e-4  # readouts print 3 decimals


@pytest.fixture
def losses():
    set_style()
    w = build_loss_explorer()
    w.fig.canvas.draw()
    yield w
    plt.close(w.fig)


@pytest.fixture
def crossing():
    set_style()
    w = build_crossing_explorer(e=0.5, unit=1.0)
    w.fig.canvas.draw()
    yield w
    plt.close(w.fig)


def assert_shows(w, pred):
    """Points, error segments, both bar sets, MAE/MSE lines and the readout all show ``pred``."""
    d = pred - Y
    np.testing.assert_allclose(np.asarray(w.plot.points.get_data()[1]), pred, atol=1e-12)
    np.testing.assert_allclose([b.get_height() for b in w.plot.abs_bars], np.abs(d), atol=1e-12)
    np.testing.assert_allclose([b.get_height() for b in w.plot.sq_bars], d * d, atol=1e-12)
    np.testing.assert_allclose(w.plot.mae_line.get_ydata(), np.abs(d).mean(), atol=1e-12)
    np.testing.assert_allclose(w.plot.mse_line.get_ydata(), (d * d).mean(), atol=1e-12)
    xs, ys = (np.asarray(a, dtype=float) for a in w.plot.errors.get_data())
    segments = ys.reshape(-1, 3)[:, :2]
    np.testing.assert_allclose(segments, np.column_stack([Y, pred]), atol=1e-12)
    text = plain(w.readout.value)
    assert numbers_after("MAE", text) == pytest.approx(np.abs(d).mean(), abs=HALF_LAST_DIGIT)
    assert numbers_after("MSE", text) == pytest.approx((d * d).mean(), abs=HALF_LAST_DIGIT)
    assert numbers_after("RMSE", text) == pytest.approx(np.sqrt((d * d).mean()), abs=HALF_LAST_DIGIT)
    assert numbers_after("‖d‖₁", text) == pytest.approx(np.abs(d).sum(), abs=HALF_LAST_DIGIT)
    assert numbers_after("‖d‖₂", text) == pytest.approx(np.sqrt((d * d).sum()), abs=HALF_LAST_DIGIT)
    assert "✗" not in w.readout.value and w.readout.value.count("✓") == 5


def test_initial_state(losses):
    assert_shows(losses, np.array(PREDICTION))


def test_drag_prediction_onto_its_target(losses):
    w = losses
    drag(w.plot.ax_pred, (4, PREDICTION[3]), (4.2, TARGET[3]), steps=6, offset_px=(2, 3))
    pred = np.array(PREDICTION)
    pred[3] = TARGET[3]
    assert w.controls["pred4"].value == pytest.approx(TARGET[3])
    assert_shows(w, pred)
    assert w.plot.sq_bars[3].get_height() == 0.0
    assert w.messages.text == ""


def test_drag_moves_only_vertically_and_snaps(losses):
    w = losses
    drag(w.plot.ax_pred, (2, PREDICTION[1]), (2.3, 4.33), steps=3)
    pred = np.array(PREDICTION)
    pred[1] = 4.3
    assert_shows(w, pred)
    np.testing.assert_array_equal(np.asarray(w.plot.points.get_data()[0]), np.arange(1, 6))


@pytest.mark.parametrize("i", range(1, 6))
def test_each_slider_moves_its_prediction(losses, i):
    w = losses
    w.controls[f"pred{i}"].value = 5.5
    pred = np.array(PREDICTION)
    pred[i - 1] = 5.5
    assert_shows(w, pred)


def test_bar_panel_grows_for_a_large_error_and_shrinks_back(losses):
    w = losses
    w.controls["pred3"].value = 7.0        # error 6, squared 36
    assert w.plot.ax_bars.get_ylim()[1] >= 36
    assert_shows(w, np.array([2.5, 3.0, 7.0, 6.0, 2.2]))
    for i, target in enumerate(TARGET, start=1):
        w.controls[f"pred{i}"].value = target
    assert w.plot.ax_bars.get_ylim()[1] < 36


def test_bad_prediction_shows_an_error_and_the_widget_keeps_working(losses):
    w = losses
    w.set_prediction(1, float("nan"))
    assert "ValueError" in w.messages.text and "NaN" in w.messages.text
    assert_shows(w, np.array(PREDICTION))
    w.set_prediction(1, 3.5)
    assert w.messages.text == ""
    pred = np.array(PREDICTION)
    pred[1] = 3.5
    assert_shows(w, pred)


def test_static_png(losses, crossing):
    assert "image/png" in losses._repr_mimebundle_()
    assert "image/png" in crossing._repr_mimebundle_()


def huber(e, delta=1.0):
    return 0.5 * e * e if abs(e) <= delta else delta * (abs(e) - 0.5 * delta)


@pytest.mark.parametrize("e", [-2.5, -1.0, -0.35, 0.0, 0.4, 1.0, 1.75])
def test_error_slider_marks_the_three_curves(crossing, e):
    w = crossing
    w.controls["e"].value = e
    xs, ys = (np.asarray(a, dtype=float) for a in w.plot.marks.get_data())
    np.testing.assert_allclose(xs, e)
    np.testing.assert_allclose(ys, [abs(e), e * e, huber(e)], atol=1e-12)
    np.testing.assert_allclose(w.plot.marker_line.get_xdata(), e)
    text = plain(w.readout.value)
    assert numbers_after("|e|", text) == pytest.approx(abs(e), abs=HALF_LAST_DIGIT)
    assert numbers_after("e²", text) == pytest.approx(e * e, abs=HALF_LAST_DIGIT)
    assert numbers_after("Huber", text) == pytest.approx(huber(e), abs=HALF_LAST_DIGIT)
    if abs(e) < 1:
        assert "shrinks" in text and "grows" not in text
    elif abs(e) > 1:
        assert "grows" in text and "shrinks" not in text
    else:
        assert "|e| = e²" in text


@pytest.mark.parametrize("label, unit", UNIT_STOPS)
def test_unit_slider_moves_the_crossing(crossing, label, unit):
    w = crossing
    w.controls["unit"].value = unit
    grid = np.asarray(w.plot.abs_curve.get_xdata())
    np.testing.assert_allclose(w.plot.abs_curve.get_ydata(), np.abs(grid / unit))
    np.testing.assert_allclose(w.plot.sq_curve.get_ydata(), (grid / unit) ** 2)
    np.testing.assert_allclose(w.plot.huber_curve.get_ydata(), [huber(g / unit) for g in grid])
    crossing_x = np.asarray(w.plot.crossing.get_xdata(), dtype=float)
    np.testing.assert_allclose(crossing_x[np.isfinite(crossing_x)], [-unit, -unit, unit, unit])
    # |e/u| and (e/u)^2 really cross there: equal at e = u, ordered differently on either side.
    assert abs(unit / unit) == (unit / unit) ** 2
    assert (0.9 * unit / unit) ** 2 < 0.9 and (1.1 * unit / unit) ** 2 > 1.1
    # The same 0.5 m error shrinks or grows depending on the unit.
    w.controls["e"].value = 0.5
    text = plain(w.readout.value)
    assert numbers_after("e²", text) == pytest.approx((0.5 / unit) ** 2, abs=HALF_LAST_DIGIT)
    assert ("shrinks" in text) == (0.5 < unit) and ("grows" in text) == (0.5 > unit)


def test_bad_unit_shows_an_error_and_the_sliders_keep_working(crossing):
    w = crossing
    w.show(1.0, 0.3)
    assert "ValueError" in w.messages.text and "unit must be one of" in w.messages.text
    w.show(float("inf"))
    assert "infinite" in w.messages.text
    w.controls["e"].value = 1.5
    np.testing.assert_allclose(np.asarray(w.plot.marks.get_data()[1], dtype=float), [1.5, 2.25, 1.0])
    assert "grows" in plain(w.readout.value)
    w.show(-0.5, 0.5)
    assert w.messages.text == ""
    assert "|e| = e²" in plain(w.readout.value)
