"""All core records; importing this package registers every table on ``Base.metadata``."""

from storage.models.base import Base
from storage.models.collection import CrawlRun, Post, Source, SourceCursor
from storage.models.analysis import Analysis, Cluster, MonitorPlan, PlanMatch
from storage.models.issues import Issue, IssueLevelChange, IssueMember, IssueSnapshot
from storage.models.alerts import Alert
from storage.models.briefs import Brief, BriefFile
from storage.models.publishing import Account, PublishAttempt, Release, ReleaseTarget, ReviewRecord
from storage.models.users import AuditLog, User

__all__ = [
    "Base", "Source", "SourceCursor", "CrawlRun", "Post", "Analysis", "Cluster", "MonitorPlan", "PlanMatch",
    "Issue", "IssueMember", "IssueSnapshot", "IssueLevelChange", "Alert", "Brief", "BriefFile", "Account", "Release",
    "ReleaseTarget", "ReviewRecord", "PublishAttempt", "User", "AuditLog",
]
