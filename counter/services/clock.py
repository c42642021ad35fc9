"""Time at the counter: the PC's clock corrected by the skew last measured against HQ.

Store PCs often run with a wrong clock. Every sync (and every probe of HQ) measures the
skew, PC minus HQ, against ``/v1/health``'s ``server_time``; it is kept in the cache
(``kv.clock_skew_s``) so the correction survives restarts and works offline.
``ServiceContext.now()`` applies it: member codes are verified, operations stamped and
member days, birthdays and due dates decided in HQ's time. While no skew was ever
measured, the PC's clock is all there is.

This module measures and records the skew, and words it for people: a member code
refused because of the clock says so, with what to do, instead of "expired".
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from counter import codes
from counter.services.config import kv_set
from counter.services.context import ServiceContext
from counter.services.status import CLOCK_SKEW_KEY

log = logging.getLogger(__name__)

# Beyond this the status bar warns and the log says so (QR codes tolerate ±2 minutes).
LARGE_SKEW = dt.timedelta(minutes=2)

Keys = Mapping[int, bytes | Ed25519PublicKey]


def measured_skew(sent: dt.datetime, received: dt.datetime, server_time: dt.datetime) -> float:
    """PC minus HQ in seconds: HQ's time is taken to be that of the request's midpoint."""
    return (sent + (received - sent) / 2 - server_time).total_seconds()


def record_skew(ctx: ServiceContext, skew_s: float) -> None:
    """Use ``skew_s`` from now on, here and in every later run of the app (kept in kv)."""
    if abs(skew_s) > LARGE_SKEW.total_seconds():
        log.warning(
            "this PC's clock is %.0f s %s HQ's: the counter uses HQ's time; set the PC's clock",
            abs(skew_s),
            "ahead of" if skew_s > 0 else "behind",
        )
    with ctx.db.write() as s:
        kv_set(s, CLOCK_SKEW_KEY, f"{skew_s:.3f}")
    ctx.clock_skew_s = round(skew_s, 3)


def is_large(skew_s: float | None) -> bool:
    return skew_s is not None and abs(skew_s) > LARGE_SKEW.total_seconds()


def skew_words(skew_s: float, *, then: bool = False) -> tuple[str, str]:
    """ "这台电脑的时间比总部快 7 分钟" (zh, en); ``then``: as measured at the last sync."""
    zh_amount, en_amount = _amount(abs(skew_s))
    fast = skew_s > 0
    return (
        f"{'上次同步时' if then else ''}这台电脑的时间比总部{'快' if fast else '慢'} {zh_amount}",
        f"{'at the last sync ' if then else ''}this PC's clock {'was' if then else 'is'} "
        f"{en_amount} {'ahead of' if fast else 'behind'} HQ's",
    )


def _amount(seconds: float) -> tuple[str, str]:
    """Seconds under a minute, minutes under two hours, then hours."""
    if seconds < 60:
        n = max(1, round(seconds))
        return f"{n} 秒", f"{n} s"
    if seconds < 7200 - 30:
        n = round(seconds / 60)
        return f"{n} 分钟", f"{n} min"
    n = round(seconds / 3600)
    return f"{n} 小时", f"{n} h"


class ClockRefused(codes.CodeRefused):
    """A member code refused for its times, where the PC's clock is (or may be) the cause.

    Keeps the refusal's ``code`` (``expired`` / ``not_yet_valid``) for the log and tests;
    the messages say what is wrong with the clock and what to do.
    """

    def __init__(self, code: str, zh: str, en: str, *, detail: str = "") -> None:
        super().__init__(cast(codes.RefusalCode, code), detail=detail)
        self.zh, self.en = zh, en
        self.args = (en,)

    def __reduce__(self) -> tuple[type[ClockRefused], tuple[str, str, str], dict[str, str]]:  # type: ignore[override]
        return (type(self), (self.code, self.zh, self.en), {"detail": self.detail})


_WHAT_TO_DO = (
    "请按 F5 与总部同步后重试，并请店长校正电脑时间；现在可改用会员卡或手机号。",
    "Press F5 to sync with HQ and try again, and ask the manager to set the PC's clock; "
    "meanwhile use the card or phone number.",
)


def verify_member_code(
    ctx: ServiceContext,
    text: str,
    public_keys: Keys,
) -> codes.MemberToken:
    """Verify a scanned member code at the counter's time; refusals say when the clock is why.

    A code is checked once, at ``ctx.now()``. When that refuses it for its times, the PC's
    own clock is consulted only to explain: a refusal the clock explains says so
    (never accepted on the raw clock: a wrong clock must not let old codes in either).
    """
    pc = ctx.clock()
    skew = ctx.clock_skew_s
    now = pc if skew is None else pc - dt.timedelta(seconds=skew)
    try:
        return codes.verify_member_token(text, public_keys, now)
    except codes.CodeRefused as refusal:
        if refusal.code not in ("expired", "not_yet_valid"):
            raise
        raise _explained(refusal, text, public_keys, pc, skew) from None


def _explained(
    refusal: codes.CodeRefused,
    text: str,
    public_keys: Keys,
    pc: dt.datetime,
    skew: float | None,
) -> codes.CodeRefused:
    if skew is not None:
        # The counter runs on HQ's time. Only a clock changed since the last sync can
        # explain a refusal now: the code would pass on the PC's own clock.
        if abs(skew) < 60:
            return refusal  # a code at the edge of its window, not a clock story
        try:
            codes.verify_member_token(text, public_keys, pc)
        except codes.CodeRefused:
            return refusal  # genuinely expired (or not yet valid) in HQ's time
        zh, en = skew_words(skew, then=True)
        return ClockRefused(
            refusal.code,
            f"会员码按总部时间{_refused_zh(refusal)}，但按这台电脑现在的时钟是有效的：{zh}，"
            f"电脑时间可能在那之后被改过。{_WHAT_TO_DO[0]}",
            f"By HQ's time this member code {_refused_en(refusal)}, yet by this PC's clock it "
            f"is valid: {en}, and the PC's clock may have been changed since. {_WHAT_TO_DO[1]}",
            detail=refusal.detail,
        )
    # Never synced: the PC's clock is all there is. The code's signed issue time is HQ's
    # clock when it was made, so it tells how far off the PC's clock at least seems.
    issued_at, _expires_at = codes.token_times(text)
    age = (pc - issued_at).total_seconds()
    if refusal.code == "not_yet_valid":
        zh, en = skew_words(age)
        return ClockRefused(
            refusal.code,
            f"会员码是总部刚签发的，但{zh}（本机尚未与总部对时）。{_WHAT_TO_DO[0]}",
            f"The member code was just issued by HQ, but {en} (this counter has not compared "
            f"clocks with HQ yet). {_WHAT_TO_DO[1]}",
            detail=refusal.detail,
        )
    zh_age, en_age = _amount(age)
    return ClockRefused(
        refusal.code,
        f"会员码已过期，请让顾客刷新。若刚刷新的码仍提示过期，就是这台电脑的时间快了"
        f"（按本机时钟，此码是 {zh_age}前签发的；本机尚未与总部对时）。{_WHAT_TO_DO[0]}",
        f"This member code has expired; ask the customer to refresh it. If a fresh code is "
        f"refused too, this PC's clock is fast (by it, the code was issued {en_age} ago; this "
        f"counter has not compared clocks with HQ yet). {_WHAT_TO_DO[1]}",
        detail=refusal.detail,
    )


def _refused_zh(refusal: codes.CodeRefused) -> str:
    return "已过期" if refusal.code == "expired" else "尚未生效"


def _refused_en(refusal: codes.CodeRefused) -> str:
    return "has expired" if refusal.code == "expired" else "is not valid yet"
