"""Matching posts against compiled monitoring plans."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from sentiment.plans.lang import And, FieldEquals, Near, Node, Not, Or, PlanSyntaxError, Term, fold, parse_rule


@dataclass(frozen=True)
class Document:
    """The parts of a post a rule can look at."""

    body: str
    title: str = ""
    author_type: str = "unknown"
    platform: str = ""


@dataclass
class _Folded:
    title: str
    body: str
    author_type: str
    platform: str

    @classmethod
    def of(cls, doc: Document) -> _Folded:
        return cls(fold(doc.title or ""), fold(doc.body or ""), fold(doc.author_type or ""), fold(doc.platform or ""))

    def texts(self, scope: str | None) -> tuple[str, ...]:
        if scope == "title":
            return (self.title,)
        if scope == "body":
            return (self.body,)
        return (self.title, self.body)


Predicate = Callable[[_Folded], bool]


def _positions(text: str, term: str) -> list[int]:
    found, start = [], text.find(term)
    while start >= 0:
        found.append(start)
        start = text.find(term, start + 1)
    return found


def _near_in(text: str, terms: tuple[str, ...], distance: int) -> bool:
    """True when every term occurs within ``distance`` characters (gap between spans) of one anchor occurrence."""
    spans = [_positions(text, t) for t in terms]
    if not all(spans):
        return False
    anchor_len = len(terms[0])
    for a in spans[0]:
        a_end = a + anchor_len
        if all(
            any(max(0, b - a_end, a - (b + len(term))) <= distance for b in positions)
            for term, positions in zip(terms[1:], spans[1:])
        ):
            return True
    return False


def _compile(node: Node) -> Predicate:
    if isinstance(node, Term):
        text, scope = node.text, node.field
        return lambda d: any(text in t for t in d.texts(scope))
    if isinstance(node, FieldEquals):
        name, value = node.field, node.value
        return lambda d: getattr(d, name) == value
    if isinstance(node, Near):
        terms, distance, scope = node.terms, node.distance, node.field
        return lambda d: any(_near_in(t, terms, distance) for t in d.texts(scope))
    if isinstance(node, And):
        parts = [_compile(i) for i in node.items]
        return lambda d: all(p(d) for p in parts)
    if isinstance(node, Or):
        parts = [_compile(i) for i in node.items]
        return lambda d: any(p(d) for p in parts)
    if isinstance(node, Not):
        inner = _compile(node.item)
        return lambda d: not inner(d)
    raise TypeError(f"unknown node {node!r}")


def positive_terms(node: Node, negated: bool = False) -> list[str]:
    """Terms whose presence supports a match (used as the plan's signal words in detection)."""
    if isinstance(node, Term):
        return [] if negated else [node.text]
    if isinstance(node, Near):
        return [] if negated else list(node.terms)
    if isinstance(node, (And, Or)):
        return [t for i in node.items for t in positive_terms(i, negated)]
    if isinstance(node, Not):
        return positive_terms(node.item, not negated)
    return []


@dataclass
class CompiledPlan:
    """A plan ready to match: the rule, exclusion words and an optional fixed scope."""

    name: str
    rule: str
    exclusions: tuple[str, ...] = ()
    category: str | None = None
    plan_id: int | None = None
    scope: dict = field(default_factory=dict)
    enabled: bool = True
    _predicate: Predicate | None = None
    tree: Node | None = None

    def matches(self, doc: Document | _Folded) -> bool:
        folded = doc if isinstance(doc, _Folded) else _Folded.of(doc)
        if any(word in folded.title or word in folded.body for word in self.exclusions):
            return False
        for key in ("platform", "author_type"):
            allowed = self.scope.get(key)
            if allowed and getattr(folded, key) not in allowed:
                return False
        return self._predicate(folded)


def compile_plan(
    name: str,
    rule: str,
    exclusions: Iterable[str] = (),
    category: str | None = None,
    scope: dict | None = None,
    plan_id: int | None = None,
) -> CompiledPlan:
    """Parse and compile a plan. ``scope`` may restrict ``platform``/``author_type`` to lists of values."""
    tree = parse_rule(rule)
    excl = tuple(fold(w).strip() for w in exclusions if w and str(w).strip())
    norm_scope: dict = {}
    for key, values in (scope or {}).items():
        if key not in ("platform", "author_type"):
            raise PlanSyntaxError(f"方案范围只支持 platform、author_type，实际为 “{key}”", 1, rule)
        values = [values] if isinstance(values, str) else list(values or [])
        norm_scope[key] = {fold(v) for v in values}
    return CompiledPlan(name, rule, excl, category, plan_id, norm_scope, True, _compile(tree), tree)


def match_plans(plans: Iterable[CompiledPlan], doc: Document) -> list[CompiledPlan]:
    """All plans matching one document (the document is folded once)."""
    folded = _Folded.of(doc)
    return [p for p in plans if p.matches(folded)]
