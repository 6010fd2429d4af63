"""Rendering: CommonMark + tables → WeChat HTML with inline styles only, nothing the author can inject."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from publisher.render.article import ALLOWED_TAGS, render_body
from publisher.render.markdown import references
from publisher.render.themes import THEMES, UnknownTheme, theme_by_name
from tests.publisher.helpers import ARTICLE

HOSTILE = """# 标题

<script>alert("x")</script>
<style>p{color:red}</style>
<div class="evil" id="x" onclick="steal()">原始 HTML</div>
<iframe src="https://example.org"></iframe>

[点我](javascript:alert(1)) [本地](file:///etc/passwd) <a href="https://evil.example">内嵌链接</a>

![x](data:image/png;base64,AAAA)

```js
console.log(1)
```
"""


def _tree(fragment: str):
    return lxml_html.fragment_fromstring(fragment, create_parent="div")


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_theme_gives_inline_styles_only(theme):
    out = render_body(ARTICLE, "关于开展电信网络诈骗专项整治的通报", theme, lambda ref: f"http://mmbiz.qpic.cn/mmbiz_png/{len(ref)}/0")
    tree = _tree(out)
    tags = {element.tag for element in tree.iter() if isinstance(element.tag, str)} - {"div"}
    assert tags <= ALLOWED_TAGS
    for element in tree.iter():
        assert "class" not in element.attrib and "id" not in element.attrib
    assert "<style" not in out and "<script" not in out and "<link" not in out
    # headings, quote, both lists, the table and the rule are all there, and styled by the theme
    for tag in ("h2", "blockquote", "ol", "ul", "li", "table", "thead", "th", "td", "hr", "strong", "img", "a"):
        elements = tree.findall(f".//{tag}")
        assert elements, tag
        assert all(e.get("style") for e in elements if tag not in ("thead",)), tag
    root = tree[0]
    assert root.tag == "section" and "font-size" in root.get("style")
    # the title repeated as the first heading is not shown twice
    assert tree.find(".//h1") is None
    assert [td.text for td in tree.findall(".//td")] == ["破案", "120", "抓获犯罪嫌疑人", "95"]
    assert "text-align: right" in tree.findall(".//td")[1].get("style")


def test_themes_differ_and_are_chosen_by_code_or_chinese_name():
    colours = {code: render_body("## 小标题", "t", code, str) for code in THEMES}
    assert len(set(colours.values())) == len(THEMES) >= 3
    assert theme_by_name("党政红").code == "red" and theme_by_name("blue").name == "政务蓝"
    with pytest.raises(UnknownTheme, match="可选"):
        theme_by_name("花哨")


def test_images_are_referenced_through_the_resolver():
    seen = []

    def resolve(ref):
        seen.append(ref)
        return "http://mmbiz.qpic.cn/mmbiz_png/abc/0"

    out = render_body("![现场 图](images/现场.png)\n\n![二](b.jpg)", "t", "plain", resolve)
    assert seen == ["images/%E7%8E%B0%E5%9C%BA.png", "b.jpg"]
    imgs = _tree(out).findall(".//img")
    assert [i.get("src") for i in imgs] == ["http://mmbiz.qpic.cn/mmbiz_png/abc/0"] * 2
    assert imgs[0].get("alt") == "现场 图"


def test_author_cannot_inject_markup_scripts_or_script_links():
    out = render_body(HOSTILE, "标题", "red", lambda ref: "http://mmbiz.qpic.cn/x/0")
    tree = _tree(out)
    assert not tree.findall(".//script") and not tree.findall(".//style") and not tree.findall(".//iframe")
    assert not tree.findall(".//div/div")
    hrefs = [a.get("href") for a in tree.iter("a")]
    assert all(h is None or h.startswith(("http://", "https://")) for h in hrefs)
    assert "javascript:" not in out.replace("[点我](javascript:alert(1))", "")
    assert "onclick" not in out.replace('onclick="steal()"&gt;', "").replace("onclick=&quot;steal()&quot;", "")
    assert "&lt;script&gt;" in out  # shown as text, not run
    for element in tree.iter():
        assert set(element.attrib) <= {"style", "href", "src", "alt"}


def test_references_give_line_and_column_of_images_and_links():
    refs = list(references("第一行\n\n看 ![图](a/b.png) 和 [链接](https://example.org/x)\n"))
    assert [(r.kind, r.path, r.line, r.column) for r in refs] == [
        ("image", "a/b.png", 3, 8), ("link", "https://example.org/x", 3, 24)]
    assert refs[1].text == "链接"
