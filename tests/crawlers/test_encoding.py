"""Encoding detection for pages served with wrong, missing or conflicting charset declarations."""

from __future__ import annotations

import codecs
import json

import pytest

from crawlers.encoding import decode_html, detect_encoding

SIMPLIFIED = ("市公安局今日通报，一男子在地铁站内持刀伤人，已被当场控制。法院将依法审理此案，"
              "检察院表示会全程监督，确保案件公正处理。网友纷纷表示关注𠮷。")
TRADITIONAL = ("香港警方今日表示，一名男子涉嫌在港鐵站內傷人，已被拘捕。法院將於下週審理此案，"
               "律政司強調會依法處理，市民對執法問題的關注持續升溫。")


def page(text: str, meta: str = "") -> str:
    return (f"<html><head>{meta}<title>公告</title></head><body><div><p>{text}</p>"
            f"<p>{text}</p></div></body></html>")


@pytest.mark.parametrize(
    ("encoding", "text", "meta", "header"),
    [
        ("gbk", SIMPLIFIED.replace("𠮷", ""), "", None),                                     # no declaration
        ("gb18030", SIMPLIFIED, '<meta charset="gb2312">', None),                              # 𠮷 is outside GBK
        ("gb18030", SIMPLIFIED, '<meta charset="utf-8">', "text/html; charset=utf-8"),        # both lie
        ("big5", TRADITIONAL, "", None),                                                       # no declaration
        ("big5", TRADITIONAL, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gbk"),
        ("utf-8", SIMPLIFIED, '<meta charset="gb2312">', "text/html; charset=GB2312"),        # re-saved as UTF-8
        ("utf-8", TRADITIONAL, '<meta charset="big5">', None),
    ],
)
def test_legacy_and_mislabelled_pages_decode_to_the_original_text(encoding, text, meta, header):
    body = page(text, meta).encode(encoding)
    decoded = decode_html(body, header)
    assert text in decoded
    assert "\ufffd" not in decoded


def test_big5_is_not_mistaken_for_gbk_although_its_bytes_decode_as_gbk():
    body = page(TRADITIONAL).encode("big5")
    body.decode("gb18030")  # legal GB18030, but nonsense: the detector must look further than validity
    assert detect_encoding(body, "gb2312") == "big5hkscs"


def test_a_correct_gbk_declaration_is_kept():
    body = page(SIMPLIFIED.replace("𠮷", ""), '<meta charset="gbk">').encode("gbk")
    assert detect_encoding(body) == "gb18030"


@pytest.mark.parametrize(("bom", "codec"), [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                            (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_a_byte_order_mark_wins_over_declarations_and_is_stripped(bom, codec):
    body = bom + page(SIMPLIFIED, '<meta charset="gbk">').encode(codec)
    decoded = decode_html(body, "text/html; charset=gbk")
    assert decoded.startswith("<html>")
    assert SIMPLIFIED in decoded


@pytest.mark.parametrize("body", [b"", b"\x00\x01\x02\xff\xfe\x81", bytes(range(256)) * 40,
                                  "你好".encode("gbk")[:1], b"<html>\x81\x20\xfe</html>"])
def test_arbitrary_bytes_never_raise(body):
    assert isinstance(decode_html(body, "x-unknown-charset"), str)


def test_undecodable_bytes_become_replacement_characters_not_errors():
    body = page(SIMPLIFIED.replace("𠮷", "")).encode("gbk") + b"\xff\xff\xff"
    decoded = decode_html(body)
    assert SIMPLIFIED.replace("𠮷", "") in decoded


def test_the_dev_pages_declared_gb2312_but_saved_as_utf8_decode_correctly(shared_data):
    pages = shared_data / "pages" / "dev"
    truth = json.loads((pages / "truth.json").read_text(encoding="utf-8"))
    liars = [name for name, item in truth.items() if item["declared_charset"] == "gb2312"]
    assert liars, "the dev set is expected to contain pages that declare gb2312 but are UTF-8"
    for name in liars:
        decoded = decode_html((pages / name).read_bytes(), "text/html; charset=gb2312")
        assert truth[name]["title"][:8] in decoded


def test_scrapy_style_bytes_header_is_accepted():
    body = page(TRADITIONAL).encode("big5")
    assert TRADITIONAL in decode_html(body, b"text/html; charset=big5")
    body = page(SIMPLIFIED).encode("gb18030")
    assert SIMPLIFIED in decode_html(body, b"text/html; charset=utf-8")


@pytest.mark.parametrize("name", ["tests_sina_5.html", "tests_people_1.html", "tests_gzggw_1.html"])
def test_real_pages_re_encoded_as_gb18030_and_served_as_utf8_round_trip(shared_data, name):
    original = decode_html((shared_data / "pages" / "dev" / name).read_bytes())
    served = original.encode("gb18030")
    assert decode_html(served, "text/html; charset=utf-8") == original
    assert decode_html(served) == original
