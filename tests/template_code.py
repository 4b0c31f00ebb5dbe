"""Jinja's compiled templates, shared by the builds of one test process (tests/conftest.py installs it).

Each build makes a new Jinja environment and compiles every template it renders again: most of the time of a build
of a one-article site, and the suite runs over a thousand of those, almost all with the same theme templates. Jinja's
own bytecode-cache hook gives a new environment the code an earlier one compiled from the same source, under the same
name, with the same compile-time settings; anything else is compiled, as it would be without the cache. A template
that does not compile is never cached (the error is raised every time), and sitegen itself (the CLI, `serve`, the
builds of subprocesses) compiles as before: the suite's output is the same bytes, made sooner.
"""

from __future__ import annotations

from types import CodeType
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache


def compile_settings(env: jinja2.Environment) -> tuple[object, ...]:
    """Everything of an environment that shapes the code Jinja compiles: the class and its code generator, the
    syntax, autoescape, finalize and the optimizer, and the filters and tests (the optimizer may call them on
    constants), as the objects themselves, so that a key never matches another environment's by accident."""
    return (
        type(env),
        env.code_generator_class,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.autoescape,
        env.finalize,
        env.optimized,
        env.is_async,
        tuple(sorted(env.extensions)),
        tuple(sorted(env.filters.items(), key=lambda item: item[0])),
        tuple(sorted(env.tests.items(), key=lambda item: item[0])),
        tuple(sorted((name, repr(value)) for name, value in env.policies.items())),
    )


class _SharedBucket(Bucket):
    def __init__(self, environment: jinja2.Environment, key: tuple[object, ...]) -> None:
        super().__init__(environment, "", "")
        self.shared_key = key


class SharedTemplateCode(BytecodeCache):
    """Compiled templates in memory, keyed by compile settings, name, file name and the whole source text."""

    def __init__(self) -> None:
        self.codes: dict[tuple[object, ...], CodeType] = {}

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = _SharedBucket(environment, (compile_settings(environment), name, filename, source))
        bucket.code = self.codes.get(bucket.shared_key)
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        if isinstance(bucket, _SharedBucket) and bucket.code is not None:
            self.codes[bucket.shared_key] = bucket.code

    def load_bytecode(self, bucket: Bucket) -> None:  # never called: get_bucket does the loading
        raise NotImplementedError

    def dump_bytecode(self, bucket: Bucket) -> None:  # never called: set_bucket does the keeping
        raise NotImplementedError


def with_shared_code(init: Any, shared: SharedTemplateCode) -> Any:
    """An environment class's __init__ that takes `shared` as its bytecode cache unless given another one."""

    def __init__(self: jinja2.Environment, **options: Any) -> None:
        options.setdefault("bytecode_cache", shared)
        init(self, **options)

    __init__.__wrapped__ = init  # type: ignore[attr-defined]  # the class's own, for tests of sitegen's own cache
    return __init__
