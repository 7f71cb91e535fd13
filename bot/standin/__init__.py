"""A local stand-in for Slack: Web API, response URLs, uploads and signed deliveries to the app.

from bot.standin import SlackStandIn, Delivery, FaultPlan
"""

from .core import SlackStandIn
from .delivery import Delivery, EventRecord
from .faults import FaultPlan
from .types import Channel, Message, RecordedCall, StandInUsageError, StoredFile, User, View

__all__ = [
    "Channel",
    "Delivery",
    "EventRecord",
    "FaultPlan",
    "Message",
    "RecordedCall",
    "SlackStandIn",
    "StandInUsageError",
    "StoredFile",
    "User",
    "View",
]
