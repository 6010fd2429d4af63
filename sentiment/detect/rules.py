"""The versioned warning-rule table (``config/warning_rules.yaml``): levels, heat weights, detection parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

LEVEL_COLOUR_NAMES = {"red": "红", "orange": "橙", "yellow": "黄", "green": "绿", "blue": "蓝"}
"""Stored level codes, most severe first, with the colour each stands for: the name where no rule table names it."""
METRIC_NAMES = {
    "heat": "热度", "post_count": "信息总量", "window_count": "近一窗口新增", "negative_share": "负面占比",
    "source_count": "来源平台数", "burst_score": "突发指数", "engagement": "互动量",
    "official_involved": "官方/媒体参与", "category": "类别",
}
_NUMERIC = {"heat", "post_count", "window_count", "negative_share", "source_count", "burst_score", "engagement"}
# "prior": score from the first hour against a background prior (default); "wait": the old hard warm-up,
# nothing is raised before ``warmup_hours`` of history (kept as the benchmark's baseline).
COLD_START_MODES = ("prior", "wait")
_COND = re.compile(r"^\s*(>=|<=|>|<|==)?\s*(-?\d+(?:\.\d+)?)\s*$")


class RulesError(ValueError):
    """The rule table cannot be used; the message (Chinese) says where."""


@dataclass(frozen=True)
class Condition:
    metric: str
    op: str
    value: Any

    def holds(self, figures: dict[str, Any]) -> bool:
        actual = figures.get(self.metric)
        if self.metric == "category":
            return actual in self.value
        if self.metric == "official_involved":
            return bool(actual) == bool(self.value)
        actual = float(actual or 0)
        return {">=": actual >= self.value, "<=": actual <= self.value, ">": actual > self.value,
                "<": actual < self.value, "==": actual == self.value}[self.op]

    def describe(self, figures: dict[str, Any]) -> str:
        name = METRIC_NAMES[self.metric]
        actual = figures.get(self.metric)
        if self.metric == "category":
            return f"{name}为{actual}"
        if self.metric == "official_involved":
            return f"{name}：{'是' if actual else '否'}"
        if self.metric == "negative_share":
            return f"{name} {float(actual or 0):.0%} {self.op} {self.value:.0%}"
        shown = f"{actual:.1f}" if isinstance(actual, float) else str(actual)
        return f"{name} {shown} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    rank: int  # 0 = most severe
    response_hours: float
    alert: bool
    rules: tuple[tuple[Condition, ...], ...]


@dataclass(frozen=True)
class DetectionParams:
    window_minutes: int = 60
    long_window_minutes: int = 360
    baseline_days: int = 7
    warmup_hours: float = 24.0
    cold_start: str = "prior"
    cold_score_margin: float = 8.0
    cold_author_margin: int = 4
    cold_unseen_hours: float = 0.5
    prior_posts: float = 200.0
    seasonal_prior: float = 5.0
    floor_expected: float = 2.0
    min_count: int = 8
    min_authors: int = 4
    min_ratio: float = 4.0
    min_score: float = 4.5
    merge_overlap: float = 0.5
    max_new_issues_per_tick: int = 5
    cool_after_hours: float = 6.0
    close_after_hours: float = 48.0
    downgrade_after_hours: float = 6.0
    max_alerts_per_tick: int = 3


@dataclass(frozen=True)
class HeatParams:
    weights: dict[str, float] = field(default_factory=lambda: {
        "volume": 0.25, "velocity": 0.25, "engagement": 0.15, "negative": 0.15, "spread": 0.10, "official": 0.10})
    volume_saturation: float = 1000
    velocity_saturation: float = 200
    engagement_saturation: float = 100000
    spread_saturation: float = 5
    quiet_half_life_hours: float = 6


@dataclass(frozen=True)
class WarningRules:
    version: str
    scheme: str
    levels: tuple[Level, ...]
    heat: HeatParams
    category_weights: dict[str, float]
    detection: DetectionParams

    def level(self, code: str | None) -> Level | None:
        return next((lv for lv in self.levels if lv.code == code), None)

    def rank(self, code: str | None) -> int:
        """Severity rank (0 = most severe); no level ranks below every level."""
        level = self.level(code)
        return level.rank if level else len(self.levels)

    def name(self, code: str | None) -> str:
        level = self.level(code)
        return level.name if level else "无"

    def grade(self, figures: dict[str, Any]) -> tuple[Level, str]:
        """The first level one of whose rules holds, with a Chinese reason naming the rule and its figures."""
        for level in self.levels:
            for index, rule in enumerate(level.rules, 1):
                if all(c.holds(figures) for c in rule):
                    detail = "；".join(c.describe(figures) for c in rule) or "进入研判范围"
                    return level, f"{level.name}色：{detail}（规则 {self.version} {level.name}#{index}）"
        raise RulesError("预警规则表的最低一级应有一条无条件规则（when: [{}]）")


def _condition(metric: str, raw: Any, where: str) -> Condition:
    if metric not in METRIC_NAMES:
        raise RulesError(f"{where}: 未知的指标 {metric}，可用：{'、'.join(METRIC_NAMES)}")
    if metric == "category":
        values = [raw] if isinstance(raw, str) else list(raw or [])
        return Condition(metric, "in", tuple(str(v) for v in values))
    if metric == "official_involved":
        return Condition(metric, "==", bool(raw))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Condition(metric, ">=", float(raw))
    match = _COND.match(str(raw))
    if not match:
        raise RulesError(f"{where}: 条件 {metric}: {raw!r} 应写成 \">= 数值\" 或 \"<= 数值\"")
    return Condition(metric, match.group(1) or ">=", float(match.group(2)))


def _params(cls, data: Any, where: str):
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise RulesError(f"{where} 应为键值映射")
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise RulesError(f"{where}: 未知的参数 {'、'.join(sorted(unknown))}")
    try:
        return cls(**{k: (type(getattr(cls(), k))(v) if k != "weights" else dict(v)) for k, v in data.items()})
    except (TypeError, ValueError) as exc:
        raise RulesError(f"{where}: 参数取值无效（{exc}）") from exc


def parse_rules(data: dict[str, Any], source: str = "warning_rules.yaml", scheme: str | None = None) -> WarningRules:
    if not isinstance(data, dict):
        raise RulesError(f"{source}: 顶层应为键值映射")
    version = str(data.get("version") or "").strip()
    if not version or len(version) > 40:
        raise RulesError(f"{source}: version（规则表版本号）必填，且不超过 40 个字符")
    scheme = scheme or str(data.get("scheme") or "three")
    schemes = data.get("schemes") or {}
    if scheme not in schemes:
        raise RulesError(f"{source}: 找不到预警方案 {scheme}，可用：{'、'.join(schemes) or '无'}")
    levels = []
    for rank, raw in enumerate(schemes[scheme] or []):
        where = f"{source} schemes.{scheme}[{rank}]"
        if not isinstance(raw, dict) or not raw.get("code") or not raw.get("name") or len(str(raw["code"])) > 20:
            raise RulesError(f"{where}: 每一级需要 code（不超过 20 个字符）和 name")
        rules = []
        for rule in raw.get("when") or []:
            if not isinstance(rule, dict):
                raise RulesError(f"{where}: when 的每一项应为条件映射")
            rules.append(tuple(_condition(k, v, where) for k, v in rule.items()))
        levels.append(Level(str(raw["code"]), str(raw["name"]), rank, float(raw.get("response_hours", 24)),
                            bool(raw.get("alert", False)), tuple(rules)))
    if not levels or not any(not rule for rule in levels[-1].rules):
        raise RulesError(f"{source}: 方案 {scheme} 的最低一级应有一条无条件规则（when: [{{}}]）")
    category_weights = {str(k): float(v) for k, v in (data.get("category_weights") or {}).items()}
    detection = _params(DetectionParams, data.get("detection"), f"{source} detection")
    if detection.cold_start not in COLD_START_MODES:
        raise RulesError(f"{source} detection: cold_start 应为 {' 或 '.join(COLD_START_MODES)}，实际为 "
                         f"{detection.cold_start!r}")
    return WarningRules(version, scheme, tuple(levels), _params(HeatParams, data.get("heat"), f"{source} heat"),
                        category_weights, detection)


def load_rules(path: Path, scheme: str | None = None) -> WarningRules:
    """Read and check the rule table; any problem raises RulesError naming the file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RulesError(f"找不到预警规则表 {path}") from exc
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" 第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise RulesError(f"{path}{where}: 无法读取预警规则表（YAML 语法或编码错误）") from exc
    return parse_rules(data, str(path), scheme)
