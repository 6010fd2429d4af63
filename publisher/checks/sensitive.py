"""The configurable sensitive-word list (``releases.sensitive_words_file``): any hit blocks publishing."""

from __future__ import annotations

from typing import Iterator

from publisher.checks.base import BLOCK, Finding, ReleaseContent
from publisher.checks.lexicons import WordMatcher


def check(content: ReleaseContent, words: WordMatcher) -> Iterator[Finding]:
    for field in content.text_fields():
        for start, end, word in words.find(field.text):
            yield field.finding("sensitive", "sensitive_word", BLOCK,
                                f"含敏感词“{word}”，不能发布；请删改后重新提交", start, end)
