"""RSS 2.0 and Atom feeds of the sample site (news and government announcements).

``/rss/news.xml`` is UTF-8 RSS 2.0; some items carry no ``guid`` (the crawler then keys them by content).
``/atom/gov.xml`` is an Atom feed encoded as GB18030 and says so in its XML declaration.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

from crawlers.sample_site import news
from crawlers.sample_site.server import Response
from crawlers.sample_site.stream import SampleStream

CST = timezone(timedelta(hours=8))
FEED_SIZE = 30


def rss(stream: SampleStream, now: datetime, base: str) -> Response:
    items = []
    for post in news._articles(stream, now)[:FEED_SIZE]:
        link = base + news.news_url(post)
        guid = f"<guid isPermaLink=\"true\">{escape(link)}</guid>" if post.seq % 5 else ""
        body = "".join(f"<p>{p}</p>" for p in news._body(post, now))
        items.append(f"<item><title>{escape(news._title(post, now))}</title><link>{escape(link)}</link>{guid}"
                     f"<pubDate>{format_datetime(post.at.astimezone(CST))}</pubDate>"
                     f"<description>{escape(body)}</description><author>临江新闻网</author></item>")
    xml = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>临江新闻网 - 要闻</title>'
           f"<link>{base}/news/index.html</link><description>政法要闻</description>"
           f"<lastBuildDate>{format_datetime(now.astimezone(CST))}</lastBuildDate>{''.join(items)}</channel></rss>")
    return Response(200, xml.encode("utf-8"), "application/rss+xml; charset=utf-8")


def atom(stream: SampleStream, now: datetime, base: str) -> Response:
    entries = []
    for post in news._articles(stream, now)[:FEED_SIZE]:
        link = base + news.gov_url(post)
        body = "".join(f"<p>{p}</p>" for p in news._body(post, now))
        stamp = post.at.astimezone(CST).isoformat()
        entries.append(f"<entry><id>tag:gov.linjiang,2026:{post.id}</id><title>{escape(news._title(post, now))}</title>"
                       f'<link rel="alternate" href="{escape(link)}"/><updated>{stamp}</updated>'
                       f"<published>{stamp}</published><author><name>临江市委政法委</name></author>"
                       f'<content type="html">{escape(body)}</content></entry>')
    xml = ('<?xml version="1.0" encoding="GB18030"?><feed xmlns="http://www.w3.org/2005/Atom">'
           f"<title>临江市人民政府 政法动态</title><id>tag:gov.linjiang,2026:feed</id>"
           f"<updated>{now.astimezone(CST).isoformat()}</updated>{''.join(entries)}</feed>")
    return Response(200, xml.encode("gb18030"), "application/atom+xml")


def handler(stream: SampleStream):
    def handle(path: str, query: str, now: datetime, base: str = "") -> Response | None:
        if path == "/rss/news.xml":
            return rss(stream, now, base)
        if path == "/atom/gov.xml":
            return atom(stream, now, base)
        return None

    return handle
