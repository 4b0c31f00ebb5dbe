"""The words pages show, in each site language."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_LABELS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "home": "首页", "source": "文章出处", "author": "作者", "views": "阅读量", "published": "发表时间",
        "updated": "更新时间", "editor": "编辑", "tags": "标签", "previous": "上一篇", "next": "下一篇",
        "latest": "最新文章", "most_read": "阅读排行", "more": "更多", "newer": "上一页", "older": "下一页",
        "page": "第 {0} 页，共 {1} 页", "pagination": "分页", "empty_column": "本栏目暂无文章。",
        "skip_to_content": "跳到正文", "not_found_title": "页面未找到",
        "not_found_text": "您访问的页面不存在或已被移除。", "navigation": "栏目导航", "draft": "草稿",
        "figures": "图片", "scheduled": "定时发布", "characters": "字数", "reading_time": "阅读时间",
        "minutes": "{0} 分钟", "footer_navigation": "页脚导航", "article_navigation": "文章导航",
        "related": "相关文章", "tag_title": "标签：{0}", "all_tags": "全部标签", "articles_count": "{0} 篇",
        "search": "搜索", "search_label": "搜索本站文章", "search_button": "搜索",
        "search_needs_js": "搜索需要浏览器启用 JavaScript。", "search_loading": "正在搜索…",
        "search_count": "找到 {0} 篇文章", "search_about": "找到约 {0} 篇文章",
        "search_none": "没有找到包含“{0}”的文章。", "search_short": "请输入至少两个字。",
        "search_error": "搜索暂时无法使用，请稍后再试。", "search_more": "显示更多结果",
        # a portal's extras: lead stories, authors, the date archive, filings, the accessibility toolbar
        "leads": "头条", "authors": "作者与编辑", "author_articles": "{0} 的文章",
        "author_feed": "订阅 {0} 的文章", "author_photo": "{0} 的照片", "all_authors": "全部作者与编辑",
        "archive": "往期回顾", "archive_title": "文章归档", "archive_year": "{0}年", "archive_month": "{0}年{1}月",
        "icp_link": "工业和信息化部 ICP/IP 地址/域名信息备案管理系统", "police_link": "全国互联网安全管理服务平台",
        "conac_badge": "党政机关网站标识", "government_code": "网站标识码：{0}",
        "toolbar": "长者模式 · 无障碍", "toolbar_group": "无障碍工具", "text_smaller": "缩小字号",
        "text_larger": "放大字号", "text_size": "字号 {0}%", "contrast": "高对比度", "cursor": "大鼠标",
        "read_aloud": "朗读", "stop_reading": "停止朗读", "reading_view": "阅读模式", "reset": "恢复默认",
        "read_aloud_unavailable": "本浏览器不支持朗读",
        "edition_switch": "简繁切换",
    },
    "en": {
        "home": "Home", "source": "Source", "author": "Author", "views": "Views", "published": "Published",
        "updated": "Updated", "editor": "Editor", "tags": "Tags", "previous": "Previous", "next": "Next",
        "latest": "Latest", "most_read": "Most read", "more": "More", "newer": "Newer", "older": "Older",
        "page": "Page {0} of {1}", "pagination": "Pagination", "empty_column": "No articles yet.",
        "skip_to_content": "Skip to content", "not_found_title": "Page not found",
        "not_found_text": "The page you asked for does not exist or has been removed.",
        "navigation": "Sections", "draft": "Draft", "figures": "Pictures", "scheduled": "Scheduled",
        "characters": "Characters", "reading_time": "Reading time", "minutes": "{0} min",
        "footer_navigation": "Footer navigation", "article_navigation": "Article navigation",
        "related": "Related", "tag_title": "Tag: {0}", "all_tags": "All tags", "articles_count": "{0} articles",
        "search": "Search", "search_label": "Search this site", "search_button": "Search",
        "search_needs_js": "Search needs JavaScript to be turned on in your browser.", "search_loading": "Searching…",
        "search_count": "Articles found: {0}", "search_about": "Articles found: about {0}",
        "search_none": "No article contains “{0}”.", "search_short": "Type at least two characters.",
        "search_error": "Search is not available right now; please try again later.", "search_more": "More results",
        "leads": "Top stories", "authors": "Authors and editors", "author_articles": "Articles by {0}",
        "author_feed": "Feed of {0}'s articles", "author_photo": "Photo of {0}", "all_authors": "All authors",
        "archive": "Archive", "archive_title": "Archive", "archive_year": "{0}", "archive_month": "{0}-{1:02d}",
        "icp_link": "MIIT ICP filing system", "police_link": "Public-security filing system",
        "conac_badge": "Party and government website mark", "government_code": "Website code: {0}",
        "toolbar": "Accessibility", "toolbar_group": "Accessibility tools", "text_smaller": "Smaller text",
        "text_larger": "Larger text", "text_size": "Text {0}%", "contrast": "High contrast", "cursor": "Large cursor",
        "read_aloud": "Read aloud", "stop_reading": "Stop reading", "reading_view": "Reading view", "reset": "Reset",
        "read_aloud_unavailable": "This browser cannot read aloud",
        "edition_switch": "Chinese script",
    },
}  # fmt: skip


def labels_for(language: str) -> Mapping[str, str]:
    """The words of a language; any Chinese tag (an edition's zh-Hant-HK) gets the Simplified ones, which an edition
    converts."""
    return _VIEWS.get("zh-CN" if language.startswith("zh") else language, _VIEWS["en"])


# one read-only view per language: every page of a build is given the same object (the include memo compares by it)
_VIEWS = {language: MappingProxyType(words) for language, words in _LABELS.items()}
