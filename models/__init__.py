"""Typed SQLAlchemy models, one module per aggregate. Importing this package registers every table."""

from models.audit import AuditEntry
from models.base import Base, db
from models.catalogue import AwardTitle, BaseSalary, Competence, ProcedureRule, RequiredDocument, RuleParameter, RuleSet
from models.council import (
    AgendaItem,
    Attendance,
    Council,
    CouncilMembership,
    CouncilSession,
    Poll,
    PollParticipation,
)
from models.decision import Decision, DecisionItem, NumberRegister
from models.dossier import (
    Document,
    Dossier,
    Initiative,
    InitiativeAuthor,
    Nomination,
    NominationRevision,
    Nominee,
    NomineeYear,
)
from models.eligibility import EligibilityOverride
from models.holiday import Holiday
from models.inspection import Inspection
from models.jobs import Job
from models.movement import Movement, MovementRegistration, UnitReport
from models.movement_year import MovementYear
from models.org import ApiToken, Authority, LoginFailure, Role, Unit, User, UserRole
from models.outbox import Notification, OutboxMessage, WebhookSubscription
from models.preferences import NotificationPreference
from models.public import PublicComment
from models.registry import IdentityMatch, RegistryEntry
from models.search_keys import SEARCHED

__all__ = [
    "SEARCHED",
    "AgendaItem",
    "ApiToken",
    "Attendance",
    "AuditEntry",
    "Authority",
    "AwardTitle",
    "Base",
    "BaseSalary",
    "Competence",
    "Council",
    "CouncilMembership",
    "CouncilSession",
    "Decision",
    "DecisionItem",
    "Document",
    "Dossier",
    "EligibilityOverride",
    "Holiday",
    "IdentityMatch",
    "Initiative",
    "InitiativeAuthor",
    "Inspection",
    "Job",
    "LoginFailure",
    "Movement",
    "MovementRegistration",
    "MovementYear",
    "Nomination",
    "NominationRevision",
    "Nominee",
    "NomineeYear",
    "Notification",
    "NotificationPreference",
    "NumberRegister",
    "OutboxMessage",
    "Poll",
    "PollParticipation",
    "ProcedureRule",
    "PublicComment",
    "RegistryEntry",
    "RequiredDocument",
    "Role",
    "RuleParameter",
    "RuleSet",
    "Unit",
    "UnitReport",
    "User",
    "UserRole",
    "WebhookSubscription",
    "db",
]
