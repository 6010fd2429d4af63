"""The production text-analysis path: normalise → segment → sentiment → keywords → categories.

``Analyzer.from_settings(settings).analyze(text)`` is what the analysis worker, ``zhengyu analyze-text``, the
demo and the replay all call. Everything heavy (dictionary, model, IDF, rules) is loaded once in the constructor;
``analyze`` is then a pure function of the text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sentiment.categories import CategoryClassifier
from sentiment.keywords import IdfTable, TextRankExtractor, TfidfKeywordExtractor, load_idf
from sentiment.model import SentimentModel, label_for, load_model
from sentiment.normalize import PreparedText, prepare_for_analysis
from sentiment.segment import Lexicon, Segmenter

if TYPE_CHECKING:
    from zhengyu.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    """The analysis of one text."""

    label: str
    """``neg`` | ``neu`` | ``pos`` (负面/中性/正面), from calibrated probability bands."""
    score: float
    """Calibrated probability that the text is positive, 0..1."""
    keywords: tuple[str, ...]
    categories: tuple[str, ...]
    model_version: str
    hashtags: tuple[str, ...] = ()
    """Hashtag topics (#话题#) found in the text, for topic detection."""

    def as_dict(self) -> dict:
        return {"label": self.label, "score": round(self.score, 4), "keywords": list(self.keywords),
                "categories": list(self.categories), "model_version": self.model_version,
                "hashtags": list(self.hashtags)}


class Analyzer:
    """Analyses texts with one loaded set of dictionary, model, IDF table and category rules."""

    def __init__(self, *, lexicon: Lexicon, segmenter: Segmenter, model: SentimentModel,
                 categorizer: CategoryClassifier, idf: IdfTable, top_k: int = 8, keyword_method: str = "tfidf",
                 neutral_low: float = 0.35, neutral_high: float = 0.65) -> None:
        if not 0.0 <= neutral_low <= neutral_high <= 1.0:
            raise ValueError(f"neutral band must satisfy 0 <= low <= high <= 1, got {neutral_low}..{neutral_high}")
        self.lexicon = lexicon
        self.segmenter = segmenter
        self.model = model
        self.categorizer = categorizer
        self.idf = idf
        self.top_k = top_k
        self.neutral_low = neutral_low
        self.neutral_high = neutral_high
        self._stopwords = lexicon.stopwords
        self._terms = lexicon.words
        self._tfidf = TfidfKeywordExtractor(idf, self._stopwords, self._terms, top_k)
        self._textrank = (TextRankExtractor(segmenter.jieba_tokenizer(), lexicon.stopwords)
                          if keyword_method == "textrank" else None)

    @classmethod
    def from_settings(cls, settings: Settings, *, sentiment_model: str | None = None) -> Analyzer:
        """Build from ``settings.analysis`` (raises if the model, dictionary or rules cannot be loaded)."""
        a = settings.analysis
        lexicon = Lexicon.load(a.lexicon_dir)
        model = load_model(sentiment_model or a.sentiment_model, a.model_file)
        return cls(
            lexicon=lexicon,
            segmenter=Segmenter.from_lexicon(lexicon),
            model=model,
            categorizer=CategoryClassifier.from_yaml(a.categories_file),
            idf=load_idf(settings.data_dir, a.idf_min_store_docs),
            top_k=a.keywords_top_k,
            keyword_method=a.keyword_method,
            neutral_low=a.neutral_low,
            neutral_high=a.neutral_high,
        )

    @property
    def model_version(self) -> str:
        return self.model.version

    def set_idf(self, idf: IdfTable) -> None:
        """Swap in a refreshed IDF table (the worker does this after ``--refresh-idf``)."""
        self.idf = idf
        self._tfidf = TfidfKeywordExtractor(idf, self._stopwords, self._terms, self.top_k)

    def words(self, text: str) -> list[str]:
        """Words of a text as the analyzer sees them (after normalisation and markup removal)."""
        return self.segmenter.cut(prepare_for_analysis(text).text)

    def analyze(self, text: str | None) -> TextAnalysis:
        prepared = prepare_for_analysis(text)
        words = self.segmenter.cut(prepared.text)
        return self._finish(prepared, words, self.model.prob_positive(prepared.text, words))

    def analyze_many(self, texts: Iterable[str | None]) -> list[TextAnalysis]:
        """Same results as ``analyze`` on each text; the linear model scores the batch in one go."""
        prepared = [prepare_for_analysis(t) for t in texts]
        words = [self.segmenter.cut(p.text) for p in prepared]
        batch = getattr(self.model, "prob_positive_many", None)
        if batch is not None:
            probs = batch([p.text for p in prepared], words)
        else:
            probs = [self.model.prob_positive(p.text, w) for p, w in zip(prepared, words)]
        return [self._finish(p, w, prob) for p, w, prob in zip(prepared, words, probs)]

    def _finish(self, prepared: PreparedText, words: list[str], p: float) -> TextAnalysis:
        if self._textrank is not None:
            keywords = self._textrank.keywords(prepared.text, self.top_k)
        else:
            keywords = self._tfidf.keywords(words, prepared.hashtags)
        categories = self.categorizer.categorize(prepared.text)
        return TextAnalysis(label_for(p, self.neutral_low, self.neutral_high), p, tuple(keywords),
                            tuple(categories), self.model.version, prepared.hashtags)


def default_analyzer(config_dir: Path | str | None = None) -> Analyzer:
    """An analyzer on the project's default settings (for scripts and benchmarks)."""
    from zhengyu.settings import load_settings

    return Analyzer.from_settings(load_settings(config_dir))
