"""A generated post stream with injected incidents, for tests and the detection benchmark.

Background posts follow a day/night cycle (nights at a tenth of the daytime rate) and draw their words from
broad everyday vocabularies, so every word keeps a steady share. Incidents ramp up, peak and fade, with
near-duplicate reposts and many authors. A recurring morning greeting checks the hour-of-day baseline, and
occasional coincidences at night check that quiet nights stay quiet.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

SUBJECTS = ["小区", "公司", "学校", "地铁", "超市", "医院", "公园", "食堂", "银行", "快递", "外卖", "物业",
            "图书馆", "菜市场", "健身房", "电影院", "高铁站", "停车场", "咖啡店", "加油站"]
VERBS = ["今天", "最近", "听说", "终于", "好像", "居然", "刚刚", "周末", "昨晚", "早上"]
OBJECTS = ["排队", "装修", "打折", "涨价", "放假", "开业", "停电", "堵车", "下雨", "加班", "降温", "搬家",
           "体检", "考试", "旅游", "聚餐", "跑步", "做饭", "追剧", "看球"]
TAILS = ["心情不错", "有点累", "挺开心的", "一般般吧", "还行", "无语了", "太好了", "慢慢来", "明天再说", "记录一下",
         "太气愤了", "必须严惩", "点赞", "干得漂亮", "转发一下"]
PLATFORMS = ["weibo", "tieba", "douyin", "news"]
MORNING = "早安打卡"


@dataclass(frozen=True)
class Incident:
    """An injected burst: texts built from ``core`` words, starting at ``start``."""

    name: str
    start: datetime
    core: tuple[str, ...]
    variants: tuple[str, ...]
    peak_per_hour: float = 40.0
    rise_hours: float = 2.0
    fall_hours: float = 8.0
    negative: bool = True
    official_reply: bool = True

    def rate(self, moment: datetime) -> float:
        hours = (moment - self.start).total_seconds() / 3600
        if hours < 0:
            return 0.0
        if hours < self.rise_hours:
            return self.peak_per_hour * (hours + 0.25) / self.rise_hours
        return self.peak_per_hour * math.exp(-(hours - self.rise_hours) / self.fall_hours * 3)


@dataclass
class GeneratedStream:
    records: list[dict]
    incidents: list[Incident]
    truth: dict[str, list[str]] = field(default_factory=dict)  # incident name -> post ids


def vocabulary() -> list[str]:
    return SUBJECTS + OBJECTS + TAILS + [MORNING]


def default_incidents(start: datetime) -> list[Incident]:
    return [
        Incident("派出所打人", start + timedelta(days=3, hours=14), ("城关派出所", "辅警打人"),
                 ("视频曝光", "群众围观", "要求公开处理", "警方通报", "当事人受伤")),
        Incident("学校食堂", start + timedelta(days=5, hours=9), ("实验中学", "食堂变质"),
                 ("家长质疑", "学生呕吐", "教育局介入", "要求彻查")),
        Incident("电诈团伙", start + timedelta(days=6, hours=20), ("跨境电诈", "冒充客服"),
                 ("警方破获", "涉案金额", "提醒市民"), peak_per_hour=25, negative=False),
    ]


def generate_stream(start: datetime, days: int, seed: int = 7, per_day: int = 1500,
                    incidents: list[Incident] | None = None) -> GeneratedStream:
    """A deterministic stream of JSON-ready records (the replay format), sorted by time."""
    rng = random.Random(seed)
    incidents = default_incidents(start) if incidents is None else incidents
    records: list[dict] = []
    truth: dict[str, list[str]] = {i.name: [] for i in incidents}
    counter = 0

    def emit(moment: datetime, text: str, author: str, platform: str, author_type: str = "netizen",
             likes: int = 0, reposts: int = 0) -> str:
        nonlocal counter
        counter += 1
        post_id = f"g{counter:07d}"
        records.append({"id": post_id, "text": text, "published_at": moment.isoformat(), "platform": platform,
                        "author": author, "author_type": author_type, "parent_id": None, "likes": likes,
                        "reposts": reposts, "comments": rng.randint(0, 5)})
        return post_id

    minutes = days * 24 * 60
    for minute in range(minutes):
        moment = start + timedelta(minutes=minute)
        hour = moment.hour + moment.minute / 60
        diurnal = 0.1 + 0.9 * max(0.0, math.sin(math.pi * (hour - 6) / 18)) if 6 <= hour <= 24 else 0.1
        expected = per_day / (24 * 60) * diurnal / 0.55
        for _ in range(_poisson(rng, expected)):
            at = moment + timedelta(seconds=rng.randint(0, 59))
            text = f"{rng.choice(VERBS)}{rng.choice(SUBJECTS)}{rng.choice(OBJECTS)}，{rng.choice(TAILS)}"
            emit(at, text, f"u{rng.randint(1, 5000)}", rng.choice(PLATFORMS), likes=rng.randint(0, 20))
        if 7 <= moment.hour < 9:  # a greeting every morning: seasonal, not news
            for _ in range(_poisson(rng, 0.5)):
                emit(moment, f"{MORNING}，{rng.choice(TAILS)}", f"u{rng.randint(1, 5000)}", "weibo")
        if moment.hour < 5 and rng.random() < 0.004:  # a coincidence at night: two or three similar posts
            word = rng.choice(OBJECTS)
            for k in range(rng.randint(2, 3)):
                emit(moment + timedelta(minutes=k), f"深夜{word}，{rng.choice(TAILS)}", f"u{rng.randint(1, 5000)}",
                     "weibo")
        for incident in incidents:
            for _ in range(_poisson(rng, incident.rate(moment) / 60)):
                at = moment + timedelta(seconds=rng.randint(0, 59))
                tone = "太气愤了，必须严惩" if incident.negative else "点赞，干得漂亮"
                text = f"{incident.core[0]}{incident.core[1]}，{rng.choice(incident.variants)}，{tone}"
                if rng.random() < 0.4:
                    text = f"转发：{incident.core[0]}{incident.core[1]}事件{rng.choice(incident.variants)}，{tone}"
                kind = "media" if rng.random() < 0.08 else "netizen"
                pid = emit(at, text, f"u{rng.randint(1, 20000)}", rng.choice(PLATFORMS), kind,
                           likes=rng.randint(0, 500), reposts=rng.randint(0, 100))
                truth[incident.name].append(pid)
    records.sort(key=lambda r: (r["published_at"], r["id"]))
    return GeneratedStream(records, incidents, truth)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    threshold, k, product = math.exp(-lam), 0, rng.random()
    while product > threshold:
        k += 1
        product *= rng.random()
    return k
