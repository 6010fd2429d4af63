"""政法 categories (涉警, 涉法涉诉, 电信网络诈骗 …) assigned by the keyword rules in ``config/categories.yaml``.

One combined regular expression finds every rule word in one pass over the text; a category matches when one of
its ``any`` words occurs, each of its ``all_of`` groups has a hit, and none of its ``exclude`` words occurs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from sentiment.segment import resolve_data_path


class CategoryRulesError(ValueError):
    """The category rule file is missing or malformed."""


@dataclass(frozen=True)
class CategoryRule:
    name: str
    any: frozenset[str]
    all_of: tuple[frozenset[str], ...] = ()
    exclude: frozenset[str] = frozenset()
    description: str = ""


def _words(value, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(w, (str, int)) and str(w).strip() for w in value):
        raise CategoryRulesError(f"{where} 应为非空词语列表")
    return frozenset(str(w).strip() for w in value)


class CategoryClassifier:
    """Assign categories to a text by keyword rules."""

    def __init__(self, rules: list[CategoryRule], version: str = "") -> None:
        self.rules = tuple(rules)
        self.version = version
        words = set()
        for rule in self.rules:
            words |= rule.any | rule.exclude
            for group in rule.all_of:
                words |= group
        # longest first, so 电信网络诈骗 wins over 诈骗 where both start at one place
        ordered = sorted(words, key=lambda w: (-len(w), w))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._words = frozenset(words)

    @classmethod
    def from_yaml(cls, path: Path | str) -> CategoryClassifier:
        path = resolve_data_path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CategoryRulesError(f"分类规则文件无法读取：{path}（{exc}）") from exc
        except yaml.YAMLError as exc:
            raise CategoryRulesError(f"分类规则文件不是合法的 YAML：{path}（{exc}）") from exc
        if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
            raise CategoryRulesError(f"{path}：缺少 categories 列表")
        rules = []
        for i, item in enumerate(data["categories"]):
            where = f"{path} categories[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise CategoryRulesError(f"{where}：每个分类需要 name")
            where = f"{path} 分类“{item['name']}”"
            all_of = item.get("all_of") or []
            if not isinstance(all_of, list):
                raise CategoryRulesError(f"{where} 的 all_of 应为列表的列表")
            rules.append(CategoryRule(
                name=item["name"],
                any=_words(item.get("any"), f"{where} 的 any"),
                all_of=tuple(_words(g, f"{where} 的 all_of") for g in all_of),
                exclude=_words(item["exclude"], f"{where} 的 exclude") if item.get("exclude") else frozenset(),
                description=str(item.get("description", "")),
            ))
        return cls(rules, str(data.get("version", "")))

    def found_words(self, text: str) -> set[str]:
        """Every rule word in ``text``, overlapping ones included (诈骗 inside 电信网络诈骗)."""
        if not text or self._pattern is None:
            return set()
        found = set()
        words = self._words
        for m in self._pattern.finditer(text):
            word = m.group(0)
            found.add(word)
            n = len(word)
            if n > 2:
                # shorter rule words inside a longer match (诈骗 in 电信网络诈骗, 扫黑 in 扫黑除恶)
                found.update(word[i:j] for i in range(n) for j in range(i + 1, n + 1) if word[i:j] in words)
        return found

    def categorize(self, text: str) -> list[str]:
        found = self.found_words(text)
        if not found:
            return []
        out = []
        for rule in self.rules:
            if rule.exclude & found or not (rule.any & found):
                continue
            if all(group & found for group in rule.all_of):
                out.append(rule.name)
        return out
