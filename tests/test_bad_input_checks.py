"""helpers._checks: the shared input checks reject bad values with a clear ValueError."""

import numpy as np
import pytest

from helpers._checks import as_vector, finite_array, flag, float_if_scalar, positive_int


@pytest.mark.parametrize("value", [1, 2, 7, np.int64(3), np.uint8(4)])
def test_positive_int_accepts_integers(value):
    assert positive_int(value, "n") == int(value)
    assert type(positive_int(value, "n")) is int


@pytest.mark.parametrize("value", [2.7, 2.0, True, False, np.bool_(True), "3", None, [3], np.float64(3.0)])
def test_positive_int_rejects_non_integers(value):
    with pytest.raises(ValueError, match=r"^steps must be a positive integer \(an integer >= 1\); got "):
        positive_int(value, "steps")


@pytest.mark.parametrize("value", [0, -1, np.int32(-5)])
def test_positive_int_rejects_too_small_values(value):
    with pytest.raises(ValueError, match=r"steps must be a positive integer \(an integer >= 1\); got -?\d"):
        positive_int(value, "steps")


def test_positive_int_with_another_minimum():
    assert positive_int(0, "k", minimum=0) == 0
    assert positive_int(3, "n_samples", minimum=3) == 3
    with pytest.raises(ValueError, match=r"^n_samples must be an integer >= 3; got 2$"):
        positive_int(2, "n_samples", minimum=3)
    with pytest.raises(ValueError, match=r"^n_samples must be an integer >= 3; got 3.5$"):
        positive_int(3.5, "n_samples", minimum=3)


def test_finite_array_keeps_any_shape_and_rejects_empty_nan_and_text():
    assert finite_array(2.5, "t").shape == ()
    assert finite_array(np.ones((2, 3)), "w").shape == (2, 3)
    with pytest.raises(ValueError, match=r"^w is empty; expected at least one value$"):
        finite_array([], "w")
    with pytest.raises(ValueError, match=r"^w contains NaN values"):
        finite_array([[1.0, np.nan]], "w")
    with pytest.raises(ValueError, match=r"^w must be a number or an array of numbers; could not convert it"):
        finite_array("abc", "w")


def test_as_vector_shares_the_conversion_and_names_a_vector():
    with pytest.raises(ValueError, match=r"^v must be a 1-D array of numbers; could not convert it"):
        as_vector(["a", "b"], "v")
    with pytest.raises(ValueError, match=r"^v must be a 1-D array \(a vector\)"):
        as_vector(np.ones((2, 2)), "v")
    with pytest.raises(ValueError, match=r"^v contains infinite values"):
        as_vector([1.0, np.inf], "v")


def test_flag_and_float_if_scalar():
    assert flag(np.bool_(False), "fit_intercept") is False
    with pytest.raises(ValueError, match=r"^fit_intercept must be True or False; got 1$"):
        flag(1, "fit_intercept")
    assert float_if_scalar(np.float64(2.0)) == 2.0 and type(float_if_scalar(np.array(2.0))) is float
    assert float_if_scalar(np.ones(2)).shape == (2,)
