"""Tieba-style forum pages of the sample site, shaped on the recorded pages (``li.j_thread_list`` rows with
``data-field`` JSON, ``div.l_post`` floors, ``/p/comment`` 楼中楼 fragments, ``pn`` paging).

Edge cases served on purpose: the whole forum is GB18030 bytes declared as ``gbk`` in a meta tag, with the
HTTP header sometimes missing and sometimes wrongly saying UTF-8; a thread is deleted now and then (a 404 page);
Tieba's habit of answering a ``pn`` past the end with the last page again; a thread page cut off mid-way
the first time it is served (the crawler must notice the missing ``</html>`` and fetch it again).
"""

from __future__ import annotations

import html
import json
import re
import zlib
from datetime import datetime, timedelta, timezone

from crawlers.sample_site.query import int_param, query_params
from crawlers.sample_site.server import Response
from crawlers.sample_site.stream import SampleComment, SamplePost, SampleStream

CST = timezone(timedelta(hours=8))
LIST_PAGE_SIZE = 20
FLOORS_PER_PAGE = 10
LZL_PAGE_SIZE = 5
FORUM_NAME = "临江"
_THREAD = re.compile(r"^/p/(\d+)$")


def is_thread(post: SamplePost) -> bool:
    return post.incident is not None or post.seq % 3 == 0


