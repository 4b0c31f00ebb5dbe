"""Compiled templates kept between builds: each build's Jinja environment is new, and compiling the theme's templates
again cost an edit build about 0.1 s of its 2 (sixteen templates).

Jinja's own file-system bytecode cache does the keeping, in its own folder for this user in the system's temporary
folder (created 0700 and refused when another user owns it: compiled code is run, so it is never read from the
build cache, which may come from a CI cache or a careless commit). A file is found by the template's name and file
and holds the checksum of the source it was compiled from (a changed template is compiled again); its name carries
the toolchain's digest, since the code also depends on sitegen's own code generator (render/memo.py), the
environment's settings and Jinja's version. Reading or writing it never fails a build: a file that cannot be read is
compiled anew, one that cannot be written is left unwritten.
"""

from __future__ import annotations

import contextlib
import functools
import pickle

from jinja2.bccache import Bucket, FileSystemBytecodeCache

from sitegen import toolchain


class _KeptCode(FileSystemBytecodeCache):
    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):  # damaged: compiled, rewritten
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # a full or read-only temporary folder: the next build compiles again
            super().dump_bytecode(bucket)


@functools.cache
def kept_code() -> FileSystemBytecodeCache | None:
    """The compiled-template cache of this process's toolchain; None when no safe folder can be had."""
    try:
        return _KeptCode(pattern=f"sitegen-{toolchain.current().digest()[:16]}-%s.cache")
    except (OSError, RuntimeError):  # no temporary folder of our own (RuntimeError: Jinja found it unsafe)
        return None
