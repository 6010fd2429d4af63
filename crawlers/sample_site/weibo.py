"""Weibo-style JSON API of the sample site, shaped on recorded m.weibo.cn responses.

Endpoints (all under ``/api``):
- ``container/getIndex?containerid=102803&page=N``: the public real-time feed, newest first (``cards``/``mblog``);
- ``container/getIndex?containerid=100103type=1&q=KW&page=N``: keyword search (cards grouped in ``card_group``);
- ``container/getIndex?containerid=107603{uid}&page=N``: an account's timeline;
- ``statuses/show?id=ID``: one post (``ok: 0`` once deleted);
- ``comments/hotflow?id=ID&mid=ID&max_id=X&max_id_type=0``: top-level comments, cursor paging, ``max_id == 0`` at
  the end, first two replies inline; ``ok: 0`` with "快来发表你的评论吧" when there are none;
- ``comments/hotFlowChild?cid=CID&max_id=X&max_id_type=0``: the replies under one comment (楼中楼);
- ``statuses/repostTimeline?id=ID&page=N``: a post's reposts (转发), each with the original as retweeted_status.
"""

from __future__ import annotations

import re
import zlib
from datetime import datetime, timedelta, timezone

from crawlers.sample_site.query import query_params
from crawlers.sample_site.stream import SampleComment, SamplePost, SampleStream, SampleUser

CST = timezone(timedelta(hours=8))
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FEED_PAGE_SIZE = 10
COMMENT_PAGE_SIZE = 20
REPLY_PAGE_SIZE = 10
_EMOTICON = re.compile(r"\[([^\[\]]{1,6})\]")


def weibo_time(moment: datetime) -> str:
    """``Sat Jun 15 11:44:46 +0800 2019``, the format of the recorded responses (locale-independent)."""
    local = moment.astimezone(CST)
    return (f"{_DAYS[local.weekday()]} {_MONTHS[local.month - 1]} {local.day:02d} "
            f"{local:%H:%M:%S} +0800 {local.year}")


def render_text(text: str) -> str:
    """Emoticons become the ``url-icon`` image spans real responses carry."""
    return _EMOTICON.sub(
        lambda m: f'<span class="url-icon"><img alt=[{m.group(1)}] src="//h5.sinaimg.cn/m/emoticon/icon/default/'
                  f'd_{zlib.crc32(m.group(1).encode()) % 10000}.png" style="width:1em; height:1em;" /></span>',
        text,
    )


def user_json(user: SampleUser) -> dict:
    return {
        "id": user.id, "screen_name": user.screen_name,
        "profile_image_url": f"https://tvax1.sinaimg.cn/crop.0.0.180.180.180/{user.id}.jpg",
        "profile_url": f"https://m.weibo.cn/u/{user.id}?uid={user.id}",
        "verified": user.verified_type >= 0, "verified_type": user.verified_type,
        "followers_count": user.followers_count, "gender": "m" if user.id % 2 else "f",
        "description": "", "mbtype": 0,
    }


def mblog_json(post: SamplePost, now: datetime) -> dict:
    comments = post.comments_at(now)
    text = post.text_at(now)
    return {
        "created_at": weibo_time(post.at), "id": str(post.id), "idstr": str(post.id), "mid": str(post.id),
        "bid": f"S{post.id:x}", "can_edit": False, "text": render_text(text), "textLength": len(text) * 2,
        "source": "微博 weibo.com", "favorited": False, "isLongText": False, "pic_num": 0,
        "user": user_json(post.user), "reposts_count": len(post.reposts_at(now)), "comments_count": len(comments),
        "attitudes_count": sum(c.likes for c in comments) // 3 + post.seq % 7,
        "region_name": f"发布于 {post.user.province}",
        "edit_count": 1 if post.edited_at is not None and now >= post.edited_at else 0,
        "edit_at": weibo_time(post.edited_at) if post.edited_at is not None and now >= post.edited_at else None,
    }


