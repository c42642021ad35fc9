"""The cache schema: migrations from empty and from the previous schema, pragmas, backups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from counter.store import migrate
from counter.store.db import Database
from counter.store.models import Base


def _tables(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def test_schema_head_constant_matches_alembic() -> None:
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == migrate.SCHEMA_HEAD


def test_migrate_from_empty_builds_exactly_the_models(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    result = migrate.upgrade(path)
    assert result.from_revision is None
    assert result.to_revision == migrate.SCHEMA_HEAD
    assert result.backup is None  # nothing to back up in a new file
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_migrate_from_previous_schema_keeps_data_and_copies_first(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    migrate.upgrade(path, "0001")
    assert "complaints" not in _tables(path)
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO members (id, member_no, name, name_pinyin, name_initials, gender, phone,"
        " phone_rev, email, address, tier, points, allergy_alert, status, origin, hq_seq,"
        " created_at, updated_at) VALUES ('m1', '1000000001', '张小明', 'zhangxiaoming', 'zxm',"
        " 'M', '13812345678', '87654321831', '', '', 'gold', 1200, 0, 'active', 'hq', 7,"
        " '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
    )
    con.commit()
    con.close()

    result = migrate.upgrade(path)

    assert (result.from_revision, result.to_revision) == ("0001", migrate.SCHEMA_HEAD)
    assert {"complaints", "complaint_notes", "audit_log", "sync_problems"} <= _tables(path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT name, points FROM members").fetchall() == [("张小明", 1200)]
    con.close()
    assert result.backup is not None and result.backup.exists()
    saved = sqlite3.connect(result.backup)
    assert saved.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert saved.execute("SELECT count(*) FROM members").fetchone() == (1,)
    saved.close()


def test_up_to_date_database_is_not_copied_again(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    migrate.upgrade(path)
    again = migrate.upgrade(path)
    assert again.backup is None
    assert list(tmp_path.glob("*.before-*")) == []


def test_connections_use_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    migrate.upgrade(path)
    db = Database(path)
    with db.read() as s:
        conn = s.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    with db.bulk() as s:
        assert s.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    with db.write() as s:
        assert s.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 2
    db.dispose()
