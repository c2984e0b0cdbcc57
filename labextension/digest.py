"""The digest of what builds dist/: src/index.js, package.json and package-lock.json.

build.sh writes it to dist/source.sha256 after a build; tests/test_frames_extension.py compares."""

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
INPUTS = ("src/index.js", "package.json", "package-lock.json")


def source_digest() -> str:
    """SHA-256 over the build's inputs, each with its name."""
    digest = hashlib.sha256()
    for name in INPUTS:
        digest.update(name.encode() + b"\0" + (HERE / name).read_bytes() + b"\0")
    return digest.hexdigest()


if __name__ == "__main__":
    print(source_digest())
