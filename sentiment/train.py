"""Train the shipped sentiment model from ``../shared/data/sentiment/`` (deterministic).

    python -m sentiment.train [--data-dir ../shared/data] [--out sentiment/models/sentiment_linear.joblib]

Training rows are the ``train`` splits of the corpora in :data:`sentiment.datasets.CORPORA` (Weibo-domain corpora
weighted up, review corpora down; weibo_senti_100k with its emoticons stripped, because its labels were made from
them). The ``calib`` splits fit the Platt scaling; the ``test`` splits are never seen here and are what
``bench/eval_sentiment.py`` reports.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import math
import time
from pathlib import Path

import numpy as np

from sentiment.datasets import CORPORA, Example, load_corpus
from sentiment.features import N_FEATURES, feature_ids
from sentiment.keywords import SHIPPED_IDF_FILE, IdfTable
from sentiment.model import DEFAULT_MODEL_FILE, FORMAT
from sentiment.segment import Lexicon, Segmenter

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
PARAMS = {"min_df": 3, "C": 4.0, "max_iter": 2000, "nb_alpha": 1.0, "nb_C": 8.0, "nb_weight": 0.7}
"""``C``: the plain TF-IDF logistic regression. ``nb_alpha``/``nb_C``: a second logistic regression on the same
features scaled by naive-Bayes log-count ratios (NB-LR, after Wang & Manning 2012), ``nb_alpha`` smoothing the
ratios. The shipped weights are the average ``(1 - nb_weight) · plain + nb_weight · NB-LR`` of the two linear
models (both are linear in the same TF-IDF features, so the ensemble is one weight vector and scores as fast as
either); ``nb_alpha: None`` trains the plain model alone. Held-out accuracy (weibo2018, smp2020, covid19,
weibo_senti_100k, waimai, online_shopping, ChnSentiCorp), uncalibrated threshold 0:
plain 0.806/0.906/0.876/0.743/0.896/0.941/0.914; NB-LR alone 0.823/0.916/0.877/0.744/0.891/0.932/0.879;
the 0.7 average 0.822/0.913/0.879/0.745/0.895/0.935/0.895 (better on every Weibo corpus, less loss on reviews)."""


def load_all(data_dir: Path) -> dict[str, list[Example]]:
    return {c.name: load_corpus(data_dir, c) for c in CORPORA}


def count_matrix(texts: list[str], segmenter: Segmenter):
    """Sparse term-count matrix of the texts over the hashed feature space."""
    from scipy import sparse

    indptr, indices, data = [0], [], []
    for text in texts:
        unique, counts = np.unique(feature_ids(text, segmenter.cut(text)), return_counts=True)
        indices.append(unique)
        data.append(counts)
        indptr.append(indptr[-1] + len(unique))
    return sparse.csr_matrix(
        (np.concatenate(data).astype(np.float64), np.concatenate(indices), np.asarray(indptr)),
        shape=(len(texts), N_FEATURES))


def tfidf(counts, idf: np.ndarray):
    """Sublinear tf × idf, rows l2-normalised: exactly what ``LinearSentimentModel.decision`` computes."""
    from sklearn.preprocessing import normalize

    x = counts.copy()
    x.data = 1.0 + np.log(x.data)
    x = x.multiply(idf.reshape(1, -1)).tocsr()
    x.eliminate_zeros()
    return normalize(x, norm="l2", copy=False)


def nb_ratio(x, labels: np.ndarray, weights: np.ndarray, alpha: float) -> np.ndarray:
    """Naive-Bayes log-count ratio of every feature, log(p_j / |p|) - log(q_j / |q|), where p and q are the
    weighted, alpha-smoothed feature sums over the positive and the negative training rows."""
    pos = weights * (labels == 1)
    neg = weights * (labels == 0)
    p = np.asarray(x.T @ pos).ravel() + alpha
    q = np.asarray(x.T @ neg).ravel() + alpha
    return np.log(p / p.sum()) - np.log(q / q.sum())


def fit(corpora: dict[str, list[Example]], segmenter: Segmenter, params: dict | None = None):
    """Fit idf + logistic regression + Platt scaling; returns the exportable model dict."""
    from sklearn.linear_model import LogisticRegression

    params = {**PARAMS, **(params or {})}
    texts, labels, weights = [], [], []
    calib_texts, calib_labels = [], []
    for corpus in CORPORA:
        for ex in corpora[corpus.name]:
            if ex.split == "train" and corpus.train_weight > 0:
                texts.append(ex.text)
                labels.append(ex.label)
                weights.append(corpus.train_weight)
            elif ex.split == "calib" and corpus.domain == "weibo" and corpus.train_weight > 0:
                calib_texts.append(ex.text)
                calib_labels.append(ex.label)
    started = time.perf_counter()
    counts = count_matrix(texts, segmenter)
    df = np.bincount(counts.indices, minlength=N_FEATURES)
    n = counts.shape[0]
    # smooth idf as scikit-learn computes it; buckets seen in fewer than min_df texts are dropped (idf 0)
    idf = np.where(df >= params["min_df"], np.log((1 + n) / (1 + df)) + 1.0, 0.0)
    x = tfidf(counts, idf)
    log.info("features: %d texts, %d live buckets in %.1fs", n, int((idf > 0).sum()), time.perf_counter() - started)
    y, w = np.asarray(labels), np.asarray(weights, dtype=np.float64)
    clf = LogisticRegression(C=params["C"], solver="liblinear", max_iter=params["max_iter"], random_state=0)
    started = time.perf_counter()
    clf.fit(x, y, sample_weight=w)
    coef, intercept = clf.coef_[0], float(clf.intercept_[0])
    log.info("logistic regression fitted in %.1fs", time.perf_counter() - started)
    if params.get("nb_alpha") is not None:
        ratio = nb_ratio(x, y, w, params["nb_alpha"])
        nb = LogisticRegression(C=params["nb_C"], solver="liblinear", max_iter=params["max_iter"], random_state=0)
        started = time.perf_counter()
        nb.fit(x.multiply(ratio.reshape(1, -1)).tocsr(), y, sample_weight=w)
        log.info("NB-LR fitted in %.1fs", time.perf_counter() - started)
        # the ratios fold into the weights: NB-LR margin = Σ tfidf_j · (coef_j · ratio_j) + intercept
        lam = params["nb_weight"]
        coef = (1.0 - lam) * coef + lam * (nb.coef_[0] * ratio)
        intercept = (1.0 - lam) * intercept + lam * float(nb.intercept_[0])
    z = tfidf(count_matrix(calib_texts, segmenter), idf) @ coef + intercept
    platt = LogisticRegression(C=1e6, solver="lbfgs")
    platt.fit(z.reshape(-1, 1), np.asarray(calib_labels))
    calibration = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
    index = np.flatnonzero(idf > 0).astype(np.int32)  # every live bucket: all count towards the l2 norm
    model = {
        "format": FORMAT,
        "n_features": N_FEATURES,
        "index": index,
        "idf": idf[index].astype(np.float32),
        "coef": coef[index].astype(np.float32),
        "intercept": intercept,
        "calibration": calibration,
        "meta": {
            "params": params,
            "train_rows": len(texts),
            "calib_rows": len(calib_texts),
            "corpora": {c.name: c.train_weight for c in CORPORA},
        },
    }
    digest = hashlib.sha1(model["index"].tobytes())
    digest.update(model["coef"].tobytes())
    kind = "lr+nblr" if params.get("nb_alpha") is not None else "lr"
    model["version"] = f"linear-tfidf-{kind}-{digest.hexdigest()[:10]}"
    return model


def learn_idf(corpora: dict[str, list[Example]], segmenter: Segmenter) -> IdfTable:
    """The shipped fallback IDF: document frequencies over every text of the corpora (labels unused)."""
    docs = (segmenter.cut(ex.text) for c in CORPORA for ex in corpora[c.name])
    table = IdfTable.learn(docs, source="shipped: ../shared/data/sentiment corpora")
    table.meta = {"corpora": [c.name for c in CORPORA]}
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument("--lexicon-dir", type=Path, default=Path("config/lexicons"))
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_FILE)
    parser.add_argument("--idf-out", type=Path, default=SHIPPED_IDF_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    import joblib

    started = time.perf_counter()
    segmenter = Segmenter.from_lexicon(Lexicon.load(args.lexicon_dir))
    corpora = load_all(args.data_dir)
    model = fit(corpora, segmenter)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, args.out, compress=("xz", 6))
    size_mb = args.out.stat().st_size / 1e6
    log.info("wrote %s (%s, %.1f MB) in %.0fs", args.out, model["version"], size_mb, time.perf_counter() - started)
    learn_idf(corpora, segmenter).save(args.idf_out)
    log.info("wrote %s", args.idf_out)
    if not math.isfinite(model["intercept"]):
        raise SystemExit("training diverged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
