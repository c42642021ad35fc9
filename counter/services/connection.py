"""Is HQ reachable, and is this PC's clock close enough to HQ's?"""

from __future__ import annotations

from dataclasses import dataclass

from counter.errors import KnownError
from counter.services.clock import LARGE_SKEW, measured_skew, record_skew
from counter.services.context import ServiceContext
from counter.sync.client import HQClient, HQUnavailable, MemberCode, RetryPolicy

# Someone is waiting at the counter: one quick retry, then say HQ is not there.
INTERACTIVE_RETRY = RetryPolicy(attempts=2, base_s=0.2, cap_s=1.0)

MAX_CLOCK_SKEW = LARGE_SKEW
TOKEN_KEY = "store_token"


@dataclass(frozen=True)
class HQProbe:
    online: bool
    configured: bool
    clock_skew_s: float | None = None
    error_zh: str = ""
    error_en: str = ""

    def error_message(self, language: str) -> str:
        return self.error_zh if language.startswith("zh") else self.error_en

    @property
    def clock_off(self) -> bool:
        return self.clock_skew_s is not None and abs(self.clock_skew_s) > MAX_CLOCK_SKEW.seconds


def make_client(ctx: ServiceContext, retry: RetryPolicy | None = None) -> HQClient | None:
    """A client for the configured HQ with the store token from the secret store."""
    if not ctx.hq_url:
        return None
    return HQClient(ctx.hq_url, ctx.secrets.get(TOKEN_KEY), verify=ctx.tls_verify, retry=retry)


def probe_hq(ctx: ServiceContext) -> HQProbe:
    """One health call; blocking, so the UI runs it in a worker. Records the clock skew."""
    client = make_client(ctx, INTERACTIVE_RETRY)
    if client is None:
        return HQProbe(online=False, configured=False)
    try:
        sent = ctx.clock()
        health = client.health()
        received = ctx.clock()
    except KnownError as exc:
        return HQProbe(online=False, configured=True, error_zh=exc.zh, error_en=exc.en)
    finally:
        client.close()
    skew = measured_skew(sent, received, health.server_time)
    record_skew(ctx, skew)
    return HQProbe(online=True, configured=True, clock_skew_s=skew)


def demo_member_code(ctx: ServiceContext, card_or_phone: str) -> MemberCode:
    """A member's dynamic QR token from HQ's member-app endpoint (the demo's "phone")."""
    client = make_client(ctx, INTERACTIVE_RETRY)
    if client is None:
        raise HQUnavailable("未配置总部地址。", "No HQ address is configured.")
    try:
        text = card_or_phone.strip()
        if len(text) == 16:
            return client.member_code(card_no=text)
        return client.member_code(phone=text)
    finally:
        client.close()
