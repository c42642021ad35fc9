"""The HQ API client: plain ``requests``, explicit timeouts, typed failures.

Failures that mean "nothing was decided, try later" (no network, timeouts, 5xx) are
``HQUnavailable``; an answer we cannot read is ``HQProtocolError``. Neither is a bug.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import requests

from counter import __version__
from counter.errors import AuthenticationError, KnownError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 15.0


class HQUnavailable(KnownError):
    code = "hq_unavailable"


class HQProtocolError(KnownError):
    code = "hq_protocol_error"


@dataclass(frozen=True)
class HQHealth:
    server_time: dt.datetime
    epoch: str


@dataclass(frozen=True)
class MemberCode:
    token: str
    member_no: str
    expires_at: dt.datetime


class HQClient:
    def __init__(self, base_url: str, token: str | None, *, verify: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"MemberCounter/{__version__}"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        if not verify:
            log.warning("TLS certificate verification of HQ is OFF (setting tls_verify=false)")
        self.session.verify = verify

    def _get(self, path: str, **params: Any) -> Any:
        return self._call("GET", path, params=params or None)

    def _call(self, method: str, path: str, *, params: Any = None, json_body: Any = None) -> Any:
        url = f"{self.base_url}{path}"
        try:
            resp = self.session.request(
                method,
                url,
                params=params,
                json=json_body,
                timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
            )
        except requests.RequestException as exc:
            raise HQUnavailable(
                "无法连接总部。", "HQ cannot be reached.", detail=f"{url}: {exc}"
            ) from exc
        if resp.status_code == 401:
            raise AuthenticationError(
                "总部拒绝了本店的令牌，请联系门店 IT。",
                "HQ refused this store's token; call store IT.",
                detail=resp.text[:500],
            )
        if resp.status_code >= 500 or resp.status_code == 429:
            raise HQUnavailable(
                "总部暂时不可用。",
                "HQ is temporarily unavailable.",
                detail=f"HTTP {resp.status_code}",
            )
        try:
            body = resp.json()
        except ValueError as exc:
            raise HQProtocolError(
                "总部的回复无法读取。", "HQ's answer could not be read.", detail=resp.text[:500]
            ) from exc
        if resp.status_code >= 400:
            raise HQProtocolError(
                "总部拒绝了请求。", "HQ refused the request.", detail=str(body)[:500]
            )
        return body

    def health(self) -> HQHealth:
        body = self._get("/v1/health")
        try:
            server_time = dt.datetime.fromisoformat(str(body["server_time"]).replace("Z", "+00:00"))
            return HQHealth(server_time=server_time, epoch=str(body["epoch"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise HQProtocolError(
                "总部的回复格式不对。", "HQ's answer is malformed.", detail=str(body)[:500]
            ) from exc

    def member_code(self, *, card_no: str | None = None, phone: str | None = None) -> MemberCode:
        """A fresh dynamic member QR token, as HQ's member app gets it (used by the demo)."""
        body = {"card_no": card_no} if card_no else {"phone": phone}
        answer = self._call("POST", "/v1/member-app/code", json_body=body)
        try:
            return MemberCode(
                token=str(answer["token"]),
                member_no=str(answer["member_no"]),
                expires_at=dt.datetime.fromisoformat(
                    str(answer["expires_at"]).replace("Z", "+00:00")
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise HQProtocolError(
                "总部的回复格式不对。", "HQ's answer is malformed.", detail=str(answer)[:500]
            ) from exc

    def close(self) -> None:
        self.session.close()
