"""The sample site's evolving content: a deterministic stream of posts, comments and replies over time.

Everything is a pure function of (seed, start, posts_per_minute, incident schedule) and the time asked about:
post ``i`` of the regular stream arrives in slot ``i``; its comments and replies arrive later at offsets drawn
from the post's own random generator. Injected incidents add bursts of angry posts with many comments.
Some posts are edited or deleted a while after they appear, so re-crawls see changes.
"""

from __future__ import annotations

import bisect
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from crawlers.sample_site import text as gen

POST_ID_BASE = 4_900_000_000_000_000
COMMENT_ID_BASE = 5_000_000_000_000_000
REPLY_ID_BASE = 5_100_000_000_000_000
REPOST_ID_BASE = 4_950_000_000_000_000
REPOST_TEXTS = ["转发微博", "扩散！", "关注后续", "希望早日有个结果", "转给家里老人看看", "支持依法处理"]
INCIDENT_SEQ_BASE = 10_000_000
USER_ID_BASE = 1_000_000_000


@dataclass(frozen=True)
class SampleUser:
    id: int
    screen_name: str
    verified_type: int  # Weibo's codes: -1 none, 0 personal V, 1 government, 3 media, 220 grassroots star
    followers_count: int
    province: str

    @property
    def author_type(self) -> str:
        return {1: "official", 3: "media", 0: "self_media", 220: "self_media"}.get(self.verified_type, "netizen")


@dataclass(frozen=True)
class SampleComment:
    id: int
    post_id: int
    root_id: int  # the top-level comment (itself for a top-level comment)
    at: datetime
    text: str
    user: SampleUser
    floor: int
    likes: int
    is_reply: bool
    sentiment: str


@dataclass(frozen=True)
class SampleRepost:
    id: int
    post_id: int
    at: datetime
    text: str
    user: SampleUser


@dataclass
class SamplePost:
    seq: int
    id: int
    at: datetime
    text: str
    sentiment: str
    traditional: bool
    user: SampleUser
    incident: int | None
    edited_at: datetime | None
    edited_text: str | None
    deleted_at: datetime | None
    reposts: int
    comments: list[SampleComment] = field(default_factory=list)  # sorted by time, replies included
    repost_items: list[SampleRepost] = field(default_factory=list)  # sorted by time

    def text_at(self, now: datetime) -> str:
        if self.edited_at is not None and now >= self.edited_at:
            return self.edited_text or self.text
        return self.text

    def visible(self, now: datetime) -> bool:
        return self.at <= now and (self.deleted_at is None or now < self.deleted_at)

    def reposts_at(self, now: datetime) -> list[SampleRepost]:
        return [r for r in self.repost_items if r.at <= now]

    def comments_at(self, now: datetime) -> list[SampleComment]:
        idx = bisect.bisect_right([c.at for c in self.comments], now)
        return self.comments[:idx]


@dataclass(frozen=True)
class Incident:
    number: int
    start: datetime
    minutes: float
    title: str
    interval: timedelta | None = None  # between two of its posts; None: the regular interval, at least 10 s


def _user_pool(seed: int) -> list[SampleUser]:
    rng = random.Random(seed * 7919 + 1)
    users = []
    officials = ["临江公安", "青山县公安局", "临江市中级人民法院", "云岭法院", "临江反诈中心", "石门交警"]
    media = ["临江日报", "云岭晚报", "南湖新闻", "江北融媒"]
    for i, name in enumerate(officials):
        users.append(SampleUser(USER_ID_BASE + i, name, 1, rng.randint(50_000, 900_000), rng.choice(gen.PROVINCES)))
    for i, name in enumerate(media):
        users.append(SampleUser(USER_ID_BASE + 100 + i, name, 3, rng.randint(100_000, 2_000_000),
                                rng.choice(gen.PROVINCES)))
    for i in range(20):
        users.append(SampleUser(USER_ID_BASE + 1000 + i, f"{rng.choice(gen.CITIES)[:2]}生活观察{i}",
                                rng.choice([0, 220]), rng.randint(10_000, 500_000), rng.choice(gen.PROVINCES)))
    for i in range(400):
        users.append(SampleUser(USER_ID_BASE + 100_000 + i, f"用户{rng.randint(1000000, 9999999)}", -1,
                                rng.randint(0, 3000), rng.choice(gen.PROVINCES)))
    return users


