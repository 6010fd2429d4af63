"""The per-call fast paths give exactly what their plain definitions give.

Each fast path of the one-post analysis (fused feature hashing, word keys with negation scopes, the scoring of
sorted ids, the sublinear-tf table, the interleaved idf/weight table, the memoised keyword ranking, the
whitespace filter of the segmenter, the traditional-character test) is compared here with a straightforward
reference written from its definition, on real posts and on tricky inputs: negations, traditional characters,
emoji, empty, one to three characters, a 100 KB text. Equality is exact (floats included).
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import sentiment.features as features
import sentiment.model as model_module
from sentiment.features import char_ngram_ids, feature_ids, negation_marked, sentiment_text, word_feature_ids
from sentiment.keywords import TfidfKeywordExtractor, tfidf_keywords
from sentiment.model import LinearSentimentModel
from sentiment.normalize import _t2s_tables, _has_traditional, prepare_for_analysis
from sentiment.segment import Lexicon, Segmenter

TRICKY = [
    "", "a", "ab", "abc", "不", "不好", "不是不好", "对结果不满意，但是服务好", "没有人支持这做法，真的", "不不不好",
    "絕不姑息！警察進行調查，網友：這是個反覆出現的問題", "😀😀😀", "好😀棒👍", "𠀋𡈽𡌛 汉字", "[怒]#话题#@某人 http://t.cn/x",
    "电信网络诈骗 套路贷\t扫黑除恶\u3000网格员", "回应  不是   不好", "ＡＢＣ１２３，全角！", "我不得不说 很好",
    "警方通报：某地发生一起电信网络诈骗案件，网友表示很不满意，希望尽快破案！" * 3000,  # ~100 KB
]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter.from_lexicon(Lexicon.load("config/lexicons"))


@pytest.fixture(scope="module")
def real_texts() -> list[str]:
    from tests.conftest import SHARED_DATA as shared_data

    texts = []
    for name in ("weibo2018/train.csv", "covid19_weibo_binary.csv", "waimai_10k.csv"):
        lines = (shared_data / "sentiment" / name).read_text(encoding="utf-8").splitlines()[1:400]
        texts += [line.split(",", 1)[1] for line in lines]
    return texts


@pytest.fixture(scope="module")
def prepared(real_texts, segmenter) -> list[tuple[str, list[str]]]:
    out = []
    for raw in real_texts + TRICKY:
        text = prepare_for_analysis(raw).text
        out.append((text, segmenter.cut(text)))
    return out


def _reference_keys(words: list[str]) -> list[int]:
    return [features._word_key(w) for w in negation_marked(words) if not w.isspace()]


def test_fused_feature_ids_equal_the_concatenation(prepared):
    assert any(len(t) < 3 for t, _ in prepared) and any(len(t) > 50_000 for t, _ in prepared)
    for text, words in prepared:
        expected = np.concatenate((char_ngram_ids(sentiment_text(text)), word_feature_ids(words)))
        got = feature_ids(text, words)
        assert got.dtype == np.int64
        assert got.tolist() == expected.tolist(), text[:40]
    for words in ([], ["好"], ["好", "的"], ["不", "好"], ["网格员", "走访"]):  # no text, some words
        assert feature_ids("", words).tolist() == word_feature_ids(words).tolist()


def test_word_keys_equal_the_definition_on_random_sequences():
    """Negation scopes replayed scope by scope equal the word-by-word definition, also with the memo full."""
    vocabulary = ["不", "没有", "不是", "并非", "不满意", "没意思", "不好", "不不", "不过", "不错", "无法", "，", "。", "!",
                  " ", "\u3000", "  ", "好", "满意", "支持", "警察", "处理", "结果", "的", "a", "abc", "¬", "未必"]
    rng = random.Random(4)
    cases = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 14))] for _ in range(3000)]
    for words in cases:
        assert features._marked_word_keys(words) == _reference_keys(words), words
    saved = features._WORD_INFO_LIMIT
    features._WORD_INFO.clear()
    features._CODES.clear()
    try:
        features._WORD_INFO_LIMIT = 3  # a few words memoised, the others classified on every call
        for words in cases[:500]:
            assert features._marked_word_keys(words) == _reference_keys(words), words
    finally:
        features._WORD_INFO_LIMIT = saved


def _reference_decision(idf32: np.ndarray, coef32: np.ndarray, intercept: float, ids: np.ndarray) -> float:
    """The scoring as first written: np.unique, np.log, separate float32 tables widened to float64."""
    if len(ids) == 0:
        return intercept
    unique, counts = np.unique(ids, return_counts=True)
    tf = 1.0 + np.log(counts)
    idf = idf32[unique].astype(np.float64)
    v = tf * idf
    sq = float(v @ v)
    if sq == 0.0:
        return intercept
    return float(tf @ (idf * coef32[unique])) / math.sqrt(sq) + intercept


def test_scoring_equals_the_reference_exactly(prepared):
    rng = np.random.default_rng(7)
    index = np.unique(rng.integers(0, features.N_FEATURES, 400_000))
    idf = rng.uniform(1.0, 12.0, len(index)).astype(np.float32)
    coef = rng.normal(0.0, 2.0, len(index)).astype(np.float32)
    model = LinearSentimentModel(index, idf, coef, 0.125, (1.7, -0.05), "test")
    idf32 = np.zeros(features.N_FEATURES, dtype=np.float32)
    coef32 = np.zeros(features.N_FEATURES, dtype=np.float32)
    idf32[index], coef32[index] = idf, coef
    for text, words in prepared:
        ids = feature_ids(text, words)
        expected = _reference_decision(idf32, coef32, 0.125, ids)
        assert model.decision(ids) == expected
        if text:
            assert model.prob_positive(text, words) == model_module._sigmoid(1.7 * expected - 0.05)
    assert model.decision(np.zeros(0, dtype=np.int64)) == 0.125


def test_sublinear_tf_table_equals_the_log_per_text():
    rng = np.random.default_rng(3)
    for size in list(range(1, 40)) + [255, 256, 257, 1000, 4000]:
        counts = rng.integers(1, 4096, size)
        assert model_module._SUBLINEAR_TF[counts].tolist() == (1.0 + np.log(counts)).tolist()


def test_memoised_keywords_equal_the_reference(prepared):
    lexicon = Lexicon.load("config/lexicons")
    from sentiment.keywords import IdfTable, SHIPPED_IDF_FILE

    idf = IdfTable.load(SHIPPED_IDF_FILE)
    extra_cases = [["电信网络诈骗", "电信网络诈骗", "套路贷", "套路贷", "的"], ["反诈"] * 40 + ["警察"] * 3]
    for cache_size in (200_000, 0):  # 0: nothing memoised, every word worked out on each call
        extractor = TfidfKeywordExtractor(idf, lexicon.stopwords, lexicon.words, 8, cache_size=cache_size)
        for _ in range(2):  # second pass: from the memo
            for words in [w for _, w in prepared] + extra_cases:
                for extra in ((), ("电信网络诈骗",), ("反诈", "x", "某地警方通报", "很长" * 11)):
                    expected = tfidf_keywords(words, idf, lexicon.stopwords, lexicon.words, 8, extra)
                    assert extractor.keywords(words, extra) == expected


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_segmenter_whitespace_filter(backend):
    seg = Segmenter.from_lexicon(Lexicon.load("config/lexicons"), backend)
    for text in ["a b", "a  b", " 民警 走访 ", "网格员\t走访", "网格员\u3000走访", "好\n不好", "电信网络诈骗 套路贷", "无空格"]:
        assert seg.cut(text) == [w for w in seg._cut(text) if not w.isspace()], text


def test_traditional_test_equals_the_set_test(real_texts):
    trad = _t2s_tables()[3]
    assert any(c > "\uffff" for c in trad)  # the astral characters take the set path
    for c in trad:
        assert _has_traditional(f"简体{c}文字😀")
    samples = real_texts + TRICKY + ["𠀋" + "简体", "😀简体", "简体", "", "abc"]
    for text in samples:
        assert _has_traditional(text) == (not trad.isdisjoint(text)), text[:40]
