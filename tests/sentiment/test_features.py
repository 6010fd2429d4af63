"""Sentiment features: negation scope, double negation, hashing stable across processes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

import sentiment.features as features
from sentiment.features import char_ngram_ids, feature_ids, negation_marked, sentiment_text


def test_negation_scope_and_double_negation():
    assert negation_marked(["对", "结果", "不满意", "，", "但是", "服务", "好"]) == ["对", "结果", "¬满意", "但是", "服务", "好"]
    assert negation_marked(["这个", "回应", "不是", "不好"]) == ["这个", "回应", "好"]
    assert negation_marked(["没有", "人", "支持", "这", "做法", "真的"]) == ["¬人", "¬支持", "¬这", "做法", "真的"]
    assert negation_marked(["不过", "还", "行"]) == ["不过", "还", "行"]  # 不过 does not negate
    assert sentiment_text("这个回应不是不好") == "这个回应好"
    assert sentiment_text("我不得不说 很好") == "我不得不说很好"


def test_fast_path_equals_full_scan(shared_data, monkeypatch):
    from sentiment.segment import Lexicon, Segmenter

    seg = Segmenter.from_lexicon(Lexicon.load("config/lexicons"))
    lines = (shared_data / "sentiment" / "weibo2018" / "train.csv").read_text(encoding="utf-8").splitlines()[1:500]
    words = [seg.cut(line.split(",", 1)[1]) for line in lines]
    fast = [negation_marked(w) for w in words]
    everything = frozenset("".join(line for line in lines))
    monkeypatch.setattr(features, "_NEGATION_CHARS", everything)  # never disjoint: always the full scan
    assert [negation_marked(w) for w in words] == fast


def test_char_ids_cover_all_ngrams_and_are_deterministic():
    ids = char_ngram_ids("政法舆情")
    assert len(ids) == 4 + 3 + 2
    assert ids.min() >= 0 and ids.max() < features.CHAR_BUCKETS
    assert len(char_ngram_ids("")) == 0 and len(char_ngram_ids("a")) == 1
    code = ("from sentiment.features import feature_ids; "
            "print(feature_ids('民警不作为', ['民警', '不', '作为']).tolist())")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1
    assert runs.pop().strip() == str(feature_ids("民警不作为", ["民警", "不", "作为"]).tolist())


def test_word_ids_after_char_buckets():
    ids = feature_ids("", ["网格员", "走访"])
    assert len(ids) == 3  # two words and one bigram
    assert np.all(ids >= features.CHAR_BUCKETS) and np.all(ids < features.N_FEATURES)


def test_batch_ids_equal_per_text_ids():
    from sentiment.features import batch_feature_ids

    texts = ["民警不作为", "", "a", "ab", "这个回应不是不好 真的", "政法舆情"]
    words = [["民警", "不", "作为"], [], ["a"], ["ab"], ["这个", "回应", "不是", "不好", "真的"], ["政法", "舆情"]]
    rows, ids = batch_feature_ids(texts, words)
    for i, (t, w) in enumerate(zip(texts, words)):
        assert sorted(ids[rows == i].tolist()) == sorted(feature_ids(t, w).tolist())


def _reference_word_ids(words: list[str]) -> np.ndarray:
    """The straightforward definition: hash every negation-marked, non-blank word, then the bigrams."""
    marked = [w for w in negation_marked(words) if not w.isspace()]
    if not marked:
        return np.zeros(0, dtype=np.int64)
    k = np.array([features._word_key(w) for w in marked], dtype=np.uint64)
    uni = (k & features._WORD_MASK64) + features._CHAR_BUCKETS64
    bi = ((((k[:-1] << features._SHIFT32) | k[1:]) * features._FIB) >> features._WORD_SHIFT) + features._CHAR_BUCKETS64
    return np.concatenate((uni, bi)).astype(np.int64)


def test_memoised_word_ids_equal_the_definition(shared_data):
    """word_feature_ids memoises per-word classes and keys; it must give exactly the ids of the plain definition,
    on real posts (with and without negators) and on edge cases, also when the memo is full."""
    from sentiment.segment import Lexicon, Segmenter

    seg = Segmenter.from_lexicon(Lexicon.load("config/lexicons"))
    lines = (shared_data / "sentiment" / "weibo2018" / "train.csv").read_text(encoding="utf-8").splitlines()[1:800]
    cases = [seg.cut(line.split(",", 1)[1]) for line in lines]
    cases += [["不是", "不好"], ["不", "不", "好", "，", "坏"], ["没", "不满意", "的"], ["不不", "好"], [" ", "不", "  "],
              ["不", "\u3000"], ["无法", "接受", "。", "无法"], [], ["好"]]
    assert any(not features._NEGATION_CHARS.isdisjoint("".join(c)) for c in cases)
    assert any(features._NEGATION_CHARS.isdisjoint("".join(c)) for c in cases)
    for words in cases:
        assert features.word_feature_ids(words).tolist() == _reference_word_ids(words).tolist(), words
    saved = features._WORD_INFO_LIMIT
    features._WORD_INFO.clear()
    features._CODES.clear()
    try:
        features._WORD_INFO_LIMIT = 0  # nothing memoised: every word goes the slow way
        for words in cases[:50] + cases[-9:]:
            assert features.word_feature_ids(words).tolist() == _reference_word_ids(words).tolist(), words
    finally:
        features._WORD_INFO_LIMIT = saved
