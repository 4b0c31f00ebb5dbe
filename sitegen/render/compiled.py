"""Compiled templates kept between builds: each build's Jinja environment is new, and compiling the theme's templates
again cost an edit build about 0.1 s of its 2 (sixteen templates).

Jinja's own file-system bytecode cache does the keeping, in its own folder for this user in the system's temporary
folder (created 0700 and refused when another user owns it: compiled code is run, so it is never read from the
build cache, which may come from a CI cache or a careless commit). A file is found by the template's name and file
and the environment's compile settings (its class and code generator: the include memo's hook, render/memo.py),
and holds the checksum of the source it was compiled from: a changed template is compiled again. Its name carries
the toolchain's digest (sitegen's code, Jinja's version, Python's). Reading or writing it never fails a build: a
file that cannot be read is compiled anew, one that cannot be written is left unwritten. Each file ends in a digest
of its bytes: Jinja's format checks only the source's checksum, and a byte changed in the compiled code (a string
of the template's HTML) still loaded and was run by every build, `--no-cache` ones too. A build without its cache
(`--no-cache`) compiles every template itself, as a cold build should.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
from typing import IO, cast

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from sitegen import toolchain


class _KeptCode(FileSystemBytecodeCache):
    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        """Jinja's bucket, but found by the environment's compile settings too (the key of Jinja's own is the
        template's name and file alone)."""
        bucket = Bucket(environment, self.get_cache_key(f"{_settings(environment)}|{name}", filename),
                        self.get_source_checksum(source))  # fmt: skip
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(self._get_cache_filename(bucket), "rb") as handle:
                data = handle.read()
        except OSError:
            return
        code, seal = data[:-_SEAL_SIZE], data[-_SEAL_SIZE:]
        if _seal(code) != seal:
            return  # damaged, cut short or of another format: compiled, rewritten
        try:
            bucket.bytecode_from_string(code)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # a full or read-only temporary folder: the next build compiles again
            super().dump_bytecode(cast(Bucket, _Sealed(bucket)))  # Jinja's writing: beside, then renamed


_SEAL_SIZE = 16


def _seal(code: bytes) -> bytes:
    return hashlib.blake2b(code, digest_size=_SEAL_SIZE).digest()


class _Sealed:
    """A bucket as Jinja's file cache writes it (its key, its bytes), its bytes followed by their digest."""

    def __init__(self, bucket: Bucket) -> None:
        self.key = bucket.key
        self._bucket = bucket

    def write_bytecode(self, handle: IO[bytes]) -> None:
        code = self._bucket.bytecode_to_string()
        handle.write(code + _seal(code))


def _settings(env: jinja2.Environment) -> str:
    """What of an environment shapes the code Jinja compiles for it, as text: its class and code generator (the
    include memo's hook), the syntax, whitespace handling, autoescape, the optimizer, the extensions and the names of
    the filters and tests (their code is sitegen's or Jinja's: in the toolchain's digest)."""
    def named(value: object) -> str:
        return f"{value.__module__}.{value.__qualname__}" if hasattr(value, "__qualname__") else repr(value)

    return repr((
        named(type(env)), named(env.code_generator_class), env.block_start_string, env.block_end_string,
        env.variable_start_string, env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
        env.keep_trailing_newline, named(env.autoescape), named(env.finalize), env.optimized, env.is_async,
        sorted(env.extensions), sorted(env.filters), sorted(env.tests),
    ))  # fmt: skip


@functools.cache
def kept_code() -> FileSystemBytecodeCache | None:
    """The compiled-template cache of this process's toolchain; None when no safe folder can be had."""
    try:
        return _KeptCode(pattern=f"sitegen-{toolchain.current().digest()[:16]}-%s.cache")
    except (OSError, RuntimeError):  # no temporary folder of our own (RuntimeError: Jinja found it unsafe)
        return None
