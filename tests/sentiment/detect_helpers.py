"""Small fakes shared by the detection, dedup and replay tests (the analyser is not their subject)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sentiment.detect.rules import load_rules, parse_rules
from sentiment.detect.synthetic import default_incidents, vocabulary

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
RULES_FILE = REPO_ROOT / "config" / "warning_rules.yaml"
T0 = datetime(2026, 5, 1, tzinfo=timezone.utc)


@dataclass
class FakeResult:
    label: str
    score: float
    keywords: list[str]
    categories: list[str] = field(default_factory=list)
    model_version: str = "fake-1"


class KeywordAnalyzer:
    """Keywords = known words found in the text; negative when an angry phrase is present."""

    def __init__(self, extra_words=()) -> None:
        words = vocabulary() + list(extra_words)
        for incident in default_incidents(T0):
            words += list(incident.core) + list(incident.variants)
        self.words = list(dict.fromkeys(words))
        self.calls = 0

    def analyze(self, text: str) -> FakeResult:
        self.calls += 1
        keywords = [w for w in self.words if w in text][:8]
        negative = any(w in text for w in ("气愤", "严惩", "无语"))
        categories = ["涉警"] if "派出所" in text else []
        return FakeResult("neg" if negative else "pos", 0.1 if negative else 0.9, keywords, categories)

    def analyze_many(self, texts):
        return [self.analyze(t) for t in texts]


def rules(**detection):
    """The shipped rule table, with detection parameters overridden."""
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    data["detection"] = {**data["detection"], **detection}
    return parse_rules(data, str(RULES_FILE))


def shipped_rules(scheme=None):
    return load_rules(RULES_FILE, scheme)


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def add_post(session, external_id: str, text: str, at: datetime, platform: str = "weibo", **fields):
    """Insert one Post (flushed, with an id)."""
    import hashlib

    from storage.models import Post

    post = Post(platform=platform, external_id=external_id, text=text, text_raw=text, published_at=at,
                fetched_at=at, content_hash=hashlib.sha256(text.encode()).hexdigest(), **fields)
    session.add(post)
    session.flush()
    return post