class SampleStream:
    """All generated items, computed lazily and cached; thread-safe for the threaded HTTP server."""

    def __init__(self, seed: int, start: datetime, posts_per_minute: float, backlog_posts: int = 40,
                 incidents: list[tuple[datetime, float]] | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        if posts_per_minute <= 0:
            raise ValueError("posts_per_minute must be positive")
        self.seed = seed
        self.interval = timedelta(seconds=60.0 / posts_per_minute)
        # The backlog (what the site already holds at start) is spread over the previous hours, so its
        # threads already carry comments when a crawler first arrives.
        self.backlog_posts = backlog_posts
        self.backlog_interval = max(self.interval, timedelta(minutes=2))
        self.start = start.astimezone(timezone.utc)
        self.origin = self.start - self.backlog_interval * backlog_posts
        self.users = _user_pool(seed)
        burst_interval = None
        if incidents is None:
            # Default schedule (the demo's): a first burst already under way when the site starts, so the
            # demo's first rounds show an issue, then one every half hour; 12 posts a minute, so each one stands
            # out of the background as a real incident does.
            incidents = [(self.start + timedelta(minutes=-6 + 30 * n), 12.0) for n in range(48)]
            burst_interval = timedelta(seconds=5)
        self.incidents = [
            Incident(n, at.astimezone(timezone.utc), minutes, gen.incident_title(n, seed * 31 + n), burst_interval)
            for n, (at, minutes) in enumerate(incidents)
        ]
        self._posts: dict[int, SamplePost] = {}
        self._sorted: list[SamplePost] = []  # visible-order cache: every post with at <= _generated_until
        self._sorted_at: list[datetime] = []
        self._generated_until = self.origin - timedelta(seconds=1)
        self._lock = threading.Lock()

    # -- generation -------------------------------------------------------------------------------------
    def _make_post(self, seq: int, at: datetime, incident: Incident | None) -> SamplePost:
        rng = random.Random(f"{self.seed}:post:{seq}")
        if incident is not None:
            generated = gen.incident_text(rng, incident.number, self.seed * 31 + incident.number)
            user = rng.choice(self.users[30:])
            n_comments = rng.randint(5, 30)
        else:
            generated = gen.post_text(rng)
            user = rng.choice(self.users)
            n_comments = rng.choice([0, 0, 1, 2, 3, 4, 6, 8, 12])
        edited_at = at + timedelta(minutes=rng.uniform(5, 40)) if rng.random() < 0.05 else None
        deleted_at = at + timedelta(minutes=rng.uniform(10, 60)) if rng.random() < 0.03 else None
        post = SamplePost(
            seq=seq, id=POST_ID_BASE + seq, at=at, text=generated.text, sentiment=generated.sentiment,
            traditional=generated.traditional, user=user, incident=incident.number if incident else None,
            edited_at=edited_at, edited_text=(generated.text + gen.edit_suffix(rng)) if edited_at else None,
            deleted_at=deleted_at, reposts=rng.randint(0, 50 if incident else 5),
        )
        comments: list[SampleComment] = []
        offset = 0.0
        for j in range(n_comments):
            offset += rng.expovariate(1 / 90.0) + 5  # seconds; a thread grows over the next minutes
            c_at = at + timedelta(seconds=offset)
            c_text = gen.comment_text(rng, generated.sentiment)
            cid = COMMENT_ID_BASE + seq * 1000 + j
            comments.append(SampleComment(cid, post.id, cid, c_at, c_text.text, rng.choice(self.users[30:]),
                                          j + 1, rng.randint(0, 200), False, c_text.sentiment))
            r_offset = offset
            for k in range(rng.choice([0, 0, 0, 0, 1, 1, 2, 3, 12]) if j < 60 else 0):
                r_offset += rng.expovariate(1 / 60.0) + 3
                r_text = gen.reply_text(rng)
                comments.append(SampleComment(REPLY_ID_BASE + (seq * 1000 + j) * 100 + k, post.id, cid,
                                              at + timedelta(seconds=r_offset), r_text.text,
                                              rng.choice(self.users[30:]), k + 1, rng.randint(0, 20), True,
                                              r_text.sentiment))
        comments.sort(key=lambda c: (c.at, c.id))
        post.comments = comments
        # Drawn after everything else so that adding reposts left earlier content unchanged.
        r_offset = 0.0
        for k in range(min(post.reposts, 8)):
            r_offset += rng.expovariate(1 / 120.0) + 10
            text = rng.choice(REPOST_TEXTS)
            post.repost_items.append(SampleRepost(REPOST_ID_BASE + seq * 100 + k, post.id,
                                                  at + timedelta(seconds=r_offset), text, rng.choice(self.users)))
        return post

    def _slot(self, i: int) -> tuple[datetime, timedelta]:
        if i < self.backlog_posts:
            return self.origin + self.backlog_interval * i, self.backlog_interval
        return self.start + self.interval * (i - self.backlog_posts), self.interval

    def _first_slot_after(self, moment: datetime) -> int:
        if moment < self.start:
            return max(0, int((moment - self.origin) / self.backlog_interval) - 1)
        return self.backlog_posts + max(0, int((moment - self.start) / self.interval) - 1)

    def _regular_at(self, i: int) -> datetime:
        rng = random.Random(f"{self.seed}:slot:{i}")
        slot_start, length = self._slot(i)
        return slot_start + length * (rng.random() * 0.9)

    def _incident_posts_until(self, incident: Incident, until: datetime) -> list[tuple[int, datetime]]:
        out = []
        burst_interval = incident.interval or max(self.interval, timedelta(seconds=10))
        k = 0
        while True:
            at = incident.start + burst_interval * k
            if at > until or at > incident.start + timedelta(minutes=incident.minutes):
                break
            out.append((INCIDENT_SEQ_BASE + incident.number * 100_000 + k, at))
            k += 1
        return out

    def _extend(self, now: datetime) -> None:
        if now <= self._generated_until:
            return
        new: list[SamplePost] = []
        lo = self._generated_until
        i = self._first_slot_after(lo)
        while True:
            at = self._regular_at(i)
            if at > now:
                if self._slot(i)[0] > now:
                    break
            elif at > lo and i not in self._posts:
                post = self._make_post(i, at, None)
                self._posts[i] = post
                new.append(post)
            i += 1
        for incident in self.incidents:
            if incident.start > now:
                break
            for seq, at in self._incident_posts_until(incident, now):
                if at > lo and seq not in self._posts:
                    post = self._make_post(seq, at, incident)
                    self._posts[seq] = post
                    new.append(post)
        new.sort(key=lambda p: (p.at, p.id))
        self._sorted.extend(new)
        self._sorted_at.extend(p.at for p in new)
        self._generated_until = now

    # -- queries ---------------------------------------------------------------------------------------
    def posts_until(self, now: datetime) -> list[SamplePost]:
        """Every post published at or before ``now`` (deleted ones included), oldest first."""
        with self._lock:
            self._extend(now)
            idx = bisect.bisect_right(self._sorted_at, now)
            return self._sorted[:idx]

    def visible_posts(self, now: datetime, newest_first: bool = True) -> list[SamplePost]:
        posts = [p for p in self.posts_until(now) if p.visible(now)]
        return posts[::-1] if newest_first else posts

    def post(self, post_id: int, now: datetime) -> SamplePost | None:
        seq = post_id - POST_ID_BASE
        with self._lock:
            self._extend(now)
            post = self._posts.get(seq)
        return post if post is not None and post.at <= now else None

    def comment(self, comment_id: int, now: datetime) -> SampleComment | None:
        seq, j = divmod(comment_id - COMMENT_ID_BASE, 1000)
        post = self.post(POST_ID_BASE + seq, now)
        if post is None:
            return None
        for c in post.comments_at(now):
            if c.id == comment_id:
                return c
        return None
