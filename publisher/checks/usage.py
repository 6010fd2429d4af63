"""规范表述: wrong forms of political-legal usage, each with its right form and why (a warning).

A warning is shown with the suggested form; it is settled either by rewriting the text or by an override
with a recorded reason (``Release.warning_overrides``), e.g. “罪犯” where the person was in fact convicted.
"""

from __future__ import annotations

from typing import Iterator

from publisher.checks.base import WARN, Finding, ReleaseContent
from publisher.checks.lexicons import UsageRule, WordMatcher


def _excused(text: str, start: int, end: int, rule: UsageRule) -> bool:
    after, before = text[end:], text[:start]
    return (any(after.startswith(word) for word in rule.unless_followed_by)
            or any(before.endswith(word) for word in rule.unless_preceded_by))


def check(content: ReleaseContent, rules: WordMatcher) -> Iterator[Finding]:
    for field in content.text_fields():
        for start, end, word in rules.find(field.text):
            rule: UsageRule = rules.payload[word]
            if _excused(field.text, start, end, rule):
                continue
            yield field.finding("usage", "usage", WARN, f"“{word}”宜改为“{rule.right}”：{rule.note}", start, end,
                                suggestion=rule.right)
