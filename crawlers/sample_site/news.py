"""News portal pages of the sample site: list pages → article pages → a comment API.

Two portals: ``/news/`` (UTF-8, stable class names that a source can configure selectors for, with a JSON
comment API) and ``/gov/`` (a government site in GB18030 with a gbk/gb2312 meta tag and unreliable headers,
no useful class names: the generic extractor has to find title, time, source and body). Some articles are
permanently broken (HTTP 500) or truncated.
"""

from __future__ import annotations

import html
import json
import random
import re
from datetime import datetime, timedelta, timezone

from crawlers.sample_site.forum import encode_page
from crawlers.sample_site.query import query_params
from crawlers.sample_site.server import Response
from crawlers.sample_site.stream import SamplePost, SampleStream

CST = timezone(timedelta(hours=8))
LIST_PAGE_SIZE = 15
COMMENT_PAGE_SIZE = 10
_NEWS_ARTICLE = re.compile(r"^/news/(\d{4})/(\d{4})/(\d+)\.html$")
_GOV_ARTICLE = re.compile(r"^/gov/art/(\d{4})/(\d+)\.html$")
_LIST = re.compile(r"^/(news|gov)/index(?:_(\d+))?\.html$")

MEDIA = ["临江日报", "云岭晚报", "南湖新闻网", "江北融媒"]
FILLER = [
    "记者从{unit}了解到，相关情况正在进一步核实中，后续进展将及时向社会公布。",
    "{unit}有关负责人表示，将坚持依法办事、公开透明，主动回应群众关切。",
    "据介绍，今年以来{unit}持续开展专项行动，群众安全感和满意度稳步提升。",
    "专家提醒，遇到类似情况要第一时间拨打110报警，并注意保留相关证据。",
    "下一步，{unit}将加强源头治理，完善长效机制，切实维护群众合法权益。",
]


def is_article(post: SamplePost) -> bool:
    return post.user.verified_type in (1, 3) or post.seq % 4 == 1


def _title(post: SamplePost, now: datetime) -> str:
    text = re.sub(r"\[[^\]]+\]", "", post.text_at(now))
    text = re.sub(r"[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]", "", text)
    head = re.split(r"[，。！？,!?]", text)[0].strip("【】 ")
    return (head[:28] or "政法动态") + ("" if len(head) <= 28 else "…")


def _body(post: SamplePost, now: datetime) -> list[str]:
    rng = random.Random(f"article:{post.seq}")
    unit = rng.choice(["临江市公安局", "青山县人民法院", "云岭市反诈中心", "石门市交警支队"])
    paras = [post.text_at(now)] + [s.format(unit=unit) for s in rng.sample(FILLER, 3)]
    return paras


def _articles(stream: SampleStream, now: datetime) -> list[SamplePost]:
    return [p for p in stream.visible_posts(now) if is_article(p)]


def news_url(post: SamplePost) -> str:
    local = post.at.astimezone(CST)
    return f"/news/{local:%Y}/{local:%m%d}/{post.id}.html"


def gov_url(post: SamplePost) -> str:
    return f"/gov/art/{post.at.astimezone(CST):%Y}/{post.id}.html"


def list_page(stream: SampleStream, portal: str, page: int, now: datetime) -> Response:
    articles = _articles(stream, now)
    chunk = articles[(page - 1) * LIST_PAGE_SIZE: page * LIST_PAGE_SIZE]
    if not chunk and page > 1:
        return Response(404, "<html><body>404</body></html>".encode(), "text/html; charset=utf-8")
    link = news_url if portal == "news" else gov_url
    items = "".join(f'<li><a href="{link(p)}" target="_blank">{html.escape(_title(p, now))}</a>'
                    f'<span class="date">{p.at.astimezone(CST):%Y-%m-%d}</span></li>' for p in chunk)
    nxt = f'<a class="next" href="/{portal}/index_{page + 1}.html">下一页</a>' if page * LIST_PAGE_SIZE < len(articles) else ""
    markup = (f"<html><head><meta charset=\"{'utf-8' if portal == 'news' else 'gbk'}\"><title>要闻</title></head>"
              f'<body><div class="nav"><a href="/">首页</a></div><ul class="news-list">{items}</ul>'
              f'<div class="pages">{nxt}</div></body></html>')
    if portal == "news":
        return Response(200, markup.encode("utf-8"), "text/html; charset=utf-8")
    return encode_page(markup, f"govlist{page}")


