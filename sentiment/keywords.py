"""Keywords: TF-IDF over the post's words with a refreshable IDF table; TextRank (jieba.analyse) as an option.

The IDF comes, in order of preference, from the store's own corpus (``<data_dir>/idf_store.json.gz``, rebuilt from
the posts in the database by the analysis worker when the store has grown or the table has aged, see
:mod:`sentiment.worker`, or by hand with ``zhengyu analyze --refresh-idf``) or from the table shipped with the model
(``sentiment/models/idf_corpus.json.gz``, learned from the training corpora by ``python -m sentiment.train``).
TF-IDF reuses the words the analyzer has already cut (so dictionary terms such as 电信网络诈骗 stay whole and
nothing is segmented twice); TextRank runs ``jieba.analyse.TextRank`` on a tokenizer carrying the same user
dictionary, and is much slower.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import math
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter, mul
from pathlib import Path

log = logging.getLogger(__name__)

SHIPPED_IDF_FILE = Path(__file__).resolve().parent / "models" / "idf_corpus.json.gz"
STORE_IDF_NAME = "idf_store.json.gz"
MIN_DF = 2
_NEG_IDF, _BOOST, _SCORE1 = itemgetter(0), itemgetter(1), itemgetter(2)
"""The fields of a memoised candidate: -idf, the dictionary-term boost, -(idf × boost)."""


class IdfError(RuntimeError):
    """An IDF table could not be read."""


def is_candidate(word: str, stopwords: frozenset[str], terms: frozenset[str]) -> bool:
    """Whether a word may be a keyword: dictionary terms always; others need two characters, some CJK or
    letters, and must not be stop-words."""
    if word in terms:
        return True
    if len(word) < 2 or word in stopwords or word.startswith("¬"):
        return False
    if word.isdigit() or not any(ch.isalpha() for ch in word):
        return False
    # single latin letters glued to digits and the like are noise; CJK words are fine
    return any("\u3400" <= ch <= "\u9fff" for ch in word) or (word.isascii() and word.isalpha() and len(word) >= 3)


@dataclass
class IdfTable:
    """Inverse document frequencies, learnt from a corpus of posts."""

    idf: dict[str, float]
    n_docs: int
    default_idf: float
    source: str = "empty"
    meta: dict = field(default_factory=dict)
    path: Path | None = field(default=None, compare=False)
    """The file the table was loaded from or last saved to (not stored in it)."""

    @classmethod
    def learn(cls, documents: Iterable[Iterable[str]], source: str, min_df: int = MIN_DF) -> IdfTable:
        """Learn from word lists (one per document). Words seen in fewer than ``min_df`` documents get the
        default IDF, which keeps the table small and rare words still ranked high."""
        df: Counter[str] = Counter()
        n = 0
        for words in documents:
            n += 1
            df.update(set(words))
        if n == 0:
            return cls({}, 0, 1.0, source)
        idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items() if c >= min_df}
        default = math.log((1 + n) / (1 + max(min_df - 1, 1))) + 1.0
        return cls(idf, n, default, source)

    def get(self, word: str) -> float:
        return self.idf.get(word, self.default_idf)

    def doc_freq(self, word: str | None) -> float:
        """How many of the ``n_docs`` learnt documents contained ``word``: the inverse of :meth:`learn`'s formula
        (exact up to the stored rounding). A word the table does not know (or None) gets the document frequency
        its default IDF stands for, i.e. fewer than ``min_df``. Detection uses it as a background prior."""
        value = self.default_idf if word is None else self.idf.get(word, self.default_idf)
        return max((1 + self.n_docs) / math.exp(value - 1.0) - 1.0, 0.0)

    def save(self, path: Path | str) -> None:
        """Write the table atomically: into a temporary file beside ``path``, flushed to disk, then renamed over
        ``path`` (``os.replace``). A process loading the table meanwhile reads the old one or the new one, never
        half a file; a write that fails or is interrupted leaves the old table as it was and no temporary file."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"n_docs": self.n_docs, "default_idf": self.default_idf, "source": self.source,
                   "meta": self.meta, "idf": {w: round(v, 4) for w, v in sorted(self.idf.items())}}
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with open(fd, "wb") as raw:
                # mtime=0 and no file name in the header: the same table gives the same bytes (the shipped file
                # is reproduced by training)
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz, \
                        io.TextIOWrapper(gz, encoding="utf-8") as fh:
                    json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))
                raw.flush()
                os.fsync(raw.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the table is no secret
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self.path = path

    @classmethod
    def load(cls, path: Path | str) -> IdfTable:
        path = Path(path)
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                payload = json.load(fh)
            return cls({str(k): float(v) for k, v in payload["idf"].items()}, int(payload["n_docs"]),
                       float(payload["default_idf"]), str(payload.get("source", path.name)), payload.get("meta", {}),
                       path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IdfError(f"IDF 表无法读取：{path}（{exc}）") from exc


def load_idf(data_dir: Path | str | None, min_store_docs: int) -> IdfTable:
    """The store's IDF table when it exists and was learnt from enough posts, else the shipped one."""
    if data_dir is not None:
        store_path = Path(data_dir) / STORE_IDF_NAME
        if store_path.exists():
            try:
                table = IdfTable.load(store_path)
            except IdfError as exc:
                log.warning("%s; falling back to the shipped IDF table", exc)
            else:
                if table.n_docs >= min_store_docs:
                    return table
                log.info("store IDF table has %d posts (< %d); using the shipped one", table.n_docs, min_store_docs)
    return IdfTable.load(SHIPPED_IDF_FILE)


def tfidf_keywords(words: list[str], idf: IdfTable, stopwords: frozenset[str], terms: frozenset[str],
                   top_k: int, extra: Iterable[str] = ()) -> list[str]:
    """Top ``top_k`` words by tf × idf; ``extra`` phrases (hashtag topics) count as whole words too.

    Dictionary terms get a small boost: in this domain they are the words an analyst searches by. This is the
    plain reference; the analyzer uses :class:`TfidfKeywordExtractor`, which gives the same ranking."""
    counts = Counter(w for w in words if is_candidate(w, stopwords, terms))
    for phrase in extra:
        if 2 <= len(phrase) <= 20 and is_candidate(phrase, stopwords, terms):
            counts[phrase] += 1
    scored = []
    for word, tf in counts.items():
        score = tf * idf.get(word)
        if word in terms:
            score *= 1.5
        scored.append((-score, word))
    scored.sort()
    return [w for _, w in scored[:top_k]]


class TfidfKeywordExtractor:
    """:func:`tfidf_keywords` with the per-word work (candidate test, IDF lookup, dictionary-term test) done once
    per distinct word and kept in a bounded dict: the same results, one dict lookup per word of a post, and only
    the candidates (a third of the words) are counted and ranked."""

    def __init__(self, idf: IdfTable, stopwords: frozenset[str], terms: frozenset[str], top_k: int,
                 cache_size: int = 200_000) -> None:
        self.idf = idf
        self.top_k = top_k
        self._stopwords = stopwords
        self._terms = terms
        self._cache: dict[str, tuple[float, float, float] | int] = {}
        """word → (-idf, boost, -(idf × boost)) for candidates, 0 for words that cannot be keywords."""
        self._cache_size = cache_size

    def _word(self, word: str) -> tuple[float, float, float] | int:
        if not is_candidate(word, self._stopwords, self._terms):
            info: tuple[float, float, float] | int = 0
        else:
            idf, boost = self.idf.idf.get(word, self.idf.default_idf), 1.5 if word in self._terms else 1.0
            # negated, for an ascending sort: (tf × -idf) × boost is exactly -(tf × idf × boost)
            info = (-idf, boost, -idf * boost)
        if len(self._cache) < self._cache_size:
            self._cache[word] = info
        return info

    def keywords(self, words: list[str], extra: Iterable[str] = ()) -> list[str]:
        get = self._cache.get
        try:  # (a KeyError costs less than testing the list for None: that compares every item)
            infos = list(map(self._cache.__getitem__, words))
        except KeyError:  # words not seen before
            infos = [self._word(w) if i is None else i for w, i in zip(words, map(get, words))]
        # Only candidates are counted: a post's words are mostly stop-words, punctuation and single characters,
        # dropped here in C-level passes instead of being counted and then filtered.
        candidates = list(compress(words, infos))
        candidate_infos = list(compress(infos, infos))
        for phrase in extra:
            if 2 <= len(phrase) <= 20:
                info = get(phrase)
                if info is None:
                    info = self._word(phrase)
                if info:
                    candidates.append(phrase)
                    candidate_infos.append(info)
        if not candidates:
            return []
        info_of = dict(zip(candidates, candidate_infos))  # distinct candidates, in order of appearance
        # -(tf × idf × boost), boost 1.5 for dictionary terms: the floats of tfidf_keywords. Most posts repeat no
        # candidate; then tf = 1 (1 × idf = idf exactly) and the memo holds the score already.
        if len(info_of) == len(candidates):
            scored = list(zip(map(_SCORE1, info_of.values()), info_of))
        else:
            counts = dict.fromkeys(info_of, 0)
            for w in candidates:
                counts[w] += 1
            values = info_of.values()
            scores = map(mul, map(mul, counts.values(), map(_NEG_IDF, values)), map(_BOOST, values))
            scored = list(zip(scores, info_of))
        scored.sort()
        return [w for _, w in scored[:self.top_k]]


class TextRankExtractor:
    """``jieba.analyse.TextRank`` on a tokenizer with the 政法 user dictionary and our stop-words."""

    ALLOW_POS = ("ns", "n", "vn", "v", "nr", "nt", "nz", "x", "l", "i", "eng")

    def __init__(self, jieba_tokenizer, stopwords: frozenset[str]) -> None:
        import jieba.analyse
        import jieba.posseg

        self._tr = jieba.analyse.TextRank()
        self._tr.tokenizer = self._tr.postokenizer = jieba.posseg.POSTokenizer(jieba_tokenizer)
        self._tr.stop_words = set(self._tr.stop_words) | set(stopwords)

    def keywords(self, text: str, top_k: int) -> list[str]:
        if not text:
            return []
        return list(self._tr.textrank(text, topK=top_k, allowPOS=self.ALLOW_POS))
