"""The program's records as typed SQLAlchemy 2.0 models, one module per area; every model is importable from here.

Rules that must hold whatever code writes the rows live in the models as database constraints: unique
emails, one membership per participant and club, one job run per (job, period, scope), foreign keys.
Times are stored as UTC and come back timezone-aware on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from storage.models.base import (
    NAMING_CONVENTION,
    Base,
    SoftDeleteMixin,
    TimestampMixin,
    UTCDateTime,
    enum_column,
    utcnow,
)
from storage.models.casebook import CasebookConsent, CasebookForeword, CasebookInterview, CasebookPick
from storage.models.clubs import AwaySpan, Club, Meeting, MeetingAttendance, Membership, Participant, SlackUser
from storage.models.digests import ClubFeed, Digest, DigestEntry, Feed, FeedItem, SharedItem
from storage.models.operations import (
    AuditEntry,
    JobRun,
    OutboxMessage,
    SeenSignature,
    SlackEvent,
    apscheduler_jobs,
)
from storage.models.reports import (
    Reminder,
    Report,
    ReportFile,
    ReportFileChunk,
    ReportNarrative,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from storage.models.scholarly import DoiMetadata, OutputSuggestion
from storage.models.tracking import ActivityDay, ClubMeeting, Output, OutputPerson, OutputStatusChange, Plan, Update

__all__ = [
    "NAMING_CONVENTION",
    "ActivityDay",
    "AuditEntry",
    "AwaySpan",
    "Base",
    "CasebookConsent",
    "CasebookForeword",
    "CasebookInterview",
    "CasebookPick",
    "Club",
    "ClubFeed",
    "ClubMeeting",
    "Digest",
    "DigestEntry",
    "DoiMetadata",
    "Feed",
    "FeedItem",
    "JobRun",
    "Meeting",
    "MeetingAttendance",
    "Membership",
    "OutboxMessage",
    "Output",
    "OutputPerson",
    "OutputStatusChange",
    "OutputSuggestion",
    "Participant",
    "Plan",
    "Reminder",
    "Report",
    "ReportFile",
    "ReportFileChunk",
    "ReportNarrative",
    "SeenSignature",
    "SharedItem",
    "SlackEvent",
    "SlackUser",
    "SoftDeleteMixin",
    "Survey",
    "SurveyInvitation",
    "SurveyResponse",
    "TimestampMixin",
    "UTCDateTime",
    "Update",
    "apscheduler_jobs",
    "enum_column",
    "utcnow",
]
