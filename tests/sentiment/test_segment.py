"""Segmentation: the 政法 dictionary terms stay whole, and the fast backend agrees with jieba."""

from __future__ import annotations

import pytest

from sentiment.segment import Lexicon, LexiconError, Segmenter

MUST_STAY_WHOLE = ["扫黑除恶", "电信网络诈骗", "套路贷", "枫桥经验", "综治中心", "网格员", "认罪认罚", "以审判为中心",
                   "反诈", "断卡行动", "杀猪盘", "帮信罪", "政法综治中心", "涉黑涉恶"]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load("config/lexicons")


@pytest.fixture(scope="module")
def segmenters(lexicon):
    return {name: Segmenter.from_lexicon(lexicon, name) for name in ("rjieba", "jieba")}


def test_lexicon_has_hundreds_of_terms_and_stopwords(lexicon):
    assert len(lexicon.terms) >= 300
    assert set(MUST_STAY_WHOLE) <= lexicon.words
    assert {"的", "了", "我们"} <= lexicon.stopwords
    assert "不" not in lexicon.stopwords  # negation matters to sentiment


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_named_terms_kept_whole(segmenters, backend):
    seg = segmenters[backend]
    text = ("深入推进扫黑除恶，严厉打击电信网络诈骗和套路贷，坚持发展新时代枫桥经验，发挥综治中心和网格员作用，"
            "落实认罪认罚从宽，推进以审判为中心的改革，全民反诈，开展断卡行动")
    words = seg.cut(text)
    for term in ["扫黑除恶", "电信网络诈骗", "套路贷", "综治中心", "网格员", "全民反诈", "断卡行动"]:
        assert term in words, (backend, term, words)
    assert "新时代枫桥经验" in words or "枫桥经验" in words


def test_every_dictionary_term_whole_and_backends_identical(lexicon, segmenters):
    fast, ref = segmenters["rjieba"], segmenters["jieba"]
    differences = []
    for term in sorted(lexicon.words):
        for sentence in (term, f"关于{term}的情况通报", f"坚决打击{term}，维护稳定"):
            a, b = fast.cut(sentence), ref.cut(sentence)
            if a != b or term not in a:
                differences.append((sentence, a, b))
    assert differences == []


def test_backends_identical_on_real_posts(segmenters, shared_data):
    lines = (shared_data / "sentiment" / "weibo2018" / "train.csv").read_text(encoding="utf-8").splitlines()[1:400]
    texts = [line.split(",", 1)[1] for line in lines]
    same = sum(segmenters["rjieba"].cut(t) == segmenters["jieba"].cut(t) for t in texts)
    assert same >= 0.98 * len(texts)


def test_empty_and_whitespace(segmenters):
    for seg in segmenters.values():
        assert seg.cut("") == []
        assert seg.cut("   ") == []


def test_missing_lexicon_dir_raises(tmp_path):
    with pytest.raises(LexiconError):
        Lexicon.load(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(LexiconError):
        Lexicon.load(tmp_path / "empty")


def test_no_global_jieba_state_changed(lexicon):
    import jieba

    Segmenter.from_lexicon(lexicon, "jieba")
    assert "断卡行动" not in jieba.dt.FREQ  # the global tokenizer never saw our dictionary
