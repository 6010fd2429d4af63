"""The daily brief of a replayed day: every figure recomputed here, in plain Python over the stored rows, and
found in the HTML, the DOCX and the PDF.

Nothing here calls the fact functions: the expected values come from loading the rows and counting them.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from publisher.services import briefs
from storage.access import SYSTEM_ACTOR
from storage.engine import session_scope
from storage.models import Analysis, Issue, IssueLevelChange, IssueMember, IssueSnapshot, Post, Source
from tests.publisher.briefs import seed
from tests.publisher.briefs.inspect_docs import (
    docx_links, docx_texts, figure_cells, html_tree, pdf_fonts, pdf_text, red_pixels, render_page, squeezed,
    table_rows, uncovered_characters,
)
from zhengyu.clock import FrozenClock

COMMENTS = {"comment", "reply", "official_reply"}
LEVELS = {"red": "红色", "yellow": "黄色", "green": "绿色", None: "未定级"}
RANK = {"red": 0, "yellow": 1, "green": 2}
FAMILIES = {"weibo": "微博", "news": "新闻网站", "message_board": "留言板", None: "无采集源记录"}
AUTHORS = {"official": "官方机构", "media": "媒体", "self_media": "自媒体", "netizen": "网民", "unknown": "未识别"}
START = seed.DAY_START.astimezone(timezone.utc)
END = START + timedelta(days=1)
GENERATED = datetime(2026, 11, 3, 0, 5, tzinfo=timezone.utc)  # 08:05 in Beijing


def moment(post: Post) -> datetime:
    return post.published_at or post.fetched_at


def change_text(current: int, previous: int, unit: str = "条") -> str:
    delta = current - previous
    if delta == 0:
        return "与上期持平"
    percent = f"（{delta / previous * 100:+.1f}%）" if previous else ""
    return f"较上期{'增加' if delta > 0 else '减少'} {abs(delta)} {unit}{percent}"


def percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def beijing(at: datetime) -> str:
    return at.astimezone(seed.TZ).strftime("%Y-%m-%d %H:%M")


class Recount:
    """The day's figures, counted from the rows."""

    def __init__(self, session) -> None:
        self.posts = session.scalars(select(Post)).all()
        self.labels = {a.post_id: a for a in session.scalars(select(Analysis))}
        self.families = {s.id: s.family for s in session.scalars(select(Source))}
        self.day = [p for p in self.posts if START <= moment(p) < END]
        self.before = [p for p in self.posts if START - timedelta(days=1) <= moment(p) < START]
        self.members: dict[int, set[int]] = {}
        for member in session.scalars(select(IssueMember)):
            self.members.setdefault(member.issue_id, set()).add(member.post_id)
        self.changes = session.scalars(select(IssueLevelChange).order_by(IssueLevelChange.at)).all()
        self.snapshots = session.scalars(select(IssueSnapshot).order_by(IssueSnapshot.at)).all()
        self.issues = {i.id: i for i in session.scalars(select(Issue))}

    def sentiment(self, posts) -> Counter:
        return Counter(self.labels[p.id].label for p in posts if p.id in self.labels)

    def negative_cell(self) -> str:
        now, then = self.sentiment(self.day), self.sentiment(self.before)
        share, before = now["neg"] / sum(now.values()), then["neg"] / sum(then.values())
        points = round((share - before) * 100, 1)
        trend = f"较上期{'上升' if points > 0 else '下降'} {abs(points):.1f} 个百分点" if points else "与上期持平"
        return f"{share * 100:.1f}%（已分析 {sum(now.values())} 条中负面 {now['neg']} 条），{trend}"

    def active_issues(self) -> list[int]:
        day_ids = {p.id for p in self.day}
        active = {i for i, members in self.members.items() if members & day_ids}
        active |= {c.issue_id for c in self.changes if START <= c.at < END}
        return sorted(active)

    def level_at_end(self, issue_id: int) -> str | None:
        before = [c for c in self.changes if c.issue_id == issue_id and c.at < END]
        if before:
            return before[-1].to_level
        later = [c for c in self.changes if c.issue_id == issue_id]
        return later[0].from_level if later else self.issues[issue_id].level

    def issue_posts(self, issue_id: int, posts) -> list[Post]:
        return [p for p in posts if p.id in self.members.get(issue_id, set())]

    def heat_at_end(self, issue_id: int) -> float:
        snaps = [s for s in self.snapshots if s.issue_id == issue_id and s.at < END]
        return snaps[-1].heat if snaps else self.issues[issue_id].heat

    def ranked(self, counter: Counter, k: int) -> list[list[str]]:
        items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [[str(i), word, str(n)] for i, (word, n) in enumerate(items, 1)]

    def terms(self, attribute: str) -> Counter:
        counter: Counter = Counter()
        for post in self.day:
            if post.id in self.labels:
                counter.update(set(getattr(self.labels[post.id], attribute)))
        return counter

    def groups(self, key, names: dict, unlabelled: str) -> list[list[str]]:
        counter = Counter(key(p) for p in self.day)
        items = sorted(counter.items(), key=lambda kv: (kv[0] is None, -kv[1], kv[0] or ""))
        total = len(self.day)
        return [[names.get(k, k) if k is not None else unlabelled, str(n), percent(n, total)] for k, n in items]

    def quotes(self, n: int) -> list[Post]:
        linkable = [p for p in self.day if not p.deleted and (p.url or "").startswith(("http://", "https://"))]
        linkable.sort(key=lambda p: (-(p.likes + p.reposts + p.comments_count), moment(p), p.id))
        return linkable[:n]