def comment_json(comment: SampleComment, replies: list[SampleComment], with_inline: bool = True) -> dict:
    data = {
        "created_at": weibo_time(comment.at), "id": str(comment.id), "rootid": str(comment.root_id),
        "floor_number": comment.floor, "text": render_text(comment.text), "disable_reply": 0,
        "user": user_json(comment.user), "mid": str(comment.id), "like_count": comment.likes,
        "source": f"来自{comment.user.province}", "bid": f"C{comment.id:x}",
    }
    if not comment.is_reply:
        data["total_number"] = len(replies)
        data["comments"] = [comment_json(r, [], False) for r in replies[:2]] if with_inline and replies else False
        data["max_id"] = 0
    else:
        data["reply_original_text"] = ""
    return data


def _not_found(msg: str = "这里还没有内容") -> dict:
    return {"ok": 0, "msg": msg, "data": {"cards": []}}


def _bad_params() -> dict:
    return {"ok": 0, "msg": "参数错误"}


def _deleted() -> dict:
    """What the API answers for a post its author deleted (the crawlers record the deletion)."""
    return {"ok": 0, "errno": "20101", "msg": "抱歉，此微博已被作者删除。"}


def _feed(posts: list[SamplePost], page: int, containerid: str, now: datetime, grouped: bool) -> dict:
    chunk = posts[(page - 1) * FEED_PAGE_SIZE: page * FEED_PAGE_SIZE]
    if page < 1 or not chunk:
        return _not_found()
    cards = [{"card_type": 9, "itemid": f"{containerid}_-_{p.id}",
              "scheme": f"https://m.weibo.cn/status/S{p.id:x}?mblogid=S{p.id:x}",
              "mblog": mblog_json(p, now)} for p in chunk]
    if grouped:
        cards = [{"card_type": 11, "show_type": 1, "card_group": cards}]
    has_next = page * FEED_PAGE_SIZE < len(posts)
    return {"ok": 1, "data": {
        "cardlistInfo": {"containerid": containerid, "v_p": 42, "show_style": 1, "total": len(posts),
                         "page": page + 1 if has_next else None},
        "cards": cards}}


def get_index(stream: SampleStream, query: str, now: datetime) -> dict:
    params = query_params(query, keep_blank=True)
    containerid = params.get("containerid", "")
    try:
        page = int(params.get("page", "1") or "1")
    except ValueError:
        return _bad_params()
    posts = stream.visible_posts(now)
    if containerid == "102803":
        return _feed(posts, page, containerid, now, grouped=False)
    if containerid.startswith("100103"):
        inner = query_params(containerid[len("100103"):], keep_blank=True)
        keyword = params.get("q") or inner.get("q", "")
        words = [w for w in keyword.split() if w]
        if not words:
            return _not_found()
        hits = [p for p in posts if all(w in p.text_at(now) for w in words)]
        return _feed(hits, page, containerid, now, grouped=True)
    if containerid.startswith("107603"):
        try:
            uid = int(containerid[len("107603"):])
        except ValueError:
            return _not_found()
        return _feed([p for p in posts if p.user.id == uid], page, containerid, now, grouped=False)
    return _not_found()


def statuses_show(stream: SampleStream, query: str, now: datetime) -> dict:
    try:
        post = stream.post(int(query_params(query, keep_blank=True).get("id", "0")), now)
    except ValueError:
        post = None
    if post is None or not post.visible(now):
        return _deleted()
    return {"ok": 1, "data": mblog_json(post, now)}


def _replies_by_root(post: SamplePost, now: datetime) -> tuple[list[SampleComment], dict[int, list[SampleComment]]]:
    tops: list[SampleComment] = []
    replies: dict[int, list[SampleComment]] = {}
    for c in post.comments_at(now):
        if c.is_reply:
            replies.setdefault(c.root_id, []).append(c)
        else:
            tops.append(c)
    return tops, replies


