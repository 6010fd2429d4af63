"""Pre-publish checks (发布前检查): one module per kind, each returning findings with positions.

Blocking (must be fixed, cannot be overridden): WeChat's limits, images, forbidden links, personal
information, sensitive words. Warnings (规范表述): settled by rewriting, or by an override with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.checks import images, limits, links, privacy, sensitive, usage
from publisher.checks.base import AssetInfo, Finding, ReleaseContent
from publisher.checks.lexicons import sensitive_words, usage_rules
from publisher.render.article import render_body
from publisher.render.markdown import references
from storage.models import Release
from storage.models.publishing import ReleaseAsset

# What a body image's URL looks like once uploaded (``media/uploadimg``), so the size check measures the HTML
# WeChat will actually receive.
PLACEHOLDER_IMAGE_URL = "http://mmbiz.qpic.cn/mmbiz_jpg/" + "x" * 88 + "/0?wx_fmt=jpeg"


@dataclass(frozen=True)
class Lexicons:
    sensitive_words_file: Path
    usage_rules_file: Path

    @classmethod
    def from_settings(cls, settings) -> "Lexicons":
        return cls(settings.releases.sensitive_words_file, settings.releases.usage_rules_file)


@dataclass
class CheckReport:
    findings: list[Finding]
    overrides: list[dict[str, Any]] = field(default_factory=list)

    @property
    def blocking(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.blocking]

    @property
    def overridden_keys(self) -> set[str]:
        return {entry["key"] for entry in self.overrides}

    @property
    def open_warnings(self) -> list[Finding]:
        """Warnings without a recorded override reason."""
        keys = self.overridden_keys
        return [finding for finding in self.warnings if finding.key not in keys]

    @property
    def ok(self) -> bool:
        return not self.blocking

    def to_dict(self) -> dict[str, Any]:
        keys = self.overridden_keys
        return {"ok": self.ok, "blocking": len(self.blocking), "warnings": len(self.warnings),
                "open_warnings": len(self.open_warnings),
                "findings": [{**finding.to_dict(), "overridden": finding.key in keys} for finding in self.findings]}


def release_content(session: Session, release: Release) -> ReleaseContent:
    assets = session.scalars(select(ReleaseAsset).where(ReleaseAsset.release_id == release.id)).all()
    body_images = {a.ref: AssetInfo(a.role, a.ref, a.content_type, a.size, a.data) for a in assets if a.role == "image"}
    covers = [AssetInfo(a.role, a.ref, a.content_type, a.size, a.data) for a in assets if a.role == "cover"]
    markdown = release.markdown or ""
    html = render_body(markdown, release.title or "", release.theme, lambda _ref: PLACEHOLDER_IMAGE_URL)
    return ReleaseContent(title=release.title or "", author=release.author_name or "", digest=release.digest or "",
                          markdown=markdown, content_source_url=release.content_source_url or "", html=html,
                          references=list(references(markdown)), images=body_images,
                          cover=covers[0] if covers else None)


def run_checks(content: ReleaseContent, lexicons: Lexicons) -> list[Finding]:
    """Every finding, blocking first, then in the order of the text."""
    words = sensitive_words(lexicons.sensitive_words_file)
    rules = usage_rules(lexicons.usage_rules_file)
    findings = [*limits.check(content), *images.check(content), *links.check(content), *privacy.check(content),
                *sensitive.check(content, words), *usage.check(content, rules)]
    order = {"title": 0, "author": 1, "digest": 2, "cover": 3, "content_source_url": 4, "content": 5}
    return sorted(findings, key=lambda f: (not f.blocking, order.get(f.field, 9), f.line or 0, f.column or 0))


def check_release(session: Session, release: Release, lexicons: Lexicons) -> CheckReport:
    return CheckReport(run_checks(release_content(session, release), lexicons),
                       list(release.warning_overrides or []))
