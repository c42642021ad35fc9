"""Helpers for the HQ sync tests: a store's HTTP client and builders of contract ops."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from counter.codes import make_card_no
from counter.contract import parse_member_record
from counter.ids import uuid7
from counter.rules import PointsRules, earn_points
from hq.db import init_db
from hq.seed import seed_members
from hq.server import RunningHQ, start_in_thread
from hq.stores import add_store

TIMEOUT = 30
CREATED = "2026-11-20T02:00:00Z"
SOLD_AT = "2026-11-02T03:00:00Z"  # not a member day, so only the tier multiplies


def new_phone() -> str:
    return f"166{uuid.uuid4().int % 10**8:08d}"


def new_card() -> str:
    return make_card_no(f"99{uuid.uuid4().int % 10**13:013d}")


class Store:
    """One store's counter, talking plain HTTP to a real HQ."""

    def __init__(self, url: str, token: str, code: str) -> None:
        self.url = url.rstrip("/")
        self.code = code
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(self.url + path, params=params or None, timeout=TIMEOUT)

    def post(self, path: str, body: Any) -> requests.Response:
        return self.session.post(self.url + path, json=body, timeout=TIMEOUT)

    def push(self, *ops: dict[str, Any]) -> list[dict[str, Any]]:
        resp = self.post("/v1/ops", {"ops": list(ops)})
        assert resp.status_code == 200, resp.text
        results: list[dict[str, Any]] = resp.json()["results"]
        assert [r["op_id"] for r in results] == [
            o.get("op_id") if isinstance(o, dict) else None for o in ops
        ]
        return results

    def one(self, op: dict[str, Any]) -> dict[str, Any]:
        (result,) = self.push(op)
        return result

    def applied(self, op: dict[str, Any]) -> dict[str, Any]:
        result = self.one(op)
        assert result["status"] == "applied", result
        assert result["replayed"] is False
        return result

    def rejected(self, op: dict[str, Any], code: str) -> dict[str, Any]:
        result = self.one(op)
        assert result["status"] == "rejected", result
        assert result["error"]["code"] == code, result
        assert "seq" not in result and "entity" not in result
        error: dict[str, Any] = result["error"]
        return error

    def op(self, op_type: str, payload: dict[str, Any], **envelope: Any) -> dict[str, Any]:
        return {
            "op_id": envelope.get("op_id", uuid7()),
            "type": op_type,
            "created_at": envelope.get("created_at", CREATED),
            "store_code": envelope.get("store_code", self.code),
            "operator_id": envelope.get("operator_id", "op-1"),
            "payload": payload,
        }

    # ---- builders

    def register(
        self,
        member_id: str | None = None,
        phone: str | None = None,
        name: str = "张小明",
        card_no: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        payload = {
            "member_id": member_id or str(uuid.uuid4()),
            "name": name,
            "phone": phone or new_phone(),
            **fields,
        }
        if card_no is not None:
            payload["card_no"] = card_no
        return self.op("member.register", payload)

    def new_member(self, **fields: Any) -> dict[str, Any]:
        """Register a member; returns its record (checked by the counter's parser)."""
        result = self.applied(self.register(**fields))
        return parse_member_record(result["entity"])

    def earn(
        self,
        member_id: str,
        receipt_no: str,
        amount_fen: int,
        *,
        points: int | None = None,
        tier: str = "basic",
        birthday: dt.date | None = None,
        sold_at: str = SOLD_AT,
        category: str = "otc",
        **envelope: Any,
    ) -> dict[str, Any]:
        lines = [{"category": category, "amount_fen": amount_fen}]
        tenders = [{"kind": "cash", "amount_fen": amount_fen}]
        if points is None:
            points = earn_points(
                PointsRules(),
                lines=lines,
                tenders=tenders,
                tier=tier,
                birthday=birthday,
                sold_at=dt.datetime.fromisoformat(sold_at.replace("Z", "+00:00")),
            )
        return self.op(
            "points.earn",
            {
                "member_id": member_id,
                "receipt_no": receipt_no,
                "sold_at": sold_at,
                "lines": lines,
                "tenders": tenders,
                "points": points,
            },
            **envelope,
        )

    def redeem(
        self, member_id: str, points: int, *, offline: bool = False, **envelope: Any
    ) -> dict[str, Any]:
        return self.op(
            "points.redeem",
            {"member_id": member_id, "points": points, "reason": "gift", "offline": offline},
            **envelope,
        )

    def complaint(self, complaint_id: str | None = None, **fields: Any) -> dict[str, Any]:
        payload = {
            "complaint_id": complaint_id or str(uuid.uuid4()),
            "customer_name": "李女士",
            "category": "waiting_time",
            "severity": "high",
            "channel": "counter",
            "description": "排队太久",
            "created_at": CREATED,
            **fields,
        }
        return self.op("complaint.create", payload)

    def complaint_update(self, complaint_id: str, **fields: Any) -> dict[str, Any]:
        return self.op("complaint.update", {"complaint_id": complaint_id, **fields})

    # ---- feeds

    def pages(
        self, path: str = "/v1/members/changes", cursor: str | None = None, limit: int = 5000
    ) -> Iterator[dict[str, Any]]:
        while True:
            params: dict[str, Any] = {"limit": limit}
            if cursor is not None:
                params["cursor"] = cursor
            resp = self.get(path, **params)
            assert resp.status_code == 200, resp.text
            page: dict[str, Any] = resp.json()
            yield page
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return

    def pull(
        self, path: str = "/v1/members/changes", cursor: str | None = None, limit: int = 5000
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Every item after ``cursor`` and the cursor to go on from."""
        items: list[dict[str, Any]] = []
        for page in self.pages(path, cursor, limit):
            items.extend(page["items"])
            cursor = page["next_cursor"]
        return items, cursor


def seqs(items: Sequence[dict[str, Any]]) -> list[int]:
    return [int(i["seq"]) for i in items]


@dataclass
class Databases:
    """Fresh, empty HQ databases on one backend: SQLite files, or PostgreSQL schemas.

    On PostgreSQL every database is a schema of its own in $HQ_TEST_POSTGRES_URL's
    database, named in the URL (``options=-csearch_path=…``) so that an ``hq serve``
    subprocess given the URL uses it too. The schemas are dropped afterwards.
    """

    backend: str
    folder: Path
    pg_url: str | None = None
    schemas: list[str] = field(default_factory=list)

    def new_url(self) -> str:
        if self.backend == "sqlite":
            path = self.folder / f"hq-{uuid.uuid4().hex[:8]}.db"
            return f"sqlite:///{path}"
        assert self.pg_url is not None
        schema = f"hqt_{uuid.uuid4().hex[:12]}"
        admin = create_engine(self.pg_url)
        try:
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
        finally:
            admin.dispose()
        self.schemas.append(schema)
        separator = "&" if "?" in self.pg_url else "?"
        return f"{self.pg_url}{separator}options=-csearch_path%3D{schema}"

    def drop_all(self) -> None:
        if not self.schemas or self.pg_url is None:
            return
        admin = create_engine(self.pg_url)
        try:
            with admin.begin() as conn:
                for schema in self.schemas:
                    conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        finally:
            admin.dispose()
        self.schemas.clear()


@dataclass
class HQEnv:
    """A running HQ (real server, real socket) over a fresh database, with two stores."""

    url: str
    db_url: str
    engine: Engine
    tokens: dict[str, str]
    server: RunningHQ

    def store(self, code: str = "S1") -> Store:
        return Store(self.server.url, self.tokens[code], code)


def start_env(db_url: str, members: int = 0) -> HQEnv:
    engine = init_db(db_url)
    if members:
        seed_members(engine, members)
    tokens = {code: add_store(engine, code, f"门店{code}") for code in ("S1", "S2")}
    server = start_in_thread(engine)
    return HQEnv(server.url, db_url, engine, tokens, server)


def stop_env(env: HQEnv) -> None:
    env.server.stop()
    env.engine.dispose()
