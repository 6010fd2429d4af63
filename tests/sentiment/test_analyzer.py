"""The production analyzer: the shipped model loads and beats a floor on held-out data, negation, keywords,
categories, and a model that cannot load raises instead of answering neutral."""

from __future__ import annotations

import dataclasses
import random

import pytest

from sentiment.analyzer import Analyzer, TextAnalysis
from sentiment.categories import CategoryClassifier, CategoryRulesError
from sentiment.datasets import load_corpus, split_of
from sentiment.keywords import IdfTable, load_idf
from sentiment.model import LinearSentimentModel, ModelLoadError, SnowNLPModel, label_for, load_model
from zhengyu.settings import load_settings


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return load_settings(overrides={"data_dir": str(tmp_path_factory.mktemp("data"))})


@pytest.fixture(scope="module")
def analyzer(settings) -> Analyzer:
    return Analyzer.from_settings(settings)


def test_analysis_shape(analyzer):
    result = analyzer.analyze("#某地警方通报# 民警暴力执法，群众很不满意[怒] http://t.cn/x")
    assert isinstance(result, TextAnalysis)
    assert result.label in ("neg", "neu", "pos")
    assert 0.0 <= result.score <= 1.0
    assert result.model_version.startswith("linear-tfidf-")
    assert "涉警" in result.categories
    assert "某地警方通报" in result.hashtags
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.label = "pos"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", None, "😀😀😀", "[哈哈][哈哈]", "   "])
def test_empty_and_emoji_only_are_neutral_without_error(analyzer, text):
    result = analyzer.analyze(text)
    assert result.label == "neu" and result.score == pytest.approx(0.5)
    assert result.keywords == () and result.categories == ()


def test_hundred_kilobyte_post(analyzer):
    text = "警方通报：犯罪嫌疑人已被刑事拘留，电信网络诈骗案件正在侦办。" * 3500
    result = analyzer.analyze(text)
    assert "电信网络诈骗" in result.keywords
    assert "涉警" in result.categories and "电信网络诈骗" in result.categories


def test_analyze_many_equals_analyze(analyzer, shared_data):
    lines = (shared_data / "sentiment" / "covid19_weibo_binary.csv").read_text(encoding="utf-8").splitlines()[1:300]
    texts = [line.split(",", 1)[1] for line in lines] + ["", None, "[哈哈]", "不是不好"]
    batch = analyzer.analyze_many(texts)
    single = [analyzer.analyze(t) for t in texts]
    assert [b.label for b in batch] == [s.label for s in single]
    assert [b.keywords for b in batch] == [s.keywords for s in single]
    assert [b.score for b in batch] == pytest.approx([s.score for s in single], abs=1e-9)


def test_negation(analyzer):
    score = lambda t: analyzer.analyze(t).score  # noqa: E731
    assert score("对这个处理结果很满意") > 0.5
    assert score("对这个处理结果很不满意") < 0.5
    assert score("对这个处理结果很不满意") < score("对这个处理结果很满意") - 0.2
    assert score("这个回应不是不好") > score("这个回应不好")
    assert analyzer.analyze("太让人失望了，简直是草菅人命，必须严惩").label == "neg"
    assert analyzer.analyze("为民警点赞，感谢你们的辛苦付出").label == "pos"


def test_beats_floor_on_held_out_weibo2018_sample(analyzer, shared_data):
    test = [ex for ex in load_corpus(shared_data, "weibo2018") if ex.split == "test"]
    assert all(split_of(ex.text) == "test" for ex in test)
    random.Random(1).shuffle(test)
    sample = test[:600]
    correct = sum((analyzer.analyze(ex.raw).score >= 0.5) == bool(ex.label) for ex in sample)
    assert correct / len(sample) >= 0.76  # SnowNLP: ~0.61; shipped model: ~0.81 on the full split


def test_keywords_keep_terms_whole_and_skip_stopwords(analyzer):
    text = "某市公安机关开展断卡行动，打击电信网络诈骗和套路贷，我们的网格员也参与了。"
    keywords = analyzer.analyze(text).keywords
    assert {"断卡行动", "电信网络诈骗", "套路贷"} <= set(keywords)
    assert not {"我们", "的", "了"} & set(keywords)
    assert not any(k in ("电信", "网络", "诈骗") for k in keywords)


def test_textrank_option(settings):
    tr_settings = settings.model_copy(update={"analysis": settings.analysis.model_copy(
        update={"keyword_method": "textrank"})})
    analyzer = Analyzer.from_settings(tr_settings)
    keywords = analyzer.analyze("市公安局开展断卡行动，严厉打击电信网络诈骗犯罪。断卡行动取得成效，电信网络诈骗案件下降。").keywords
    assert "断卡行动" in keywords or "电信网络诈骗" in keywords


