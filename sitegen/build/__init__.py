"""The pipeline, the parallel map, the output writer, the lock, options and report.

The library's way in: `from sitegen.build.api import build, check`."""

from sitegen.build.api import build, build_in_memory, check, load_site

__all__ = ["build", "build_in_memory", "check", "load_site"]
