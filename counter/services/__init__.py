"""The only way in for the UI and the CLI: one function per use case.

Every write is one durable transaction that changes the cache and appends its outbox
row. Results are plain frozen dataclasses; nothing here knows about Qt.
"""

from counter.errors import KnownError, NotFoundError, ValidationError
from counter.services.connection import HQProbe, demo_member_code, probe_hq
from counter.services.context import Actor, ServiceContext, open_context
from counter.services.health import audit_health_view
from counter.services.lookup import LookupResult, MemberChoice, choose, lookup
from counter.services.members import (
    MemberForm,
    count_members,
    find_by_card,
    get_member,
    register_member,
)
from counter.services.operators import create_operator, has_operators, list_operators, login
from counter.services.status import CounterStatus, counter_status
from counter.services.views import ExpiringPoints, MemberView, Visit

__all__ = [
    "Actor",
    "CounterStatus",
    "ExpiringPoints",
    "HQProbe",
    "KnownError",
    "LookupResult",
    "MemberChoice",
    "MemberForm",
    "MemberView",
    "NotFoundError",
    "ServiceContext",
    "ValidationError",
    "Visit",
    "audit_health_view",
    "choose",
    "count_members",
    "counter_status",
    "create_operator",
    "demo_member_code",
    "find_by_card",
    "get_member",
    "has_operators",
    "list_operators",
    "login",
    "lookup",
    "open_context",
    "probe_hq",
    "register_member",
]
