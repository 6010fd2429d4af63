"""The strict entry point (``crawlers.extract.page``): each way a page fails to give an article is its own error."""

from __future__ import annotations

import pytest

from crawlers.extract import page as page_module
from crawlers.extract.page import EmptyPage, NotHtml, PageTooLarge, PageUnavailable, extract_page, extract_page_file

ARTICLE = ("<html><head><title>社区民警上门宣传反诈知识_某某公安网</title></head><body><h1>社区民警上门宣传反诈知识</h1>"
           "<div class='content'><p>近日，社区民警走进辖区居民家中，面对面讲解常见电信网络诈骗手法，提醒群众守好钱袋子。</p>"
           "<p>民警还帮助居民下载安装国家反诈中心应用，现场演示如何识别和举报可疑来电。</p></div></body></html>")


@pytest.mark.parametrize(
    ("raw", "error", "message"),
    [
        (b"", EmptyPage, "是空的"),
        (b"   \n\t  ", EmptyPage, "是空的"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, NotHtml, "二进制数据"),
        ("这只是一段纯文本，没有任何标签。".encode("gbk"), NotHtml, "没有任何网页标签"),
        ("<html><body><div class='nav'><a href='/'>首页</a></div></body></html>".encode(), PageUnavailable,
         "找不到文章"),
    ],
)
def test_each_failure_mode_has_its_own_error_and_a_chinese_message(raw, error, message):
    with pytest.raises(error, match=message):
        extract_page(raw)


def test_an_oversized_page_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(page_module, "MAX_PAGE_BYTES", 1000)
    with pytest.raises(PageTooLarge, match="过大"):
        extract_page(ARTICLE.encode("utf-8") * 5)


def test_utf16_pages_are_not_mistaken_for_binary_data():
    article = extract_page(ARTICLE.encode("utf-16"))
    assert article.title == "社区民警上门宣传反诈知识"


def test_a_good_page_is_extracted_and_a_file_names_itself_in_errors(tmp_path):
    good = tmp_path / "good.html"
    good.write_bytes(ARTICLE.encode("gb18030"))
    assert extract_page_file(good).text.startswith("近日，社区民警走进辖区居民家中")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    with pytest.raises(EmptyPage, match=str(empty)):
        extract_page_file(empty)
