"""A user's write and its outbox row are one transaction: a SIGKILL between them leaves neither.

A real child process registers a member through the service layer and stops itself at
a chosen point inside the transaction; the test kills it with SIGKILL there and then
opens the same SQLite file.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from counter import services
from counter.settings import Settings

CHILD = textwrap.dedent(
    """
    import sys, time
    from sqlalchemy import event
    from counter import services
    from counter.settings import Settings
    from counter.store.models import OutboxOp

    data_dir, mode = sys.argv[1], sys.argv[2]
    ctx = services.open_context(Settings(store_code="S001", data_dir=data_dir,
                                         secret_store="file"))
    actor = services.create_operator(ctx, "王芳", "service", "2222")

    def pause(*_args):
        print("PAUSED", flush=True)
        time.sleep(60)

    if mode == "before-outbox":
        event.listen(OutboxOp, "before_insert", pause)  # member row already flushed
    elif mode == "before-commit":
        event.listen(ctx.db.engine, "commit", pause)  # every row written, COMMIT not yet
    view = services.register_member(ctx, actor, services.MemberForm(
        name="张小明", phone="13812345678", card_no="8000000000000011"))
    print("COMMITTED " + view.id, flush=True)
    if mode == "after-commit":
        time.sleep(60)
    """
)


def _run_and_kill(tmp_path: Path, mode: str) -> tuple[Path, str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    data_dir = tmp_path / "data"
    with subprocess.Popen(
        [sys.executable, str(script), str(data_dir), mode],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return data_dir / "counter.db", line


def _counts(db: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(db)
    try:
        members = con.execute("SELECT count(*) FROM members").fetchone()[0]
        cards = con.execute("SELECT count(*) FROM cards").fetchone()[0]
        ops = con.execute("SELECT count(*) FROM outbox").fetchone()[0]
        return members, cards, ops
    finally:
        con.close()


@pytest.mark.parametrize("mode", ["before-outbox", "before-commit"])
def test_kill_inside_the_transaction_leaves_neither(tmp_path: Path, mode: str) -> None:
    db, line = _run_and_kill(tmp_path, mode)
    assert line == "PAUSED"
    assert _counts(db) == (0, 0, 0)


def test_kill_after_commit_keeps_both_exactly_once(tmp_path: Path) -> None:
    db, line = _run_and_kill(tmp_path, "after-commit")
    assert line.startswith("COMMITTED ")
    member_id = line.split()[1]
    assert _counts(db) == (1, 1, 1)
    con = sqlite3.connect(db)
    op_type, op_member, payload = con.execute(
        "SELECT type, member_id, payload FROM outbox"
    ).fetchone()
    con.close()
    assert (op_type, op_member) == ("member.register", member_id)
    assert json.loads(payload)["card_no"] == "8000000000000011"


def test_refused_write_leaves_no_outbox_row(
    ctx: services.ServiceContext, service_actor: services.Actor, settings: Settings
) -> None:
    services.register_member(ctx, service_actor, services.MemberForm("张小明", "13812345678"))
    with pytest.raises(services.ValidationError):
        services.register_member(ctx, service_actor, services.MemberForm("张大明", "13812345678"))
    assert _counts(settings.db_path) == (1, 0, 1)
