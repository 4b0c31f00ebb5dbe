"""Build the repository's own example site (site.yaml + content/ here) through the library: `python build.py`."""

from __future__ import annotations

import sys
from pathlib import Path

from sitegen.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", "--site", str(Path(__file__).resolve().parent), *sys.argv[1:]]))