def _when(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def encode_page(markup: str, key: str) -> Response:
    """GB18030 bytes with a meta tag saying gbk; the header is right, missing or wrong depending on the URL."""
    body = markup.encode("gb18030")
    mode = zlib.crc32(key.encode()) % 4
    content_type = {0: "text/html; charset=gbk", 1: "text/html", 2: "text/html; charset=utf-8",
                    3: "text/html; charset=GB2312"}[mode]
    return Response(200, body, content_type)


def _page(title: str, inner: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
            f"<title>{html.escape(title)}_{FORUM_NAME}吧_百度贴吧</title></head><body>{inner}</body></html>")


def _last_activity(post: SamplePost, now: datetime) -> datetime:
    comments = post.comments_at(now)
    return comments[-1].at if comments else post.at


def _threads(stream: SampleStream, now: datetime) -> list[SamplePost]:
    """Like Tieba: the thread with the latest reply first."""
    threads = [p for p in stream.visible_posts(now) if is_thread(p)]
    return sorted(threads, key=lambda p: (_last_activity(p, now), p.id), reverse=True)


def list_page(stream: SampleStream, query: str, now: datetime) -> Response:
    pn = max(0, int_param(query_params(query), "pn", 0))
    threads = _threads(stream, now)
    chunk = threads[pn:pn + LIST_PAGE_SIZE]
    rows = []
    for p in chunk:
        field = {"id": p.id, "author_name": p.user.screen_name, "first_post_id": p.id, "reply_num": len(p.comments_at(now)),
                 "is_bakan": None, "vid": "", "is_good": None, "is_top": None}
        rows.append(
            f"<li class=\" j_thread_list clearfix thread_item_box\" data-field='{html.escape(json.dumps(field, ensure_ascii=False))}'>"
            f'<div class="threadlist_title pull_left j_th_tit"><a rel="noopener" href="/p/{p.id}" title="{html.escape(p.text_at(now)[:30])}" '
            f'target="_blank" class="j_th_tit ">{html.escape(p.text_at(now)[:30])}</a></div>'
            f'<span class="threadlist_reply_date pull_right j_reply_data" title="最后回复时间">{_when(p.at)[11:]}</span>'
            f'<span class="threadlist_rep_num center_text" title="回复">{len(p.comments_at(now))}</span></li>')
    pager = ""
    if pn + LIST_PAGE_SIZE < len(threads):
        pager = f'<a href="/forum/f?kw={FORUM_NAME}&amp;ie=utf-8&amp;pn={pn + LIST_PAGE_SIZE}" class="next pagination-item ">下一页&gt;</a>'
    inner = (f'<div id="content"><ul id="thread_list" class="threadlist_bright j_threadlist_bright">{"".join(rows)}</ul>'
             f'<div id="frs_list_pager" class="pagination-default clearfix">{pager}</div></div>')
    # Tieba wraps the list in HTML comments inside <code class="pagelet_html">; crawlers must look inside.
    return encode_page(_page(f"{FORUM_NAME}吧", f'<code class="pagelet_html" id="pagelet_html_frs-list/pagelet/thread_list"><!--{inner}--></code>'),
                       f"list{pn}")


def _floors(post: SamplePost, now: datetime) -> list[tuple[int, object]]:
    floors: list[tuple[int, object]] = [(1, post)]
    for c in post.comments_at(now):
        if not c.is_reply:
            floors.append((len(floors) + 1, c))
    return floors


def _replies(post: SamplePost, now: datetime, comment_id: int) -> list[SampleComment]:
    return [c for c in post.comments_at(now) if c.is_reply and c.root_id == comment_id]


def thread_page(stream: SampleStream, post_id: int, query: str, now: datetime, truncate: bool = False
                ) -> Response:
    post = stream.post(post_id, now)
    if post is None or not post.visible(now) or not is_thread(post):
        return Response(404, _page("贴子不存在", "<div class='page404'>很抱歉，该贴已被删除。</div>").encode("gb18030"),
                        "text/html; charset=gbk")
    floors = _floors(post, now)
    total_pages = max(1, -(-len(floors) // FLOORS_PER_PAGE))
    pn = min(max(int_param(query_params(query), "pn", 1), 1), total_pages)  # like Tieba: past the end you get the last page again
    chunk = floors[(pn - 1) * FLOORS_PER_PAGE: pn * FLOORS_PER_PAGE]
    divs = []
    for floor, item in chunk:
        is_post = floor == 1
        pid = post.id if is_post else item.id
        text = post.text_at(now) if is_post else item.text
        at = post.at if is_post else item.at
        user = item.user
        n_lzl = 0 if is_post else len(_replies(post, now, item.id))
        field = {"author": {"user_id": user.id, "user_name": user.screen_name, "props": None},
                 "content": {"post_id": pid, "is_anonym": False, "forum_id": 52, "thread_id": post.id,
                             "content": "", "post_no": floor, "type": "0", "comment_num": n_lzl}}
        divs.append(
            f"<div class=\"l_post l_post_bright j_l_post clearfix\" data-field='{html.escape(json.dumps(field, ensure_ascii=False))}'>"
            f'<div class="d_author"><ul class="p_author"><li class="d_name"><a class="p_author_name j_user_card">{html.escape(user.screen_name)}</a></li></ul></div>'
            f'<div class="d_post_content_main"><div id="post_content_{pid}" class="d_post_content j_d_post_content">{html.escape(text)}</div>'
            f'<div class="post-tail-wrap"><span class="ip-location">IP属地:{user.province}</span><span class="tail-info">{floor}楼</span>'
            f'<span class="tail-info">{_when(at)}</span></div></div></div>')
    title = post.text_at(now)[:30]
    pager = f'<li class="l_reply_num"><span class="red">{len(floors) - 1}</span>回复贴，共<span class="red">{total_pages}</span>页</li>'
    markup = _page(title, f'<h3 class="core_title_txt" title="{html.escape(title)}">{html.escape(title)}</h3>'
                          f'<div class="p_postlist" id="j_p_postlist">{"".join(divs)}</div><ul class="l_posts_num">{pager}</ul>')
    if truncate:
        markup = markup[: int(len(markup) * 0.7)]  # a connection cut mid-page: the crawler must notice
    return encode_page(markup, f"thread{post.id}:{pn}")


def lzl_page(stream: SampleStream, query: str, now: datetime) -> Response:
    params = query_params(query)
    try:
        tid, pid, pn = int(params.get("tid", "0")), int(params.get("pid", "0")), int(params.get("pn", "1") or 1)
    except ValueError:
        return Response(400, b"bad request", "text/plain")
    post = stream.post(tid, now)
    if post is None or not post.visible(now):
        return Response(404, b"", "text/html")
    replies = _replies(post, now, pid)
    chunk = replies[(pn - 1) * LZL_PAGE_SIZE: pn * LZL_PAGE_SIZE]
    items = []
    for r in chunk:
        field = {"spid": r.id, "user_name": r.user.screen_name, "user_id": r.user.id, "portrait": ""}
        items.append(
            f"<li class=\"lzl_single_post j_lzl_s_p first_no_border\" data-field='{html.escape(json.dumps(field, ensure_ascii=False))}'>"
            f'<div class="lzl_cnt"><a class="at j_user_card" username="{html.escape(r.user.screen_name)}">{html.escape(r.user.screen_name)}</a>:'
            f'<span class="lzl_content_main">{html.escape(r.text)}</span>'
            f'<div class="lzl_content_reply"><span class="lzl_time">{_when(r.at)}</span></div></div></li>')
    pages = max(1, -(-len(replies) // LZL_PAGE_SIZE))
    pager = f'<li class="lzl_li_pager j_lzl_l_p lzl_li_pager_s" data-field=\'{{"total_num":{len(replies)},"total_page":{pages}}}\'>' \
            f'<p class="j_pager l_pager pager_theme_2">{"".join(f"<a href=#{i}>{i}</a>" for i in range(1, pages + 1))}</p></li>'
    return Response(200, ("<ul>" + "".join(items) + pager + "</ul>").encode("utf-8"), "text/html; charset=utf-8")


def handler(stream: SampleStream):
    truncated_once: set[int] = set()

    def handle(path: str, query: str, now: datetime) -> Response | None:
        if path == "/forum/f":
            return list_page(stream, query, now)
        if path == "/p/comment":
            return lzl_page(stream, query, now)
        m = _THREAD.match(path)
        if m:
            post_id = int(m.group(1))
            truncate = post_id % 29 == 4 and post_id not in truncated_once
            truncated_once.add(post_id)
            return thread_page(stream, post_id, query, now, truncate)
        return None

    return handle
