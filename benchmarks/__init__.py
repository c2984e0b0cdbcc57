"""Interaction-speed benchmark of the course (issue 6): `python -m benchmarks`; see README.md here."""
