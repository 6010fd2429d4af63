"""The non-Weibo families of the sample site, as (path, query, now) -> Response | None handlers."""

from __future__ import annotations

from crawlers.sample_site import board, feeds, forum, news


def handlers(stream, base_url=lambda: ""):
    feed = feeds.handler(stream)
    return [forum.handler(stream), news.handler(stream), board.handler(stream),
            lambda path, query, now: feed(path, query, now, base_url())]
