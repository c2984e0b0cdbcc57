"""helpers.data: the CSV files against the packages' copies and the published tables; packaging."""

import dataclasses
import importlib.resources
import inspect
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import sklearn.datasets
import statsmodels.datasets.stackloss

import helpers.data as hd
from helpers.data import load_anscombe, load_diabetes, load_stackloss, standardize

ANSCOMBE_SETS = ["I", "II", "III", "IV"]
DIABETES_FEATURES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")


# --- shapes, names, finiteness -------------------------------------------------

@pytest.mark.parametrize("which", ANSCOMBE_SETS)
def test_anscombe_shape_and_names(which):
    d = load_anscombe(which)
    assert d.X.shape == (11, 1) and d.y.shape == (11,)
    assert d.feature_names == ("x",) and d.target_name == "y"
    assert np.all(np.isfinite(d.X)) and np.all(np.isfinite(d.y))
    assert "Anscombe" in d.source and "1973" in d.source and which in d.source


def test_stackloss_shape_and_names():
    d = load_stackloss()
    assert d.X.shape == (21, 3) and d.y.shape == (21,)
    assert d.feature_names == ("air_flow", "water_temp", "acid_conc")
    assert d.target_name == "stack_loss"
    assert np.all(np.isfinite(d.X)) and np.all(np.isfinite(d.y))
    assert "Brownlee" in d.source


def test_diabetes_shape_and_names():
    d = load_diabetes()
    assert d.X.shape == (442, 10) and d.y.shape == (442,)
    assert d.feature_names == DIABETES_FEATURES and d.target_name == "y"
    assert np.all(np.isfinite(d.X)) and np.all(np.isfinite(d.y))
    assert "Efron" in d.source and "Least angle regression" in d.source
    # original units, not sklearn's scaled columns: ages in years, sex coded 1/2
    assert 19 <= d.X[:, 0].min() and d.X[:, 0].max() <= 79
    assert set(np.unique(d.X[:, 1])) == {1.0, 2.0}


def test_dataset_is_frozen():
    d = load_stackloss()
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.target_name = "other"
    assert "21 samples" in repr(d)


# --- each CSV once against the copy a package ships ----------------------------

def test_diabetes_csv_equals_sklearn_copy():
    ref = sklearn.datasets.load_diabetes(scaled=False)
    d = load_diabetes()
    assert d.feature_names == tuple(ref.feature_names)
    np.testing.assert_array_equal(d.X, ref.data)
    np.testing.assert_array_equal(d.y, ref.target)


def test_stackloss_csv_equals_statsmodels_copy():
    ref = statsmodels.datasets.stackloss.load_pandas().data
    d = load_stackloss()
    np.testing.assert_array_equal(d.X, ref[["AIRFLOW", "WATERTEMP", "ACIDCONC"]].to_numpy(float))
    np.testing.assert_array_equal(d.y, ref["STACKLOSS"].to_numpy(float))


# Anscombe (1973), "Graphs in statistical analysis", The American Statistician 27(1), 17-21,
# Table 1 (p. 19), in the table's row order (also R's datasets::anscombe): sets I-III share x.
ANSCOMBE_TABLE = {
    "x123": (10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5),
    "I": (8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68),
    "II": (9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74),
    "III": (7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73),
    "x4": (8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8),
    "IV": (6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.50, 5.56, 7.91, 6.89),
}


@pytest.mark.parametrize("which", ANSCOMBE_SETS)
def test_anscombe_csv_equals_the_published_table(which):
    d = load_anscombe(which)
    x = ANSCOMBE_TABLE["x4" if which == "IV" else "x123"]
    np.testing.assert_array_equal(d.X[:, 0], np.array(x, dtype=float))
    np.testing.assert_array_equal(d.y, np.array(ANSCOMBE_TABLE[which], dtype=float))


# --- Anscombe's published summary (Anscombe 1973, The American Statistician 27(1),
# p. 17, the table shared by all four sets): n = 11, mean of x = 9.0, mean of y = 7.5,
# sum of squares of x - mean = 110.0 (so sample variance 11), regression line
# y = 3 + 0.5 x, estimated standard error of b1 = 0.118, multiple R^2 = 0.667
# (correlation 0.816). Tolerances: half a unit in the last printed digit, except
# where the constructed data differ from the rounded table by slightly more.

