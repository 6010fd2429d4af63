"""Sentiment models: the shipped linear model (production) and the SnowNLP baseline.

Both give ``P(positive)``; :func:`label_for` turns it into neg/neu/pos with documented bands. The data is
binary (positive vs negative), so "neutral" is not learned: it is the band of calibrated probabilities where
the model is unsure (``analysis.neutral_low`` ≤ p < ``analysis.neutral_high``, default 0.35–0.65).

The linear model is TF-IDF (sublinear tf, l2-normalised) over the hashed features of :mod:`sentiment.features`,
then logistic regression, then Platt scaling fitted on a held-out calibration split. It is stored as sparse arrays
(``sentiment/models/*.joblib``: the non-zero buckets with their idf and weight) and scored here with numpy,
without scikit-learn.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from sentiment.features import N_FEATURES, batch_feature_ids, feature_ids

log = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_MODEL_FILE = MODELS_DIR / "sentiment_linear.joblib"
FORMAT = "zhengyu-linear-sentiment/2"


_SUBLINEAR_TF = np.concatenate(([np.nan], 1.0 + np.log(np.arange(1, 4096, dtype=np.int64))))
"""``1 + log(count)`` at index ``count`` (1..4095), computed by the very expression the scoring used per text:
the same values (``np.log`` is elementwise; a test compares), and a lookup costs a fifth of the log."""


class ModelLoadError(RuntimeError):
    """The sentiment model could not be loaded; analysis must not go on with a made-up neutral."""


class SentimentModel(Protocol):
    version: str

    def prob_positive(self, text: str, words: list[str]) -> float:
        """Calibrated probability that ``text`` (prepared text, and its words) is positive."""


def label_for(p: float, neutral_low: float = 0.35, neutral_high: float = 0.65) -> str:
    if p < neutral_low:
        return "neg"
    if p >= neutral_high:
        return "pos"
    return "neu"


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class LinearSentimentModel:
    """Scores texts with the exported TF-IDF + logistic-regression weights over hashed features."""

    def __init__(self, index: np.ndarray, idf: np.ndarray, coef: np.ndarray, intercept: float,
                 calibration: tuple[float, float], version: str, meta: dict | None = None,
                 n_features: int = N_FEATURES) -> None:
        index = np.asarray(index, dtype=np.int64)
        if not (len(index) == len(idf) == len(coef)) or (len(index) and (index.min() < 0 or index.max() >= n_features)):
            raise ModelLoadError("模型文件损坏：特征索引与权重不一致")
        if n_features != N_FEATURES:
            raise ModelLoadError(f"模型特征维数 {n_features} 与当前代码 {N_FEATURES} 不符，请重新训练")
        self.version = version
        self.meta = meta or {}
        # float32, the precision the file stores them in: half the memory of float64 tables, and per-post scoring
        # is bound by cache misses on these tens of MB. idf × coef is formed in float64 after the lookup: the
        # product of two float32 values is exact in float64, so the scores equal those of a float64 weight table.
        # Each bucket's idf and weight sit side by side (one 8-byte item, fetched by one 1-D gather): one cache
        # miss per feature instead of two, and one numpy gather instead of two.
        pairs = np.zeros((n_features, 2), dtype=np.float32)
        pairs[index, 0] = np.asarray(idf, dtype=np.float32)
        pairs[index, 1] = np.asarray(coef, dtype=np.float32)
        self._pairs = pairs.view(np.uint64).reshape(n_features)
        self._intercept = float(intercept)
        self._a, self._b = (float(calibration[0]), float(calibration[1]))

    @classmethod
    def load(cls, path: Path | str = DEFAULT_MODEL_FILE) -> LinearSentimentModel:
        import joblib

        path = Path(path)
        try:
            data = joblib.load(path)
        except FileNotFoundError as exc:
            raise ModelLoadError(f"情感模型文件不存在：{path}（可用 python -m sentiment.train 重新训练）") from exc
        except Exception as exc:  # joblib/pickle raise many types for a corrupt file
            raise ModelLoadError(f"情感模型文件无法读取：{path}（{exc}）") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelLoadError(f"情感模型文件格式不对：{path}（需要 {FORMAT}）")
        try:
            return cls(data["index"], data["idf"], data["coef"], data["intercept"], tuple(data["calibration"]),
                       data["version"], data.get("meta"), int(data["n_features"]))
        except KeyError as exc:
            raise ModelLoadError(f"情感模型文件缺少字段 {exc}：{path}") from exc

    def decision(self, ids: np.ndarray) -> float:
        """Logistic-regression margin of one text's feature ids (repeats = term frequency)."""
        return self._margin(np.sort(ids))

    def _idf_coef(self, feats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """float64 idf and weight of the given buckets (strided views of one gathered array)."""
        both = self._pairs[feats].view(np.float32).astype(np.float64)
        return both[0::2], both[1::2]

    def _margin(self, ids: np.ndarray) -> float:
        """:meth:`decision` of ids already sorted: ``np.unique(ids, return_counts=True)`` by hand (half the
        per-call overhead on a few hundred ids), then the l2-normalised sublinear TF-IDF dot the weights."""
        n = len(ids)
        if n == 0:
            return self._intercept
        edges = np.empty(n + 1, dtype=bool)
        edges[0] = edges[n] = True
        np.not_equal(ids[1:], ids[:-1], out=edges[1:n])
        starts = edges.nonzero()[0]
        counts = starts[1:] - starts[:-1]
        tf = _SUBLINEAR_TF[counts] if n < len(_SUBLINEAR_TF) else 1.0 + np.log(counts)
        idf, coef = self._idf_coef(ids[starts[:-1]])
        v = tf * idf
        sq = float(v @ v)
        if sq == 0.0:
            return self._intercept
        return float(tf @ (idf * coef)) / math.sqrt(sq) + self._intercept

    def prob_positive(self, text: str, words: list[str]) -> float:
        if not text:
            return 0.5
        ids = feature_ids(text, words)
        ids.sort()  # a fresh array: sorted in place
        return _sigmoid(self._a * self._margin(ids) + self._b)

    def prob_positive_many(self, texts: list[str], words: list[list[str]]) -> list[float]:
        """``prob_positive`` for a batch, with one sort for the whole batch instead of one per text."""
        n = len(texts)
        if n == 0:
            return []
        rows, ids = batch_feature_ids(texts, words)
        keys = rows * N_FEATURES + ids
        unique, counts = np.unique(keys, return_counts=True)
        rows = unique // N_FEATURES
        feats = unique - rows * N_FEATURES
        tf = 1.0 + np.log(counts)
        idf, coef = self._idf_coef(feats)
        v = tf * idf
        sq = np.bincount(rows, weights=v * v, minlength=n)
        dot = np.bincount(rows, weights=tf * (idf * coef), minlength=n)
        live = sq > 0
        z = np.full(n, self._intercept)
        z[live] = dot[live] / np.sqrt(sq[live]) + self._intercept
        p = 1.0 / (1.0 + np.exp(-(self._a * z + self._b)))
        p[[i for i, t in enumerate(texts) if not t]] = 0.5
        return p.tolist()


class SnowNLPModel:
    """The named baseline: SnowNLP's bundled model (trained on product reviews)."""

    def __init__(self) -> None:
        try:
            from snownlp import SnowNLP
        except ImportError as exc:  # pragma: no cover - snownlp is a declared dependency
            raise ModelLoadError("未安装 snownlp，无法使用基线模型") from exc
        import snownlp

        self._cls = SnowNLP
        self.version = f"snownlp-{getattr(snownlp, '__version__', '0.12.3')}"

    def prob_positive(self, text: str, words: list[str]) -> float:
        # SnowNLP("") raises ZeroDivisionError, so do texts that leave no words after its own filtering.
        if not text or not text.strip():
            return 0.5
        try:
            return float(self._cls(text).sentiments)
        except ZeroDivisionError:
            return 0.5


def load_model(kind: str, path: Path | str | None = None) -> SentimentModel:
    """``trained`` → the shipped linear model (raises :class:`ModelLoadError` if it cannot load);
    ``snownlp`` → the baseline."""
    if kind == "trained":
        return LinearSentimentModel.load(path or DEFAULT_MODEL_FILE)
    if kind == "snownlp":
        return SnowNLPModel()
    raise ModelLoadError(f"未知的情感模型：{kind}（可选 trained、snownlp）")


ScoreFn = Callable[[str, list[str]], float]
