"""Input checks shared by the math layer (every notebook).

Each function returns a clean float array (or value) or raises ValueError
saying what was wrong and what was expected. ``float_if_scalar`` shapes
outputs: a 0-d result comes back as a plain float.
"""

from __future__ import annotations

import numbers

import numpy as np


def _float_array(x, name: str, expected: str) -> np.ndarray:
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be {expected}; could not convert it ({exc})") from None


def finite_array(x, name: str = "x") -> np.ndarray:
    """Return ``x`` (a number or an array of any shape) as a non-empty finite float array, or raise."""
    arr = _float_array(x, name, "a number or an array of numbers")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; expected at least one value")
    _check_finite(arr, name)
    return arr


def as_vector(x, name: str = "x", *, allow_empty: bool = False) -> np.ndarray:
    """Return ``x`` as a finite 1-D float array, or raise ValueError."""
    arr = _float_array(x, name, "a 1-D array of numbers")
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array (a vector); got an array of shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty; expected at least one element")
    _check_finite(arr, name)
    return arr


def as_matrix(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a finite 2-D float array (1-D becomes one column), or raise."""
    arr = _float_array(X, name, "a 2-D array of numbers")
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (samples x features); got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); expected at least one sample and one feature")
    _check_finite(arr, name)
    return arr


def same_length(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same number of rows."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same length; got {a.shape[0]} and {b.shape[0]}"
        )


def same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape; got {a.shape} and {b.shape}")


def scalar(value, name: str, *, minimum: float | None = None, strict: bool = False,
           allow_inf: bool = False) -> float:
    """Return ``value`` as a float, checking it is a real number (and >= / > minimum)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ValueError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}")
    v = float(value)
    if np.isnan(v) or (np.isinf(v) and not allow_inf):
        raise ValueError(f"{name} must be a finite number; got {v}")
    if minimum is not None:
        if strict and not v > minimum:
            raise ValueError(f"{name} must be greater than {minimum:g}; got {v:g}")
        if not strict and not v >= minimum:
            raise ValueError(f"{name} must be at least {minimum:g} (negative values make no sense here); got {v:g}")
    return v


def positive_int(value, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, checking it is an integer (not a bool, not 2.7, not 2.0) >= ``minimum``."""
    wanted = "a positive integer (an integer >= 1)" if minimum == 1 else f"an integer >= {minimum}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be {wanted}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {wanted}; got {int(value)}")
    return int(value)


def flag(value, name: str) -> bool:
    """Return ``value`` as a bool, checking it is True or False (not "yes", not 1)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def float_if_scalar(a):
    """A 0-d result as a plain float; anything else unchanged."""
    return float(a) if np.ndim(a) == 0 else a


def nonnegative_values(value, name: str) -> np.ndarray:
    """Return a scalar or 1-D array of finite values >= 0 as a float array (0-d or 1-d)."""
    arr = np.asarray(value, dtype=float) if not isinstance(value, str) else None
    if arr is None or arr.ndim > 1:
        raise ValueError(f"{name} must be a number or a 1-D array of numbers; got {value!r}")
    if arr.ndim == 1 and arr.size == 0:
        raise ValueError(f"{name} is an empty array; expected at least one value")
    _check_finite(arr, name)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0 (a penalty strength); got a negative value {arr.min():g}")
    return arr


def choice(value, name: str, choices) -> str:
    """Raise ValueError unless ``value`` is one of ``choices``."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"unknown {name} {value!r}; expected one of {options}")
    return value


def _check_finite(arr: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(arr)):
        bad = "NaN" if np.any(np.isnan(arr)) else "infinite"
        raise ValueError(f"{name} contains {bad} values; expected finite numbers only")
