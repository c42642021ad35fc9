"""A card the cache doesn't know yet is asked of HQ (in the worker), shown, and cached."""

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import text

from counter import services
from counter.services.connection import TOKEN_KEY
from ui.shell.tasks import TaskRunner

_REPO = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [_REPO]:
    sys.path.insert(0, _REPO)


def test_unknown_card_is_fetched_from_hq_then_found_offline(
    qtbot, ctx, staff, make_window, tmp_path
):
    from hq.db import init_db
    from hq.seed import seed_members
    from hq.server import start_in_thread
    from hq.stores import add_store

    engine = init_db(f"sqlite:///{tmp_path / 'hq.db'}")
    seed_members(engine, 20)
    token = add_store(engine, ctx.store_code, "测试门店")
    with engine.connect() as conn:
        card_no = conn.execute(
            text("SELECT card_no FROM cards ORDER BY card_no LIMIT 1")
        ).scalar_one()
    server = start_in_thread(engine)
    try:
        ctx.hq_url = server.url
        ctx.secrets.set(TOKEN_KEY, token)
        assert services.lookup(ctx, staff.service, card_no).outcome == "not_found"

        window = make_window(staff.service, runner=TaskRunner())
        field = window.lookupBar.input
        qtbot.keyClicks(field, card_no)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        message = window.findChild(QLabel, "lookupMessage")
        qtbot.waitUntil(lambda: window.memberPanel.view is not None, timeout=10_000)
        assert message.property("tone") == "found"
        assert card_no in window.memberPanel.view.card_nos
        # Cached: the next lookup needs no HQ.
        server.stop()
        assert services.lookup(ctx, staff.service, card_no).outcome == "found"
    finally:
        server.stop()
        engine.dispose()
