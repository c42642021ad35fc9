"""Helpers for the sync tests: HQ's truth read through the contract, the cache's rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from counter import services
from counter.contract import parse_member_record
from counter.services.connection import make_client
from counter.settings import Settings


class Counter:
    """One store's counter: its own cache and settings, pointed at a running HQ."""

    def __init__(self, root: Path, store_code: str, hq_url: str, token: str) -> None:
        from counter.keystore import open_store
        from counter.services.connection import TOKEN_KEY

        self.settings = Settings(
            store_code=store_code, hq_url=hq_url, data_dir=str(root), secret_store="file"
        )
        open_store("file", self.settings.data_path).set(TOKEN_KEY, token)
        self.ctx = services.open_context(self.settings)
        self.actor = services.create_operator(self.ctx, "王芳", "service", "2222")

    def close(self) -> None:
        self.ctx.close()


class HQ:
    """The reference HQ on 127.0.0.1 with its own database file; stores added on demand."""

    def __init__(self, root: Path) -> None:
        from hq.db import init_db

        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.url_db = f"sqlite:///{root / 'hq.db'}"
        init_db(self.url_db).dispose()
        self.server: Any = None
        self.tokens: dict[str, str] = {}
        self.counters: list[Counter] = []

    def start(self, port: int = 0) -> None:
        from hq.server import start_in_thread

        self.server = start_in_thread(self.url_db, port=port)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.url)

    def seed(self, n: int) -> None:
        from hq.seed import seed_members

        seed_members(self.url_db, n)

    def token(self, store_code: str) -> str:
        from hq.stores import add_store

        if store_code not in self.tokens:
            self.tokens[store_code] = add_store(self.url_db, store_code, f"门店 {store_code}")
        return self.tokens[store_code]

    def counter(self, store_code: str = "S001", name: str = "") -> Counter:
        root = self.root / f"counter-{name or store_code}-{len(self.counters)}"
        c = Counter(root, store_code, self.url, self.token(store_code))
        self.counters.append(c)
        return c


def hq_members(ctx: services.ServiceContext) -> dict[str, dict[str, Any]]:
    """Every member as HQ's feed gives it from the start (tombstones included)."""
    client = make_client(ctx)
    assert client is not None
    out: dict[str, dict[str, Any]] = {}
    cursor: str | None = None
    try:
        while True:
            page = client.member_changes(cursor, 5000)
            for item in page.items:
                rec = parse_member_record(item)
                out[rec["id"]] = rec
            cursor = page.next_cursor
            if not page.has_more:
                return out
    finally:
        client.close()


def hq_member(
    ctx: services.ServiceContext, *, card_no: str | None = None, phone: str | None = None
) -> dict[str, Any]:
    client = make_client(ctx)
    assert client is not None
    try:
        item = client.lookup_member(card_no=card_no, phone=phone)
    finally:
        client.close()
    assert item is not None
    return parse_member_record(item)


def cache_members(ctx: services.ServiceContext) -> dict[str, tuple[Any, ...]]:
    """Active cached members as (name, phone, tier, points, hq_seq, active cards)."""
    con = sqlite3.connect(ctx.db.path)
    try:
        rows = con.execute(
            "SELECT m.id, m.name, m.phone, m.tier, m.points, m.hq_seq, "
            "(SELECT group_concat(card_no) FROM (SELECT card_no FROM cards c "
            " WHERE c.member_id = m.id AND c.status = 'active' ORDER BY card_no)) "
            "FROM members m WHERE m.status = 'active'"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: (r[1], r[2], r[3], r[4], r[5], r[6] or "") for r in rows}


def as_cached(records: dict[str, dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {
        rid: (
            r["name"],
            r["phone"],
            r["tier"],
            r["points"],
            r["seq"],
            ",".join(sorted(c["card_no"] for c in r["cards"] if c["status"] == "active")),
        )
        for rid, r in records.items()
        if r["status"] == "active"
    }


def outbox_states(ctx: services.ServiceContext) -> list[tuple[str, str]]:
    con = sqlite3.connect(ctx.db.path)
    try:
        return [(t, s) for t, s in con.execute("SELECT type, state FROM outbox ORDER BY seq")]
    finally:
        con.close()


def sql(ctx: services.ServiceContext, query: str, *args: Any) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(ctx.db.path)
    try:
        return con.execute(query, args).fetchall()
    finally:
        con.close()


def payload(ctx: services.ServiceContext, op_id: str) -> dict[str, Any]:
    """The op's payload as HQ receives it (health unsealed)."""
    from counter.store.outbox_health import open_payload

    (text,) = sql(ctx, "SELECT payload FROM outbox WHERE op_id = ?", op_id)[0]
    value = open_payload(ctx.cipher, op_id, text)
    assert isinstance(value, dict)
    return value
