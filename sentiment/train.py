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
PARAMS = {"min_df": 3, "C": 4.0, "max_iter": 2000}


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
    clf = LogisticRegression(C=params["C"], solver="liblinear", max_iter=params["max_iter"], random_state=0)
    started = time.perf_counter()
    clf.fit(x, np.asarray(labels), sample_weight=np.asarray(weights))
    log.info("logistic regression fitted in %.1fs", time.perf_counter() - started)
    z = clf.decision_function(tfidf(count_matrix(calib_texts, segmenter), idf))
    platt = LogisticRegression(C=1e6, solver="lbfgs")
    platt.fit(z.reshape(-1, 1), np.asarray(calib_labels))
    calibration = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
    coef = clf.coef_[0]
    index = np.flatnonzero(idf > 0).astype(np.int32)  # every live bucket: all count towards the l2 norm
    model = {
        "format": FORMAT,
        "n_features": N_FEATURES,
        "index": index,
        "idf": idf[index].astype(np.float32),
        "coef": coef[index].astype(np.float32),
        "intercept": float(clf.intercept_[0]),
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
    model["version"] = f"linear-tfidf-lr-{digest.hexdigest()[:10]}"
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