@pytest.mark.parametrize("which", ANSCOMBE_SETS)
def test_anscombe_published_summary(which):
    d = load_anscombe(which)
    x, y = d.X[:, 0], d.y
    assert x.size == 11
    assert x.mean() == pytest.approx(9.0, abs=1e-12)
    assert np.sum((x - x.mean()) ** 2) == pytest.approx(110.0, abs=1e-9)
    assert x.var(ddof=1) == pytest.approx(11.0, abs=1e-12)
    assert y.mean() == pytest.approx(7.50, abs=0.005)
    slope, intercept = np.polyfit(x, y, 1)
    assert slope == pytest.approx(0.500, abs=0.0005)
    assert intercept == pytest.approx(3.00, abs=0.005)
    r = np.corrcoef(x, y)[0, 1]
    assert r**2 == pytest.approx(0.667, abs=0.001)
    assert r == pytest.approx(0.816, abs=0.001)
    residual = y - (intercept + slope * x)
    se_slope = np.sqrt(residual @ residual / (x.size - 2) / np.sum((x - x.mean()) ** 2))
    assert se_slope == pytest.approx(0.118, abs=0.0005)


def test_anscombe_sets_differ():
    # same statistics, different data: IV has x = 8 everywhere but one point at 19
    x4 = load_anscombe("IV").X[:, 0]
    assert sorted(set(x4)) == [8.0, 19.0] and np.sum(x4 == 19.0) == 1
    np.testing.assert_array_equal(load_anscombe("I").X, load_anscombe("II").X)
    assert not np.array_equal(load_anscombe("I").y, load_anscombe("II").y)


# --- standardization --------------------------------------------------------------

def test_diabetes_standardized_columns():
    raw, z = load_diabetes(), load_diabetes(standardize=True)
    np.testing.assert_allclose(z.X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.X.std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(z.y, raw.y)
    assert z.feature_names == raw.feature_names
    np.testing.assert_allclose(z.X * raw.X.std(axis=0) + raw.X.mean(axis=0), raw.X, rtol=1e-12)


def test_diabetes_standardized_matches_sklearn_scaled():
    # sklearn's scaled=True columns are centered and have unit L2 norm: Z / sqrt(n)
    z = load_diabetes(standardize=True).X
    np.testing.assert_allclose(z / np.sqrt(z.shape[0]), sklearn.datasets.load_diabetes().data,
                               rtol=1e-10, atol=1e-14)


def test_standardize_returns_mean_and_scale():
    X = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]])
    Z, mean, scale = standardize(X)
    np.testing.assert_allclose(mean, [2.0, 30.0])
    np.testing.assert_allclose(scale, [np.std([1, 2, 3]), np.std([10, 20, 60])])
    np.testing.assert_allclose(Z * scale + mean, X)


# --- bad input -------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["V", "i", 1, None])
def test_anscombe_unknown_set(bad):
    with pytest.raises(ValueError, match=r"Anscombe set.*'I', 'II', 'III', 'IV'"):
        load_anscombe(bad)


def test_standardize_constant_column():
    with pytest.raises(ValueError, match="constant column"):
        standardize(np.array([[1.0, 5.0], [2.0, 5.0]]))


def test_standardize_nan():
    with pytest.raises(ValueError, match="NaN"):
        standardize(np.array([[1.0], [np.nan]]))


def test_missing_file_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(hd, "data_files", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match="stackloss.csv"):
        load_stackloss()


# --- packaging: the CSVs ship inside the package ------------------------------------------

REPO = Path(__file__).resolve().parent.parent
CSV_FILES = ("anscombe.csv", "diabetes.csv", "stackloss.csv")


def test_loader_reads_package_data_through_importlib_resources():
    assert hd.data_files() == importlib.resources.files("helpers").joinpath("datasets")
    assert sorted(f.name for f in hd.data_files().iterdir() if f.name.endswith(".csv")) == list(CSV_FILES)
    source = inspect.getsource(hd)
    assert "importlib" in source and "__file__" not in source   # no path relative to a clone


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from a copy of the package's sources (the clone itself stays untouched)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    shutil.copy(REPO / "pyproject.toml", src)
    shutil.copy(REPO / "README.md", src)
    shutil.copytree(REPO / "helpers", src / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    if (REPO / "jupyter-config").is_dir():           # data files the pyproject may list
        shutil.copytree(REPO / "jupyter-config", src / "jupyter-config")
    out = tmp / "dist"
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(out)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = out.glob("*.whl")
    return path


def test_wheel_contains_the_csv_files(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for name in CSV_FILES:
        assert f"helpers/datasets/{name}" in names, names


def test_installed_wheel_loads_the_data_outside_the_clone(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import helpers.data as hd; "
            "assert hd.__file__.startswith(sys.argv[1]), hd.__file__; "
            "d = hd.load_diabetes(); print(d.X.shape, hd.load_anscombe('IV').y[7], hd.load_stackloss().n_samples)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", code, str(target)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["(442,", "10)", "12.5", "21"]
