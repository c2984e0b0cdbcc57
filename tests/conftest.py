"""Shared pytest set-up: a headless matplotlib backend for the widget tests."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
