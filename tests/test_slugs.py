"""Author slugs remembered between builds (incremental/slugs.py): the same slugs, without pypinyin for known names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MakeSite, article

from sitegen import toolchain
from sitegen.content.pinyin import slugify
from sitegen.incremental import slugs
from sitegen.incremental.slugs import SLUGS_FILE, SlugMemo, load_slugs, save_slugs
from sitegen.layout import CACHE_DIR


def test_a_memo_gives_what_slugify_gives_and_a_loaded_one_needs_no_pinyin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["张三", "欧阳娜娜", "曾小贤", "Li Lei", "单田芳"]
    memo = SlugMemo()
    assert [memo(n) for n in names] == [slugify(n, "author") for n in names]
    save_slugs(tmp_path, memo, "tool-1")

    def no_pinyin(name: str, fallback: str = "article") -> str:
        raise AssertionError(f"pinyin asked for {name}")

    monkeypatch.setattr(slugs, "slugify", no_pinyin)
    warnings: list[str] = []
    again = load_slugs(tmp_path, "tool-1", warnings)
    assert [again(n) for n in names] == [slugify(n, "author") for n in names] and warnings == []
    save_slugs(tmp_path, again, "tool-1")  # nothing learnt, nothing forgotten: not written
    assert not again.added


def test_the_file_keeps_only_the_names_of_the_last_build(tmp_path: Path) -> None:
    memo = SlugMemo()
    memo("张三"), memo("李四")
    save_slugs(tmp_path, memo, "t")
    second = load_slugs(tmp_path, "t", [])
    second("李四")
    save_slugs(tmp_path, second, "t")
    assert load_slugs(tmp_path, "t", []).known == {"李四": slugify("李四", "author")}


def test_another_toolchain_or_a_damaged_file_starts_afresh_and_says_so(tmp_path: Path) -> None:
    memo = SlugMemo()
    memo("张三")
    save_slugs(tmp_path, memo, "old")
    warnings: list[str] = []
    assert load_slugs(tmp_path, "new", warnings).known == {}
    assert warnings == [f"{tmp_path / SLUGS_FILE}: cache discarded (made by another version of sitegen, Python or a "
                        "library); rebuilt"]  # fmt: skip
    for text in ("{", '{"slugs": {"张三": 3}, "toolchain": "new"}', "[]"):
        (tmp_path / SLUGS_FILE).write_text(text, encoding="utf-8")
        warnings = []
        assert load_slugs(tmp_path, "new", warnings).known == {}
        assert len(warnings) == 1 and "cache discarded (damaged: " in warnings[0]


def test_a_slug_changed_in_the_file_is_damage_not_an_author_address(tmp_path: Path) -> None:
    """A changed letter still made a slug: the author's pages moved to it (found by a QA pass)."""
    memo = SlugMemo()
    memo("张三")
    save_slugs(tmp_path, memo, "t")
    path = tmp_path / SLUGS_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("zhang-san", "zhang-sun"), encoding="utf-8")
    warnings: list[str] = []
    assert load_slugs(tmp_path, "t", warnings).known == {}
    assert len(warnings) == 1 and "cache discarded (damaged: " in warnings[0]


BUILD_AND_SAY = """
import sys
from pathlib import Path
from sitegen.build.api import BuildOptions, build
build(Path(sys.argv[1]), BuildOptions(jobs=1))
print("pypinyin" in sys.modules)
"""


def test_a_rebuild_whose_authors_are_known_does_not_import_pypinyin(make_site: MakeSite) -> None:
    site = make_site({"content/towns/2024/a.md": article(author="[张三, 李四]")})

    def build_imports_pypinyin() -> bool:
        done = subprocess.run([sys.executable, "-c", BUILD_AND_SAY, str(site)], capture_output=True, text=True,
                              check=True)  # fmt: skip
        return done.stdout.split()[-1] == "True"

    assert build_imports_pypinyin()  # the first build learns the names
    memo = load_slugs(site / CACHE_DIR, toolchain.digest(), [])
    assert memo.known == {"张三": slugify("张三", "author"), "李四": slugify("李四", "author")}
    (site / "content/towns/2024/b.md").write_text(article(title="二", author="李四"), encoding="utf-8")
    assert not build_imports_pypinyin()
    assert (site / "public/authors" / slugify("李四", "author") / "index.html").is_file()
