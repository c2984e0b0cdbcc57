"""Real data sets for the course, read from the CSV files shipped inside the package.

Introduced in notebook 03 (Anscombe's quartet, stack loss: outliers and L1 vs
L2 fits) and used again in notebook 05 (diabetes: lasso and ridge paths).
The files are package data (``helpers/datasets/*.csv``), read with
``importlib.resources``, so an installed ``helpers`` (``pip install .``, no
clone) loads them too. Provenance of every file: ``data/README.md`` in the
repository. Generated problems: :mod:`helpers.synthetic`. Numpy only; no network.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

import numpy as np

from helpers._checks import as_matrix, choice

__all__ = ["Dataset", "data_files", "load_anscombe", "load_stackloss", "load_diabetes", "standardize"]

ANSCOMBE_SETS = ("I", "II", "III", "IV")

_ANSCOMBE_SOURCE = ("Anscombe, F. J. (1973). Graphs in statistical analysis. "
                    "The American Statistician 27(1), 17-21")
_STACKLOSS_SOURCE = ("Brownlee, K. A. (1965). Statistical Theory and Methodology in Science "
                     "and Engineering, 2nd ed., Wiley, pp. 491-500")
_DIABETES_SOURCE = ("Efron, B., Hastie, T., Johnstone, I., Tibshirani, R. (2004). "
                    "Least angle regression. Annals of Statistics 32(2), 407-499")


@dataclass(frozen=True, eq=False)
class Dataset:
    """A small regression data set: ``X`` (n, p), ``y`` (n,), names and a one-line source."""

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str
    source: str

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    def __repr__(self) -> str:
        names = ", ".join(self.feature_names)
        return (f"Dataset({self.n_samples} samples; features: {names}; "
                f"target: {self.target_name}; source: {self.source})")


def data_files():
    """The folder of the course's CSV files inside the installed package (an importlib Traversable)."""
    return resources.files("helpers").joinpath("datasets")


def _read_csv(name: str) -> tuple[list[str], list[list[str]]]:
    path = data_files().joinpath(name)
    if not path.is_file():
        raise FileNotFoundError(
            f"data file {name} not found in the package's datasets folder ({data_files()}); it ships "
            "with helpers as package data (regenerate it with: python data/make_csvs.py)"
        )
    with io.StringIO(path.read_text(encoding="utf-8"), newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _numeric(rows: list[list[str]], columns: list[int]) -> np.ndarray:
    return np.array([[float(row[j]) for j in columns] for row in rows], dtype=float)


def load_anscombe(which: str = "I") -> Dataset:
    """One of Anscombe's four x-y sets (11 points each; X has shape (11, 1)).

    ``which`` is "I", "II", "III" or "IV". All four share mean, variance,
    correlation and least-squares line, yet look nothing alike.
    """
    choice(which, "Anscombe set", ANSCOMBE_SETS)
    header, rows = _read_csv("anscombe.csv")
    rows = [row for row in rows if row[header.index("dataset")] == which]
    table = _numeric(rows, [header.index("x"), header.index("y")])
    return Dataset(X=table[:, :1], y=table[:, 1], feature_names=("x",), target_name="y",
                   source=f"{_ANSCOMBE_SOURCE}; set {which}")


def load_stackloss() -> Dataset:
    """Brownlee's stack loss plant data: 21 days, 3 features, target ``stack_loss``.

    Features: air_flow (rate of operation), water_temp (cooling water inlet
    temperature), acid_conc (acid concentration, per 1000, minus 500).
    """
    return _load_table("stackloss.csv", "stack_loss", _STACKLOSS_SOURCE)


def load_diabetes(standardize: bool = False) -> Dataset:
    """Efron et al.'s diabetes data: 442 patients, 10 baseline features, target ``y``.

    Features (original units): age, sex, bmi, bp, s1 (tc), s2 (ldl), s3 (hdl),
    s4 (tch), s5 (ltg), s6 (glu); ``y`` is disease progression one year later.
    ``standardize=True`` centers each feature and divides it by its population
    standard deviation (ddof=0), so every column has mean 0 and std 1;
    ``y`` is left unchanged.
    """
    data = _load_table("diabetes.csv", "y", _DIABETES_SOURCE)
    if not standardize:
        return data
    Z, _, _ = _standardize(data.X)
    return Dataset(X=Z, y=data.y, feature_names=data.feature_names,
                   target_name=data.target_name, source=data.source)


def standardize(X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Center and scale each column: returns ``(Z, mean, scale)`` with ``Z = (X - mean) / scale``.

    ``scale`` is the population standard deviation (ddof=0), so each column of
    ``Z`` has mean 0 and standard deviation 1. A constant column raises ValueError.
    """
    X = as_matrix(X, "X")
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    constant = np.flatnonzero(scale == 0)
    if constant.size:
        raise ValueError(f"X has constant column(s) {constant.tolist()}; cannot scale a column "
                         "with zero standard deviation")
    return (X - mean) / scale, mean, scale


_standardize = standardize  # load_diabetes's argument shadows the name


def _load_table(name: str, target: str, source: str) -> Dataset:
    header, rows = _read_csv(name)
    features = [j for j, col in enumerate(header) if col != target]
    return Dataset(X=_numeric(rows, features), y=_numeric(rows, [header.index(target)])[:, 0],
                   feature_names=tuple(header[j] for j in features), target_name=target,
                   source=source)
