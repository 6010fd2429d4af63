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
              "options": {"feeds": ["102803"], "comments": True, "replies": True, "reposts": True}}
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
        for r in post.reposts_at(now):
            out[str(r.id)] = ("post", str(post.id))  # a repost: a post of its own under the original
    return out


def stored_posts(engine, platform: str) -> dict[str, dict]:
    """Stored rows by external id, with the parent's and root's external ids resolved."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from storage.models.collection import Post

    par, root = aliased(Post), aliased(Post)
    stmt = (select(Post.external_id, Post.kind, par.external_id.label("parent"), root.external_id.label("root"),
                   Post.text, Post.text_raw, Post.title, Post.author_hash, Post.author_type, Post.comments_count,
                   Post.deleted, Post.region, Post.published_at, Post.extra)
            .outerjoin(par, par.id == Post.parent_id).outerjoin(root, root.id == Post.root_id)
            .where(Post.platform == platform))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
    by_id = {r["external_id"]: r for r in rows}
    assert len(by_id) == len(rows), "duplicate rows for one external id"
    return by_id


def family_sources(base_url: str) -> list[dict]:
    """The demo configurations of the non-Weibo families, pointed at a test site with the fast profile."""
    out = []
    for name in ("demo_forum", "demo_news", "demo_gov_news", "demo_feeds", "demo_board"):
        source = yaml.safe_load((REPO_ROOT / "config" / "sources" / f"{name}.yaml").read_text(encoding="utf-8"))
        source.update(base_url=base_url, throttle="fast")
        out.append(source)
    return out


def expected_forum(stream, now) -> dict[str, tuple[str, str | None]]:
    from crawlers.sample_site.forum import is_thread

    out: dict[str, tuple[str, str | None]] = {}
    for post in stream.visible_posts(now):
        if not is_thread(post):
            continue
        out[str(post.id)] = ("post", None)
        for c in post.comments_at(now):
            out[str(c.id)] = ("reply", str(c.root_id)) if c.is_reply else ("comment", str(post.id))
    return out


def expected_news(stream, now) -> dict[str, tuple[str, str | None]]:
    from crawlers.sample_site.news import is_article

    out: dict[str, tuple[str, str | None]] = {}
    for post in stream.visible_posts(now):
        if not is_article(post) or post.seq % 31 == 6:  # seq % 31 == 6: the permanently broken (HTTP 500) pages
            continue
        out[str(post.id)] = ("article", None)
        for c in post.comments_at(now):
            if not c.is_reply:
                out[f"{post.id}:c{c.id}"] = ("comment", str(post.id))
    return out


def expected_board(stream, now) -> dict[str, tuple[str, str | None]]:
    from crawlers.sample_site.board import is_message, reply_of

    out: dict[str, tuple[str, str | None]] = {}
    for post in stream.visible_posts(now):
        if not is_message(post):
            continue
        out[str(post.id)] = ("message", None)
        if now >= reply_of(post)[0]:
            out[f"{post.id}:reply"] = ("official_reply", str(post.id))
    return out
