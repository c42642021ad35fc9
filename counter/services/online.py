"""The online fallback lookup: a member HQ knows but this cache does not (yet).

``lookup`` stays offline and fast; after it finds nothing for a card or a full phone,
the UI may call :func:`lookup_online` in its network worker. The record HQ sends is
checked, cached (so the next scan finds it offline) and shown.
"""

from __future__ import annotations

from counter import codes
from counter.contract import ContractError, parse_member_record
from counter.errors import KnownError
from counter.services.connection import INTERACTIVE_RETRY, make_client
from counter.services.context import Actor, ServiceContext
from counter.services.lookup import LookupResult
from counter.services.views import fetch_view, raw_connection
from counter.sync.apply import apply_member_records, overlay_pending
from counter.sync.client import HQUnavailable

ONLINE_KINDS = ("card", "phone")


def _unavailable(kind: str, reason: str, zh: str, en: str) -> LookupResult:
    return LookupResult("not_found", kind, reason=reason, zh=zh, en=en)


def _offline(kind: str) -> LookupResult:
    """Not in the cache and HQ out of reach: what that means, and what the counter can do."""
    if kind == "card":
        zh = (
            "本店还没有这张卡的会员资料，现在又连不上总部查询。"
            "请为顾客登记会员，或等联网后再扫一次。"
        )
        en = (
            "This card is not in this store's member list yet, and HQ cannot be reached to "
            "look it up. Register the customer as a member, or scan again when the counter "
            "is back online."
        )
    else:
        zh = (
            "本店还没有这个手机号的会员资料，现在又连不上总部查询。"
            "请为顾客登记会员，或等联网后再查一次。"
        )
        en = (
            "No member with this phone is in this store's list yet, and HQ cannot be reached "
            "to look it up. Register the customer as a member, or try again when the counter "
            "is back online."
        )
    return _unavailable(kind, HQUnavailable.code, zh, en)


def lookup_online(ctx: ServiceContext, actor: Actor, text: str) -> LookupResult:
    """Ask HQ for the member behind a card number or full phone; never raises for input.

    Blocking (one HTTP call with bounded retries): call it off the UI thread.
    """
    scan = codes.classify_scan(text)
    if scan.kind not in ONLINE_KINDS:
        return _unavailable(
            scan.kind,
            "not_online_kind",
            "只能按卡号或完整手机号向总部查询。",
            "HQ can be asked by card number or full phone only.",
        )
    client = make_client(ctx, INTERACTIVE_RETRY)
    if client is None:
        return _unavailable(
            scan.kind, "hq_not_configured", "未配置总部地址。", "No HQ address is configured."
        )
    try:
        if scan.kind == "card":
            item = client.lookup_member(card_no=scan.value)
        else:
            item = client.lookup_member(phone=scan.value)
    except HQUnavailable:
        return _offline(scan.kind)
    except KnownError as exc:
        return _unavailable(scan.kind, exc.code, exc.zh, exc.en)
    finally:
        client.close()
    if item is None:
        return _unavailable(
            scan.kind, "not_found", "总部也没有此会员。", "HQ has no such member either."
        )
    try:
        record = parse_member_record(item)
    except ContractError:
        return _unavailable(
            scan.kind,
            "hq_protocol_error",
            "总部的回复格式不对。",
            "HQ's answer is malformed.",
        )
    if record["status"] != "active":
        return _unavailable(
            scan.kind, "not_found", "该会员已注销或合并。", "This member was closed or merged."
        )
    now = ctx.now()
    with ctx.db.bulk() as s:
        apply_member_records(s, [record], ctx.cipher, now)
        overlay_pending(s, ctx.cipher, {record["id"]}, now)
        view = fetch_view(raw_connection(s), ctx, actor, "id", record["id"])
    if view is None:
        return _unavailable(scan.kind, "not_found", "未找到该会员。", "No such member.")
    return LookupResult("found", scan.kind, member=view)
