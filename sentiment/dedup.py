"""Near-duplicate clustering across all sources with MinHash-LSH (datasketch).

A post joins the cluster of its most similar earlier post when the estimated Jaccard similarity of their
character 3-gram sets reaches ``threshold``. A ``Cluster`` row is created only when a second post joins, so
unique posts keep ``cluster_id`` NULL. The cluster's first post by publication time is the 首发; its
``repost_count`` is the number of copies (members after the first) plus the reposts the platforms reported
for all members; ``source_count`` counts distinct platforms.

The index lives in memory and is incremental: ``process`` takes each batch of new posts as it arrives.
Posts older than ``horizon`` before the newest one are evicted so memory stays bounded.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from datasketch import MinHash, MinHashLSH
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import Cluster, Post

log = logging.getLogger(__name__)

_STRIP = re.compile(r"https?://\S+|@[\w\-]{1,30}|\s+|[，。！？、；：,.!?;:“”\"'（）()\[\]【】《》…—~·]+")
_SCHEME = "affine32"


@dataclass(frozen=True)
class DedupParams:
    threshold: float = 0.5
    num_perm: int = 64
    shingle: int = 3
    min_chars: int = 12  # shorter texts ("转发微博", "赞") say nothing about sameness
    horizon: timedelta = timedelta(days=3)


def shingles(text: str, size: int) -> set[bytes]:
    compact = _STRIP.sub("", text or "").lower()
    if len(compact) < size:
        return set()
    return {compact[i:i + size].encode("utf-8") for i in range(len(compact) - size + 1)}


class Deduplicator:
    """Incremental near-duplicate clustering; one instance per process, fed every new batch of posts."""

    def __init__(self, params: DedupParams | None = None) -> None:
        self.params = params or DedupParams()
        self._perms = MinHash(num_perm=self.params.num_perm, seed=20260101).permutations
        self._lsh = MinHashLSH(threshold=self.params.threshold, num_perm=self.params.num_perm)
        self._sigs: dict[int, MinHash] = {}
        self._cluster_of: dict[int, int | None] = {}
        self._published: dict[int, datetime] = {}
        self._order: deque[tuple[datetime, int]] = deque()

    def signature(self, text: str) -> MinHash | None:
        grams = shingles(text, self.params.shingle)
        if len(grams) < self.params.min_chars - self.params.shingle + 1:
            return None
        sig = MinHash(num_perm=self.params.num_perm, permutations=self._perms, hashfunc=zlib.crc32, scheme=_SCHEME)
        sig.update_batch(list(grams))
        return sig

    def __len__(self) -> int:
        return len(self._sigs)

    def _evict(self, newest: datetime) -> None:
        limit = newest - self.params.horizon
        while self._order and self._order[0][0] < limit:
            _, post_id = self._order.popleft()
            if post_id in self._sigs:
                self._lsh.remove(post_id)
                del self._sigs[post_id]
                self._cluster_of.pop(post_id, None)
                self._published.pop(post_id, None)

    def _best_neighbour(self, sig: MinHash, post_id: int) -> int | None:
        best, best_sim = None, 0.0
        for other in self._lsh.query(sig):
            if other == post_id:
                continue
            sim = sig.jaccard(self._sigs[other])
            if sim >= self.params.threshold and (sim > best_sim or (sim == best_sim and other < (best or other + 1))):
                best, best_sim = other, sim
        return best

    def process(self, session: Session, posts: Iterable[Post]) -> set[int]:
        """Cluster new posts (flushed, with ids) against everything indexed; returns the touched cluster ids."""
        touched: set[int] = set()
        ordered = sorted(posts, key=lambda p: (p.published_at or p.fetched_at, p.id))
        for post in ordered:
            if post.id in self._sigs:
                continue
            sig = self.signature(post.text or "")
            if sig is None:
                continue
            when = post.published_at or post.fetched_at
            neighbour = self._best_neighbour(sig, post.id)
            cluster_id = post.cluster_id
            if neighbour is not None and cluster_id is None:
                cluster_id = self._cluster_of.get(neighbour)
                if cluster_id is None:
                    cluster = Cluster(first_post_id=neighbour, size=2, created_at=when, updated_at=when)
                    session.add(cluster)
                    session.flush()
                    cluster_id = cluster.id
                    self._cluster_of[neighbour] = cluster_id
                    session.execute(update(Post).where(Post.id == neighbour).values(cluster_id=cluster_id))
                post.cluster_id = cluster_id
            if cluster_id is not None:
                touched.add(cluster_id)
            self._lsh.insert(post.id, sig)
            self._sigs[post.id] = sig
            self._cluster_of[post.id] = cluster_id
            self._published[post.id] = when
            self._order.append((when, post.id))
        if ordered:
            newest = max(p.published_at or p.fetched_at for p in ordered)
            self._evict(newest)
        if touched:
            session.flush()
            refresh_clusters(session, touched)
        return touched

    def hydrate(self, session: Session, since: datetime, until: datetime) -> int:
        """Index stored posts published in ``[since, until]`` (clustering any not yet clustered); returns how many."""
        query = (select(Post).where(Post.published_at >= since, Post.published_at <= until, Post.deleted.is_(False))
                 .order_by(Post.published_at, Post.id))
        posts = list(session.scalars(query))
        self.process(session, posts)
        return len(posts)


def refresh_clusters(session: Session, cluster_ids: Iterable[int]) -> None:
    """Recompute size, 首发, source count and repost count of clusters from their member posts."""
    for cluster_id in sorted(cluster_ids):
        size, sources, reposts, first_at, last_at = session.execute(
            select(func.count(Post.id), func.count(func.distinct(Post.platform)), func.coalesce(func.sum(Post.reposts), 0),
                   func.min(Post.published_at), func.max(Post.published_at))
            .where(Post.cluster_id == cluster_id)).one()
        first = session.execute(select(Post.id, Post.platform, Post.published_at).where(Post.cluster_id == cluster_id)
                                .order_by(Post.published_at, Post.id).limit(1)).first()
        cluster = session.get(Cluster, cluster_id)
        if cluster is None or first is None:
            continue
        cluster.size = size
        cluster.source_count = sources
        cluster.repost_count = (size - 1) + int(reposts)
        cluster.first_post_id, cluster.first_platform, cluster.first_published_at = first
        cluster.updated_at = last_at or cluster.updated_at
