"""Plain SQL on the DBAPI cursor of a SQLAlchemy connection, for the op-applying hot path.

Building and caching a Core statement costs about a quarter of a millisecond per
execution; a batch of 500 ops runs thousands of small statements, which made pushing
10,000 ops take most of a minute. Here the SQL is fixed text, written once with ``?``
placeholders (turned into ``%s`` for psycopg) and run on the raw cursor of the same
connection, inside the same transaction and savepoints.

Values are converted the way SQLAlchemy's column types store them, so Core, the ORM and
this module read and write the same rows: on SQLite, UTC times are naive text
``YYYY-MM-DD HH:MM:SS.ffffff``, dates ``YYYY-MM-DD`` and booleans 1/0; on PostgreSQL the
driver's own types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection


class FastSQL:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        self._cursor = dbapi.cursor()  # one cursor, reused: each result is read at once
        self._texts: dict[str, str] = {}
        self._inserts: dict[tuple[str, tuple[str, ...]], str] = {}
        self._updates: dict[tuple[str, str, tuple[str, ...]], str] = {}

    def _text(self, sql: str) -> str:
        text = self._texts.get(sql)
        if text is None:
            text = sql if self.sqlite else sql.replace("?", "%s")
            self._texts[sql] = text
        return text

    def run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self._cursor.execute(self._text(sql), tuple(params))
        return self._cursor

    def script(self, *statements: str) -> None:
        """Statements without parameters; on PostgreSQL all in one round trip."""
        if self.sqlite:
            for statement in statements:
                self._cursor.execute(statement)
        else:
            self._cursor.execute("; ".join(statements))

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row = self.run(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.run(sql, params).fetchall()]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(self.run(sql, params).rowcount)

    def insert(self, table: str, values: dict[str, Any]) -> None:
        """``INSERT INTO table`` of ``values`` (column: Python value, converted as stored)."""
        columns = tuple(values)
        sql = self._inserts.get((table, columns))
        if sql is None:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            self._inserts[(table, columns)] = sql
        self.run(sql, [self.value(v) for v in values.values()])

    def update(self, table: str, key: str, key_value: Any, values: dict[str, Any]) -> int:
        """``UPDATE table SET …`` of ``values`` for the row whose ``key`` is ``key_value``."""
        columns = tuple(values)
        sql = self._updates.get((table, key, columns))
        if sql is None:
            sets = ", ".join(f"{c} = ?" for c in columns)
            sql = f"UPDATE {table} SET {sets} WHERE {key} = ?"
            self._updates[(table, key, columns)] = sql
        return self.execute(sql, [*(self.value(v) for v in values.values()), key_value])

    # ---- values in and out

    def time(self, value: dt.datetime | None) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        if not self.sqlite:
            return value
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")

    def date(self, value: dt.date | None) -> Any:
        if value is None:
            return None
        return value.isoformat() if self.sqlite else value

    def bool(self, value: bool) -> Any:
        return int(value) if self.sqlite else value

    def value(self, value: Any) -> Any:
        """Any value as its column stores it: times, dates and booleans converted."""
        if isinstance(value, dt.datetime):
            return self.time(value)
        if isinstance(value, dt.date):
            return self.date(value)
        if isinstance(value, bool):
            return self.bool(value)
        return value

    @staticmethod
    def read_time(value: Any) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    @staticmethod
    def read_date(value: Any) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        assert isinstance(value, dt.date)
        return value
