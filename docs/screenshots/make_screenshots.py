"""Render the README screenshot of the main window offscreen: ``docs/screenshots/main-window.png``.

    .venv/bin/python docs/screenshots/make_screenshots.py

A throwaway cache gets one member as the sync brings them from HQ (gold tier, points, a
recorded drug allergy); a customer-service operator scans their card. Needs a CJK font
(Debian/Ubuntu: ``apt-get install fonts-noto-cjk``), or the Chinese renders as boxes.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from counter import services  # noqa: E402
from counter.codes import make_card_no  # noqa: E402
from counter.contract import parse_member_record  # noqa: E402
from counter.settings import Settings  # noqa: E402
from counter.sync.apply import apply_member_records  # noqa: E402
from ui.app import desktop_session  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.tasks import ImmediateRunner  # noqa: E402

CARD_NO = make_card_no("880000000000001")
MEMBER = {
    "id": "01890a5d-ac96-774b-bcce-000000000001",
    "seq": 1,
    "status": "active",
    "member_no": "1000000001",
    "name": "曾小明",
    "gender": "M",
    "birthday": "1985-11-20",
    "phone": "13812341234",
    "tier": "gold",
    "points": 1280,
    "updated_at": "2026-05-01T00:00:00Z",
    "cards": [{"card_no": CARD_NO, "status": "active"}],
    "health": {"allergies": ["青霉素", "磺胺类"], "chronic": [], "medicines": []},
}


def main(out: Path = ROOT / "docs" / "screenshots" / "main-window.png") -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(store_code="S001", data_dir=tmp, secret_store="file")
        ctx = services.open_context(settings)
        try:
            actor = services.create_operator(ctx, "李芳", "service", "2222")
            with ctx.db.bulk() as s:
                record = parse_member_record(MEMBER)
                apply_member_records(s, [record], ctx.cipher, dt.datetime.now(dt.UTC))
            with desktop_session(settings, language="zh_CN", no_dialogs=True) as app:
                window = MainWindow(ctx, settings, actor, ImmediateRunner(), language="zh_CN")
                window.resize(1280, 800)
                window.show()
                app.processEvents()
                QTest.keyClicks(window.lookupBar.input, CARD_NO)
                QTest.keyClick(window.lookupBar.input, Qt.Key.Key_Return)
                app.processEvents()
                out.parent.mkdir(parents=True, exist_ok=True)
                if not window.grab().save(str(out)):
                    raise SystemExit(f"could not write {out}")
                window.close()
        finally:
            ctx.close()
    print(out)
    return out


if __name__ == "__main__":
    main()
