"""Redaction of mobile, ID-card and bank-card numbers: what is masked, what is kept, and that it is idempotent."""

from __future__ import annotations

import re

import pytest

from storage.privacy import personal_data_kinds, redact_personal_data

M, I, B = "[手机号已隐去]", "[身份证号已隐去]", "[银行卡号已隐去]"


@pytest.mark.parametrize("text, expected", [
    ("我的电话13812345678，请尽快处理", f"我的电话{M}，请尽快处理"),
    ("联系 +86 138-1234-5678 或 0086 139 1234 5678", f"联系 {M} 或 {M}"),
    ("手机８６１５９１２３４５６７８", f"手机{M}"),
    ("全角号码１３８１２３４５６７８。", f"全角号码{M}。"),
    ("身份证430102199003071234，住址临江", f"身份证{I}，住址临江"),
    ("证件号11010519491231002X号", f"证件号{I}号"),
    ("证件号11010519491231002x", f"证件号{I}"),
    ("老证件430102900307123", f"老证件{I}"),
    ("退款到6222 0212 3456 7890 123", f"退款到{B}"),
    ("退款到6222-0212-3456-7890", f"退款到{B}"),
    ("卡号6222021234567890123，开户行", f"卡号{B}，开户行"),
])
def test_personal_numbers_are_masked_by_kind(text, expected):
    assert redact_personal_data(text) == expected
    assert redact_personal_data(expected) == expected  # idempotent: tokens hold no digits


@pytest.mark.parametrize("text", [
    "2026年3月2日上午10时，110接警后5分钟到场",
    "罚款2000元，拘留15日，涉案金额1234567元",
    "案号（2026）湘0102刑初123号",
    "订单号20240101123456789012已退款",  # 22 digits: neither a card nor an ID
    "快递单号 201903071234567",  # 15 digits whose "birth date" is impossible
    "报警电话110、12345热线、95110",
    "微博话题阅读量3.5亿，转发12万",
    "",
])
def test_ordinary_numbers_are_kept(text):
    assert redact_personal_data(text) == text
    assert personal_data_kinds(text) == set()


def test_kinds_and_none():
    assert redact_personal_data(None) is None
    text = "电话13812345678 身份证430102199003071234 卡6222021234567890"
    assert personal_data_kinds(text) == {"mobile", "id_card", "bank_card"}
    assert not re.search(r"\d{6,}", redact_personal_data(text))


def test_huge_text_is_redacted_in_linear_time():
    text = ("反映情况" + "1" * 30 + "，") * 20_000 + "电话13812345678"
    out = redact_personal_data(text)
    assert out.endswith(M) and len(out) < len(text)
