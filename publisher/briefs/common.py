"""What both kinds of brief share: the header, the explanatory notes, the time-zone wording."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from publisher.briefs import formatting as fmt
from publisher.briefs.facts.scope import Scope
from publisher.briefs.levels import LevelTable


def zone_name(tz: ZoneInfo) -> str:
    return "北京时间" if tz.key in ("Asia/Shanghai", "Asia/Chongqing", "PRC") else tz.key


def period_text(scope: Scope) -> str:
    start, end = scope.local(scope.start), scope.local(scope.end)
    return (f"统计时段：{fmt.long_date(start.date())} {start:%H:%M} 至 {fmt.long_date(end.date())} {end:%H:%M}"
            f"（{zone_name(scope.tz)}）")


def number_text(year: int, number: int) -> str:
    return f"{year}年第{number}期"


def notes(levels: LevelTable) -> tuple[str, ...]:
    rules = f"预警规则表 {levels.version}" if levels.version else "标准预警颜色（规则表未能读取）"
    return (
        "本报所有数字均由系统从已采集的公开信息中统计得出，未经人工增删；统计口径以发布时间为准（无发布时间的按采集时间）。",
        "情感倾向由模型自动判别，仅供研判参考；未完成分析的信息单列为“未分析”。",
        "代表性信息均为已采集信息的原文（过长的标明“节选”），并附原文链接，可据以核查。",
        f"预警等级依据{rules}；发布者仅以类型统计，不含任何个人身份信息。",
    )


def generated_text(moment: datetime, tz: ZoneInfo) -> str:
    return f"生成时间：{fmt.local_time(moment, tz)}（{zone_name(tz)}）"
