"""One spider per source family."""

from __future__ import annotations

from importlib import import_module

FAMILY_SPIDERS = {
    "weibo": "crawlers.spiders.weibo.WeiboSpider",
    "forum": "crawlers.spiders.forum.ForumSpider",
    "news": "crawlers.spiders.news.NewsSpider",
    "rss": "crawlers.spiders.feeds.FeedSpider",
    "message_board": "crawlers.spiders.board.BoardSpider",
}


def spider_class(family: str):
    """The spider class of a family (imported on demand)."""
    module, _, name = FAMILY_SPIDERS[family].rpartition(".")
    return getattr(import_module(module), name)
