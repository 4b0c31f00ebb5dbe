"""What a build imports: a module it does not use stays unloaded (each costs milliseconds at every build).

Pillow's image modules load only to process a picture, opencc only for a Traditional edition, numpy only to index
more than an edit's text; Python-Markdown's extensions are given as objects (a name would be looked up with
importlib.metadata) and the postings avoid np.unique (which loads numpy.ma). Each build runs in a fresh
interpreter, as `sitegen build` does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import PNG, MakeSite, article

BUILD_AND_LIST = """
import sys
from pathlib import Path
from sitegen.build.api import BuildOptions, build
build(Path(sys.argv[1]), BuildOptions(jobs=1))
print(" ".join(name for name in sys.argv[2:] if name in sys.modules))
"""
WATCHED = ("PIL.Image", "opencc", "importlib.metadata", "numpy", "numpy.ma", "markdown")


def loaded_by_a_build(site: Path) -> set[str]:
    """Which of WATCHED a build of `site` in its own process has imported by its end."""
    done = subprocess.run([sys.executable, "-c", BUILD_AND_LIST, str(site), *WATCHED], capture_output=True,
                          text=True, check=True)  # fmt: skip
    return set(done.stdout.splitlines()[-1].split())


def test_an_edit_build_and_an_idle_build_load_only_what_they_use(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/2024/a.md": article("甲", body="甲的正文。\n\n![图](a.png)\n"),
            "content/towns/2024/a.png": PNG,
            "content/towns/2024/b.md": article("乙", body="乙的正文。"),
        }
    )
    cold = loaded_by_a_build(site)
    assert {"PIL.Image", "numpy"} <= cold  # the picture processed, the index made
    with (site / "content/towns/2024/a.md").open("a", encoding="utf-8") as source:
        source.write("\n加一句。\n")
    # the edited article's picture comes from the cache; its text's changed postings are patched without numpy
    # (search/patch.py); no edition
    assert loaded_by_a_build(site) == {"markdown"}
    # nothing changed: the index is not touched either
    assert loaded_by_a_build(site) <= {"markdown"}
