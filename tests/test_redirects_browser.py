"""A reader following an old address lands on the article: the Hugo archive fixture imported, built, served over
HTTP and opened in Debian's Chromium at its old addresses (a permalink of the old site, an `aliases:` entry, a
`url:`, and the address of the post that was renamed because another took its name)."""

from __future__ import annotations

from collections.abc import Iterator

import browser_support
import pytest
from conftest import SITE_YAML, build_site
from importing import FIXTURES

from sitegen.importers.run import import_hugo


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("redirects") / "site"
    site.mkdir()
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    report = import_hugo(site, FIXTURES / "hugo-archive", "towns")
    assert report.complete
    build_site(site)
    with browser_support.serve(site / "public") as url:
        yield url


@pytest.mark.parametrize(
    ("old", "article", "title"),
    [
        ("/2020/03/01/monthly/", "/towns/2020/03/monthly/", "三月月报"),
        ("/2020/03/monthly.html", "/towns/2020/03/monthly/", "三月月报"),
        ("/2020/04/01/monthly/", "/towns/2020/04/monthly-2020-04-01/", "四月月报"),
        ("/sfd/2019/", "/towns/2019/09/sfd/", "软件自由日 2019"),
        ("/cn/2021/05/09/r-plots/", "/towns/2021/05/r-plots/", "用 R 画散点图"),
    ],
)
def test_an_old_address_leads_to_its_article(browser, base_url: str, old: str, article: str, title: str) -> None:
    with browser_support.tab(browser, base_url) as tab:
        tab.goto(old)
        tab.page.wait_for_url(lambda url: url.startswith(base_url + article), wait_until="load")
        assert tab.path == article
        assert tab.page.locator("h1").first.inner_text().strip() == title
        assert [url for url in tab.broken if "rmarkdown-libs" not in url] == []
