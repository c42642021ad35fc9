"""Member ops at HQ: ``member.register``, ``member.update``, ``member.consent``, ``card.bind``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from counter.contract import parse_time
from counter.names import full_pinyin, initials
from counter.rules import STORE_TZ
from hq.care import end_for_withdrawal
from hq.fastsql import FastSQL
from hq.health_seal import cipher, seal
from hq.models import MEMBER_NO_BASE
from hq.ops.base import Applied, Batch, Rejection, _book, _member, _refresh
from hq.records import load_member

CARD_YEARS = 10  # a new card is valid until 31 December, ten years on


def _record(fx: FastSQL, member_id: str) -> dict[str, Any]:
    row = fx.one("SELECT record FROM members WHERE id = ?", (member_id,))
    record: dict[str, Any] = json.loads(row[0] if row is not None and row[0] else "{}")
    return record


def _phone_holder(fx: FastSQL, phone: str) -> str | None:
    """The id of the active member with this phone, if any."""
    row = fx.one("SELECT id FROM members WHERE phone = ? AND status = 'active'", (phone,))
    return row[0] if row is not None else None


def _phone_registered(fx: FastSQL, holder_id: str) -> Rejection:
    return Rejection(
        "phone_registered",
        "this phone is already registered to a member",
        {"member": _record(fx, holder_id)},
    )


def _card_free(fx: FastSQL, card_no: str, member_id: str | None = None) -> None:
    """``card_in_use`` unless the card is new (or already this member's active card)."""
    row = fx.one("SELECT member_id, status FROM cards WHERE card_no = ?", (card_no,))
    if row is None:
        return
    if member_id is not None and row[0] == member_id and row[1] == "active":
        return
    raise Rejection("card_in_use", "this card number is already in use", {"card_no": card_no})


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _profile_values(fx: FastSQL, member_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            values.update(name=value, name_pinyin=full_pinyin(value), name_initials=initials(value))
        elif key == "birthday":
            values["birthday"] = _date(value)
        elif key in ("email", "address", "gender"):
            values[key] = value or ""
        elif key == "health":
            values["health"] = (
                seal(
                    cipher(fx.conn),
                    member_id,
                    json.dumps(value, ensure_ascii=False, separators=(",", ":")),
                )
                if value is not None
                else None
            )
        else:
            values[key] = value
    return values


def _register(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, now, p = batch.fx, batch.w.now, op["payload"]
    member_id = p["member_id"]
    if fx.one("SELECT id FROM members WHERE id = ?", (member_id,)) is not None:
        raise Rejection("member_exists", "a member with this id exists", {"member_id": member_id})
    holder = _phone_holder(fx, p["phone"])
    if holder is not None:
        raise _phone_registered(fx, holder)
    card_no = p.get("card_no")
    if card_no is not None:
        _card_free(fx, card_no)
    number = batch.w.member_nos.take()
    values = {
        "gender": "",
        "email": "",
        "address": "",
        **_profile_values(
            fx,
            member_id,
            {k: v for k, v in p.items() if k not in ("member_id", "card_no", "referrer_id")},
        ),
    }
    referrer = p.get("referrer_id")
    if referrer is not None:
        # Followed to the member it was merged into; one HQ does not know is dropped (a
        # registration is never refused for its referrer).
        row = fx.one("SELECT status, merged_into FROM members WHERE id = ?", (referrer,))
        if row is not None and row[0] == "merged" and row[1]:
            referrer = row[1]
        elif row is None:
            referrer = None
    values["referrer_id"] = referrer
    fx.insert(
        "members",
        {
            "id": member_id,
            "member_no": str(MEMBER_NO_BASE + number),
            "tier": "basic",
            "points": 0,
            "health": None,
            "health_consent": False,
            "status": "active",
            "merged_into": None,
            "seq": 0,
            "created_at": now,
            "updated_at": now,
            "record": "",
            "education": None,
            "income": None,
            "marital_status": None,
            **values,
        },
    )
    if card_no is not None:
        _new_card(batch, card_no, member_id)
    if referrer is not None:
        _refer(batch, op["op_id"], referrer)
    return _refresh(batch, member_id)


def _refer(batch: Batch, op_id: str, referrer_id: str) -> None:
    """Points to the member who brought a new one (config ``points.referral_points``).

    Once per new member: the entry is keyed by the registration's op. The referrer's
    record gets a new seq, so counters see the points in the member feed.
    """
    points = batch.rules.points.referral_points
    row = load_member(batch.fx, referrer_id)
    if points <= 0 or row is None or row["status"] != "active":
        return
    today = batch.w.now.astimezone(STORE_TZ).date()
    _book(batch, op_id, referrer_id, points, "referral", earned_on=today, reason="referral")
    _refresh(batch, referrer_id, row)


def _new_card(batch: Batch, card_no: str, member_id: str) -> None:
    now = batch.w.now
    batch.fx.insert(
        "cards",
        {
            "card_no": card_no,
            "member_id": member_id,
            "status": "active",
            "valid_until": dt.date(now.year + CARD_YEARS, 12, 31),
            "bound_at": now,
        },
    )


def _update(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    changes: dict[str, Any] = p["changes"]
    phone = changes.get("phone")
    if phone is not None and phone != member["phone"]:
        holder = _phone_holder(fx, phone)
        if holder is not None:
            raise _phone_registered(fx, holder)
    if changes.get("health") is not None and not member["health_consent"]:
        raise Rejection(
            "consent_required",
            "health information needs the member's consent first (member.consent)",
            {"member_id": member["id"]},
        )
    fx.update("members", "id", member["id"], _profile_values(fx, member["id"], changes))
    return _refresh(batch, member["id"])


def _consent(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    fx.insert(
        "consents",
        {
            "id": op["op_id"],
            "member_id": member["id"],
            "purpose": p["purpose"],
            "granted": p["granted"],
            "recorded_at": parse_time(p["recorded_at"]),
            "store_code": batch.store_code,
            "operator_id": op["operator_id"],
            "text_version": p.get("text_version"),
        },
    )
    if p["purpose"] == "health":
        values: dict[str, Any] = {"health_consent": p["granted"]}
        if not p["granted"]:
            values["health"] = None  # withdrawing consent erases the health record
            end_for_withdrawal(
                fx, member["id"], batch.w.now, batch.w.changes.take
            )  # and ends the care plans
        fx.update("members", "id", member["id"], values)
    return _refresh(batch, member["id"])


def _bind(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    replaces = p.get("replaces")
    if replaces is not None:
        old = fx.one(
            "SELECT member_id FROM cards WHERE card_no = ? AND member_id = ?",
            (replaces, member["id"]),
        )
        if old is None:
            raise Rejection(
                "card_not_found",
                "the card to replace is not this member's",
                {"card_no": replaces},
            )
    card_no = p["card_no"]
    exists = fx.one("SELECT card_no FROM cards WHERE card_no = ?", (card_no,))
    _card_free(fx, card_no, member["id"])
    if replaces is not None and replaces != card_no:
        fx.update("cards", "card_no", replaces, {"status": "replaced"})
    if exists is None:
        _new_card(batch, card_no, member["id"])
    return _refresh(batch, member["id"])


HANDLERS: dict[str, Callable[[Batch, dict[str, Any]], Applied]] = {
    "member.register": _register,
    "member.update": _update,
    "member.consent": _consent,
    "card.bind": _bind,
}
