"""The only way in for the UI and the CLI: one function per use case.

Every write is one durable transaction that changes the cache and appends its outbox
row. Results are plain frozen dataclasses; nothing here knows about Qt.
"""

from counter.errors import KnownError, NotFoundError, ValidationError
from counter.services.connection import HQProbe, probe_hq
from counter.services.context import Actor, ServiceContext, open_context
from counter.services.members import (
    MemberForm,
    MemberView,
    count_members,
    find_by_card,
    get_member,
    register_member,
)
from counter.services.operators import create_operator, has_operators, list_operators, login
from counter.services.status import CounterStatus, counter_status

__all__ = [
    "Actor",
    "CounterStatus",
    "HQProbe",
    "KnownError",
    "MemberForm",
    "MemberView",
    "NotFoundError",
    "ServiceContext",
    "ValidationError",
    "count_members",
    "counter_status",
    "create_operator",
    "find_by_card",
    "get_member",
    "has_operators",
    "list_operators",
    "login",
    "open_context",
    "probe_hq",
    "register_member",
]
