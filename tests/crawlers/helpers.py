"""Helpers for crawl tests: a throwaway config directory and ``zhengyu crawl`` run as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]


def write_config(tmp_path: Path, sources: list[dict], **crawl) -> Path:
    """A config dir with settings.yaml (data under tmp_path) and one YAML per source."""
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True, exist_ok=True)
    settings = {"data_dir": str(tmp_path / "data"), "log_level": "WARNING",
                "crawl": {"sources_dir": str(config / "sources"), **crawl}}
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    for source in sources:
        (config / "sources" / f"{source['name']}.yaml").write_text(
            yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    return config


def weibo_source(base_url: str, name: str = "t_weibo", **overrides) -> dict:
    source = {"name": name, "family": "weibo", "platform": "weibo_sample", "base_url": base_url,
              "throttle": "fast", "revisit_hours": 6, "max_pages": 500,
              "options": {"feeds": ["102803"], "comments": True, "replies": True}}
    source.update(overrides)
    return source


def crawl_command(config: Path, db_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "zhengyu", "--config", str(config), "--database-url", db_url, "crawl", *args]


def run_crawl(config: Path, db_url: str, *args: str, check: bool = True, timeout: float = 120
              ) -> subprocess.CompletedProcess:
    env = {**os.environ, "ZHENGYU_SECRETS__AUTHOR_HASH_KEY": "test-key"}
    result = subprocess.run(crawl_command(config, db_url, *args), cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"crawl failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def expected_weibo(stream, now) -> dict[str, tuple[str, str | None]]:
    """Ground truth from the sample site: external id -> (kind, parent external id) of everything visible."""
    out: dict[str, tuple[str, str | None]] = {}
    for post in stream.visible_posts(now):
        out[str(post.id)] = ("post", None)
        for c in post.comments_at(now):
            out[str(c.id)] = ("reply", str(c.root_id)) if c.is_reply else ("comment", str(post.id))
    return out


def stored_posts(engine, platform: str) -> dict[str, dict]:
    """Stored rows by external id, with the parent's and root's external ids resolved."""
    from sqlalchemy import text

    sql = text("""
        SELECT p.external_id, p.kind, par.external_id AS parent, root.external_id AS root, p.text, p.text_raw,
               p.author_hash, p.author_type, p.comments_count, p.deleted, p.region, p.published_at
        FROM posts p LEFT JOIN posts par ON par.id = p.parent_id LEFT JOIN posts root ON root.id = p.root_id
        WHERE p.platform = :platform""")
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sql, {"platform": platform})]
    by_id = {r["external_id"]: r for r in rows}
    assert len(by_id) == len(rows), "duplicate rows for one external id"
    return by_id
