"""helpers.synthetic: the generated problems of notebook 04 (exact statistics, seeds, bad input)."""

import numpy as np
import pytest

from helpers.synthetic import overfitting_problem, two_feature_problem


@pytest.fixture(scope="module")
def small():
    return two_feature_problem(seed=3)


@pytest.fixture(scope="module")
def wide():
    return overfitting_problem(seed=5, n_train=20, n_test=50, n_features=8, n_informative=3)


def test_two_feature_problem_is_standardized_with_the_asked_correlation(small):
    X, y = small.X, small.y
    assert X.shape == (40, 2)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1.0, atol=1e-12)
    assert np.corrcoef(X.T)[0, 1] == pytest.approx(0.5, abs=1e-12)
    assert abs(y.mean()) < 1e-12
    other = two_feature_problem(seed=3, correlation=-0.8, n_samples=25)
    assert np.corrcoef(other.X.T)[0, 1] == pytest.approx(-0.8, abs=1e-12)


def test_problems_are_reproducible_and_seed_dependent():
    a, b = two_feature_problem(seed=1), two_feature_problem(seed=1)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, two_feature_problem(seed=2).X)
    c, d = overfitting_problem(seed=7), overfitting_problem(seed=7)
    np.testing.assert_array_equal(c.X_test, d.X_test)


def test_overfitting_problem_shapes_and_sparse_truth(wide):
    assert wide.X.shape == (20, 8) and wide.y.shape == (20,)
    assert wide.X_test.shape == (50, 8) and wide.y_test.shape == (50,)
    assert np.count_nonzero(wide.true_weights) == 3
    assert np.all(np.abs(wide.true_weights[:3]) >= 1.0)


def test_noise_free_overfitting_problem_is_exactly_linear():
    p = overfitting_problem(seed=0, n_train=15, n_test=5, n_features=4, noise=0.0)
    np.testing.assert_allclose(p.y, p.X @ p.true_weights)
    np.testing.assert_allclose(p.y_test, p.X_test @ p.true_weights)


@pytest.mark.parametrize("kwargs, words", [
    (dict(correlation=1.0), "correlation"),
    (dict(true_weights=(1.0, 2.0, 3.0)), "true_weights"),
    (dict(noise=-1.0), "noise"),
    (dict(n_samples=2), "n_samples"),
])
def test_two_feature_problem_rejects_bad_input(kwargs, words):
    with pytest.raises(ValueError, match=words):
        two_feature_problem(seed=0, **kwargs)


def test_overfitting_problem_rejects_more_informative_than_features():
    with pytest.raises(ValueError, match="n_informative"):
        overfitting_problem(seed=0, n_features=3, n_informative=4)


@pytest.mark.parametrize("kwargs, words", [
    (dict(n_train=30.7), r"n_train must be an integer >= 2; got 30.7"),
    (dict(n_test=True), r"n_test must be a positive integer"),
    (dict(n_features=2.0), r"n_features must be a positive integer"),
    (dict(n_informative=-1), r"n_informative must be an integer >= 0; got -1"),
])
def test_overfitting_problem_counts_must_be_integers(kwargs, words):
    with pytest.raises(ValueError, match=words):
        overfitting_problem(seed=0, **kwargs)


def test_two_feature_problem_rejects_a_fractional_sample_count():
    with pytest.raises(ValueError, match=r"n_samples must be an integer >= 3; got 3.5"):
        two_feature_problem(seed=0, n_samples=3.5)


def test_validation_set_is_a_third_disjoint_set_from_the_same_source():
    p = overfitting_problem(seed=5, n_train=20, n_val=15, n_test=50, n_features=8, n_informative=3, noise=0.0)
    assert p.X_val.shape == (15, 8) and p.y_val.shape == (15,) and p.X_test.shape == (50, 8)
    for Xs, ys in ((p.X, p.y), (p.X_val, p.y_val), (p.X_test, p.y_test)):
        np.testing.assert_allclose(Xs @ p.true_weights, ys, atol=1e-12)   # same weights, no noise
    rows = np.vstack([p.X, p.X_val, p.X_test])
    assert len(np.unique(rows, axis=0)) == len(rows)                    # no sample in two sets


def test_without_n_val_the_data_are_as_before_and_there_is_no_validation_set():
    """n_val=0 (the default) keeps every earlier seed's data: the same draws in the same order."""
    p = overfitting_problem(seed=7, n_train=12, n_test=9, n_features=4, n_informative=2)
    assert p.X_val is None and p.y_val is None
    rng = np.random.default_rng(7)                      # the generator's documented draws, by hand
    w = np.zeros(4)
    w[:2] = rng.choice([-1.0, 1.0], size=2) * rng.uniform(1.0, 2.0, size=2)
    X = rng.standard_normal((21, 4))
    y = X @ w + rng.standard_normal(21)
    np.testing.assert_array_equal(p.X, X[:12])
    np.testing.assert_array_equal(p.y_test, y[12:])


@pytest.mark.parametrize("n_val", [-1, 2.5, True])
def test_n_val_must_be_a_count(n_val):
    with pytest.raises(ValueError, match="n_val"):
        overfitting_problem(seed=1, n_val=n_val)