@pytest.fixture
def daily(session_factory, seeded, brief_settings):
    with session_scope(session_factory) as session:
        info = briefs.generate_daily(session, SYSTEM_ACTOR, brief_settings(), seed.DAY, clock=FrozenClock(GENERATED))
        files = {f: briefs.brief_file(session, SYSTEM_ACTOR, info.id, f).data for f in ("html", "docx", "pdf")}
        recount = Recount(session)
    return info, files, recount


@pytest.mark.slow
def test_every_figure_of_the_daily_brief_is_the_stores(daily, probe, tmp_path):
    info, files, re = daily
    tree = html_tree(files["html"].decode("utf-8"))
    cells = figure_cells(tree)

    posts = [p for p in re.day if p.kind not in COMMENTS]
    comments = [p for p in re.day if p.kind in COMMENTS]
    before_posts = [p for p in re.before if p.kind not in COMMENTS]
    before_comments = [p for p in re.before if p.kind in COMMENTS]
    assert re.day and len(re.day) == len(posts) + len(comments)
    assert cells["total"] == f"{len(re.day)} 条，{change_text(len(re.day), len(re.before))}"
    assert cells["posts"] == f"{len(posts)} 条，{change_text(len(posts), len(before_posts))}"
    assert cells["comments"] == f"{len(comments)} 条，{change_text(len(comments), len(before_comments))}"
    platforms, platforms_before = len({p.platform for p in re.day}), len({p.platform for p in re.before})
    assert cells["platforms"] == f"{platforms} 个，{change_text(platforms, platforms_before, '个')}"
    engagement = sum(p.likes + p.reposts + p.comments_count for p in re.day)
    engagement_before = sum(p.likes + p.reposts + p.comments_count for p in re.before)
    assert cells["engagement"] == f"{engagement}，{change_text(engagement, engagement_before, '次')}"
    assert cells["negative_share"] == re.negative_cell()
    # The edges of the day: its first instant counts, the next day's does not; a post known only by its
    # fetch time counts by that.
    day_ids = {p.id for p in re.day}
    assert {seed_id("at_start"), seed_id("fetched_only")} <= day_ids and seed_id("at_end") not in day_ids

    # Issues by level, each with its figures and timeline, as they stood at the end of the day.
    active = re.active_issues()
    titles = {i: re.issues[i].title for i in active}
    assert sorted(titles.values()) == sorted([seed.ISSUE_A, seed.ISSUE_B, seed.ISSUE_C, seed.ISSUE_E])
    order = sorted(active, key=lambda i: (RANK.get(re.level_at_end(i), 9), -len(re.issue_posts(i, re.day)), i))
    headings = [h.text_content() for h in tree.xpath("//h3") if h.text_content().startswith("【")]
    assert headings == [f"【{LEVELS[re.level_at_end(i)]}】{titles[i]}" for i in order]
    for issue_id in active:
        mine = re.issue_posts(issue_id, re.day)
        counts = re.sentiment(mine)
        until_end = [p for p in re.issue_posts(issue_id, re.posts) if moment(p) < END]
        assert cells[f"issue{issue_id}_level"] == LEVELS[re.level_at_end(issue_id)]
        assert cells[f"issue{issue_id}_posts"] == f"{len(mine)} 条"
        assert cells[f"issue{issue_id}_total"] == f"{len(until_end)} 条"
        assert cells[f"issue{issue_id}_negative"] == percent(counts["neg"], sum(counts.values()))
        assert cells[f"issue{issue_id}_heat"] == f"{re.heat_at_end(issue_id):.1f}"
        assert cells[f"issue{issue_id}_first_seen"] == beijing(re.issues[issue_id].first_seen_at)
        steps = [c for c in re.changes if c.issue_id == issue_id and c.at < END]
        assert [row[0] for row in table_rows(tree, f"issue{issue_id}_timeline")] == [beijing(c.at) for c in steps]
    issue_e = seed_issue(re, seed.ISSUE_E)
    assert cells[f"issue{issue_e}_level"] == "绿色"  # it turned red only the next morning
    assert cells[f"issue{seed_issue(re, seed.ISSUE_A)}_heat"] == "72.5"

    # The sentiment trend, hour by hour in Beijing time.
    hours = {h: Counter() for h in range(24)}
    for post in re.day:
        label = re.labels[post.id].label if post.id in re.labels else "none"
        hours[moment(post).astimezone(seed.TZ).hour][label] += 1
    assert table_rows(tree, "trend") == [
        [f"{h:02d}时", str(c["neg"]), str(c["neu"]), str(c["pos"]), str(c["none"]), str(sum(c.values()))]
        for h, c in hours.items() if c]

    # Keywords, categories, regions, source types and author types.
    assert table_rows(tree, "keywords") == re.ranked(re.terms("keywords"), 10)
    assert table_rows(tree, "categories") == re.ranked(re.terms("categories"), 10)
    assert table_rows(tree, "regions") == re.groups(lambda p: p.region, {}, "未标注地域")
    assert table_rows(tree, "source_types") == re.groups(lambda p: re.families.get(p.source_id), FAMILIES,
                                                         "无采集源记录")
    assert table_rows(tree, "author_types") == re.groups(lambda p: p.author_type, AUTHORS, "未识别")

    # Representative posts: the most engaged posts that have a real link and still exist, quoted as stored.
    section = tree.xpath("//section[h2[text()='六、代表性信息']]")[0]
    quoted = section.xpath(".//blockquote")
    expected = re.quotes(5)
    assert [q.xpath(".//a")[0].get("href") for q in quoted] == [p.url for p in expected]
    for block, post in zip(quoted, expected):
        text = block.xpath(".//div[@class='text']")[0].text_content()
        stored = post.text.replace("\x07", "").replace(seed.PHONE, "[手机号已隐去]")
        assert text == (stored if len(stored) <= 160 else stored[:160] + "……")
        assert beijing(moment(post)) in block.xpath(".//div[@class='meta']")[0].text_content()
    assert {seed_id("deleted"), seed_id("no_link"), seed_id("js_link")}.isdisjoint({p.id for p in expected})
    assert "javascript:" not in files["html"].decode("utf-8")
    assert seed_id("personal") in {p.id for p in expected} and seed.PHONE not in files["html"].decode("utf-8")

    # Answered by releases, and what still waits.
    assert table_rows(tree, "responses") == [[seed.RELEASE_TITLE, seed.ISSUE_A, "2026-11-02 09:00",
                                              "2026-11-02 16:30", "7小时30分钟", "超期"]]
    # The answer's effect: equal windows before and after the answer, cut to the time left in the day.
    answered = re.issues[seed_issue(re, seed.ISSUE_A)].responded_at
    window = min(timedelta(hours=24), END - answered)
    members_a = [p for p in re.issue_posts(seed_issue(re, seed.ISSUE_A), re.posts) if not p.deleted and p.published_at]
    sides = [[p for p in members_a if lo <= p.published_at < hi]
             for lo, hi in ((answered - window, answered), (answered, answered + window))]
    shares = [percent(re.sentiment(side)["neg"], sum(re.sentiment(side).values())) for side in sides]
    assert f"《{seed.RELEASE_TITLE}》原文链接：{seed.ARTICLE_URL}；回应效果（回应前后各 7.5 小时，观察期未满）：相关信息 " \
           f"{len(sides[0])} → {len(sides[1])} 条，负面占比 {shares[0]} → {shares[1]}" in \
           [p.text_content() for p in tree.xpath("//p")]
    assert table_rows(tree, "awaiting") == [[seed.ISSUE_B, "黄色", "2026-11-02 12:00", "已超期"]]

    # The same figures in the DOCX, which python-docx opens.
    paragraphs, tables, document = docx_texts(files["docx"])
    cells_docx = {row[0]: row[1] for table in tables for row in table if len(row) == 2}
    assert cells_docx["信息总量"] == cells["total"] and cells_docx["负面占比"] == cells["negative_share"]
    trend_table = next(t for t in tables if t[0][:2] == ["时段", "负面"])
    assert trend_table[1:] == table_rows(tree, "trend")
    assert all(f"【{LEVELS[re.level_at_end(i)]}】{titles[i]}" in paragraphs for i in active)
    assert len(document.inline_shapes) == 2  # the trend and the source types, as pictures
    assert {p.url for p in expected} <= set(docx_links(document))

    # The PDF: its text (pdftotext) carries the issue titles in Chinese, and no character lacks a glyph.
    pdf = tmp_path / "daily.pdf"
    pdf.write_bytes(files["pdf"])
    text = pdf_text(pdf)
    flat = squeezed(text)
    for title in titles.values():
        assert title in flat
    assert seed.ISSUE_D not in flat and "舆情日报" in flat and "某市委政法委网络舆情中心" in flat
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["embedded"] == "yes" for f in fonts), fonts
    assert any("CJK-SC" in f["name"] for f in fonts), fonts
    assert uncovered_characters(text, [f["name"] for f in fonts]) == set()
    assert any("Emoji" in f["name"] for f in fonts)  # a quoted post has emoji: drawn, not boxed
    page = render_page(pdf, 1, tmp_path / "page")
    assert red_pixels(page, top_fraction=0.25) > 500  # the red masthead 舆情日报 is drawn
    # The hostile posts' image links were never fetched, by the HTML, the DOCX or the PDF renderer.
    assert probe.requests == []
    assert info.number == 1 and not info.empty


def seed_id(name: str) -> int:
    return _SEEDED_IDS[name]


def seed_issue(re: Recount, title: str) -> int:
    return next(i for i, issue in re.issues.items() if issue.title == title)


_SEEDED_IDS: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _named_posts(seeded):
    _SEEDED_IDS.clear()
    _SEEDED_IDS.update(seeded.post_ids)
