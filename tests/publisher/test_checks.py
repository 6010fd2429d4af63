"""Pre-publish checks: every blocking kind with its position, the 规范表述 warnings, and overrides."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from publisher.checks import Lexicons, release_content, run_checks
from publisher.checks.base import ReleaseContent
from publisher.checks.lexicons import usage_rules
from publisher.checks.privacy import luhn_valid, valid_resident_id
from publisher.render.article import render_body
from publisher.render.markdown import references
from publisher.services import releases
from publisher.services.releases import ReleaseError
from storage.engine import session_scope
from storage.models import AuditLog, Release
from zhengyu.errors import ConfigError, NotFound
from tests.publisher.helpers import LEXICONS, article_input, make_people

VALID_ID = "11010519491231002X"  # the check digit of 11010519491231002 is X


def _card() -> str:
    """A 19-digit UnionPay-style number with a correct Luhn digit."""
    body = "622202123456789012"
    for digit in "0123456789":
        if luhn_valid(body + digit):
            return body + digit
    raise AssertionError


def _findings(markdown: str = "正文。", title: str = "标题", author: str = "", digest: str = "", cover=True, url=""):
    from publisher.checks.base import AssetInfo

    content = ReleaseContent(title=title, author=author, digest=digest, markdown=markdown, content_source_url=url,
                             html=render_body(markdown, title, "plain", lambda r: "http://mmbiz.qpic.cn/x/0"),
                             references=list(references(markdown)),
                             cover=AssetInfo("cover", "c.jpg", "image/jpeg", 10, b"") if cover else None)
    return [f for f in run_checks(content, LEXICONS) if f.code != "cover_invalid"]


def _codes(findings):
    return [(f.code, f.severity) for f in findings]


def test_validators():
    assert valid_resident_id(VALID_ID) and valid_resident_id("110105194912310021") is False
    assert not valid_resident_id("99010519491231002X")  # no such province
    assert not valid_resident_id("11010519491332002X")  # no 13th month
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


def test_length_limits_block_with_the_field_named():
    found = _findings(title="标" * 33, author="作" * 17, digest="摘" * 129, url="ftp://x")
    assert _codes(found) == [("title_too_long", "block"), ("author_too_long", "block"), ("digest_too_long", "block"),
                             ("source_url_invalid", "block")]
    assert [f.where for f in found[:3]] == ["标题", "作者", "摘要"]
    assert not _findings(title="标" * 32, author="作" * 16, digest="摘" * 128)


def test_body_over_wechat_limit_blocks():
    long_text = "\n\n".join("本段为测试正文，" * 20 for _ in range(200))
    assert ("content_too_long", "block") in _codes(_findings(long_text))


def test_links_only_to_wechat_articles():
    text = "见[通报](https://www.court.gov.cn/a.html)与[往期](https://mp.weixin.qq.com/s/abc)。"
    found = _findings(text)
    assert _codes(found) == [("external_link", "block")]
    assert (found[0].line, found[0].column) == (1, 7) and "45166" in found[0].message


def test_privacy_numbers_are_found_with_positions():
    card = _card()
    text = f"第一行\n当事人身份证号 {VALID_ID}，电话 138-0013-8000，银行卡 {card}。\n编号 110105194912310021 与 12345 热线不算。"
    found = _findings(text)
    codes = _codes(found)
    assert ("id_card", "block") in codes and ("mobile", "block") in codes and ("bank_card", "block") in codes
    id_hit = next(f for f in found if f.code == "id_card")
    assert (id_hit.line, id_hit.column, id_hit.match) == (2, 9, VALID_ID)
    assert f"【{VALID_ID}】" in id_hit.context
    assert sum(1 for f in found if f.code == "id_card") == 1  # the wrong check digit is not an ID number
    # full-width digits are folded before matching; masked numbers pass
    assert ("mobile", "block") in _codes(_findings("电话１３８００１３８０００"))
    assert not _findings("身份证号 110105********002X，电话 138****8000")


@pytest.mark.parametrize("text, name", [
    ("犯罪嫌疑人张三已被刑事拘留。", "张三"), ("被告人欧阳明辉当庭认罪。", "欧阳明辉"), ("。王小明因涉嫌诈骗被依法逮捕", "王小明"),
    ("被害人刘某某的家属", None), ("犯罪嫌疑人李某已到案", None), ("公司涉嫌虚假宣传", None), ("被告人当庭表示认罪", None),
    ("犯罪嫌疑人于2026年5月被抓获", None), ("被告人×某某", None),
])
def test_names_next_to_case_words(text, name):
    hits = [f for f in _findings(text) if f.code == "name_in_case"]
    assert [h.match for h in hits] == ([name] if name else [])
    if name:
        assert hits[0].severity == "block" and "某" in hits[0].message


def test_sensitive_words_block_in_any_field():
    found = _findings("本文为内部资料。", title="不得外传的通报")
    hits = [(f.field, f.match) for f in found if f.code == "sensitive_word"]
    assert hits == [("title", "不得外传"), ("content", "内部资料")]


def test_usage_warnings_suggest_the_right_form_and_respect_exceptions():
    found = _findings("嫌犯已被取保候审，另一人被取保；最高院与高院。\n监外执行与暂予监外执行。")
    usage = [(f.match, f.suggestion, f.severity) for f in found if f.code == "usage"]
    assert usage == [("嫌犯", "犯罪嫌疑人", "warn"), ("取保", "取保候审", "warn"), ("最高院", "最高人民法院", "warn"),
                     ("高院", "高级人民法院", "warn"), ("监外执行", "暂予监外执行", "warn")]
    assert found[0].key == "usage:嫌犯" and found[0].line == 1


def test_the_shipped_usage_list_is_real_and_broken_lists_are_clear_errors(tmp_path):
    assert len(usage_rules(LEXICONS.usage_rules_file)) >= 30
    bad = tmp_path / "usage.yaml"
    bad.write_text("rules:\n  - wrong: 罪犯\n    right: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="usage.yaml 第 4 行"):
        usage_rules(bad)
    bad.write_text("rules:\n  - wrong: 罪犯\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="缺少 right、note"):
        usage_rules(bad)
    with pytest.raises(ConfigError, match="找不到词表"):
        run_checks(ReleaseContent("t", "", "", "x", "", "x"), Lexicons(tmp_path / "none.txt", bad))


def test_a_warning_is_overridden_only_with_a_reason_a_block_never(session_factory, tmp_path):
    people = make_people(session_factory)
    text = "# 判决通报\n\n罪犯王某某经终审判决，现已交付执行。"
    with session_scope(session_factory) as s:
        rid = releases.create(s, people["editor1"], article_input(tmp_path, text), lexicons=LEXICONS).id
    for who in ("rev1", "rev2"):
        with session_scope(session_factory) as s:
            releases.review_release(s, people[who], rid, "approve", lexicons=LEXICONS)
    with pytest.raises(ReleaseError, match="usage:罪犯"):  # 终审 needs every warning settled
        with session_scope(session_factory) as s:
            releases.review_release(s, people["rev3"], rid, "approve", lexicons=LEXICONS)
    with pytest.raises(ReleaseError, match="理由"):
        with session_scope(session_factory) as s:
            releases.override_warning(s, people["editor1"], rid, "usage:罪犯", " ", lexicons=LEXICONS)
    with pytest.raises(NotFound, match="usage:罪犯"):
        with session_scope(session_factory) as s:
            releases.override_warning(s, people["editor1"], rid, "usage:嫌犯", "理由", lexicons=LEXICONS)
    with session_scope(session_factory) as s:
        outcome = releases.override_warning(s, people["rev3"], rid, "usage:罪犯", "已经终审判决生效，称罪犯准确",
                                            lexicons=LEXICONS)
        assert outcome.report.open_warnings == []
    with session_scope(session_factory) as s:
        assert releases.review_release(s, people["rev3"], rid, "approve", lexicons=LEXICONS).release["status"] == "approved"
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "release.override_warning")).one()
        assert entry.actor == "rev3" and entry.detail["reason"] == "已经终审判决生效，称罪犯准确"
        assert s.get(Release, rid).warning_overrides[0]["key"] == "usage:罪犯"
    # a blocking finding cannot be overridden, and stops the release at draft
    with session_scope(session_factory) as s:
        outcome = releases.create(s, people["editor1"], article_input(tmp_path, "# 通报\n\n犯罪嫌疑人张三到案。"),
                                  lexicons=LEXICONS)
        assert outcome.release["status"] == "draft"
        key = outcome.report.blocking[0].key
    with pytest.raises(ReleaseError, match="不能忽略"):
        with session_scope(session_factory) as s:
            releases.override_warning(s, people["editor1"], outcome.id, key, "我坚持", lexicons=LEXICONS)
    with pytest.raises(ReleaseError, match="必须修改"):
        with session_scope(session_factory) as s:
            releases.submit(s, people["editor1"], outcome.id, lexicons=LEXICONS)


def test_content_from_a_stored_release_measures_the_html_sent(session_factory, tmp_path):
    people = make_people(session_factory)
    with session_scope(session_factory) as s:
        rid = releases.create(s, people["editor1"], article_input(tmp_path), lexicons=LEXICONS).id
        content = release_content(s, s.get(Release, rid))
        assert "mmbiz.qpic.cn" in content.html and len(content.images) == 1 and content.cover is not None
