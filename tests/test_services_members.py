"""Member registration and views through the service layer, on a real cache file."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from counter import services
from counter.codes import make_card_no
from counter.services import audit
from counter.settings import Settings
from counter.store.crypto import HealthCipher, HealthDataUnreadable
from counter.store.migrate import upgrade

CARD = make_card_no("800000000000001")


def test_register_then_find_by_card_masks_for_every_role(
    ctx: services.ServiceContext, service_actor: services.Actor, cashier: services.Actor
) -> None:
    view = services.register_member(
        ctx,
        service_actor,
        services.MemberForm("张小明", "138-1234-5678", birthday=dt.date(1990, 5, 1), card_no=CARD),
    )
    assert (view.name, view.phone, view.masked) == ("张*明", "138****5678", True)
    assert view.birthday == dt.date(1990, 5, 1)  # the service assistant sees the birthday
    seen = services.find_by_card(ctx, cashier, CARD)
    assert seen is not None
    assert (seen.name, seen.phone, seen.masked) == ("张*明", "138****5678", True)
    assert seen.birthday is None
    assert seen.card_nos == (CARD,)
    assert seen.origin == "local" and seen.points_shown == 0
    assert services.find_by_card(ctx, cashier, make_card_no("800000000000002")) is None


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (services.MemberForm("", "13812345678"), "name"),
        (services.MemberForm("张三", "12345"), "phone"),
        (services.MemberForm("张三", "13812345678", gender="X"), "gender"),
        (services.MemberForm("张三", "13812345678", birthday=dt.date(2999, 1, 1)), "birthday"),
        (services.MemberForm("张三", "13812345678", email="not-an-email"), "email"),
        (services.MemberForm("张三", "13812345678", card_no="8000000000000012"), "card_no"),
    ],
)
def test_register_refuses_bad_input_with_the_field(
    ctx: services.ServiceContext,
    service_actor: services.Actor,
    form: services.MemberForm,
    field: str,
) -> None:
    with pytest.raises(services.ValidationError) as info:
        services.register_member(ctx, service_actor, form)
    assert info.value.field == field
    assert info.value.message("zh_CN") and info.value.message("en")
    assert services.count_members(ctx) == 0


def test_register_writes_audit_and_outbox_payload(
    ctx: services.ServiceContext, service_actor: services.Actor, settings: Settings
) -> None:
    view = services.register_member(
        ctx, service_actor, services.MemberForm("欧阳娜娜", "+86 139 0000 1111", gender="F")
    )
    con = sqlite3.connect(settings.db_path)
    (payload,) = con.execute("SELECT payload FROM outbox").fetchone()
    actions = [r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY id")]
    con.close()
    body = json.loads(payload)
    assert body["member_id"] == view.id and body["phone"] == "13900001111"
    assert actions == ["operator.create", "member.register"]
    status = services.counter_status(ctx)
    assert (status.pending, status.applied, status.open_problems) == (1, 0, 0)


def test_health_cipher_binds_ciphertext_to_member() -> None:
    cipher = HealthCipher(bytes(32))
    blob = cipher.encrypt("m1", {"allergies": ["青霉素"]})
    assert b"\xe9\x9d\x92" not in blob  # no plaintext UTF-8 of 青 in the stored bytes
    assert cipher.decrypt("m1", blob) == {"allergies": ["青霉素"]}
    with pytest.raises(HealthDataUnreadable):
        cipher.decrypt("m2", blob)
    with pytest.raises(HealthDataUnreadable):
        cipher.decrypt("m1", blob[:-1] + bytes([blob[-1] ^ 1]))


def test_health_key_is_created_once_and_reused(settings: Settings) -> None:
    first = services.open_context(settings)
    blob = first.cipher.encrypt("m1", {"chronic": ["高血压"]})
    first.close()
    second = services.open_context(settings)
    assert second.cipher.decrypt("m1", blob) == {"chronic": ["高血压"]}
    second.close()
    secrets_file = settings.data_path / "secrets.json"
    assert secrets_file.stat().st_mode & 0o077 == 0


def test_login_checks_pin_and_audits_failures(
    ctx: services.ServiceContext, cashier: services.Actor, settings: Settings
) -> None:
    assert services.login(ctx, cashier.operator_id, "1111") == cashier
    with pytest.raises(services.KnownError):
        services.login(ctx, cashier.operator_id, "9999")
    con = sqlite3.connect(settings.db_path)
    actions = [r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY id")]
    con.close()
    assert actions[-2:] == ["operator.login", "operator.login_failed"]


def test_full_disk_is_a_known_error(tmp_path: object, settings: Settings) -> None:
    """SQLITE_FULL (here forced by max_page_count) becomes DiskFullError, nothing half-saved."""
    upgrade(settings.db_path)
    context = services.open_context(settings)
    actor = services.create_operator(context, "王芳", "service", "2222")
    from sqlalchemy import event

    @event.listens_for(context.db.engine, "connect")
    def _tiny(dbapi_conn: sqlite3.Connection, _rec: object) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    context.db.engine.dispose()  # new connections get the cap
    big = "路" * 200
    with pytest.raises(services.KnownError) as info:
        for i in range(500):
            services.register_member(
                context, actor, services.MemberForm("张三", f"1381234{i:04d}", address=big)
            )
    assert info.value.code == "disk_full"
    registered = services.count_members(context)
    status = services.counter_status(context)
    assert status.pending == registered  # every member that was saved has its op, no more
    context.close()


def test_reveal_shows_name_and_phone_to_service_and_manager_and_audits_it(
    ctx: services.ServiceContext, service_actor: services.Actor, cashier: services.Actor
) -> None:
    """DESIGN §7: masked by default for every role; revealed on demand, each reveal audited."""
    view = services.register_member(
        ctx, service_actor, services.MemberForm("张小明", "13812345678")
    )
    manager = services.create_operator(ctx, "陈刚", "manager", "3333")
    for actor in (service_actor, manager):
        assert services.get_member(ctx, actor, view.id).name == "张*明"
        contact = services.reveal_member(ctx, actor, view.id, "call")
        assert (contact.name, contact.phone) == ("张小明", "13812345678")
    with pytest.raises(services.PermissionDenied):
        services.reveal_member(ctx, cashier, view.id)
    with pytest.raises(services.NotFoundError):
        services.reveal_member(ctx, manager, "no-such-member")
    reveals = [e for e in audit.recent(ctx) if e.action == "member.reveal"]
    assert [(e.operator_id, e.member_id) for e in reveals] == [
        (manager.operator_id, view.id),
        (service_actor.operator_id, view.id),
    ]
