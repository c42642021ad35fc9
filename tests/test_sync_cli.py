"""``counter sync``, ``status`` and ``simulate`` as a person (or a script) runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import HQ

from counter import cli
from counter import settings as settings_mod
from counter.keystore import open_store
from counter.services.connection import TOKEN_KEY


def configure(monkeypatch: pytest.MonkeyPatch, root: Path, hq: HQ, store: str = "S001") -> Path:
    config_dir = root / "config"
    monkeypatch.setenv("COUNTER_CONFIG_DIR", str(config_dir))
    data = root / "data"
    settings_mod.save(
        settings_mod.Settings(
            store_code=store,
            hq_url=hq.url,
            data_dir=str(data),
            secret_store="file",
            sync_interval_s=1,
        ),
        config_dir,
    )
    open_store("file", data).set(TOKEN_KEY, hq.token(store))
    return data


def status_json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert cli.main(["status", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert isinstance(body, dict)
    return body


def test_simulated_day_syncs_cleanly_and_status_tells_the_states(
    hq: HQ, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hq.seed(50)
    configure(monkeypatch, tmp_path, hq)
    assert cli.main(["sync", "--once", "--quiet"]) == 0
    assert cli.main(["simulate", "--ops", "120", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "operations queued" in out
    body = status_json(capsys)
    queued = body["operations"]["pending"]
    assert queued > 100 and body["operations"]["applied"] == 0
    assert body["hq"]["reachable"] is True
    assert set(body["cursors"]) == {"members", "complaints", "care"}

    assert cli.main(["sync", "--once", "--quiet"]) == 0
    body = status_json(capsys)
    assert body["operations"]["pending"] == 0
    # Everything the simulation did is within HQ's rules: nothing was refused.
    assert body["operations"]["applied"] == queued and body["operations"]["rejected"] == 0
    assert body["open_problems"] == 0 and body["last_successful_sync"]


def test_sync_once_fails_with_exit_1_when_hq_is_down(
    hq: HQ, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(monkeypatch, tmp_path, hq)
    hq.stop()
    assert cli.main(["sync", "--once", "--quiet"]) == 1
    assert "hq_unavailable" in capsys.readouterr().err
    body = status_json(capsys)
    assert body["hq"]["reachable"] is False and body["last_successful_sync"] is None


def _shape(data: Path) -> list[tuple[Any, ...]]:
    """The simulated operations without ids and clock times: what the seed decides."""
    con_rows = sql_rows(data / "counter.db")
    shape = []
    for op_type, text in con_rows:
        p = json.loads(text)
        shape.append(
            (
                op_type,
                tuple(sorted(p)),
                p.get("points"),
                json.dumps(p.get("lines")),
                json.dumps(p.get("tenders")),
                p.get("changes", {}).get("address"),
                p.get("severity"),
            )
        )
    return shape


def sql_rows(path: Path) -> list[tuple[str, str]]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT type, payload FROM outbox ORDER BY seq").fetchall()
    finally:
        con.close()


def test_simulate_is_deterministic_for_a_seed(
    hq: HQ, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hq.seed(30)
    shapes = []
    for name in ("one", "two"):
        data = configure(monkeypatch, tmp_path / name, hq)
        assert cli.main(["sync", "--once", "--quiet"]) == 0
        assert cli.main(["simulate", "--ops", "40", "--seed", "11"]) == 0
        shapes.append(_shape(data))
    assert shapes[0] == shapes[1] and len(shapes[0]) >= 40  # health: consent + record
    assert {s[0] for s in shapes[0]} >= {"points.earn", "member.register", "complaint.create"}
