"""``zhengyu extract PAGE.html [--url URL]`` through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from zhengyu.cli import cli

GBK_PAGE = """<html><head><meta charset="gb2312"><title>市法院发布十大典型案例_某某法院网</title></head><body>
<h1>市法院发布十大典型案例</h1><div class="info">2021年04月26日 15:30 来源：市中级人民法院</div>
<div class="content"><p>4月26日，市中级人民法院召开新闻发布会，通报2020年度知识产权司法保护情况，并发布十大典型案例。</p>
<p>发布会上，法院相关负责人介绍，全年共受理各类知识产权案件一千余件，同比增长百分之十二。</p></div></body></html>"""


def run(*args: str):
    return CliRunner().invoke(cli, ["extract", *args])


def test_extract_prints_one_json_object_for_a_gbk_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(GBK_PAGE.encode("gbk"))
    result = run(str(page), "--url", "http://court.example.cn/a/1.html")
    assert result.exit_code == 0, result.output
    assert "市法院发布十大典型案例" in result.output  # ensure_ascii=False: Chinese is printed as is
    data = json.loads(result.output)
    assert data == {
        "title": "市法院发布十大典型案例",
        "published_at": "2021-04-26T15:30:00+08:00",
        "author": None,
        "source": "市中级人民法院",
        "text": data["text"],
        "account": None,
    }
    assert data["text"].startswith("4月26日，市中级人民法院召开新闻发布会")


def test_extract_on_a_real_dev_page(shared_data):
    page = shared_data / "pages" / "dev" / "tests_hexun_1.html"  # declares gb2312, saved as UTF-8
    result = run(str(page))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "交通运输部：着力打造京津冀区域综合立体交通网络"
    assert data["published_at"] == "2019-09-26T10:56:28+08:00"  # the shown minute, the declared second


def test_page_without_a_date_prints_null(tmp_path):
    page = tmp_path / "nodate.html"
    page.write_text("<html><head><title>说明</title></head><body><h1>网站说明</h1><div><p>本网站由某某单位主办，"
                    "内容仅供参考，转载请注明出处，谢谢合作。</p></div></body></html>", encoding="utf-8")
    result = run(str(page))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["published_at"] is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "找不到网页文件"),
        (b"", "网页文件是空的"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00" * 50, "不是 HTML"),
        ("这只是一段纯文本，不是网页。".encode("utf-8"), "不是 HTML"),
    ],
)
def test_bad_input_is_one_chinese_error_line(tmp_path, content, message):
    page = tmp_path / "input.html"
    if content is not None:
        page.write_bytes(content)
    result = run(str(page))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("错误：") and message in lines[0]
    assert "Traceback" not in result.output