def _cursor_page(items: list, max_id: int, size: int) -> tuple[list, int]:
    """Items after the cursor (an item id; 0 means from the start), and the next cursor (0 at the end)."""
    start = 0
    if max_id:
        start = next((i + 1 for i, c in enumerate(items) if c.id == max_id), len(items))
    chunk = items[start:start + size]
    more = start + size < len(items)
    return chunk, (chunk[-1].id if more and chunk else 0)


def hotflow(stream: SampleStream, query: str, now: datetime) -> dict:
    params = query_params(query, keep_blank=True)
    try:
        post = stream.post(int(params.get("id") or params.get("mid") or "0"), now)
        max_id = int(params.get("max_id", "0") or "0")
    except ValueError:
        return _bad_params()
    if post is None or not post.visible(now):
        return _deleted()
    tops, replies = _replies_by_root(post, now)
    if not tops:
        return {"ok": 0, "msg": "快来发表你的评论吧"}
    chunk, next_id = _cursor_page(tops, max_id, COMMENT_PAGE_SIZE)
    return {"ok": 1, "data": {
        "data": [comment_json(c, replies.get(c.id, [])) for c in chunk],
        "total_number": len(post.comments_at(now)), "max_id": next_id, "max": -(-len(tops) // COMMENT_PAGE_SIZE),
        "max_id_type": 0, "status": {"comment_manage_info": {"comment_permission_type": -1}}}}


def hotflow_child(stream: SampleStream, query: str, now: datetime) -> dict:
    params = query_params(query, keep_blank=True)
    try:
        root = stream.comment(int(params.get("cid", "0")), now)
        max_id = int(params.get("max_id", "0") or "0")
    except ValueError:
        return _bad_params()
    if root is None:
        return {"ok": 0, "msg": "评论不存在"}
    post = stream.post(root.post_id, now)
    if post is None or not post.visible(now):
        return _deleted()
    _, replies = _replies_by_root(post, now)
    mine = replies.get(root.id, [])
    chunk, next_id = _cursor_page(mine, max_id, REPLY_PAGE_SIZE)
    return {"ok": 1, "data": [comment_json(c, [], False) for c in chunk], "total_number": len(mine),
            "max_id": next_id, "max_id_type": 0, "rootComment": [comment_json(root, [], False)]}


REPOST_PAGE_SIZE = 10


def repost_timeline(stream: SampleStream, query: str, now: datetime) -> dict:
    """``statuses/repostTimeline?id=ID&page=N``: the reposts of a post, newest first, each carrying the original
    as ``retweeted_status``."""
    params = query_params(query, keep_blank=True)
    try:
        post = stream.post(int(params.get("id", "0")), now)
        page = int(params.get("page", "1") or "1")
    except ValueError:
        return _bad_params()
    if post is None or not post.visible(now):
        return _deleted()
    reposts = post.reposts_at(now)[::-1]
    chunk = reposts[(page - 1) * REPOST_PAGE_SIZE: page * REPOST_PAGE_SIZE]
    if page < 1 or not chunk:
        return {"ok": 0, "msg": "还没有人转发过"}
    original = mblog_json(post, now)
    return {"ok": 1, "data": {
        "data": [{"created_at": weibo_time(r.at), "id": str(r.id), "idstr": str(r.id), "mid": str(r.id),
                  "text": render_text(r.text) + f'//<a href="/n/{post.user.screen_name}">@{post.user.screen_name}</a>',
                  "user": user_json(r.user), "reposts_count": 0, "comments_count": 0, "attitudes_count": 0,
                  "retweeted_status": original} for r in chunk],
        "total_number": len(reposts), "hot_total_number": 0, "max": -(-len(reposts) // REPOST_PAGE_SIZE)}}


ROUTES = {
    "/api/statuses/repostTimeline": repost_timeline,
    "/api/container/getIndex": get_index,
    "/api/statuses/show": statuses_show,
    "/api/comments/hotflow": hotflow,
    "/api/comments/hotFlowChild": hotflow_child,
}
