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
from sentiment.features import make_feature_function
from sentiment.keywords import SHIPPED_IDF_FILE, IdfTable
from sentiment.model import DEFAULT_MODEL_FILE, FORMAT
from sentiment.segment import Lexicon, Segmenter

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
PARAMS = {"min_df": 3, "max_features": 400_000, "C": 4.0, "max_iter": 2000}


def load_all(data_dir: Path) -> dict[str, list[Example]]:
    return {c.name: load_corpus(data_dir, c) for c in CORPORA}


def fit(corpora: dict[str, list[Example]], segmenter: Segmenter, params: dict | None = None):
    """Fit vectorizer + logistic regression + Platt scaling; returns the exportable model dict."""
    from sklearn.feature_extraction.text import TfidfVectorizer
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
    analyzer = make_feature_function(segmenter.cut)
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=params["min_df"],
                                 max_features=params["max_features"], dtype=np.float64)
    started = time.perf_counter()
    x = vectorizer.fit_transform(texts)
    log.info("features: %d texts x %d features in %.1fs", x.shape[0], x.shape[1], time.perf_counter() - started)
    clf = LogisticRegression(C=params["C"], solver="liblinear", max_iter=params["max_iter"], random_state=0)
    started = time.perf_counter()
    clf.fit(x, np.asarray(labels), sample_weight=np.asarray(weights))
    log.info("logistic regression fitted in %.1fs", time.perf_counter() - started)
    z = clf.decision_function(vectorizer.transform(calib_texts))
    platt = LogisticRegression(C=1e6, solver="lbfgs")
    platt.fit(z.reshape(-1, 1), np.asarray(calib_labels))
    calibration = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
    vocab = vectorizer.get_feature_names_out()
    model = {
        "format": FORMAT,
        "vocab": "\n".join(vocab),
        "idf": vectorizer.idf_.astype(np.float32),
        "coef": clf.coef_[0].astype(np.float32),
        "intercept": float(clf.intercept_[0]),
        "calibration": calibration,
        "meta": {
            "params": params,
            "train_rows": len(texts),
            "calib_rows": len(calib_texts),
            "corpora": {c.name: c.train_weight for c in CORPORA},
        },
    }
    digest = hashlib.sha1(model["vocab"].encode("utf-8"))
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
