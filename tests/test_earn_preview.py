"""The earn preview (F3) and the reward catalogue in the core: refusals by field, the preview
equal to what ``earn_points`` books, a receipt that already earned named with its time and
store, rewards with their daily limit. Real cache files, no HQ."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from test_services_ops import GOLD_ID, hq_record, outbox

from counter import rules, services
from counter.codes import make_card_no
from counter.contract import parse_member_record
from counter.services import earn_preview, rewards
from counter.services.earn_preview import EarnForm, parse_yuan, preview_earn
from counter.settings import Settings
from counter.sync.apply import apply_member_records

# The 8th of December 2026, 10:00 in China: a member day.
MEMBER_DAY = dt.datetime(2026, 12, 8, 2, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def gold(ctx: services.ServiceContext) -> str:
    ctx.clock = lambda: NOW
    with ctx.db.bulk() as s:
        apply_member_records(s, [parse_member_record(hq_record())], ctx.cipher, NOW)
    return GOLD_ID


@pytest.mark.parametrize(
    ("text", "fen"),
    [("", 0), ("128", 12800), ("128.5", 12850), ("128.50", 12850), ("１２.３", 1230),
     ("¥1,280.00", 128000), ("100000", 10_000_000), (" 0.01 ", 1)],
)  # fmt: skip
def test_amounts_typed_in_yuan(text: str, fen: int) -> None:
    assert parse_yuan(text, "total") == fen


@pytest.mark.parametrize(
    ("text", "says"),
    [("12a", "数字"), ("abc", "数字"), ("1.234", "两位小数"), ("-5", "负数"),
     ("100000.01", "100,000"), ("1e5", "数字")],
)  # fmt: skip
def test_bad_amounts_are_refused_with_a_reason(text: str, says: str) -> None:
    with pytest.raises(services.ValidationError) as info:
        parse_yuan(text, "total")
    assert says in info.value.message("zh_CN") and info.value.field == "total"


def test_preview_explains_and_equals_what_is_booked(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str
) -> None:
    ctx.clock = lambda: MEMBER_DAY
    form = EarnForm(gold, "R-100", "300.80", "50", "20.80", "30")
    preview = preview_earn(ctx, cashier, form)
    assert preview.ready and preview.errors == {}
    assert preview.self_paid_fen == 300_80 - 70_80
    ex = preview.explanation
    assert ex is not None
    # Insurance 70.80 pays the excluded 30 first; the self-paid 230 on the rest earns.
    assert ex.eligible_fen == 230_00 and ex.base_points == 230
    assert ex.tier_multiplier == Decimal("1.5") and ex.member_day and not ex.birthday_month
    assert ex.points == 690  # 230 × 1.5 × member day 2
    booked = services.earn_points(
        ctx, cashier, gold, form.receipt_no, None, preview.lines, preview.tenders
    )
    assert booked.points == preview.points


def test_birthday_and_member_day_are_capped(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str
) -> None:
    march_8 = dt.datetime(2027, 3, 8, 2, 0, tzinfo=dt.UTC)  # the gold member was born in March
    ctx.clock = lambda: march_8
    ex = preview_earn(ctx, cashier, EarnForm(gold, "R-1", "100")).explanation
    assert ex is not None and ex.member_day and ex.birthday_month
    assert ex.promo_uncapped == 4 and ex.promo_multiplier == 2 and ex.capped
    assert ex.points == 300


def test_refusals_on_their_fields(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str
) -> None:
    p = preview_earn(ctx, cashier, EarnForm(gold, "", ""))
    assert set(p.missing) == {"receipt_no", "total"} and not p.ready
    p = preview_earn(ctx, cashier, EarnForm(gold, "R-2", "100", "60", "50"))
    assert set(p.errors) == {"insurance_pooled"}
    assert "超过小票总额" in p.errors["insurance_pooled"].message("zh_CN")
    p = preview_earn(ctx, cashier, EarnForm(gold, "R-2", "100", excluded="100.01"))
    assert set(p.errors) == {"excluded"}
    p = preview_earn(ctx, cashier, EarnForm(gold, "R-2", "12x", "1.001"))
    assert set(p.errors) == {"total", "insurance_personal"}


def test_a_receipt_that_earned_says_when_and_where(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str, settings: Settings
) -> None:
    first = preview_earn(ctx, cashier, EarnForm(gold, "R-7", "50"))
    services.earn_points(ctx, cashier, gold, "R-7", None, first.lines, first.tenders)
    again = preview_earn(ctx, cashier, EarnForm(gold, " R-7 ", "50"))
    text = again.errors["receipt_no"].message("zh_CN")
    assert "2026-11-20 10:00" in text and ctx.store_code in text and "75" in text
    with pytest.raises(services.ValidationError) as info:
        services.earn_points(ctx, cashier, gold, "R-7", None, first.lines, first.tenders)
    assert info.value.message("zh_CN") == text and info.value.detail == "receipt_earned"
    assert len(outbox(settings)) == 1


def test_rewards_catalogue_and_daily_limit(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str, settings: Settings
) -> None:
    options = rewards.redeem_options(ctx, cashier, gold, online=True)
    codes = [c.reward.code for c in options.choices]
    assert codes == [r["code"] for r in rules.DEFAULT_REWARDS]
    mask = options.choices[0]
    assert (mask.number, mask.reward.points, mask.left_today) == (1, 100, 2)
    services.redeem_points(
        ctx, cashier, gold, 200, "兑换", online=True, reward="MASK10", quantity=2
    )
    op = outbox(settings)[-1][1]
    assert (op["reward"], op["quantity"], op["points"]) == ("MASK10", 2, 200)
    assert rewards.redeem_options(ctx, cashier, gold, online=True).choices[0].left_today == 0
    with pytest.raises(services.ValidationError) as info:
        services.redeem_points(ctx, cashier, gold, 100, "兑换", online=True, reward="MASK10")
    assert info.value.detail == "reward_daily_limit" and "还可兑 0 份" in info.value.message("zh")
    with pytest.raises(services.ValidationError) as info:
        services.redeem_points(ctx, cashier, gold, 40, "兑换", online=True, reward="SWAB")
    assert info.value.detail == "reward_changed"  # SWAB costs 50: the figure must match
    with pytest.raises(services.ValidationError) as info:
        services.redeem_points(ctx, cashier, gold, 50, "兑换", online=True, reward="NOPE")
    assert info.value.detail == "unknown_reward"
    # The next day the limit starts afresh.
    ctx.clock = lambda: NOW + dt.timedelta(days=1)
    assert rewards.redeem_options(ctx, cashier, gold, online=True).choices[0].left_today == 2


def test_offline_cap_left_is_shown(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str
) -> None:
    services.redeem_points(ctx, cashier, gold, 300, "兑换", online=False, reward="VITC")
    options = rewards.redeem_options(ctx, cashier, gold, online=False)
    assert (options.offline_cap, options.offline_left) == (500, 200)
    assert options.member.points_shown == 700


def test_sale_of_leaves_zero_parts_out() -> None:
    lines, tenders = earn_preview.sale_of(10_000, 0, 0, 0, "prescription")
    assert lines == ({"category": "general", "amount_fen": 10_000},)
    assert tenders == ({"kind": "cash", "amount_fen": 10_000},)


def test_a_member_card_or_code_is_not_a_receipt(
    ctx: services.ServiceContext, cashier: services.Actor, gold: str
) -> None:
    """Scanned while F3 is open, a member's card or QR code lands in the receipt field."""
    card = make_card_no("880000000000007")
    token = "CM1:" + "A" * 117
    for text, detail, says in (
        (card, "member_card_not_receipt", "会员卡号"),
        (
            f" {card[:4]} {card[4:8]} {card[8:12]} {card[12:]} ",
            "member_card_not_receipt",
            "会员卡号",
        ),
        (token, "member_code_not_receipt", "会员码"),
        ("cm1:abc", "member_code_not_receipt", "会员码"),
    ):
        refused = earn_preview.receipt_no_error(text)
        assert refused is not None and refused.detail == detail and refused.field == "receipt_no"
        p = preview_earn(ctx, cashier, EarnForm(gold, text, "100"))
        assert set(p.errors) == {"receipt_no"} and says in p.errors["receipt_no"].message("zh_CN")
        with pytest.raises(services.ValidationError) as info:
            earn_preview.earn_sale(ctx, cashier, EarnForm(gold, text, "100"), 150)
        assert info.value.detail == detail
    # A misread card (bad check digit), a receipt of digits, a long receipt: receipts.
    for receipt in (card[:-1] + str((int(card[-1]) + 1) % 10), "20261108011700", "S001-0042"):
        assert earn_preview.receipt_no_error(receipt) is None
        assert not preview_earn(ctx, cashier, EarnForm(gold, receipt, "100")).errors