def test_idf_learnt_from_store_replaces_shipped(tmp_path, analyzer):
    shipped = load_idf(tmp_path, min_store_docs=1)
    assert shipped.source.startswith("shipped")
    docs = [["网格员", "走访"], ["网格员", "巡查"], ["网格员", "排查"], ["走访", "群众"]] * 5
    table = IdfTable.learn(docs, source="store: test")
    table.save(tmp_path / "idf_store.json.gz")
    assert load_idf(tmp_path, min_store_docs=10).source == "store: test"
    assert load_idf(tmp_path, min_store_docs=1000).source.startswith("shipped")
    assert table.get("网格员") < table.get("群众") < table.get("从未出现")
    (tmp_path / "idf_store.json.gz").write_bytes(b"broken")
    assert load_idf(tmp_path, min_store_docs=1).source.startswith("shipped")


def test_categories_rules(tmp_path):
    rules = CategoryClassifier.from_yaml("config/categories.yaml")
    assert {"涉警", "涉法涉诉", "涉检", "司法行政", "监所", "电信网络诈骗", "扫黑除恶", "食药环", "群体性事件",
            "网络谣言"} <= {r.name for r in rules.rules}
    assert rules.categorize("检察院对涉黑团伙提起公诉，扫黑除恶常态化") == ["涉检", "扫黑除恶"]
    assert "电信网络诈骗" in rules.categorize("警惕电信网络诈骗")
    assert "涉警" not in rules.categorize("大家要提高警惕")
    assert "群体性事件" not in rules.categorize("出现聚集性疫情")
    assert rules.categorize("今天天气不错") == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("categories:\n  - name: 涉警\n    any: [警察\n", encoding="utf-8")
    with pytest.raises(CategoryRulesError, match="YAML"):
        CategoryClassifier.from_yaml(bad)
    bad.write_text("categories:\n  - name: 涉警\n", encoding="utf-8")
    with pytest.raises(CategoryRulesError, match="涉警"):
        CategoryClassifier.from_yaml(bad)


def test_broken_model_raises_never_neutral(tmp_path, settings):
    with pytest.raises(ModelLoadError):
        load_model("trained", tmp_path / "missing.joblib")
    corrupt = tmp_path / "corrupt.joblib"
    corrupt.write_bytes(b"\x00not a model")
    with pytest.raises(ModelLoadError):
        LinearSentimentModel.load(corrupt)
    broken = settings.model_copy(update={"analysis": settings.analysis.model_copy(update={"model_file": corrupt})})
    with pytest.raises(ModelLoadError):
        Analyzer.from_settings(broken)


def test_snownlp_baseline_guards_empty_text(settings):
    model = SnowNLPModel()
    assert model.prob_positive("", []) == 0.5
    assert model.prob_positive("，。！", []) >= 0.0
    analyzer = Analyzer.from_settings(settings, sentiment_model="snownlp")
    assert analyzer.model_version.startswith("snownlp")
    assert analyzer.analyze("").label == "neu"
    assert analyzer.analyze("这家店的东西质量很好，非常满意").score > 0.5


def test_neutral_bands():
    assert label_for(0.2) == "neg" and label_for(0.5) == "neu" and label_for(0.9) == "pos"
    assert label_for(0.35) == "neu" and label_for(0.65) == "pos"
    assert label_for(0.5, 0.5, 0.5) == "pos" and label_for(0.49, 0.5, 0.5) == "neg"


def test_memoised_tfidf_keywords_equal_tfidf_keywords(analyzer, shared_data):
    """The analyzer's memoised keyword extractor ranks exactly as the reference tfidf_keywords."""
    from sentiment.keywords import TfidfKeywordExtractor, tfidf_keywords
    from sentiment.normalize import prepare_for_analysis

    extractor = TfidfKeywordExtractor(analyzer.idf, analyzer._stopwords, analyzer._terms, 8)
    lines = (shared_data / "sentiment" / "weibo2018" / "train.csv").read_text(encoding="utf-8").splitlines()[1:400]
    texts = [line.split(",", 1)[1] for line in lines] + ["#扫黑除恶# 电信网络诈骗 电信网络诈骗 套路贷", "", "的的的"]
    for _ in range(2):  # second pass: every word comes from the memo
        for text in texts:
            prepared = prepare_for_analysis(text)
            words = analyzer.segmenter.cut(prepared.text)
            expected = tfidf_keywords(words, analyzer.idf, analyzer._stopwords, analyzer._terms, 8, prepared.hashtags)
            assert extractor.keywords(words, prepared.hashtags) == expected
            assert list(analyzer.analyze(text).keywords) == expected