def news_article(stream: SampleStream, post_id: int, now: datetime) -> Response:
    post = stream.post(post_id, now)
    if post is None or not post.visible(now) or not is_article(post):
        return Response(404, "<html><body>文章不存在</body></html>".encode(), "text/html; charset=utf-8")
    if post.seq % 31 == 6:
        return Response(500, b"<html><body>Internal Server Error</body></html>", "text/html")
    local = post.at.astimezone(CST)
    media = MEDIA[post.seq % len(MEDIA)]
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in _body(post, now))
    markup = (f'<html><head><meta charset="utf-8"><title>{html.escape(_title(post, now))}_临江新闻网</title></head><body>'
              f'<div class="header"><a href="/news/index.html">临江新闻网</a></div>'
              f'<div class="article" data-newsid="{post.id}"><h1 class="article-title">{html.escape(_title(post, now))}</h1>'
              f'<div class="article-meta"><span class="time">{local:%Y-%m-%d %H:%M:%S}</span>'
              f'<span class="source">来源：{media}</span><span class="author">记者 {"李" if post.seq % 2 else "王"}明</span></div>'
              f'<div class="article-content">{paras}</div></div>'
              f'<div class="comment-box" data-api="/news/api/comments?newsid={post.id}"></div>'
              f'<div class="footer">版权所有 临江新闻网</div></body></html>')
    return Response(200, markup.encode("utf-8"), "text/html; charset=utf-8")


def gov_article(stream: SampleStream, post_id: int, now: datetime) -> Response:
    post = stream.post(post_id, now)
    if post is None or not post.visible(now) or not is_article(post):
        return Response(404, "<html><body>页面不存在</body></html>".encode("gb18030"), "text/html")
    local = post.at.astimezone(CST)
    paras = "".join(f'<p style="text-indent:2em">{html.escape(p)}</p>' for p in _body(post, now))
    markup = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
              f"<title>{html.escape(_title(post, now))}-临江市人民政府</title></head><body>"
              f'<table class="top"><tr><td><img src="/logo.png" alt="临江市人民政府"></td></tr></table>'
              f'<div class="main"><div class="position">当前位置：首页 &gt; 政务公开 &gt; 政法动态</div>'
              f'<div class="tit">{html.escape(_title(post, now))}</div>'
              f'<div class="info">发布时间：{local:%Y-%m-%d %H:%M} 来源：临江市委政法委 浏览次数：{post.seq % 900}</div>'
              f'<div id="zoom">{paras}</div></div><div class="foot">主办：临江市人民政府办公室</div></body></html>')
    if post.seq % 23 == 3:
        markup = markup[: int(len(markup) * 0.8)]  # truncated in transit: extraction must cope
    return encode_page(markup, f"gov{post.id}")


def comments_api(stream: SampleStream, query: str, now: datetime) -> Response:
    params = query_params(query)
    try:
        post = stream.post(int(params.get("newsid", "0")), now)
        page = max(1, int(params.get("page", "1") or 1))
    except ValueError:
        return Response(200, json.dumps({"code": 400, "msg": "参数错误"}).encode(), "application/json")
    if post is None or not post.visible(now):
        return Response(200, json.dumps({"code": 404, "msg": "新闻不存在"}, ensure_ascii=False).encode(),
                        "application/json; charset=utf-8")
    comments = [c for c in post.comments_at(now) if not c.is_reply]
    chunk = comments[(page - 1) * COMMENT_PAGE_SIZE: page * COMMENT_PAGE_SIZE]
    data = {"code": 0, "data": {"total": len(comments), "page": page,
                                "has_more": page * COMMENT_PAGE_SIZE < len(comments),
                                "comments": [{"cmt_id": str(c.id), "content": c.text, "ctime": int(c.at.timestamp()),
                                              "nick": c.user.screen_name, "uid": str(c.user.id),
                                              "area": c.user.province, "agree": c.likes} for c in chunk]}}
    return Response(200, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")


def handler(stream: SampleStream):
    def handle(path: str, query: str, now: datetime) -> Response | None:
        m = _LIST.match(path)
        if m:
            return list_page(stream, m.group(1), int(m.group(2) or 1), now)
        m = _NEWS_ARTICLE.match(path)
        if m:
            return news_article(stream, int(m.group(3)), now)
        m = _GOV_ARTICLE.match(path)
        if m:
            return gov_article(stream, int(m.group(2)), now)
        if path == "/news/api/comments":
            return comments_api(stream, query, now)
        return None

    return handle
