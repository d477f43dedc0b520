"""Collaboration models: forums and meetings, directions, shortcomings (meetings.py); kommun–region agreements
(agreements.py); measures per priority area (measures.py); the knowledge library (library.py)."""

from beredd.collab.models.agreements import Agreement, agreement_file_path
from beredd.collab.models.library import LibraryItem, LibraryLink, library_file_path
from beredd.collab.models.measures import Measure
from beredd.collab.models.meetings import (
    Action,
    ActionComment,
    ActionQuerySet,
    Attendance,
    Decision,
    Direction,
    DirectionAttachment,
    Forum,
    ForumMember,
    Meeting,
    MeetingAttachment,
    PriorityArea,
    Shortcoming,
    attachment_path,
    direction_attachment_path,
)

__all__ = [
    "Action",
    "ActionComment",
    "ActionQuerySet",
    "Agreement",
    "Attendance",
    "Decision",
    "Direction",
    "DirectionAttachment",
    "Forum",
    "ForumMember",
    "LibraryItem",
    "LibraryLink",
    "Measure",
    "Meeting",
    "MeetingAttachment",
    "PriorityArea",
    "Shortcoming",
    "agreement_file_path",
    "attachment_path",
    "direction_attachment_path",
    "library_file_path",
]
