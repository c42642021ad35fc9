"""The only way in for the UI and the CLI: one function per use case.

Every write is one durable transaction that changes the cache and appends its outbox
row (validated against the HQ contract first). Results are plain frozen dataclasses;
nothing here knows about Qt.
"""

from counter.errors import KnownError, NotFoundError, PermissionDenied, ValidationError
from counter.services.complaints import (
    ComplaintFigures,
    ComplaintFilter,
    ComplaintNoteView,
    ComplaintView,
    CustomerContact,
    Followup,
    complaint_figures,
    create_complaint,
    due_preview,
    get_complaint,
    list_complaints,
    reveal_customer,
    search_complaints,
    update_complaint,
)
from counter.services.connection import HQProbe, demo_member_code, probe_hq
from counter.services.context import Actor, ServiceContext, open_context
from counter.services.health import HealthChoices, audit_health_view, health_choices
from counter.services.lookup import LookupResult, MemberChoice, choose, lookup
from counter.services.members import (
    MemberForm,
    count_members,
    find_by_card,
    get_member,
    register_member,
)
from counter.services.online import lookup_online
from counter.services.operators import (
    OperatorLocked,
    add_operator,
    create_operator,
    has_operators,
    list_operators,
    login,
)
from counter.services.points import PointsResult, SaleLine, Tender, earn_points, redeem_points
from counter.services.points_award import (
    AwardNotAllowed,
    UnknownAwardReason,
    award_points,
    award_reasons,
)
from counter.services.points_history import HistoryRow, PointsHistory, points_history
from counter.services.points_reverse import (
    NothingToReverse,
    ReceiptNotFound,
    ReceiptView,
    RefundAboveRemaining,
    ReversePreview,
    ReverseResult,
    get_receipt,
    member_receipts,
    preview_reverse,
    reverse_points,
)
from counter.services.problems import (
    ProblemView,
    dismiss_problem,
    list_problems,
    retry_problem,
    superseded_earns,
)
from counter.services.profile import (
    ConsentRecord,
    HealthRecord,
    Medicine,
    Profile,
    bind_card,
    consents_of,
    open_profile,
    read_health,
    record_consent,
    record_health,
    update_member,
)
from counter.services.reveal import Contact, reveal_member
from counter.services.status import CounterStatus, CursorState, counter_status
from counter.services.tiers import member_tier_progress
from counter.services.views import ExpiringPoints, MemberView, Visit

__all__ = [
    "Actor",
    "AwardNotAllowed",
    "ComplaintFigures",
    "ComplaintFilter",
    "ComplaintNoteView",
    "ComplaintView",
    "ConsentRecord",
    "Contact",
    "CounterStatus",
    "CursorState",
    "CustomerContact",
    "ExpiringPoints",
    "Followup",
    "HQProbe",
    "HealthChoices",
    "HealthRecord",
    "HistoryRow",
    "KnownError",
    "LookupResult",
    "Medicine",
    "MemberChoice",
    "MemberForm",
    "MemberView",
    "NotFoundError",
    "NothingToReverse",
    "OperatorLocked",
    "PermissionDenied",
    "PointsHistory",
    "PointsResult",
    "ProblemView",
    "Profile",
    "ReceiptNotFound",
    "ReceiptView",
    "RefundAboveRemaining",
    "ReversePreview",
    "ReverseResult",
    "SaleLine",
    "ServiceContext",
    "Tender",
    "UnknownAwardReason",
    "ValidationError",
    "Visit",
    "add_operator",
    "audit_health_view",
    "award_points",
    "award_reasons",
    "bind_card",
    "choose",
    "complaint_figures",
    "consents_of",
    "count_members",
    "counter_status",
    "create_complaint",
    "create_operator",
    "demo_member_code",
    "dismiss_problem",
    "due_preview",
    "earn_points",
    "find_by_card",
    "get_complaint",
    "get_member",
    "get_receipt",
    "has_operators",
    "health_choices",
    "list_complaints",
    "list_operators",
    "list_problems",
    "login",
    "lookup",
    "lookup_online",
    "member_receipts",
    "member_tier_progress",
    "open_context",
    "open_profile",
    "points_history",
    "preview_reverse",
    "probe_hq",
    "read_health",
    "record_consent",
    "record_health",
    "redeem_points",
    "register_member",
    "retry_problem",
    "reveal_customer",
    "reveal_member",
    "reverse_points",
    "search_complaints",
    "superseded_earns",
    "update_complaint",
    "update_member",
]
