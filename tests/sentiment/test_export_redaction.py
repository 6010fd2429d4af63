"""Every export of stored text is redacted: ``issues export`` titles and keywords, ``plans preview`` samples."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sentiment.detect.export import export_issues
from sentiment.plans.matcher import compile_plan
from sentiment.plans.store import preview
from storage.models import Issue, Post

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


def test_issue_export_and_plan_preview_mask_personal_numbers(session_factory):
    with session_factory() as session:
        session.add(Issue(signature="s1", title="#骗子电话13812345678#", keywords=["13812345678", "诈骗"],
                          first_seen_at=T0, last_seen_at=T0, status="new"))
        session.add(Post(platform="board", external_id="m1", kind="message", text_raw="",
                         text="被诈骗了，请回电13912345678，卡号6222021234567890", content_hash="h",
                         published_at=T0 - timedelta(hours=1)))
        session.commit()
        exported = export_issues(session)
        samples = preview(session, compile_plan("预览", "诈骗"), T0, days=1).samples
    assert exported[0]["title"] == "#骗子电话[手机号已隐去]#"
    assert exported[0]["keywords"] == ["[手机号已隐去]", "诈骗"]
    assert samples[0][1] == "被诈骗了，请回电[手机号已隐去]，卡号[银行卡号已隐去]"
