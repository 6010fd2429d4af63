"""A government message board (留言板) of the sample site: list pages and message pages with the citizen's
message, its category, its handling status, and — once the office has answered — the official reply and date.
Replies arrive some time after the message, so re-crawls see status changes."""

from __future__ import annotations

import html
import random
import re
from datetime import datetime, timedelta, timezone

from crawlers.sample_site.query import int_param, query_params
from crawlers.sample_site.server import Response
from crawlers.sample_site.stream import SamplePost, SampleStream

CST = timezone(timedelta(hours=8))
PAGE_SIZE = 20
_MSG = re.compile(r"^/board/msg/(\d+)$")
REPLY_TEMPLATES = [
    "您好！您反映的问题已收悉。经{org}核查，相关情况属实，已责成属地派出所加强巡逻防控，感谢您对公安工作的支持。",
    "您好！关于您反映的问题，{org}高度重视，已安排专人调查处理，处理结果将通过电话向您反馈。",
    "您好！您的留言已转{org}办理。经了解，该案件已依法立案，目前正在侦办中，请您耐心等待。",
    "您好！经{org}调查，您反映的情况与事实有出入，具体情况已与您电话沟通说明，如有疑问可来电咨询。",
]
ORGS = ["临江市公安局", "青山县人民法院", "临江市公安局交警支队", "云岭市反诈中心"]


def is_message(post: SamplePost) -> bool:
    return post.incident is None and post.seq % 5 == 1


def category(text: str) -> str:
    if "法院" in text or "判决" in text or "立案" in text:
        return "诉讼服务"
    if "诈骗" in text or "骗" in text:
        return "反诈骗"
    if "交警" in text or "交通" in text:
        return "交通管理"
    return "治安管理"


def reply_of(post: SamplePost) -> tuple[datetime, str, str]:
    rng = random.Random(f"board:{post.seq}")
    org = rng.choice(ORGS)
    return post.at + timedelta(minutes=rng.uniform(10, 90)), org, rng.choice(REPLY_TEMPLATES).format(org=org)


def status(post: SamplePost, now: datetime) -> str:
    reply_at, _, _ = reply_of(post)
    if now >= reply_at:
        return "已回复"
    return "办理中" if now >= post.at + timedelta(minutes=5) else "已受理"


def contact_of(post: SamplePost) -> str:
    """The personal numbers some citizens add to a complaint (a callback number, an ID card, a card to refund to).

    Generated, never real; the crawlers must redact them before storage."""
    rng = random.Random(f"contact:{post.seq}")
    parts = []
    if post.seq % 3 == 0:
        number = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        parts.append(f"联系电话：{number[:3]} {number[3:7]} {number[7:]}" if post.seq % 2 else f"请回电{number}。")
    if post.seq % 7 == 0:
        parts.append(f"我的身份证号是{rng.randrange(110000, 659000)}19{rng.randrange(50, 99)}"
                     f"{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}X。")
    if post.seq % 11 == 0:
        card = "6222" + "".join(str(rng.randrange(10)) for _ in range(15))
        parts.append(f"被骗的钱请退到银行卡{' '.join(card[i:i + 4] for i in range(0, 19, 4))}。")
    return "".join(parts)


def message_text(post: SamplePost) -> str:
    return post.text + contact_of(post)


def _title(post: SamplePost) -> str:
    return re.split(r"[，。！？]", re.sub(r"\[[^\]]+\]", "", post.text))[0][:24]


def list_page(stream: SampleStream, query: str, now: datetime) -> Response:
    page = max(1, int_param(query_params(query), "page", 1))
    messages = [p for p in stream.visible_posts(now) if is_message(p)]
    chunk = messages[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    rows = "".join(
        f'<tr class="msg-row"><td class="cat">{category(p.text)}</td>'
        f'<td class="title"><a href="/board/msg/{p.id}">{html.escape(_title(p))}</a></td>'
        f'<td class="status">{status(p, now)}</td><td class="date">{p.at.astimezone(CST):%Y-%m-%d}</td></tr>'
        for p in chunk)
    nxt = f'<a class="next" href="/board/list?page={page + 1}">下一页</a>' if page * PAGE_SIZE < len(messages) else ""
    markup = (f'<html><head><meta charset="utf-8"><title>书记信箱 - 留言列表</title></head><body>'
              f'<table class="msg-list"><tr><th>类别</th><th>标题</th><th>状态</th><th>日期</th></tr>{rows}</table>'
              f'<div class="pager">{nxt}</div></body></html>')
    return Response(200, markup.encode("utf-8"), "text/html; charset=utf-8")


def message_page(stream: SampleStream, post_id: int, now: datetime) -> Response:
    post = stream.post(post_id, now)
    if post is None or not post.visible(now) or not is_message(post):
        return Response(404, "<html><body>留言不存在或未公开</body></html>".encode(), "text/html; charset=utf-8")
    reply_at, org, reply = reply_of(post)
    answered = now >= reply_at
    reply_html = (f'<div class="reply"><div class="org">答复单位：{org}</div>'
                  f'<div class="reply-time">答复时间：{reply_at.astimezone(CST):%Y-%m-%d %H:%M}</div>'
                  f'<div class="reply-content">{html.escape(reply)}</div></div>') if answered else \
        '<div class="reply empty">暂无答复</div>'
    markup = (f'<html><head><meta charset="utf-8"><title>{html.escape(_title(post))}</title></head><body>'
              f'<div class="msg" data-id="{post.id}"><h2 class="title">{html.escape(_title(post))}</h2>'
              f'<dl><dt>留言类别</dt><dd class="category">{category(post.text)}</dd>'
              f'<dt>办理状态</dt><dd class="status">{status(post, now)}</dd>'
              f'<dt>留言时间</dt><dd class="time">{post.at.astimezone(CST):%Y-%m-%d %H:%M:%S}</dd>'
              f'<dt>留言人所在地</dt><dd class="region">{post.user.province}</dd></dl>'
              f'<div class="content">{html.escape(message_text(post))}</div></div>{reply_html}</body></html>')
    return Response(200, markup.encode("utf-8"), "text/html; charset=utf-8")


def handler(stream: SampleStream):
    def handle(path: str, query: str, now: datetime) -> Response | None:
        if path == "/board/list":
            return list_page(stream, query, now)
        m = _MSG.match(path)
        if m:
            return message_page(stream, int(m.group(1)), now)
        return None

    return handle
