"""政法 categories (涉警, 涉法涉诉, 电信网络诈骗 …) assigned by the keyword rules in ``config/categories.yaml``.

One combined regular expression finds every rule word in one pass over the text. A category is a list of
*clauses*; it matches when one clause matches and none of the category's ``exclude`` words occurs. A clause matches
when one of its ``any`` words occurs, each of its ``all_of`` groups has a hit and none of its own ``exclude`` words
occurs. The category's top-level ``any``/``all_of`` form its first clause; ``also`` lists further clauses, which is
where words that are ambiguous on their own (爆炸 in "心情爆炸", 黑社会 as an insult, 聚集 in "不聚集") get the
context they need.

How well the rules do is measured by ``bench/eval_categories.py`` on the hand-labelled ``bench/data`` gold set.
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
class Clause:
    """One way for a category to match: an ``any`` word, a hit in every ``all_of`` group, no ``exclude`` word."""

    any: frozenset[str]
    all_of: tuple[frozenset[str], ...] = ()
    exclude: frozenset[str] = frozenset()

    def matches(self, found: set[str]) -> bool:
        return (not self.any.isdisjoint(found) and self.exclude.isdisjoint(found)
                and all(not group.isdisjoint(found) for group in self.all_of))

    def words(self) -> frozenset[str]:
        out = self.any | self.exclude
        for group in self.all_of:
            out |= group
        return out


@dataclass(frozen=True)
class CategoryRule:
    name: str
    clauses: tuple[Clause, ...]
    exclude: frozenset[str] = frozenset()
    description: str = ""

    def matches(self, found: set[str]) -> bool:
        return self.exclude.isdisjoint(found) and any(c.matches(found) for c in self.clauses)


def _trie_regex(words: set[str]) -> str:
    """One regex matching the longest of ``words`` that starts at a position, shaped as a character trie.

    A flat ``a|b|c…`` alternation makes the regex engine try every word at every position; in the trie form
    (警(?:察|方|情)…) one character picks the branch, which keeps a scan over 600 words cheap. Greedy ``?`` on a
    word that is also a prefix of longer ones (诈骗 / 诈骗案) makes the longest word win, as before."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = None

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return (body if len(branches) > 1 else "(?:" + body + ")") + "?"
        return body

    return build(trie)


def _words(value, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not value or not all(isinstance(w, (str, int)) and str(w).strip() for w in value):
        raise CategoryRulesError(f"{where} 应为非空词语列表")
    return frozenset(str(w).strip() for w in value)


def _clause(item: dict, where: str) -> Clause:
    all_of = item.get("all_of") or []
    if not isinstance(all_of, list):
        raise CategoryRulesError(f"{where} 的 all_of 应为列表的列表")
    return Clause(
        any=_words(item.get("any"), f"{where} 的 any"),
        all_of=tuple(_words(g, f"{where} 的 all_of") for g in all_of),
        exclude=_words(item["exclude"], f"{where} 的 exclude") if item.get("exclude") else frozenset(),
    )


def _rule(item, where: str) -> CategoryRule:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
        raise CategoryRulesError(f"{where}：每个分类需要 name")
    where = f"{where.split(' categories[')[0]} 分类“{item['name']}”"
    clauses = []
    if item.get("any") is not None or item.get("all_of"):
        clauses.append(_clause({"any": item.get("any"), "all_of": item.get("all_of")}, where))
    also = item.get("also") or []
    if not isinstance(also, list) or not all(isinstance(c, dict) for c in also):
        raise CategoryRulesError(f"{where} 的 also 应为条件列表（每项含 any，可选 all_of、exclude）")
    clauses += [_clause(c, f"{where} 的 also[{i}]") for i, c in enumerate(also)]
    if not clauses:
        raise CategoryRulesError(f"{where} 的 any 应为非空词语列表")
    exclude = _words(item["exclude"], f"{where} 的 exclude") if item.get("exclude") else frozenset()
    return CategoryRule(item["name"].strip(), tuple(clauses), exclude, str(item.get("description", "")))


class CategoryClassifier:
    """Assign categories to a text by keyword rules.

    A learnt classifier was tried on top of the rules and did not beat them on the gold set's test half
    (``bench/category_classifier_experiment.py``), so only the rules are used."""

    def __init__(self, rules: list[CategoryRule], version: str = "") -> None:
        names = [r.name for r in rules]
        if len(set(names)) != len(names):
            raise CategoryRulesError(f"分类名称重复：{sorted({n for n in names if names.count(n) > 1})}")
        self.rules = tuple(rules)
        self.version = version
        words: set[str] = set()
        for rule in self.rules:
            words |= rule.exclude
            for clause in rule.clauses:
                words |= clause.words()
        self._pattern = re.compile(_trie_regex(words)) if words else None
        # a matched word hides shorter rule words inside it; only words that contain others need the inner scan
        self._inner = {w: frozenset(v for v in words if v != w and v in w) for w in words}
        self._inner = {w: v for w, v in self._inner.items() if v}
        # word → indexes of the rules it can trigger: only those rules are checked for a text
        triggers: dict[str, set[int]] = {}
        for i, rule in enumerate(self.rules):
            for clause in rule.clauses:
                for word in clause.any:
                    triggers.setdefault(word, set()).add(i)
        self._triggers = {w: frozenset(v) for w, v in triggers.items()}

    @classmethod
    def from_yaml(cls, path: Path | str) -> CategoryClassifier:
        path = resolve_data_path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CategoryRulesError(f"分类规则文件无法读取：{path}（{exc}）") from exc
        except (yaml.YAMLError, RecursionError) as exc:
            raise CategoryRulesError(f"分类规则文件不是合法的 YAML：{path}（{exc}）") from exc
        if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
            raise CategoryRulesError(f"{path}：缺少 categories 列表")
        rules = [_rule(item, f"{path} categories[{i}]") for i, item in enumerate(data["categories"])]
        return cls(rules, str(data.get("version", "")))

    def found_words(self, text: str) -> set[str]:
        """Every rule word in ``text``, overlapping ones included (诈骗 inside 电信网络诈骗)."""
        if not text or self._pattern is None:
            return set()
        found = set(self._pattern.findall(text))
        inner = self._inner
        for word in [w for w in found if w in inner]:
            found |= inner[word]
        return found

    def categorize(self, text: str) -> list[str]:
        """Categories whose keyword rule matches ``text`` (in the order of the YAML)."""
        found = self.found_words(text)
        if not found:
            return []
        triggers = self._triggers
        candidates: set[int] = set()
        for word in found:
            hit = triggers.get(word)
            if hit is not None:
                candidates |= hit
        rules = self.rules
        return [rules[i].name for i in sorted(candidates) if rules[i].matches(found)]
