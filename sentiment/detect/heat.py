"""The heat formula (热度指数, 0–100). Documented in docs/detection.md; weights live in the rule table."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sentiment.detect.rules import HeatParams


@dataclass(frozen=True)
class IssueFigures:
    post_count: int
    window_count: int        # new members in the last detection window
    window_hours: float
    engagement: int          # likes + reposts + comments of all members
    negative_share: float    # share of members labelled neg
    source_count: int        # distinct platforms
    official_involved: bool  # an official or media account took part
    category: str | None
    burst_score: float
    quiet_hours: float = 0.0  # since the newest member

    def as_dict(self) -> dict:
        return {
            "post_count": self.post_count, "window_count": self.window_count, "engagement": self.engagement,
            "negative_share": round(self.negative_share, 4), "source_count": self.source_count,
            "official_involved": self.official_involved, "category": self.category,
            "burst_score": round(self.burst_score, 2),
        }


def _saturating_log(value: float, saturation: float) -> float:
    """log1p scaled so that ``saturation`` maps to 1; capped at 1."""
    if value <= 0:
        return 0.0
    return min(1.0, math.log1p(value) / math.log1p(saturation))


def heat_components(figures: IssueFigures, params: HeatParams) -> dict[str, float]:
    velocity = figures.window_count / max(figures.window_hours, 1e-9)
    return {
        "volume": _saturating_log(figures.post_count, params.volume_saturation),
        "velocity": _saturating_log(velocity, params.velocity_saturation),
        "engagement": _saturating_log(figures.engagement, params.engagement_saturation),
        "negative": max(0.0, min(1.0, figures.negative_share)),
        "spread": min(1.0, max(0, figures.source_count - 1) / max(params.spread_saturation - 1, 1)),
        "official": 1.0 if figures.official_involved else 0.0,
    }


def heat(figures: IssueFigures, params: HeatParams, category_weights: dict[str, float]) -> float:
    """heat = 100 × min(1, category_weight × Σ weight_i × component_i) × ½^(quiet_hours / half-life), to 0.1."""
    components = heat_components(figures, params)
    raw = sum(params.weights.get(name, 0.0) * value for name, value in components.items())
    weight = category_weights.get(figures.category or "", 1.0)
    recency = 0.5 ** (max(0.0, figures.quiet_hours) / params.quiet_half_life_hours)
    return round(100.0 * min(1.0, weight * raw) * recency, 1)
