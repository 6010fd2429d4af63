"""Chinese names of the stored codes a brief shows."""

from __future__ import annotations

SENTIMENT_NAMES = {"neg": "负面", "neu": "中性", "pos": "正面"}
FAMILY_NAMES = {"weibo": "微博", "forum": "论坛", "news": "新闻网站", "rss": "RSS 订阅", "message_board": "留言板"}
AUTHOR_TYPE_NAMES = {"official": "官方机构", "media": "媒体", "self_media": "自媒体", "netizen": "网民",
                     "unknown": "未识别"}
KIND_NAMES = {"post": "帖文", "comment": "评论", "reply": "回复", "article": "文章", "message": "留言",
              "official_reply": "官方回复"}
UNLABELLED_NAMES = {"region": "未标注地域", "family": "无采集源记录", "author_type": "未识别"}
OTHERS_NAME = "其他"
NO_LEVEL_NAME = "未定级"


def name_of(names: dict[str, str], code: str | None, fallback: str) -> str:
    return names.get(code, code) if code else fallback
