"""Cold-start detection benchmark: replays that begin shortly before a burst, new detector against the old one.

Every case starts a fresh store and a fresh detector at the first post of the case, so the detector has only
what the case itself shows it. Each case runs twice in the same process: with ``cold_start: prior`` (the
background prior, the half-history lead-in window and the fading margin) and with ``cold_start: wait`` (the old
behaviour: nothing raised before ``warmup_hours`` of history). Printed per mode: recall of the bursts within the
first 24 h, latency from onset, and false alarms (issues matching no burst) in the first 24 h.

Cases
  * generated — ``sentiment.detect.synthetic`` streams of one day: two quiet ones (starting at midnight, so the
    first morning greeting is new to the detector, and at 09:00) and four with an incident 1–6 hours in
    (day and night, strong and weak);
  * weibo2018 — for each topic with a burst (≥ 10 posts in an hour), the posts from 2 h before its onset to
    22 h after; every topic with such an hour inside that span bursts there (onset: its first such hour);
  * covid — for a few burst days whose previous day is in the file: posts from 20:00 (local) on the previous
    day to the end of the burst day; bursts are that day's hashtag bursts of the main benchmark (full-file rule);
    an issue matches when ≥ 30 % of its members carry the tag.
  * demo — the sample site's own stream as the demo crawls it (posts and comments, 20 posts/minute, the
    default incident schedule), 20 minutes replayed with 1-minute ticks: when does the first issue appear?

Protocol: the cold-start parameters (margin, prior weight) were set on the generated cases and are reported
unchanged on the real ones; the generated cases use seeds and incidents not used by the main benchmark.

Usage: .venv/bin/python bench/detect_events.py --only coldstart [--covid-sample 0.2]
"""

from __future__ import annotations

import csv
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from detect_events import EVENTS, SHANGHAI, flagged, read_covid, run, tag_bursts
from sentiment.detect.synthetic import Incident, generate_stream

MODES = ("prior", "wait")
FIRST_DAY = timedelta(hours=24)


@dataclass
class Case:
    name: str
    records: list[dict]
    start: datetime
    bursts: dict[str, datetime]  # burst name -> onset
    member_of: dict[str, set[str]] = field(default_factory=dict)  # burst name -> its post ids (generated)
    tags_of: dict[str, set[str]] = field(default_factory=dict)  # post id -> hashtags (covid)
    topic_of: dict[str, str] = field(default_factory=dict)  # post id -> topic (weibo2018)


@dataclass
class Tally:
    bursts: int = 0
    detected: int = 0
    latencies: list[float] = field(default_factory=list)
    false_alarms: int = 0
    hours: float = 0.0
    lines: list[str] = field(default_factory=list)


def matches(case: Case, issue: dict) -> set[str]:
    """The bursts an issue is about (see the module docstring for the rules)."""
    members = issue["member_post_ids"]
    if not members:
        return set()
    found = set()
    if case.member_of:
        for name, ids in case.member_of.items():
            if len(ids.intersection(members)) / len(members) >= 0.5:
                found.add(name)
    elif case.topic_of:
        top, n = Counter(case.topic_of.get(m) for m in members).most_common(1)[0]
        if top in case.bursts and n / len(members) >= 0.5:
            found.add(top)
    else:
        cover = Counter(tag for m in members for tag in case.tags_of.get(m, ()))
        found = {tag for tag, n in cover.items() if tag in case.bursts and n / len(members) >= 0.3}
    return found


def score(case: Case, issues: list[dict], tally: Tally) -> None:
    horizon = case.start + FIRST_DAY
    first_hit: dict[str, datetime] = {}
    false = 0
    for issue in issues:
        at = flagged(issue)
        if at > horizon:
            continue
        hit = matches(case, issue)
        if not hit:
            false += 1
        for name in hit:
            if name not in first_hit or at < first_hit[name]:
                first_hit[name] = at
    tally.bursts += len(case.bursts)
    tally.detected += len(first_hit)
    lat = [(at - case.bursts[name]).total_seconds() / 60 for name, at in first_hit.items()]
    tally.latencies += lat
    tally.false_alarms += false
    tally.hours += min((max(datetime.fromisoformat(r["published_at"]) for r in case.records) - case.start)
                       .total_seconds() / 3600, 24)
    tally.lines.append(f"{case.name}: {len(first_hit)}/{len(case.bursts)} bursts, latency "
                       f"{', '.join(f'{m:.0f}' for m in sorted(lat)) or '—'} min, false alarms {false}")


