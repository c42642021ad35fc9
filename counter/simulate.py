"""``counter simulate``: realistic operations through the real services, for a seed.

Registrations, sales earning points (cash, bank card, mobile pay, and 医保 personal
account / pooled fund, with prescription lines that earn nothing), redemptions of the
catalogue's rewards online and offline, refunds taking a receipt's points back (in full
or in part), activity points, profile updates, consents and health records, complaints
and their handling, care-plan enrolments and task outcomes — in the mix a store sees,
each through the same service function the UI calls (so each is one durable transaction
with its outbox row).
The choices depend only on the seed and the members in the cache: for load tests, demos
and fault tests.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from counter import services, simulate_care
from counter.errors import KnownError
from counter.services.config import kv_get, kv_set
from counter.services.context import Actor, ServiceContext
from counter.services.rewards import redeem_options
from counter.store.models import Complaint, Member, Receipt

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉萍红鹏飞辉力斌宇浩凯鑫博文瑞欣怡"
CATEGORIES = (("otc", 45), ("prescription", 20), ("health_food", 15), ("device", 10), ("care", 10))
ALLERGIES = ("青霉素", "磺胺", "头孢", "阿司匹林", "布洛芬")
CHRONIC = ("高血压", "糖尿病", "高血脂", "哮喘", "痛风")
MEDICINES = ("二甲双胍", "氨氯地平", "阿托伐他汀", "沙丁胺醇", "别嘌醇")
# (kind, weight): what a store's day is made of.
MIX = (
    ("earn", 50),
    ("redeem", 10),
    ("register", 10),
    ("update", 8),
    ("health", 4),
    ("complaint", 8),
    ("complaint_update", 10),
    ("care_enroll", 3),
    ("care_task", 6),
    ("refund", 4),
    ("award", 3),
)
MEMBER_SAMPLE = 5000
OPERATORS = (("模拟收银", "cashier", "1111"), ("模拟客服", "service", "2222"))


@dataclass
class SimulationReport:
    requested: int
    done: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.done.values())


def _operators(ctx: ServiceContext) -> tuple[Actor, Actor]:
    existing = {a.role: a for a in services.list_operators(ctx)}
    made = []
    for name, role, pin in OPERATORS:
        made.append(existing.get(role) or services.create_operator(ctx, name, role, pin))
    return made[0], made[1]


def _members(ctx: ServiceContext) -> list[str]:
    with ctx.db.read() as s:
        return list(
            s.scalars(
                select(Member.id)
                .where(Member.status == "active")
                .order_by(Member.id)
                .limit(MEMBER_SAMPLE)
            )
        )


def _sale(rng: random.Random) -> tuple[list[services.SaleLine], list[services.Tender]]:
    kinds = [c for c, _ in CATEGORIES]
    weights = [w for _, w in CATEGORIES]
    lines = [
        services.SaleLine(rng.choices(kinds, weights)[0], rng.randrange(500, 30_000))
        for _ in range(rng.choice((1, 1, 2, 3, 4)))
    ]
    total = sum(line.amount_fen for line in lines)
    roll = rng.random()
    if roll < 0.25:  # 医保: the pooled fund pays part, the personal account or cash the rest
        pooled = total * rng.choice((50, 60, 70)) // 100
        rest_kind = rng.choice(("insurance_personal", "cash", "mobile_pay"))
        tenders = [
            services.Tender("insurance_pooled", pooled),
            services.Tender(rest_kind, total - pooled),
        ]
    elif roll < 0.35:
        personal = total // 2
        tenders = [
            services.Tender("insurance_personal", personal),
            services.Tender("cash", total - personal),
        ]
    else:
        tenders = [
            services.Tender(rng.choice(("cash", "bank_card", "mobile_pay", "mobile_pay")), total)
        ]
    return lines, [t for t in tenders if t.amount_fen > 0] or [services.Tender("cash", 0)]


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def simulate(
    ctx: ServiceContext,
    n: int,
    seed: int,
    *,
    progress: Callable[[int], None] | None = None,
) -> SimulationReport:
    """Make ``n`` operations through the services.

    What the services refuse (a duplicate phone, too few points) is counted apart and
    does not count towards ``n``; at most ``5 n`` attempts are made.
    """
    rng = random.Random(seed)
    cashier, desk = _operators(ctx)
    members = _members(ctx)
    with ctx.db.write() as s:
        run = int(kv_get(s, "simulate_runs", "0") or 0) + 1
        kv_set(s, "simulate_runs", str(run))
    report = SimulationReport(n)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    complaints: list[str] = []
    with ctx.db.read() as s:
        complaints = list(
            s.scalars(select(Complaint.id).where(Complaint.status.in_(("received", "handling"))))
        )
    i = 0
    while report.total < n and i < n * 5:
        kind = rng.choices(kinds, weights)[0]
        if not members:
            kind = "register"
        elif kind == "complaint_update" and not complaints:
            kind = "complaint"
        try:
            _one(ctx, rng, kind, i, seed, run, cashier, desk, members, complaints)
            report.done[kind] = report.done.get(kind, 0) + 1
            if progress is not None and report.total % 500 == 0:
                progress(report.total)
        except KnownError as exc:
            key = f"{kind}:{exc.code}"
            report.refused[key] = report.refused.get(key, 0) + 1
        i += 1
    return report


def _one(
    ctx: ServiceContext,
    rng: random.Random,
    kind: str,
    i: int,
    seed: int,
    run: int,
    cashier: Actor,
    desk: Actor,
    members: list[str],
    complaints: list[str],
) -> None:
    if kind == "register":
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        view = services.register_member(
            ctx,
            desk,
            services.MemberForm(
                name=name,
                phone=_phone(rng),
                gender=rng.choice(("F", "M")),
                birthday=dt.date(
                    1950 + rng.randrange(55), 1 + rng.randrange(12), 1 + rng.randrange(28)
                ),
            ),
        )
        members.append(view.id)
        return
    member_id = rng.choice(members)
    if kind == "earn":
        lines, tenders = _sale(rng)
        sold_at = ctx.now() - dt.timedelta(minutes=rng.randrange(0, 600))
        services.earn_points(
            ctx, cashier, member_id, f"SIM{seed}-{run}-{i:07d}", sold_at, lines, tenders
        )
    elif kind == "redeem":
        _redeem(ctx, rng, cashier, member_id)
    elif kind == "refund":
        _refund(ctx, rng, cashier)
    elif kind == "award":
        reasons = services.award_reasons(ctx)
        if reasons:
            reason = rng.choice(reasons)
            services.award_points(ctx, desk, member_id, reason.code, None, "模拟活动")
    elif kind == "update":
        field_name = rng.choice(("address", "email", "marital_status"))
        value = {
            "address": f"上海市{rng.choice('黄浦徐汇静安长宁')}区{rng.randrange(1, 999)}号",
            "email": f"m{rng.randrange(10**6)}@example.com",
            "marital_status": rng.choice(("single", "married")),
        }[field_name]
        services.update_member(ctx, desk, member_id, {field_name: value})
    elif kind == "health":
        services.record_consent(ctx, desk, member_id, granted=True)
        services.record_health(
            ctx,
            desk,
            member_id,
            rng.sample(ALLERGIES, rng.randrange(0, 2)),
            rng.sample(CHRONIC, rng.randrange(0, 2)),
            rng.sample(MEDICINES, rng.randrange(0, 2)),
        )
    elif kind in simulate_care.KINDS:
        simulate_care.step(ctx, rng, kind, desk, member_id)
    elif kind == "complaint":
        c = services.create_complaint(
            ctx,
            desk,
            member_id=member_id,
            category=rng.choice(("service_attitude", "product_quality", "price", "waiting_time")),
            severity=rng.choice(("low", "medium", "medium", "high", "urgent")),
            channel=rng.choice(("counter", "phone", "online")),
            description=rng.choice(
                ("排队时间太长", "药品包装破损", "价格与标签不符", "店员态度冷淡")
            ),
            wants=rng.choice(("道歉", "退换", "解释", "")),
        )
        complaints.append(c.id)
    elif kind == "complaint_update":
        complaint_id = rng.choice(complaints)
        current = services.get_complaint(ctx, desk, complaint_id)
        nxt = current.allowed_transitions[0] if current.allowed_transitions else None
        if nxt in ("resolved",) and rng.random() < 0.5:
            nxt = None
        services.update_complaint(ctx, desk, complaint_id, status=nxt, note="已联系顾客处理")
        if nxt == "resolved":
            services.update_complaint(
                ctx, desk, complaint_id, followup=services.Followup(rng.randrange(3, 6), "回访满意")
            )
        if nxt in ("resolved", "closed", "escalated"):
            complaints.remove(complaint_id)


def _redeem(ctx: ServiceContext, rng: random.Random, cashier: Actor, member_id: str) -> None:
    """A reward from the catalogue, as F6 offers it: one the member can still take today
    (its daily limit here) and afford, one or two of it; the op names the reward's code.
    The balance, the offline cap and HQ's limit across stores may still refuse it."""
    online = rng.random() < 0.7
    options = redeem_options(ctx, cashier, member_id, online)
    balance = options.member.points_shown
    open_now = [c for c in options.choices if c.left_today is None or c.left_today > 0]
    if not open_now:
        raise services.ValidationError("没有可兑换的礼品。", "No reward to redeem.")
    within = [c for c in open_now if c.reward.points <= balance]
    choice = rng.choice(within or open_now)  # none affordable: the refusal is the service's
    most = 2 if choice.left_today is None else min(2, choice.left_today)
    quantity = 2 if most == 2 and 2 * choice.reward.points <= balance and rng.random() < 0.2 else 1
    services.redeem_points(
        ctx, cashier, member_id, choice.reward.points * quantity, choice.reward.name,
        online=online, reward=choice.reward.code, quantity=quantity,
    )  # fmt: skip


def _refund(ctx: ServiceContext, rng: random.Random, cashier: Actor) -> None:
    """Refund one of this counter's receipts with money left on it: all of it or a part."""
    with ctx.db.read() as s:
        receipts = list(
            s.execute(
                select(
                    Receipt.receipt_no,
                    Receipt.member_id,
                    Receipt.self_paid_fen - Receipt.reversed_fen,
                )
                .where(Receipt.self_paid_fen > Receipt.reversed_fen)
                .order_by(Receipt.receipt_no)
                .limit(200)
            )
        )
    rng.shuffle(receipts)
    for receipt_no, member_id, left in receipts:
        fen = None if left < 2 or rng.random() < 0.4 else rng.randrange(1, left)
        # A simulated day syncs cleanly: no refund that takes a member below zero, which
        # HQ books but flags for a manager (its own tests cover that case).
        taken = services.preview_reverse(ctx, cashier, member_id, receipt_no, fen).points
        if taken <= services.get_member(ctx, cashier, member_id).points_shown:
            services.reverse_points(ctx, cashier, member_id, receipt_no, fen)
            return
    raise services.NothingToReverse("没有可退的小票。", "No receipt to refund.")
