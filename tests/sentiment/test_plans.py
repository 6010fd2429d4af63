"""Monitoring-plan language: parsing, errors that point at the column, matching with scope/exclusions/proximity."""

from __future__ import annotations

import pytest

from sentiment.plans import Document, PlanSyntaxError, compile_plan, parse_rule
from sentiment.plans.lang import And, FieldEquals, Near, Not, Or, Term


def matches(rule: str, body: str = "", **kw) -> bool:
    return compile_plan("t", rule, kw.pop("exclusions", ())).matches(Document(body=body, **kw))


def test_precedence_and_binds_tighter_than_or():
    tree = parse_rule("派出所 AND 打人 OR 殴打")
    assert tree == Or((And((Term("派出所"), Term("打人"))), Term("殴打")))


@pytest.mark.parametrize("rule", [
    "(派出所 OR 民警) AND 打人 AND NOT 演习",
    "(派出所 | 民警) + 打人 -演习",
    "(派出所 || 民警) && 打人 && !演习",
    "（派出所 ｜ 民警） 打人 ！演习",
])
def test_operator_spellings_mean_the_same(rule):
    assert parse_rule(rule) == And((Or((Term("派出所"), Term("民警"))), Term("打人"), Not(Term("演习"))))


def test_quoted_phrase_keeps_spaces_and_operators():
    assert parse_rule('"AND OR 词"') == Term("and or 词")
    assert parse_rule("“冒充 公检法”") == Term("冒充 公检法")


def test_field_scope_and_near_parse():
    assert parse_rule("title:(警察 OR 民警)") == Or((Term("警察", "title"), Term("民警", "title")))
    assert parse_rule("平台:weibo") == FieldEquals("platform", "weibo")
    assert parse_rule("NEAR/5(派出所, 打人)") == Near(5, ("派出所", "打人"))
    assert parse_rule("正文:NEAR(a，b，c)") == Near(10, ("a", "b", "c"), "body")


@pytest.mark.parametrize("rule, column, fragment", [
    ("(派出所 OR 民警 打人", 14, "右括号"),
    ("派出所 AND", 8, "缺少关键词"),
    ("派出所 AND OR 打人", 9, "缺少关键词"),
    ("派出所)", 4, "多余的右括号"),
    ('派出所 "打人', 5, "没有闭合"),
    ("作者:张三", 1, "未知的字段"),
    ("NEAR/x(a, b)", 1, "正整数"),
    ("打人 NEAR/3(a)", 10, "至少需要两个"),
    ("NEAR/3(a b)", 10, "逗号"),
    ("", 1, "规则为空"),
    ("NOT 广告", 1, "排除条件"),
    ("民警 ()", 5, "括号中没有内容"),
    ("title:", 7, "缺少关键词"),
])
def test_errors_are_chinese_and_point_at_the_column(rule, column, fragment):
    with pytest.raises(PlanSyntaxError) as info:
        parse_rule(rule)
    assert info.value.column == column
    assert fragment in str(info.value)
    assert f"第 {column} 列" in str(info.value)
    assert info.value.pointer().splitlines()[1] == " " * (column - 1) + "^"


def test_matching_boolean_logic_and_case_width_folding():
    rule = "(派出所 OR 民警) AND 打人 -演习"
    assert matches(rule, "某派出所民警打人")
    assert not matches(rule, "派出所组织演习，模拟打人场景")
    assert not matches(rule, "民警救人")
    assert matches("COVID", "ｃｏｖｉｄ-19 疫情")  # full-width and case folded


def test_field_scope_title_body_author_type_platform():
    doc = dict(title="警方通报", body="网传某地发生冲突")
    assert matches("title:通报", **doc)
    assert not matches("title:冲突", **doc)
    assert matches("body:冲突", **doc)
    assert matches("通报 冲突", **doc)  # unscoped terms look at both
    assert matches("冲突 author_type:official", body="冲突", author_type="official")
    assert not matches("冲突 author_type:official", body="冲突", author_type="netizen")
    assert matches("冲突 platform:(weibo OR douyin)", body="冲突", platform="Douyin")


def test_exclusion_words_veto_a_match():
    assert matches("打人", "派出所打人")
    assert not matches("打人", "电视剧里派出所打人", exclusions=["电视剧"])


def test_proximity_counts_characters_between_terms():
    assert matches("NEAR/5(派出所, 打人)", "城关派出所民警打人")  # 2 characters apart
    assert not matches("NEAR/1(派出所, 打人)", "城关派出所民警打人")
    assert matches("NEAR/1(打人, 派出所)", "打人的派出所")  # order does not matter
    assert not matches("NEAR/5(派出所, 打人)", "派出所" + "很" * 20 + "打人")


def test_compile_plan_scope_restricts_platforms_and_rejects_unknown_keys():
    plan = compile_plan("p", "诈骗", scope={"platform": ["weibo"]})
    assert plan.matches(Document(body="电信诈骗", platform="weibo"))
    assert not plan.matches(Document(body="电信诈骗", platform="tieba"))
    with pytest.raises(PlanSyntaxError):
        compile_plan("p", "诈骗", scope={"region": "x"})


def test_emoji_traditional_and_huge_text_do_not_break_matching():
    body = "😡" * 10 + "派出所打人" + "字" * 100_000
    assert matches("派出所 打人", body)
    assert not matches("派出所 打人", "😡😡")


@pytest.mark.parametrize("rule, message", [
    ("(" * 5000 + "派出所" + ")" * 5000, "嵌套超过"),
    ("NOT " * 3000 + "派出所", "嵌套超过"),
    ("-" * 5000 + "派出所", "嵌套超过"),
    ("派出所 OR " * 3000 + "民警", "超过上限"),
])
def test_pathological_rules_get_a_syntax_error_not_a_recursion_error(rule, message):
    with pytest.raises(PlanSyntaxError, match=message):
        parse_rule(rule)


def test_rules_at_the_limits_still_parse():
    from sentiment.plans.lang import MAX_DEPTH, MAX_RULE_CHARS

    assert parse_rule("(" * (MAX_DEPTH - 1) + "派出所" + ")" * (MAX_DEPTH - 1))
    words = " OR ".join(f"词{i}" for i in range(MAX_RULE_CHARS // 10))
    assert len(words) <= MAX_RULE_CHARS and parse_rule(words)
