"""Names of release, target and issue states, in the Chinese the editors read (CLI and dashboard share them)."""

from __future__ import annotations

from storage.models.issues import ISSUE_STATUSES
from storage.models.publishing import RELEASE_STATUSES, REVIEW_STAGES, TARGET_STATUSES

RELEASE_STATUS_NAMES = {
    "draft": "草稿", "first_review": "待初审", "second_review": "待复审", "final_review": "待终审",
    "approved": "已通过终审", "scheduled": "已排期", "publishing": "发布中", "published": "已发布",
    "partly_published": "部分发布", "failed": "发布失败", "cancelled": "已取消",
}
STAGE_NAMES = {"first": "初审", "second": "复审", "final": "终审"}
# The release status that waits for each review stage, in order.
STAGE_STATUS = {"first": "first_review", "second": "second_review", "final": "final_review"}
TARGET_STATUS_NAMES = {
    "pending": "待排期", "scheduled": "已排期", "publishing": "发布中", "published": "已发布",
    "failed": "发布失败", "missed": "已错过发布时间", "cancelled": "已取消",
}
DECISION_NAMES = {"approve": "通过", "reject": "退回"}

assert set(RELEASE_STATUS_NAMES) == set(RELEASE_STATUSES)
assert set(TARGET_STATUS_NAMES) == set(TARGET_STATUSES)
assert set(STAGE_NAMES) == set(REVIEW_STAGES)

ISSUE_STATUS_NAMES = {"new": "新发现", "acknowledged": "已确认", "responding": "回应中", "responded": "已回应",
                      "closed": "已关闭"}
assert set(ISSUE_STATUS_NAMES) == set(ISSUE_STATUSES)