def print_tallies(title: str, tallies: dict[str, Tally]) -> None:
    print(title)
    for mode in MODES:
        t = tallies[mode]
        lat = f"median {statistics.median(t.latencies):.0f} min (min {min(t.latencies):.0f}, max " \
              f"{max(t.latencies):.0f})" if t.latencies else "n/a"
        label = "new (prior + lead-in + fading margin)" if mode == "prior" else "old (hard warm-up, baseline)"
        print(f"  {label}: recall {t.detected}/{t.bursts} = {t.detected / max(t.bursts, 1):.2f}; latency {lat}; "
              f"false alarms in the first 24 h: {t.false_alarms} over {t.hours:.0f} case-hours")
        for line in t.lines:
            print(f"      {line}")


def run_cases(cases: list[Case], settings, analyzer, tick_minutes: int = 10) -> dict[str, Tally]:
    tallies = {mode: Tally() for mode in MODES}
    for case in cases:
        for mode in MODES:
            issues, _ = run(case.records, settings, analyzer, tick_minutes, {"cold_start": mode})
            score(case, issues, tallies[mode])
    return tallies


# -- generated ---------------------------------------------------------------------------------------------------
def generated_cases() -> list[Case]:
    day = datetime(2026, 6, 1, tzinfo=timezone.utc)
    specs = [  # (name, start, seed, posts/day, incident or None)
        ("quiet from 00:00", day, 41, 1500, None),
        ("quiet from 09:00", day + timedelta(hours=9), 42, 800, None),
        ("burst +1 h (11:00)", day + timedelta(hours=10), 43, 1500,
         Incident("派出所冲突", day + timedelta(hours=11), ("城南派出所", "执法冲突"), ("视频曝光", "要求公开", "警方回应"))),
        ("burst +3 h (08:00, with the morning greeting)", day + timedelta(hours=5), 44, 1500,
         Incident("学校食堂", day + timedelta(hours=8), ("育才小学", "午餐发霉"), ("家长质疑", "学校回应", "要求彻查"),
                  peak_per_hour=25, rise_hours=3)),
        ("burst +6 h (06:00, fast)", day, 45, 800,
         Incident("网络谣言", day + timedelta(hours=6), ("大桥垮塌", "谣言"), ("官方辟谣", "请勿转发"),
                  peak_per_hour=60, rise_hours=1, negative=False)),
        ("burst +2 h (22:00, weak, night)", day + timedelta(hours=20), 46, 1500,
         Incident("电诈", day + timedelta(hours=22), ("刷单返利", "诈骗团伙"), ("警方提醒", "涉案金额"),
                  peak_per_hour=15, rise_hours=4)),
    ]
    cases = []
    for name, start, seed, per_day, incident in specs:
        stream = generate_stream(start, 1, seed=seed, per_day=per_day, incidents=[incident] if incident else [])
        bursts = {incident.name: incident.start} if incident else {}
        member_of = {k: set(v) for k, v in stream.truth.items()}
        cases.append(Case(name, stream.records, start, bursts, member_of=member_of or {"-": set()}))
    return cases


# -- weibo2018 ----------------------------------------------------------------------------------------------------
def weibo2018_cases() -> list[Case]:
    rows = list(csv.DictReader(open(EVENTS / "weibo2018_topics_with_time.csv", encoding="utf-8")))
    records, topic_of = [], {}
    for row in rows:
        at = datetime.fromisoformat(row["created_utc"]).replace(tzinfo=timezone.utc)
        records.append({"id": row["mid"], "text": row["text"], "published_at": at.isoformat(), "platform": "weibo",
                        "author": row["mid"]})
        topic_of[row["mid"]] = row["topic"]
    records.sort(key=lambda r: r["published_at"])
    hourly: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        hourly[topic_of[r["id"]]][r["published_at"][:13]] += 1
    hot = {t: sorted(datetime.fromisoformat(h + ":00:00+00:00") for h, n in c.items() if n >= 10)
           for t, c in hourly.items()}
    onsets = {t: hours[0] for t, hours in hot.items() if hours}
    cases = []
    for topic, onset in sorted(onsets.items(), key=lambda kv: kv[1]):
        start, end = onset - timedelta(hours=2), onset + timedelta(hours=22)
        part = [r for r in records if start <= datetime.fromisoformat(r["published_at"]) <= end]
        # A topic bursts in the case at its first hot hour inside the case's span.
        bursts = {t: next(h for h in hours if start <= h <= end) for t, hours in hot.items()
                  if any(start <= h <= end for h in hours)}
        cases.append(Case(f"{topic} (onset {onset:%m-%d %H:00})", part, datetime.fromisoformat(part[0]["published_at"]),
                          bursts, topic_of={r["id"]: topic_of[r["id"]] for r in part}))
    return cases


