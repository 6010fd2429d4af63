"""What detection expects of a term before it has seen any local history: a background share per term.

The keyword IDF table (``sentiment.keywords.IdfTable``: the store's own when it has learnt from enough posts,
else the one shipped with the model, learnt from ~180k public posts) gives back the document frequency ``df`` of
every word it knows (``IdfTable.doc_freq``). A term's background
share is ``(df + ½)/(N + 1)``: the chance that a post of a general corpus contains it. Words the table does not
know (new names, places, cluster and plan markers) were seen in at most ``min_df − 1`` documents, which is
what the table's default IDF encodes, so they get that (tiny) share; the expectation floor and the cold-start
margin (``sentiment.detect.detector``) keep them from bursting on a handful of posts.

A post carries a word as one of its *keywords* less often than it merely contains it, so the prior errs high
for common words (safe: fewer false alarms) and is about right for rare ones.
"""

from __future__ import annotations

from typing import Protocol

from sentiment.detect.signals import HASHTAG, is_synthetic


class IdfLike(Protocol):
    n_docs: int

    def doc_freq(self, word: str | None) -> float: ...


class BackgroundPrior:
    """Background share of a term, from an IDF table (or a flat share when there is none)."""

    def __init__(self, idf: IdfLike | None = None, unknown_share: float = 1e-5) -> None:
        self._idf = idf
        self._cache: dict[str, float] = {}
        if idf is not None and idf.n_docs > 0:
            self.n_docs = int(idf.n_docs)
            self.unknown_share = self._share(idf.doc_freq(None))
            self.source = str(getattr(idf, "source", "idf"))
        else:
            self.n_docs = 0
            self.unknown_share = unknown_share
            self.source = "flat"

    def uses(self, idf: IdfLike | None) -> bool:
        """Whether this prior was built from ``idf`` (the analyser swaps in a refreshed store table)."""
        return idf is self._idf

    def _share(self, df: float) -> float:
        return (df + 0.5) / (self.n_docs + 1.0)

    def share(self, term: str) -> float:
        """The term's background share of posts, in (0, 1)."""
        cached = self._cache.get(term)
        if cached is not None:
            return cached
        share = self.unknown_share
        if self._idf is not None and self.n_docs and not is_synthetic(term):
            tag = HASHTAG.fullmatch(term)
            word = tag.group(1) if tag else term
            share = self._share(self._idf.doc_freq(word))
        if len(self._cache) < 500_000:
            self._cache[term] = share
        return share
