"""A replayed day in the store: posts, comments, analyses, issues at levels with level changes, a release.

The day is 2026-11-02 in Asia/Shanghai, with the day before for the comparison and a few rows just outside
both. Rows are generated from a fixed seed, with the awkward cases placed on purpose: posts exactly on the
day's edges, a post known only by its fetch time, deleted and link-less posts with the highest engagement,
hostile markup, emoji, traditional characters, a control character and a very long text.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from storage.engine import session_scope
from storage.models import (
    Account, Analysis, Issue, IssueLevelChange, IssueMember, IssueSnapshot, Post, Release, ReleaseTarget, Source,
)

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 2)
DAY_START = datetime(2026, 11, 2, tzinfo=TZ)
KEYWORDS = ["派出所", "民警", "执法", "法院", "执行难", "诈骗", "反诈", "调解", "律师", "信访", "监控", "通报"]
CATEGORIES = ["涉警", "涉法涉诉", "电信网络诈骗", "司法行政"]
REGIONS = ["北京", "上海", "广东", "浙江", None]
AUTHOR_TYPES = ["netizen", "netizen", "netizen", "media", "official", "self_media", "unknown"]
LABELS = ["neg", "neg", "neu", "neu", "neu", "pos", None]
HOSTILE_SCRIPT = "<script>alert('x')</script>派出所通报<b>加粗</b>"
EMOJI_TEXT = "民警深夜救助走失老人😊👍，網友紛紛點讚\x07"
PHONE = "13812345678"  # a citizen's mobile number in a message-board post: masked wherever it is shown

ISSUE_A = "某地派出所民警执法争议"
ISSUE_B = "法院执行难问题引发关注"
ISSUE_C = "电信诈骗新手法预警宣传"
ISSUE_D = "前一日已平息的交通纠纷"
ISSUE_E = "看守所家属探视投诉"
RELEASE_TITLE = "关于网传民警执法问题的情况通报"
ARTICLE_URL = "https://mp.weixin.qq.com/s/briefs-test-article"


def local(hour: int, minute: int = 0, day_offset: int = 0) -> datetime:
    return (DAY_START + timedelta(days=day_offset, hours=hour, minutes=minute)).astimezone(timezone.utc)


@dataclass
class SeededDay:
    probe_base: str
    post_ids: dict[str, int] = field(default_factory=dict)  # named posts
    issue_ids: dict[str, int] = field(default_factory=dict)
    release_id: int | None = None


def _post(rng: random.Random, n: int, moment: datetime, *, kind: str = "post", source=None, platform: str = "weibo",
          text: str | None = None, url: str | None = "auto", parent=None, published: bool = True,
          likes: int | None = None, deleted: bool = False, region="auto") -> Post:
    text = text if text is not None else f"第{n}条：{'、'.join(rng.sample(KEYWORDS, 2))}相关讨论"
    if url == "auto":
        url = f"https://{platform}.example.cn/p/{n}" if rng.random() < 0.8 else None
    return Post(
        source_id=source.id if source else None, platform=platform, external_id=f"{platform}-{n}", kind=kind,
        url=url, parent=parent, author_hash=hashlib.sha256(f"author{n % 37}".encode()).hexdigest(),
        author_type=rng.choice(AUTHOR_TYPES), region=rng.choice(REGIONS) if region == "auto" else region,
        title=None, text_raw=text, text=text, published_at=moment if published else None,
        fetched_at=moment + timedelta(minutes=3), likes=rng.randint(0, 300) if likes is None else likes,
        reposts=rng.randint(0, 50), comments_count=rng.randint(0, 20), deleted=deleted,
        content_hash=hashlib.sha256(f"{n}{text}".encode()).hexdigest())


def _analyse(rng: random.Random, post: Post, label: str | None = "auto") -> None:
    label = rng.choice(LABELS) if label == "auto" else label
    if label is None:
        return
    post.analysis = Analysis(label=label, score={"neg": 0.1, "neu": 0.5, "pos": 0.9}[label], model_version="test",
                             keywords=rng.sample(KEYWORDS, rng.randint(0, 4)),
                             categories=rng.sample(CATEGORIES, rng.randint(0, 2)))


def seed_day(session_factory, probe_base: str = "http://127.0.0.1:9") -> SeededDay:
    """Fill the store; ``probe_base`` is where hostile image links point (a test server counts requests)."""
    rng = random.Random(20261102)
    seeded = SeededDay(probe_base=probe_base)
    with session_scope(session_factory) as session:
        weibo = Source(name="city_weibo", family="weibo")
        news = Source(name="city_news", family="news")
        board = Source(name="city_board", family="message_board")
        session.add_all([weibo, news, board])
        session.flush()
        sources = [(weibo, "weibo"), (news, "news_site"), (board, "board"), (None, "replay")]
        counter = iter(range(1, 100000))

        def add(post: Post, label="auto") -> Post:
            session.add(post)
            _analyse(rng, post, label)
            return post

        named: dict[str, Post] = {}

        day_posts: list[Post] = []
        # The day itself: 150 posts spread over the hours, each with 0-2 comments.
        for _ in range(150):
            source, platform = rng.choice(sources)
            moment = local(rng.randint(0, 23), rng.randint(0, 59))
            post = add(_post(rng, next(counter), moment, source=source, platform=platform,
                             kind=rng.choice(["post", "post", "article", "message"])))
            day_posts.append(post)
            for _ in range(rng.randint(0, 2)):
                later = min(moment + timedelta(minutes=rng.randint(1, 50)), local(23, 59))
                add(_post(rng, next(counter), later, source=source, platform=platform,
                          kind=rng.choice(["comment", "reply"]), parent=post, url=None))
        # The day before: 60 posts and a few comments.
        before: list[Post] = []
        for _ in range(60):
            source, platform = rng.choice(sources)
            post = add(_post(rng, next(counter), local(rng.randint(0, 23), rng.randint(0, 59), -1), source=source,
                             platform=platform))
            before.append(post)
        for post in before[:15]:
            add(_post(rng, next(counter), post.published_at + timedelta(minutes=5), source=None,
                      platform=post.platform, kind="comment", parent=post, url=None))
        # Edges: the first instant of the day counts, the first instant of the next day does not.
        named["at_start"] = add(_post(rng, next(counter), local(0), source=weibo, platform="weibo"))
        named["at_end"] = add(_post(rng, next(counter), local(0, 0, 1), source=weibo, platform="weibo"))
        named["two_days_before"] = add(_post(rng, next(counter), local(12, 0, -2), platform="weibo"))
        named["fetched_only"] = add(_post(rng, next(counter), local(10, 30), source=news, platform="news_site",
                                          published=False))
        # Awkward posts with the most engagement: only the linkable, not deleted ones may be quoted.
        named["deleted"] = add(_post(rng, next(counter), local(11), source=weibo, platform="weibo", likes=90000,
                                     deleted=True, text="已被删除的帖子"))
        named["no_link"] = add(_post(rng, next(counter), local(11, 5), source=weibo, platform="weibo", likes=80000,
                                     url=None, text="没有链接的帖子"))
        named["js_link"] = add(_post(rng, next(counter), local(11, 6), source=weibo, platform="weibo", likes=85000,
                                     url="javascript:alert(1)", text="伪链接的帖子"))
        named["hostile"] = add(_post(
            rng, next(counter), local(12), source=weibo, platform="weibo", likes=70000,
            url="https://weibo.example.cn/hostile",
            text=f"{HOSTILE_SCRIPT}![]({probe_base}/markdown.png)<img src=\"{probe_base}/img.png\">"), "neg")
        named["emoji"] = add(_post(rng, next(counter), local(12, 10), source=weibo, platform="weibo", likes=60000,
                                   text=EMOJI_TEXT, url="https://weibo.example.cn/emoji"), "pos")
        named["long"] = add(_post(rng, next(counter), local(13), source=news, platform="news_site", likes=50000,
                                  text="长文" + "法院执行工作情况说明。" * 1000, url="https://news_site.example.cn/long"),
                            "neu")
        named["personal"] = add(_post(rng, next(counter), local(15), source=board, platform="board", likes=40000,
                                      text=f"留言：我的电话{PHONE}，请回电", url="https://board.example.cn/personal"))
        session.flush()
        seeded.post_ids.update({name: post.id for name, post in named.items()})

        def issue(title, first_seen, level, category, keywords, **extra) -> Issue:
            row = Issue(signature=title, title=title, keywords=keywords, category=category, first_seen_at=first_seen,
                        last_seen_at=first_seen + timedelta(hours=10), level=level, **extra)
            session.add(row)
            session.flush()
            seeded.issue_ids[title] = row.id
            return row

        def members(row: Issue, posts: list[Post]) -> None:
            session.add_all([IssueMember(issue_id=row.id, post_id=p.id) for p in posts])
            # As detection keeps them: first and last seen are the member posts' own times.
            times = [p.published_at or p.fetched_at for p in posts]
            row.first_seen_at, row.last_seen_at = min(times), max(times)

        def change(row: Issue, at: datetime, old, new, reason: str) -> None:
            session.add(IssueLevelChange(issue_id=row.id, at=at, from_level=old, to_level=new, reason=reason,
                                         rules_version="2026.11-2"))

        a = issue(ISSUE_A, local(1), "red", "涉警", ["派出所", "民警", "执法"], first_flagged_at=local(9),
                  response_due_at=local(16), responded_at=local(16, 30), status="responded")
        members(a, day_posts[:30] + [named["hostile"]])
        change(a, local(1), None, "green", "绿色：进入研判范围")
        change(a, local(9), "green", "yellow", "黄色：热度 46.0 >= 45")
        change(a, local(14), "yellow", "red", "红色：热度 72.5 >= 70")
        session.add_all([IssueSnapshot(issue_id=a.id, at=local(14), post_count=25, window_count=12,
                                       negative_share=0.6, heat=72.5, level="red"),
                         IssueSnapshot(issue_id=a.id, at=local(9, 0, 1), post_count=31, window_count=0,
                                       negative_share=0.6, heat=30.0, level="red")])
        b = issue(ISSUE_B, local(8, 0, -1), "yellow", "涉法涉诉", ["法院", "执行难"], first_flagged_at=local(9, 0, -1),
                  response_due_at=local(12), status="acknowledged")
        members(b, before[:8] + day_posts[30:40] + [named["long"]])
        change(b, local(8, 0, -1), None, "yellow", "黄色：热度 47.0 >= 45")
        c = issue(ISSUE_C, local(20), "green", "电信网络诈骗", ["诈骗", "反诈"])
        members(c, day_posts[40:45])
        change(c, local(20), None, "green", "绿色：进入研判范围")
        d = issue(ISSUE_D, local(7, 0, -1), "green", None, ["交通"])
        members(d, before[8:14])
        change(d, local(7, 0, -1), None, "green", "绿色：进入研判范围")
        e = issue(ISSUE_E, local(3), "red", "监所", ["看守所", "探视"])
        members(e, day_posts[45:50])
        change(e, local(3), None, "green", "绿色：进入研判范围")
        change(e, local(5, 0, 1), "green", "red", "红色：热度 75.0 >= 70")

        account = Account(name="市公安局", appid="wx-test", secret_env="TEST_SECRET")
        session.add(account)
        session.flush()
        release = Release(title=RELEASE_TITLE, markdown="情况通报", status="published", answers_issue_id=a.id,
                          published_at=local(16, 30))
        session.add(release)
        session.flush()
        session.add(ReleaseTarget(release_id=release.id, account_id=account.id, status="published",
                                  article_url=ARTICLE_URL, published_at=local(16, 30)))
        # A draft answering B is no answer yet.
        session.add(Release(title="关于执行案件的说明（草稿）", status="draft", answers_issue_id=b.id))
        seeded.release_id = release.id
    return seeded
