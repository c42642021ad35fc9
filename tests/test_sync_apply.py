"""HQ member records: parsed strictly, applied to the cache as upserts and tombstones."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from counter import services
from counter.codes import make_card_no
from counter.contract import ContractError, parse_member_record
from counter.store.models import Card, Member
from counter.sync.apply import apply_member_records

MID = "01890a5d-ac96-774b-bcce-b302099a8057"
CARD = make_card_no("880000000000001")


def record(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": MID,
        "seq": 5,
        "status": "active",
        "member_no": "1000000001",
        "name": "曾小明",
        "gender": "M",
        "birthday": "1980-02-29",
        "phone": "13912345678",
        "email": "",
        "address": "上海市黄浦区人民路 1 号",
        "tier": "silver",
        "points": 1500,
        "health": {"allergies": ["青霉素"], "chronic": [], "medicines": []},
        "updated_at": "2026-11-01T08:00:00Z",
        "cards": [{"card_no": CARD, "status": "active", "valid_until": "2030-12-31"}],
    }
    base.update(overrides)
    return base


def test_apply_upserts_then_tombstones(
    ctx: services.ServiceContext, cashier: services.Actor
) -> None:
    with ctx.db.bulk() as s:
        apply_member_records(s, [parse_member_record(record())], ctx.cipher, ctx.clock())
    seen = services.find_by_card(ctx, cashier, CARD)
    assert seen is not None
    assert (seen.name, seen.tier, seen.hq_points, seen.allergy_alert) == (
        "曾*明",
        "silver",
        1500,
        True,
    )
    with ctx.db.read() as s:
        member = s.get(Member, MID)
        assert member is not None and member.health_enc is not None
        assert ctx.cipher.decrypt(MID, member.health_enc)["allergies"] == ["青霉素"]
        assert member.name_pinyin == "zengxiaoming"

    with ctx.db.bulk() as s:
        apply_member_records(
            s,
            [parse_member_record(record(seq=9, points=1200, tier="gold"))],
            ctx.cipher,
            ctx.clock(),
        )
    seen = services.find_by_card(ctx, cashier, CARD)
    assert seen is not None and (seen.hq_points, seen.tier) == (1200, "gold")

    with ctx.db.bulk() as s:
        apply_member_records(
            s,
            [parse_member_record({"id": MID, "seq": 10, "status": "deleted"})],
            ctx.cipher,
            ctx.clock(),
        )
    assert services.find_by_card(ctx, cashier, CARD) is None
    with ctx.db.read() as s:
        assert s.scalar(select(Member.hq_seq).where(Member.id == MID)) == 10
        # The card binding goes with the rest of the person (counter.store.erasure).
        assert s.scalar(select(Card.member_id).where(Card.card_no == CARD)) is None
        assert s.scalar(select(Member.name).where(Member.id == MID)) == ""


@pytest.mark.parametrize(
    "bad",
    [
        "not an object",
        record(id="nope"),
        record(seq=0),
        record(phone="12345"),
        record(tier="platinum"),
        record(cards=[{"card_no": "1234567890123456", "status": "active"}]),
        record(health={"allergies": "青霉素"}),
        record(updated_at="yesterday"),
        record(status="merged"),  # merged without merged_into
        {k: v for k, v in record().items() if k != "member_no"},
    ],
)
def test_malformed_records_are_refused_with_a_code(bad: Any) -> None:
    with pytest.raises(ContractError) as info:
        parse_member_record(bad)
    assert info.value.code and info.value.message
