"""The HQ API client: plain ``requests``, explicit timeouts, bounded retries, typed failures.

Failures that mean "nothing was decided, try later" (no network, timeouts, 429, 5xx)
are retried a few times with exponential backoff and full jitter, honouring
``Retry-After`` (capped), and then raised as ``HQUnavailable``. Retrying is safe for
every call: reads change nothing, and ``POST /v1/ops`` is idempotent by op_id. An answer
we cannot read is ``HQProtocolError`` and is never retried or half-used. Neither is a
bug. The client only speaks HTTP; what to do with the answers is the engine's business.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import random
import time
import urllib.parse
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import requests

from counter import __version__
from counter.errors import AuthenticationError, KnownError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 30.0


class HQUnavailable(KnownError):
    code = "hq_unavailable"


class HQProtocolError(KnownError):
    code = "hq_protocol_error"


class HQRefused(HQProtocolError):
    """HQ answered with a 4xx error in the contract's shape; ``error_code`` is its code."""

    code = "hq_refused"

    def __init__(
        self, zh: str, en: str, *, status: int, error_code: str, details: Any, detail: str = ""
    ) -> None:
        super().__init__(zh, en, detail=detail)
        self.status = status
        self.error_code = error_code
        self.details = details


class EpochChanged(KnownError):
    """HQ's data is not the data our cursors describe (restored or re-created)."""

    code = "epoch_changed"

    def __init__(self, epoch: str) -> None:
        super().__init__(
            "总部数据已恢复或重建，本机将重新下载。",
            "HQ's data was restored or re-created; this counter downloads it afresh.",
            detail=epoch,
        )
        self.epoch = epoch


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``attempts`` tries; waits drawn from [0, min(cap, base·2^n)] (full jitter)."""

    attempts: int = 5
    base_s: float = 0.5
    cap_s: float = 30.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.cap_s)
        return rng.uniform(0.0, min(self.cap_s, self.base_s * (2**attempt)))


@dataclass(frozen=True)
class HQHealth:
    server_time: dt.datetime
    epoch: str
    api_version: str = ""
    # The last change sequence number HQ handed out (None: an HQ that does not say).
    head_seq: int | None = None


@dataclass(frozen=True)
class MemberCode:
    token: str
    member_no: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class ConfigAnswer:
    """``body`` is None when HQ said 304 (our ETag is current)."""

    body: dict[str, Any] | None
    etag: str


@dataclass(frozen=True)
class ChangesPage:
    """One page of a change feed; ``items`` are unparsed (the engine checks each record)."""

    items: list[Any]
    next_cursor: str
    has_more: bool


def _malformed(body: object) -> HQProtocolError:
    return HQProtocolError(
        "总部的回复格式不对。", "HQ's answer is malformed.", detail=str(body)[:500]
    )


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def plain_http(url: str) -> bool:
    """An ``http://`` HQ URL off this machine: the token and members' data would cross
    the network unencrypted (loopback is the demo and the tests)."""
    parts = urllib.parse.urlsplit(url.strip())
    host = parts.hostname or ""
    return parts.scheme == "http" and not (host in ("localhost", "::1") or host.startswith("127."))


PLAIN_HTTP_WARNING = (
    "HQ's URL is plain http:// ({url}): the store token and members' data cross the network "
    "unencrypted; use https://"
)


class HQClient:
    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        verify: bool = True,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeouts: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"MemberCounter/{__version__}"
        self.session.headers["Accept"] = "application/json"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        if not verify:
            log.warning(
                "TLS certificate verification of HQ is OFF (setting tls_verify=false): "
                "anyone on the network path can impersonate HQ"
            )
        if plain_http(base_url):
            log.warning(PLAIN_HTTP_WARNING.format(url=self.base_url))
        # Given with every request too: a session-wide False would lose to
        # REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (requests merges those over it).
        self.verify = verify
        self.session.verify = verify
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.timeouts = timeouts
        self._rng = random.Random()

    # ------------------------------------------------------------------ transport

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """Send with retries; returns a response that is neither 401, 429 nor 5xx."""
        url = f"{self.base_url}{path}"
        data = None
        send_headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
            send_headers["Content-Type"] = "application/json"
        last: KnownError | None = None
        for attempt in range(max(1, self.retry.attempts)):
            send_headers["X-Request-Id"] = str(uuid.uuid4())
            retry_after: float | None = None
            try:
                resp = self.session.request(
                    method, url, params=params, data=data, headers=send_headers,
                    timeout=self.timeouts, verify=self.verify,
                )  # fmt: skip
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,  # connection lost mid-answer
            ) as exc:
                last = HQUnavailable(
                    "无法连接总部。", "HQ cannot be reached.", detail=f"{url}: {exc}"
                )
            except requests.RequestException as exc:
                raise HQUnavailable(
                    "无法连接总部。", "HQ cannot be reached.", detail=f"{url}: {exc}"
                ) from exc
            else:
                if resp.status_code == 401:
                    raise AuthenticationError(
                        "总部拒绝了本店的令牌，请联系门店 IT。",
                        "HQ refused this store's token; call store IT.",
                        detail=resp.text[:500],
                    )
                if resp.status_code < 500 and resp.status_code != 429:
                    return resp
                retry_after = _retry_after(resp)
                last = HQUnavailable(
                    "总部暂时不可用。",
                    "HQ is temporarily unavailable.",
                    detail=f"{method} {path}: HTTP {resp.status_code} "
                    f"(request {send_headers['X-Request-Id']})",
                )
                resp.close()
            if attempt + 1 < self.retry.attempts:
                delay = self.retry.delay(attempt, retry_after, self._rng)
                log.info("HQ %s %s failed (%s); retrying in %.2f s", method, path, last, delay)
                self.sleep(delay)
        assert last is not None
        raise last

    def _json(self, resp: requests.Response) -> Any:
        try:
            return json.loads(resp.content)
        except ValueError as exc:
            raise HQProtocolError(
                "总部的回复无法读取。",
                "HQ's answer could not be read.",
                detail=f"HTTP {resp.status_code}: {resp.text[:500]}",
            ) from exc

    def _error(self, resp: requests.Response) -> KnownError:
        """The contract's error shape as a typed exception (409 epoch_changed has its own)."""
        body = self._json(resp)
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict) or not isinstance(error.get("code"), str):
            return _malformed(body)
        code = error["code"]
        raw_details = error.get("details")
        details: dict[str, Any] = raw_details if isinstance(raw_details, dict) else {}
        if resp.status_code == 409 and code == "epoch_changed":
            return EpochChanged(str(details.get("epoch", "")))
        message = str(error.get("message", ""))
        return HQRefused(
            f"总部拒绝了请求：{message or code}",
            f"HQ refused the request: {message or code}",
            status=resp.status_code,
            error_code=code,
            details=details,
            detail=f"HTTP {resp.status_code} {code}",
        )

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
    ) -> Any:
        resp = self._request(method, path, params=params, json_body=json_body)
        if resp.status_code >= 400:
            raise self._error(resp)
        return self._json(resp)

    # ------------------------------------------------------------------ the v1 routes

    def health(self) -> HQHealth:
        body = self._call("GET", "/v1/health")
        try:
            server_time = dt.datetime.fromisoformat(str(body["server_time"]).replace("Z", "+00:00"))
            if server_time.tzinfo is None:
                raise ValueError("naive server_time")
            head = body.get("head_seq")
            if head is not None and (type(head) is not int or head < 0):
                raise ValueError("head_seq is not a sequence number")
            return HQHealth(
                server_time=server_time,
                epoch=str(body["epoch"]),
                api_version=str(body.get("api_version", "")),
                head_seq=head,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _malformed(body) from exc

    def config(self, etag: str | None = None) -> ConfigAnswer:
        """HQ's rules; ``body`` None when unchanged since ``etag``."""
        headers = {"If-None-Match": etag} if etag else None
        resp = self._request("GET", "/v1/config", headers=headers)
        if resp.status_code == 304:
            return ConfigAnswer(None, etag or "")
        if resp.status_code >= 400:
            raise self._error(resp)
        body = self._json(resp)
        if not isinstance(body, dict) or not isinstance(body.get("points"), dict):
            raise _malformed(body)
        return ConfigAnswer(body, resp.headers.get("ETag") or str(body.get("version", "")))

    def _changes(
        self, path: str, cursor: str | None, limit: int, checkpoint: str | None = None
    ) -> ChangesPage:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        if checkpoint:
            params["checkpoint"] = checkpoint
        body = self._call("GET", path, params=params)
        if not isinstance(body, dict):
            raise _malformed(body)
        items, next_cursor, has_more = (
            body.get("items"),
            body.get("next_cursor"),
            body.get("has_more"),
        )
        if (
            not isinstance(items, list)
            or not isinstance(has_more, bool)
            or not (isinstance(next_cursor, str) and (next_cursor or not items))
        ):
            raise _malformed({k: body.get(k) for k in ("next_cursor", "has_more")})
        return ChangesPage(items, next_cursor or (cursor or ""), has_more)

    def member_changes(
        self, cursor: str | None, limit: int = 1000, checkpoint: str | None = None
    ) -> ChangesPage:
        """A page of member changes; ``checkpoint`` (this store's newest applied op_id)
        lets HQ notice that it lost it (409 epoch_changed, docs/sync.md "Epochs")."""
        return self._changes("/v1/members/changes", cursor, limit, checkpoint)

    def complaint_changes(self, cursor: str | None, limit: int = 1000) -> ChangesPage:
        return self._changes("/v1/complaints/changes", cursor, limit)

    def care_changes(self, cursor: str | None, limit: int = 1000) -> ChangesPage:
        """1.1: this store's care plans (an HQ without the feed answers 404)."""
        return self._changes("/v1/care/changes", cursor, limit)

    def lookup_member(self, *, card_no: str | None = None, phone: str | None = None) -> Any:
        """HQ's record of the member holding a card or phone, unparsed; None if none."""
        params = {"card_no": card_no} if card_no else {"phone": phone}
        resp = self._request("GET", "/v1/members/lookup", params=params)
        if resp.status_code == 404:
            error = self._error(resp)
            if isinstance(error, HQRefused) and error.error_code == "member_not_found":
                return None
            raise error
        if resp.status_code >= 400:
            raise self._error(resp)
        body = self._json(resp)
        if not isinstance(body, dict) or "member" not in body:
            raise _malformed(body)
        return body["member"]

    def push_ops(
        self, ops: Sequence[dict[str, Any]], checkpoint: str | None = None
    ) -> list[dict[str, Any]]:
        """Send a batch; one result per op, in order, each checked for its shape.

        ``checkpoint``: this store's newest applied op_id, which HQ checks it still has.
        """
        params = {"checkpoint": checkpoint} if checkpoint else None
        body = self._call("POST", "/v1/ops", params=params, json_body={"ops": list(ops)})
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list) or len(results) != len(ops):
            raise _malformed(body)
        for op, result in zip(ops, results, strict=True):
            if (
                not isinstance(result, dict)
                or result.get("op_id") != op["op_id"]
                or result.get("status") not in ("applied", "rejected")
            ):
                raise _malformed(result)
            if result["status"] == "applied":
                seq = result.get("seq")
                if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
                    raise _malformed(result)
            else:
                error = result.get("error")
                if not isinstance(error, dict) or not isinstance(error.get("code"), str):
                    raise _malformed(result)
        return results

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
            raise _malformed(answer) from exc

    def close(self) -> None:
        self.session.close()