# -- covid --------------------------------------------------------------------------------------------------------
def covid_cases(sample: float, days: tuple[str, ...] = ("2020-01-25", "2020-02-10", "2020-02-17"),
                min_tag: int = 300) -> list[Case]:
    wanted = set(days) | {(datetime.fromisoformat(d) - timedelta(days=1)).date().isoformat() for d in days}
    tag_counts, records, tags_of = read_covid(sample, wanted.__contains__)
    cases = []
    for day in days:
        bursts = tag_bursts(tag_counts, day, min_tag)
        start = datetime.fromisoformat(day).replace(tzinfo=SHANGHAI) - timedelta(hours=4)
        end = start + timedelta(hours=28)  # 20:00 the day before to the end of the day
        part = [r for r in records if start <= datetime.fromisoformat(r["published_at"]) < end]
        cases.append(Case(f"{day} ({len(part)} posts from 20:00 the day before)", part, start, bursts,
                          tags_of={r["id"]: tags_of[r["id"]] for r in part}))
    return cases


# -- the demo's sample site ------------------------------------------------------------------------------------------
def demo_records(minutes: int = 20, posts_per_minute: float = 20.0, seed: int = 20260101):
    """What the demo stores from the sample site after ``minutes``: posts and their comments, with their times."""
    from crawlers.sample_site.stream import SampleStream

    start = datetime(2026, 6, 1, 8, tzinfo=timezone.utc)
    stream = SampleStream(seed=seed, start=start, posts_per_minute=posts_per_minute)
    end = start + timedelta(minutes=minutes)
    records = []
    for post in stream.posts_until(end):
        if not post.visible(end):
            continue
        records.append({"id": str(post.id), "text": post.text_at(end), "published_at": post.at.isoformat(),
                        "platform": "weibo", "author": str(post.user.id), "reposts": post.reposts,
                        "comments": len(post.comments_at(end))})
        for comment in post.comments_at(end):
            records.append({"id": str(comment.id), "text": comment.text, "published_at": comment.at.isoformat(),
                            "platform": "weibo", "author": str(comment.user.id), "parent_id": str(post.id)})
    records.sort(key=lambda r: (r["published_at"], r["id"]))
    return records, stream, start


def bench_demo(settings, analyzer) -> None:
    records, stream, start = demo_records()
    incident = stream.incidents[0]
    print(f"demo sample site (20 posts/min, {len(records)} posts and comments in 20 min; first incident "
          f"“{incident.title}” at {(incident.start - start).total_seconds() / 60:+.0f} min for {incident.minutes:g} min; "
          f"1-minute ticks):")
    for mode in MODES:
        issues, _ = run(records, settings, analyzer, 1, {"cold_start": mode})
        first = min((flagged(i) for i in issues), default=None)
        when = f"{(first - start).total_seconds() / 60:+.0f} min from the site's start" if first else "none"
        print(f"  {mode}: {len(issues)} issues; first {when}")
        for issue in issues[:5]:
            print(f"      {issue['first_flagged_at'][11:16]} {issue['level'] or '-'} {issue['title']} "
                  f"({len(issue['member_post_ids'])} posts)")


def bench_coldstart(settings, analyzer, covid_sample: float, with_covid: bool = True) -> None:
    print("COLD START (fresh detector at the first post of each case; same run, new vs old):")
    bench_demo(settings, analyzer)
    print_tallies("generated (1-day streams, seeds 41–46):", run_cases(generated_cases(), settings, analyzer))
    print_tallies("weibo2018 topics (replay from 2 h before each onset):", run_cases(weibo2018_cases(), settings, analyzer))
    if with_covid:
        print_tallies(f"covid (sample {covid_sample:.0%}, 28 h around three burst days):",
                      run_cases(covid_cases(covid_sample), settings, analyzer))
