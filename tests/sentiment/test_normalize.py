"""Normalisation on real text: traditional characters, pinyin noise, HTML, emoji, Weibo markup, empty and huge."""

from __future__ import annotations

import re

import pytest
from opencc import OpenCC

from sentiment.normalize import normalize_text, prepare_for_analysis, to_simplified

SEED_TRADITIONAL = "000_de1aec086a29b91d.txt"


@pytest.fixture(scope="module")
def seed_text() -> str:
    from tests.conftest import SHARED_DATA

    return (SHARED_DATA / "seeds" / SEED_TRADITIONAL).read_text(encoding="utf-8")


def test_real_traditional_scrape_with_pinyin_noise(seed_text):
    out = normalize_text(seed_text)
    assert out.startswith("喜迎二十大 忠诚保平安 奋进新征程 建功新时代")
    # every 進(jìn)-style annotation is gone, genuine parentheses stay
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]+\)", out)
    assert "村(居)网格" in out
    assert "面对疫情大考" in out and "山东政法机关如何答卷" in out
    assert "綜" not in out and "與" not in out and "時" not in out


def test_pinyin_removal_keeps_non_pinyin_parentheses():
    assert normalize_text("奋進(jìn)新征程（shí）") == "奋进新征程"
    assert normalize_text("微信(WeChat)与抖音(app)") == "微信(WeChat)与抖音(app)"
    assert normalize_text("网格员(3人)") == "网格员(3人)"


def test_t2s_matches_opencc_on_real_text(seed_text, shared_data):
    cc = OpenCC("t2s")
    assert to_simplified(seed_text) == cc.convert(seed_text)
    # simplified Weibo text turned traditional by OpenCC comes back exactly as OpenCC would convert it
    lines = (shared_data / "sentiment" / "weibo2018" / "train.csv").read_text(encoding="utf-8").splitlines()[1:300]
    s2t = OpenCC("s2t")
    for line in lines:
        trad = s2t.convert(line)
        assert to_simplified(trad) == cc.convert(trad)


def test_html_entities_zero_width_and_fullwidth():
    raw = "<div><p>警方&amp;检方&nbsp;通报</p><script>var x=1;</script><br/>ＡＢＣ１２３，“已立案”！\u200b\ufeff</div>"
    assert normalize_text(raw) == "警方&检方 通报\nABC123，“已立案”！"


def test_whitespace_collapsed():
    assert normalize_text("  第一段   内容\t\t\n\n\n  第二段  ") == "第一段 内容\n第二段"


def test_empty_none_and_emoji_only():
    assert normalize_text("") == ""
    assert normalize_text(None) == ""
    assert normalize_text("😀🙏👍") == "😀🙏👍"  # stored text keeps emoji
    prepared = prepare_for_analysis("😀🙏👍 [哈哈][赞]")
    assert prepared.text == ""
    assert prepared.emoticons == ("哈哈", "赞")
    assert prepare_for_analysis("").text == ""


def test_weibo_markup_is_split_out():
    raw = ("回复@张三:太不像话了[怒][怒] //@李四: 转发 #某地警方通报# {%#反诈#%} 详情 http://t.cn/A6abc 网页链接"
           " @平安北京 看看")
    p = prepare_for_analysis(raw)
    assert p.emoticons == ("怒", "怒")
    assert p.emoticon_tokens == ("emo_怒", "emo_怒")
    assert p.hashtags == ("某地警方通报", "反诈")
    assert p.mentions == ("张三", "李四", "平安北京")
    assert p.url_count == 1
    assert "http" not in p.text and "@" not in p.text and "#" not in p.text and "[" not in p.text
    assert "网页链接" not in p.text
    assert "太不像话了" in p.text and "某地警方通报" in p.text
    assert p.model_text.endswith("emo_怒 emo_怒")


@pytest.mark.timeout(60)
def test_hundred_kilobyte_post_is_complete():
    block = "據警方通報，當地已立案偵查。電信網絡詐騙案件高發[怒] http://t.cn/x #反詐# "
    raw = block * (100_000 // len(block) + 1)
    assert len(raw) > 100_000
    out = normalize_text(raw)
    prepared = prepare_for_analysis(raw)
    assert out.count("据警方通报") == raw.count("據警方通報")
    assert "电信网络诈骗" in prepared.text


def test_idempotent_on_real_text(seed_text):
    once = normalize_text(seed_text)
    assert normalize_text(once) == once


def test_lone_surrogates_become_replacement_characters():
    """A broken JSON escape (\\ud800) must not make the segmenter or the store fail on the whole post."""
    assert normalize_text("好\ud800好\udfff") == "好\ufffd好\ufffd"
    assert prepare_for_analysis("很好\udc00！").text.encode("utf-8") == "很好\ufffd！".encode("utf-8")
