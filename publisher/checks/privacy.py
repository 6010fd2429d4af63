"""Personal information that an official release must not publish (个人信息保护法): resident ID numbers,
mainland mobile numbers, bank-card numbers, and a person's full name next to case details. All block.

Numbers are matched on the text with full-width digits folded, and each kind is validated the way the
number is built (ISO 7064 MOD 11-2 check digit with a real date and region for ID numbers, Luhn for cards),
so an ordinary long number is not mistaken for one. A name already masked (张某, 李某某, 王×) passes.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Iterator

from publisher.checks.base import BLOCK, Finding, ReleaseContent, TextField

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# 省级行政区划代码 (GB/T 2260): the first two digits of a resident ID number.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
})
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
MOBILE_PATTERN = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9])")
CARD_PATTERN = re.compile(r"(?<![0-9])(?:\d[ -]?){15,18}\d(?![0-9])")
CARD_PREFIXES = ("3", "4", "5", "6", "9")
MASK_CHARS = frozenset("某×Xx*＊○〇ХΧ")
# Words that put a person in a case; a name right after (or, for the verbs, right before) one of them blocks.
ROLE_WORDS = ("犯罪嫌疑人", "嫌疑人", "被告人", "被告", "被害人", "受害人", "罪犯", "被执行人", "被申请人", "原告",
              "证人", "死者", "当事人", "违法行为人", "服刑人员", "报案人", "上诉人", "申诉人", "被不起诉人")
CASE_VERBS = ("因涉嫌", "涉嫌", "被判处", "被刑事拘留", "被行政拘留", "被逮捕", "被抓获", "被起诉", "被提起公诉")
# Two-character words that begin with a surname but are no name (公司, 方面 …).
NOT_NAMES = frozenset({
    "公司", "公安", "方面", "方式", "向法", "向本", "向公", "向检", "于是", "于当", "高度", "高速", "成年", "成立", "成为", "江苏", "江西",
    "安徽", "安全", "管理", "关系", "关于", "文化", "金额", "单位", "常住", "严重", "万元", "马路", "黄金", "石头", "白天", "龙头", "钟头",
    "路上", "左侧", "包括", "宁夏", "史上", "温州", "景区", "陆续", "许多", "许可", "武汉", "武装", "武器", "周边", "周围", "周年", "何时",
    "何种", "何地", "任何", "任职", "程序", "程度", "苏州", "段时", "章程", "谷歌", "纪律", "凌晨", "毕业", "单独", "季度", "成都", "苗头",
    "蓝色", "游戏", "管辖", "欧洲", "甘肃", "尚未", "符合", "金融", "施工", "洪水", "温度", "安排", "齐全", "庞大", "颜色", "申请", "申报",
    "申诉", "关注", "兰州", "焦点", "左右", "柳州", "宁波", "梅州", "童年", "盛大", "曲折", "路段", "卓越", "家属", "时间", "时候", "和解",
    "一方", "全部", "黎明", "于今", "于昨", "于近", "于次", "于同", "于案", "于上", "于下", "向其", "向被", "向警",
    "向民", "高额", "高空", "金钱", "万余", "成功", "安置", "关押", "常年", "严厉", "文书",
})
HAN = re.compile(r"[\u4e00-\u9fff]")


@cache
def surnames() -> tuple[str, ...]:
    """Compound surnames first, so 欧阳 is tried before 欧."""
    path = Path(__file__).with_name("surnames.txt")
    names = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return tuple(sorted({name for name in names if name}, key=len, reverse=True))


def valid_resident_id(number: str) -> bool:
    """An 18-digit resident ID number with a real region, a real birth date and a correct check digit."""
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in PROVINCE_CODES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1890, 1, 1) <= born <= date.today():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _masked(text: str) -> bool:
    return any(char in MASK_CHARS for char in text)


def _name_at(text: str, start: int) -> str | None:
    """A surname + one or two Han characters starting at ``start``, unmasked; None when there is none."""
    for surname in surnames():
        if not text.startswith(surname, start):
            continue
        given_start = start + len(surname)
        given = ""
        for char in text[given_start:given_start + 2]:
            if not HAN.match(char):
                break
            given += char
        if not given or _masked(given):
            return None
        candidate = surname + given
        if candidate[:2] in NOT_NAMES or (surname + given[:1]) in NOT_NAMES:
            return None
        # A two-character given name only when the third character is not the start of the next word.
        if len(given) == 2 and given[1] in "涉因于在已被是系等与和及的犯称将对向从到说经均":
            candidate = candidate[:-1]
        return candidate
    return None


def _name_before(text: str, end: int) -> tuple[int, str] | None:
    """A name ending at ``end``, preceded by a boundary (not a Han character)."""
    for length in (3, 2, 4):
        start = end - length
        if start < 0:
            continue
        if start > 0 and HAN.match(text[start - 1]):
            continue
        name = _name_at(text, start)
        if name is not None and len(name) == length:
            return start, name
    return None


def _names_in_cases(field: TextField) -> Iterator[Finding]:
    text = field.text
    reported: set[int] = set()
    for word in ROLE_WORDS:
        for match in re.finditer(re.escape(word), text):
            start = match.end()
            name = _name_at(text, start)
            if name and start not in reported:
                reported.add(start)
                yield field.finding("privacy", "name_in_case", BLOCK,
                                    f"“{word}”后出现疑似真实姓名“{name}”，涉案人员姓名须隐去（如“{name[0]}某”或“{name[0]}某某”）",
                                    start, start + len(name))
    for verb in CASE_VERBS:
        for match in re.finditer(re.escape(verb), text):
            found = _name_before(text, match.start())
            if found and found[0] not in reported:
                start, name = found
                reported.add(start)
                yield field.finding("privacy", "name_in_case", BLOCK,
                                    f"疑似真实姓名“{name}”与“{verb}”相连，涉案人员姓名须隐去（如“{name[0]}某”）",
                                    start, start + len(name))


def _numbers(field: TextField) -> Iterator[Finding]:
    folded = field.folded
    id_spans: list[tuple[int, int]] = []
    for match in ID_PATTERN.finditer(folded):
        if valid_resident_id(match.group()):
            id_spans.append(match.span())
            yield field.finding("privacy", "id_card", BLOCK, "出现完整的居民身份证号码，请删除或隐去（如 110105********1234）",
                                *match.span())
    for match in MOBILE_PATTERN.finditer(folded):
        yield field.finding("privacy", "mobile", BLOCK, "出现个人手机号码，请删除或隐去中间四位（如 138****0000）；"
                            "公开电话请用单位座机或热线", *match.span())
    for match in CARD_PATTERN.finditer(folded):
        digits = re.sub(r"[ -]", "", match.group())
        if any(start <= match.start() < end for start, end in id_spans) or MOBILE_PATTERN.fullmatch(match.group()):
            continue
        if 16 <= len(digits) <= 19 and digits.startswith(CARD_PREFIXES) and luhn_valid(digits):
            yield field.finding("privacy", "bank_card", BLOCK, "出现疑似银行卡号，请删除或只保留末四位", *match.span())


def check(content: ReleaseContent) -> Iterator[Finding]:
    for field in content.text_fields():
        yield from _numbers(field)
        yield from _names_in_cases(field)
