"""PINs that survive a copied cache, and five wrong ones in a row lock the operator."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from counter import services
from counter.errors import AuthenticationError
from counter.services import audit
from counter.settings import Settings

NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


def _open(data: Path, **kw: object) -> services.ServiceContext:
    ctx = services.open_context(
        Settings(store_code="S001", data_dir=str(data), secret_store="file", **kw)  # type: ignore[arg-type]
    )
    ctx.clock = lambda: NOW
    return ctx


def _actions(ctx: services.ServiceContext) -> list[tuple[str, dict[str, object]]]:
    return [(e.action, json.loads(e.details)) for e in reversed(audit.recent(ctx))]


def _operator_row(db: Path, operator_id: str) -> tuple[bytes, bytes, int]:
    con = sqlite3.connect(db)
    try:
        salt, hashed, scheme = con.execute(
            "SELECT pin_salt, pin_hash, pin_scheme FROM operators WHERE id = ?", (operator_id,)
        ).fetchone()
    finally:
        con.close()
    return salt, hashed, scheme


def test_a_copied_cache_alone_does_not_give_the_pin(tmp_path: Path) -> None:
    ctx = _open(tmp_path / "store")
    manager = services.create_operator(ctx, "陈刚", "manager", "3333")
    ctx.close()
    salt, hashed, scheme = _operator_row(tmp_path / "store" / "counter.db", manager.operator_id)
    plain = {
        hashlib.scrypt(f"{p:04d}".encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
        for p in (3333, 1234, 0)
    }
    assert scheme == 2 and hashed not in plain  # trying PINs against the file finds nothing
    # The file taken elsewhere, without this store's secrets: the right PIN does not match.
    (tmp_path / "thief").mkdir()
    shutil.copy(tmp_path / "store" / "counter.db", tmp_path / "thief" / "counter.db")
    other = _open(tmp_path / "thief")
    try:
        with pytest.raises(AuthenticationError):
            services.login(other, manager.operator_id, "3333")
    finally:
        other.close()
    back = _open(tmp_path / "store")
    try:
        assert services.login(back, manager.operator_id, "3333") == manager
    finally:
        back.close()


def test_an_old_unkeyed_hash_is_moved_at_the_next_sign_in(tmp_path: Path) -> None:
    ctx = _open(tmp_path / "data")
    cashier = services.create_operator(ctx, "李娜", "cashier", "1111")
    db = ctx.db.path
    salt = b"0123456789abcdef"
    old = hashlib.scrypt(b"1111", salt=salt, n=2**14, r=8, p=1, dklen=32)
    with sqlite3.connect(db) as con:  # as a cache made before 0005 holds it
        con.execute(
            "UPDATE operators SET pin_salt = ?, pin_hash = ?, pin_scheme = 1 WHERE id = ?",
            (salt, old, cashier.operator_id),
        )
    try:
        assert services.login(ctx, cashier.operator_id, "1111") == cashier
        _, hashed, scheme = _operator_row(db, cashier.operator_id)
        assert scheme == 2 and hashed != old
        assert _actions(ctx)[-1] == ("operator.login", {"pin_rehashed": True})
        assert services.login(ctx, cashier.operator_id, "1111") == cashier  # the new hash works
    finally:
        ctx.close()


def test_five_wrong_pins_lock_the_operator_across_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ctx = _open(data)
    cashier = services.create_operator(ctx, "李娜", "cashier", "1111")
    try:
        messages = []
        for _ in range(4):
            with pytest.raises(AuthenticationError) as wrong:
                services.login(ctx, cashier.operator_id, "9999")
            assert not isinstance(wrong.value, services.OperatorLocked)
            messages.append(wrong.value.message("zh_CN"))
        assert messages[0] == "PIN 不正确。"
        assert messages[-1] == "PIN 不正确。再错 1 次将锁定 5 分钟。"
        with pytest.raises(services.OperatorLocked) as fifth:
            services.login(ctx, cashier.operator_id, "9999")
        assert fifth.value.seconds_left == 300
        assert (
            fifth.value.message("zh_CN") == "李娜 连续 5 次 PIN 错误，已锁定。请 5 分 0 秒后再试。"
        )
    finally:
        ctx.close()

    # A restart (a new process would do the same) does not unlock, even with the right PIN.
    later = NOW + dt.timedelta(minutes=2, seconds=30)
    ctx = _open(data)
    ctx.clock = lambda: later
    try:
        with pytest.raises(services.OperatorLocked) as locked:
            services.login(ctx, cashier.operator_id, "1111")
        assert locked.value.seconds_left == 150
        assert "Try again in 2 min 30 s." in locked.value.message("en")
        ctx.clock = lambda: NOW + dt.timedelta(minutes=5)
        assert services.login(ctx, cashier.operator_id, "1111") == cashier
        actions = _actions(ctx)
    finally:
        ctx.close()
    mine = [(a, d) for a, d in actions if a.startswith("operator.") and a != "operator.create"]
    assert [a for a, _ in mine] == [
        *["operator.login_failed"] * 5,
        "operator.locked",
        "operator.login_failed",
        "operator.login",
    ]
    assert [d.get("reason") for _, d in mine[:5]] == ["wrong_pin"] * 5
    assert mine[6][1] == {"reason": "locked"}


def test_a_right_pin_resets_the_count_and_the_lockout_is_a_setting(tmp_path: Path) -> None:
    ctx = _open(tmp_path / "data", pin_lockout_minutes=1)
    service = services.create_operator(ctx, "王芳", "service", "2222")
    try:
        for _ in range(4):
            with pytest.raises(AuthenticationError):
                services.login(ctx, service.operator_id, "0000")
        assert services.login(ctx, service.operator_id, "2222") == service
        for _ in range(4):
            with pytest.raises(AuthenticationError) as wrong:
                services.login(ctx, service.operator_id, "0000")
            assert not isinstance(wrong.value, services.OperatorLocked)
        with pytest.raises(services.OperatorLocked) as locked:
            services.login(ctx, service.operator_id, "0000")
        assert locked.value.seconds_left == 60
        # A PC clock set back an hour does not stretch the lock beyond the setting.
        ctx.clock = lambda: NOW - dt.timedelta(hours=1)
        with pytest.raises(services.OperatorLocked) as still:
            services.login(ctx, service.operator_id, "2222")
        assert still.value.seconds_left == 60
    finally:
        ctx.close()


def test_adding_an_operator_needs_a_manager_once_there_are_operators(tmp_path: Path) -> None:
    ctx = _open(tmp_path / "data")
    try:
        first = services.add_operator(ctx, None, "陈刚", "manager", "3333")
        with pytest.raises(services.PermissionDenied):
            services.add_operator(ctx, None, "李娜", "cashier", "1111")
        cashier = services.add_operator(ctx, first, "李娜", "cashier", "1111")
        with pytest.raises(services.PermissionDenied):
            services.add_operator(ctx, cashier, "王芳", "service", "2222")
        assert [a.name for a in services.list_operators(ctx)] == ["李娜", "陈刚"]
        created = [e for e in audit.recent(ctx) if e.action == "operator.create"]
        assert created[0].operator_id == first.operator_id  # the manager who added her
    finally:
        ctx.close()
