"""The pipeline, the parallel map, the output writer, the lock, options and report.

The library's way in: `from sitegen.build import build, check, BuildOptions`."""

from sitegen.build.api import build, build_in_memory, check, load_site
from sitegen.build.options import BuildOptions, BuildReport

__all__ = ["BuildOptions", "BuildReport", "build", "build_in_memory", "check", "load_site"]
