"""Redaction of personal numbers (mobile, ID-card, bank-card) from text that is stored or exported.

Citizens write their mobile number, ID-card number or bank-card number into message-board complaints (留言板) to
be called back; none of it is needed to analyse what the complaint is about. Each number is replaced by a mask
token that says what was there (``[手机号已隐去]``), so the analysis still sees that a number was given and a
reader understands the gap. Matching is deliberately generous (a mistyped ID-card number is still someone's ID):
digits may be full-width, and numbers may be written in groups separated by spaces or hyphens.
"""

from __future__ import annotations

import re

MOBILE_TOKEN = "[手机号已隐去]"
ID_CARD_TOKEN = "[身份证号已隐去]"
BANK_CARD_TOKEN = "[银行卡号已隐去]"

_D = "[0-9０-９]"  # an ASCII or full-width digit
_SEP = "[ \u00a0\u3000\\-－]?"  # an optional group separator
_NOT_DIGIT_BEFORE = "(?<![0-9０-９])"
_NOT_DIGIT_AFTER = "(?![0-9０-９])"

# 18-digit resident ID (6-digit area, birth date 18xx–20xx, 3-digit sequence, check digit or X) and the old
# 15-digit form (2-digit year); the birth-date structure keeps ordinary long numbers out.
_ID_18 = (f"[1-9１-９]{_D}{{5}}(?:18|19|20|１８|１９|２０){_D}{{2}}"
          f"(?:[0０][1-9１-９]|[1１][0-2０-２])(?:[0０][1-9１-９]|[12１２]{_D}|[3３][01０１]){_D}{{3}}[0-9０-９XxＸｘ]")
_ID_15 = (f"[1-9１-９]{_D}{{7}}(?:[0０][1-9１-９]|[1１][0-2０-２])"
          f"(?:[0０][1-9１-９]|[12１２]{_D}|[3３][01０１]){_D}{{3}}")
_ID_CARD = re.compile(f"{_NOT_DIGIT_BEFORE}(?:{_ID_18}|{_ID_15})(?![0-9０-９XxＸｘ])")

# Mainland mobile numbers: 1[3-9]x xxxx xxxx, optionally after +86 / 0086 / 86, in one run or in 3-4-4 groups.
_MOBILE = re.compile(
    f"{_NOT_DIGIT_BEFORE}(?:(?:\\+|＋|00|００)?(?:86|８６){_SEP})?[1１][3-9３-９]{_D}{_SEP}{_D}{{4}}{_SEP}{_D}{{4}}"
    f"{_NOT_DIGIT_AFTER}")

# Bank cards: 16 to 19 digits, in one run or in groups of four (UnionPay cards are printed 4-4-4-4-3).
_BANK_CARD = re.compile(f"{_NOT_DIGIT_BEFORE}{_D}{{4}}(?:{_SEP}{_D}{{4}}){{3}}(?:{_SEP}?{_D}{{1,3}})?{_NOT_DIGIT_AFTER}")

_RULES = ((_ID_CARD, ID_CARD_TOKEN), (_BANK_CARD, BANK_CARD_TOKEN), (_MOBILE, MOBILE_TOKEN))


def redact_personal_data(text: str | None) -> str | None:
    """``text`` with every mobile, ID-card and bank-card number replaced by its mask token (None stays None).

    ID cards are matched first (an 18-digit ID would otherwise read as a bank card), then bank cards, then
    mobile numbers; a token never contains digits, so redacting twice changes nothing.
    """
    if not text:
        return text
    if not any(ch.isdigit() for ch in text):
        return text
    for pattern, token in _RULES:
        text = pattern.sub(token, text)
    return text


def personal_data_kinds(text: str | None) -> set[str]:
    """Which kinds of personal number ``text`` holds ("mobile", "id_card", "bank_card"); for counts and tests."""
    found: set[str] = set()
    if not text:
        return found
    remaining = text
    for (pattern, _token), kind in zip(_RULES, ("id_card", "bank_card", "mobile")):
        if pattern.search(remaining):
            found.add(kind)
            remaining = pattern.sub(" ", remaining)
    return found
