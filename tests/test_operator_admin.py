"""The manager's operator acts (issue 18): add with the PIN twice, role, disable, reset,
unlock early, one's own PIN; the last active manager rule; an audit row for each act."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from counter import services
from counter.errors import AuthenticationError, PermissionDenied, ValidationError
from counter.services import audit, operator_admin
from counter.services.operator_admin import LastManagerError, PinMismatch
from counter.settings import Settings

NOW = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def ctx(tmp_path: Path):  # type: ignore[no-untyped-def]
    context = services.open_context(
        Settings(store_code="S001", data_dir=str(tmp_path / "data"), secret_store="file")
    )
    context.clock = lambda: NOW
    yield context
    context.close()


def _trail(ctx: services.ServiceContext) -> list[tuple[str, str, dict[str, object]]]:
    return [(e.action, e.operator_id, json.loads(e.details)) for e in reversed(audit.recent(ctx))]


def test_add_an_operator_with_the_pin_twice(ctx: services.ServiceContext) -> None:
    boss = services.create_operator(ctx, "赵店长", "manager", "8888")
    with pytest.raises(PinMismatch) as differ:
        operator_admin.new_operator(ctx, boss, "王收银", "cashier", "1234", "1243")
    assert differ.value.code == "pin_mismatch" and differ.value.field == "pin_again"
    for bad in ("123", "123456789", "12a4", "１２３４"):
        with pytest.raises(ValidationError) as short:
            operator_admin.new_operator(ctx, boss, "王收银", "cashier", bad, bad)
        assert short.value.field == "pin"
    with pytest.raises(ValidationError) as nameless:
        operator_admin.new_operator(ctx, boss, "  ", "cashier", "1234", "1234")
    assert nameless.value.field == "name"
    with pytest.raises(ValidationError) as role:
        operator_admin.new_operator(ctx, boss, "王收银", "boss", "1234", "1234")
    assert role.value.field == "role"
    cashier = operator_admin.new_operator(ctx, boss, "王收银", "cashier", "1234", "1234")
    with pytest.raises(ValidationError) as twice:
        operator_admin.new_operator(ctx, boss, "王收银", "service", "5678", "5678")
    assert twice.value.field == "name"
    with pytest.raises(PermissionDenied):
        operator_admin.new_operator(ctx, cashier, "李客服", "service", "5678", "5678")
    assert services.login(ctx, cashier.operator_id, "1234") == cashier
    assert (
        "operator.create",
        boss.operator_id,
        {"operator": cashier.operator_id, "role": "cashier"},
    ) in _trail(ctx)


def test_the_last_active_manager_is_neither_demoted_nor_disabled(
    ctx: services.ServiceContext,
) -> None:
    boss = services.create_operator(ctx, "赵店长", "manager", "8888")
    with pytest.raises(LastManagerError) as demote:
        operator_admin.change_role(ctx, boss, boss.operator_id, "service")
    assert demote.value.code == "last_manager"
    assert "唯一" in demote.value.message("zh_CN")
    second = operator_admin.new_operator(ctx, boss, "钱店长", "manager", "7777", "7777")
    with pytest.raises(PermissionDenied):  # never oneself
        operator_admin.set_active(ctx, boss, boss.operator_id, False)
    operator_admin.set_active(ctx, boss, second.operator_id, False)
    with pytest.raises(LastManagerError):  # the other one is disabled: boss is the last
        operator_admin.change_role(ctx, boss, boss.operator_id, "cashier")
    operator_admin.set_active(ctx, boss, second.operator_id, True)
    operator_admin.change_role(ctx, second, boss.operator_id, "service")
    demoted = services.Actor(boss.operator_id, boss.name, "service")
    with pytest.raises(PermissionDenied):  # the demoted manager's open desk is refused
        operator_admin.set_active(ctx, boss, second.operator_id, False)
    with pytest.raises(LastManagerError):
        operator_admin.change_role(ctx, second, second.operator_id, "cashier")
    rows = {r.name: r for r in operator_admin.list_all_operators(ctx, second)}
    assert rows["赵店长"].role == "service" and rows["钱店长"].role == "manager"
    assert services.login(ctx, boss.operator_id, "8888") == demoted
    acts = [
        (a, who, d)
        for a, who, d in _trail(ctx)
        if a in ("operator.role", "operator.disable", "operator.enable")
    ]
    assert acts == [
        ("operator.disable", boss.operator_id, {"operator": second.operator_id}),
        ("operator.enable", boss.operator_id, {"operator": second.operator_id}),
        (
            "operator.role",
            second.operator_id,
            {"after": "service", "before": "manager", "operator": boss.operator_id},
        ),
    ]


def test_a_disabled_operator_cannot_sign_in_and_is_listed_apart(
    ctx: services.ServiceContext,
) -> None:
    boss = services.create_operator(ctx, "赵店长", "manager", "8888")
    cashier = services.create_operator(ctx, "王收银", "cashier", "1234")
    operator_admin.set_active(ctx, boss, cashier.operator_id, False)
    assert cashier not in services.list_operators(ctx)
    with pytest.raises(AuthenticationError):
        services.login(ctx, cashier.operator_id, "1234")
    rows = operator_admin.list_all_operators(ctx, boss)
    assert [(r.name, r.active) for r in rows] == [("赵店长", True), ("王收银", False)]
    with pytest.raises(PermissionDenied):
        operator_admin.list_all_operators(ctx, cashier)


def test_reset_pin_and_unlock_early_are_audited(ctx: services.ServiceContext) -> None:
    boss = services.create_operator(ctx, "赵店长", "manager", "8888")
    cashier = services.create_operator(ctx, "王收银", "cashier", "1234")
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            services.login(ctx, cashier.operator_id, "0000")
    [row] = [r for r in operator_admin.list_all_operators(ctx, boss) if r.role == "cashier"]
    assert row.locked_seconds == 300
    assert operator_admin.unlock(ctx, boss, cashier.operator_id) is True
    assert operator_admin.unlock(ctx, boss, cashier.operator_id) is False  # nothing to lift
    assert services.login(ctx, cashier.operator_id, "1234") == cashier
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            services.login(ctx, cashier.operator_id, "0000")
    with pytest.raises(PinMismatch):
        operator_admin.reset_pin(ctx, boss, cashier.operator_id, "4321", "4322")
    operator_admin.reset_pin(ctx, boss, cashier.operator_id, "4321", "4321")
    with pytest.raises(AuthenticationError):
        services.login(ctx, cashier.operator_id, "1234")
    assert services.login(ctx, cashier.operator_id, "4321") == cashier
    acts = [
        (a, who, d) for a, who, d in _trail(ctx) if a in ("operator.unlock", "operator.pin_reset")
    ]
    assert acts == [
        (
            "operator.unlock",
            boss.operator_id,
            {"operator": cashier.operator_id, "seconds_left": 300},
        ),
        (
            "operator.pin_reset",
            boss.operator_id,
            {"operator": cashier.operator_id, "unlocked": True},
        ),
    ]


def test_change_ones_own_pin_and_wrong_old_pins_count_towards_the_lock(
    ctx: services.ServiceContext,
) -> None:
    cashier = services.create_operator(ctx, "王收银", "cashier", "1234")
    with pytest.raises(PinMismatch) as differ:
        operator_admin.change_own_pin(ctx, cashier, "1234", "5555", "5556")
    assert differ.value.field == "new_pin_again"
    with pytest.raises(ValidationError) as short:
        operator_admin.change_own_pin(ctx, cashier, "1234", "55", "55")
    assert short.value.field == "new_pin"
    operator_admin.change_own_pin(ctx, cashier, "1234", "5555", "5555")
    assert services.login(ctx, cashier.operator_id, "5555") == cashier
    for _ in range(4):
        with pytest.raises(AuthenticationError) as wrong:
            operator_admin.change_own_pin(ctx, cashier, "0000", "6666", "6666")
        assert not isinstance(wrong.value, services.OperatorLocked)
    with pytest.raises(services.OperatorLocked):  # the fifth wrong PIN in a row, at sign-in
        services.login(ctx, cashier.operator_id, "0000")
    with pytest.raises(services.OperatorLocked):
        operator_admin.change_own_pin(ctx, cashier, "5555", "6666", "6666")
    acts = [a for a, who, _ in _trail(ctx) if who == cashier.operator_id and a != "operator.create"]
    assert acts == [
        "operator.pin_change",
        "operator.login",
        *["operator.pin_change_failed"] * 4,
        "operator.login_failed",
        "operator.locked",
        "operator.pin_change_failed",
    ]


def test_a_lock_that_ran_out_is_noted_at_the_next_sign_in(ctx: services.ServiceContext) -> None:
    cashier = services.create_operator(ctx, "王收银", "cashier", "1234")
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            services.login(ctx, cashier.operator_id, "0000")
    ctx.clock = lambda: NOW + dt.timedelta(minutes=5)
    services.login(ctx, cashier.operator_id, "1234")
    assert _trail(ctx)[-1] == ("operator.login", cashier.operator_id, {"lock_expired": True})
