"""Word lists of the checks (sensitive words, 规范表述), loaded once per file version, matched with
Aho-Corasick (pyahocorasick) so that a long list costs one pass over the text."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import ahocorasick

from zhengyu.errors import ConfigError
from zhengyu.settings import read_yaml_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UsageRule:
    """A 规范表述 entry: ``wrong`` should be written ``right``; ``note`` says why."""

    wrong: str
    right: str
    note: str
    unless_followed_by: tuple[str, ...] = ()
    unless_preceded_by: tuple[str, ...] = ()


class WordMatcher:
    """Finds every listed word in a text; overlapping hits keep the longest (最高院 over 高院)."""

    def __init__(self, words: dict[str, object]) -> None:
        self.payload = dict(words)
        self._automaton = ahocorasick.Automaton()
        for word in self.payload:
            self._automaton.add_word(word, word)
        if self.payload:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.payload)

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, word) of the hits, left to right, without overlaps."""
        if not self.payload or not text:
            return
        hits = sorted(((end - len(word) + 1, end + 1, word) for end, word in self._automaton.iter(text)),
                      key=lambda hit: (hit[0], -(hit[1] - hit[0])))
        covered = 0
        for start, end, word in hits:
            if start >= covered:
                covered = end
                yield start, end, word


def _stamp(path: Path) -> float:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到词表文件 {path}（见 docs/settings.md 中 releases 一节）") from exc


@lru_cache(maxsize=8)
def _sensitive(path: Path, _stamp_ns: float) -> WordMatcher:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: 不是 UTF-8 编码的文本") from exc
    words = {}
    for line in lines:
        word = line.split("#", 1)[0].strip()
        if word:
            words[word] = None
    log.debug("loaded %d sensitive words from %s", len(words), path)
    return WordMatcher(words)


def sensitive_words(path: Path) -> WordMatcher:
    """The sensitive-word list: one word per line, ``#`` starts a comment."""
    return _sensitive(Path(path), _stamp(Path(path)))


def _strings(value, path: Path, index: int, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ConfigError(f"{path}: 第 {index + 1} 条规范表述的 {key} 应为文字或文字列表")
    return tuple(value)


@lru_cache(maxsize=8)
def _usage(path: Path, _stamp_ns: float) -> WordMatcher:
    data = read_yaml_file(path)
    entries = data.get("rules")
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 应有 rules 列表（每条含 wrong、right、note）")
    rules: dict[str, UsageRule] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: 第 {index + 1} 条规范表述应为键值映射")
        missing = [key for key in ("wrong", "right", "note") if not isinstance(entry.get(key), str) or
                   not entry[key].strip()]
        if missing:
            raise ConfigError(f"{path}: 第 {index + 1} 条规范表述缺少 {'、'.join(missing)}")
        unknown = set(entry) - {"wrong", "right", "note", "unless_followed_by", "unless_preceded_by"}
        if unknown:
            raise ConfigError(f"{path}: 第 {index + 1} 条规范表述有未知的键 {'、'.join(sorted(unknown))}")
        wrong = entry["wrong"].strip()
        if wrong in rules:
            raise ConfigError(f"{path}: 规范表述 {wrong} 重复出现")
        rules[wrong] = UsageRule(wrong, entry["right"].strip(), entry["note"].strip(),
                                 _strings(entry.get("unless_followed_by"), path, index, "unless_followed_by"),
                                 _strings(entry.get("unless_preceded_by"), path, index, "unless_preceded_by"))
    return WordMatcher(rules)


def usage_rules(path: Path) -> WordMatcher:
    """The 规范表述 list (YAML ``rules: [{wrong, right, note, unless_followed_by?, unless_preceded_by?}]``);
    each hit's payload is its UsageRule."""
    return _usage(Path(path), _stamp(Path(path)))
