"""The answer's effect (回应效果): how an issue behaved in equal windows before and after its answering
release was published — volume, negative share and the rate of new authors.

Which posts count (``basis``): ``members`` — the posts detection attached to the issue (the default: exactly
the issue as analysts saw it, but detection stops attaching posts once it closes a quiet issue); or
``keywords`` — any stored post whose title or text contains one of the issue's first keywords (catches talk
after the issue closed, at the price of unrelated posts that share a word). Both read only the store.

Both windows have the same length: the configured window, or, while the after-window is still running, the
time elapsed since publication (``complete`` says which).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import Analysis, Issue, IssueMember, Post

BASES = ("members", "keywords")
KEYWORDS_USED = 5


@dataclass(frozen=True)
class WindowFigures:
    start: datetime
    end: datetime
    volume: int
    analysed: int
    negative: int
    authors: int
    new_authors: int

    @property
    def negative_share(self) -> float | None:
        return round(self.negative / self.analysed, 4) if self.analysed else None

    @property
    def new_author_rate(self) -> float | None:
        return round(self.new_authors / self.authors, 4) if self.authors else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(start=self.start.isoformat(), end=self.end.isoformat(), negative_share=self.negative_share,
                    new_author_rate=self.new_author_rate)
        return data


@dataclass(frozen=True)
class AnswerEffect:
    issue_id: int
    responded_at: datetime
    window_hours: float
    complete: bool
    basis: str
    before: WindowFigures
    after: WindowFigures

    @property
    def volume_change(self) -> float | None:
        """After ÷ before (0.5: half the posts after the answer); None when nothing was said before."""
        return round(self.after.volume / self.before.volume, 4) if self.before.volume else None

    @property
    def negative_share_change(self) -> float | None:
        """After − before, in share points (−0.2: twenty points less negative)."""
        if self.before.negative_share is None or self.after.negative_share is None:
            return None
        return round(self.after.negative_share - self.before.negative_share, 4)

    @property
    def new_author_rate_change(self) -> float | None:
        if self.before.new_author_rate is None or self.after.new_author_rate is None:
            return None
        return round(self.after.new_author_rate - self.before.new_author_rate, 4)

    def to_dict(self) -> dict[str, Any]:
        return {"issue_id": self.issue_id, "responded_at": self.responded_at.isoformat(),
                "window_hours": self.window_hours, "complete": self.complete, "basis": self.basis,
                "before": self.before.to_dict(), "after": self.after.to_dict(), "volume_change": self.volume_change,
                "negative_share_change": self.negative_share_change,
                "new_author_rate_change": self.new_author_rate_change}


def _basis_filter(issue: Issue, basis: str):
    if basis == "members":
        return Post.id.in_(select(IssueMember.post_id).where(IssueMember.issue_id == issue.id))
    words = [word for word in (issue.keywords or [])[:KEYWORDS_USED] if word]
    if not words:
        return Post.id.is_(None)
    return or_(*[Post.text.contains(word, autoescape=True) for word in words],
               *[Post.title.contains(word, autoescape=True) for word in words])


def _window(session: Session, condition, start: datetime, end: datetime) -> WindowFigures:
    rows = session.execute(select(Post.author_hash, Analysis.label).outerjoin(Analysis, Analysis.post_id == Post.id)
                           .where(condition, Post.deleted.is_(False), Post.published_at >= start,
                                  Post.published_at < end)).all()
    authors = {author for author, _ in rows if author}
    earlier = set(session.scalars(select(Post.author_hash).distinct().where(
        condition, Post.published_at < start, Post.author_hash.in_(authors)))) if authors else set()
    return WindowFigures(start=start, end=end, volume=len(rows), analysed=sum(1 for _, label in rows if label),
                         negative=sum(1 for _, label in rows if label == "neg"), authors=len(authors),
                         new_authors=len(authors - earlier))


def answer_effect(session: Session, issue: Issue, now: datetime, window: timedelta = timedelta(hours=24),
                  basis: str = "members") -> AnswerEffect | None:
    """The effect of the issue's published answer, or None while it has not been answered."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}")
    if issue.responded_at is None:
        return None
    answered = issue.responded_at
    length = max(timedelta(0), min(window, now - answered))
    condition = _basis_filter(issue, basis)
    return AnswerEffect(
        issue_id=issue.id, responded_at=answered, window_hours=round(length.total_seconds() / 3600, 3),
        complete=length == window, basis=basis,
        before=_window(session, condition, answered - length, answered),
        after=_window(session, condition, answered, answered + length))


def response_time_s(issue: Issue) -> int | None:
    """Seconds from the issue's first flag to its answer's publication."""
    if issue.first_flagged_at is None or issue.responded_at is None:
        return None
    return round((issue.responded_at - issue.first_flagged_at).total_seconds())
