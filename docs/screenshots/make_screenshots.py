"""Render the README screenshots offscreen, into ``docs/screenshots/``:

* ``main-window.png``: at 1366×768, a cashier has scanned a member's card (masked name and
  phone, the allergy banner, birthday-month and member-day badges, points expiring soon, last
  visits) and the last sync's summary is in the status bar;
* ``main-window-1024.png``: the same at 1024×768, the status message wrapped;
* ``pick-list.png``: the last four digits of a phone fit several members: masked, told apart
  by birth year, gender, district and the last visit here;
* ``lock-screen.png``: the locked counter: the operators numbered, then the PIN;
* ``member-phone.png``: the demo's member phone with a dynamic member code.

    .venv/bin/python docs/screenshots/make_screenshots.py

A throwaway cache gets members as the sync brings them from HQ; the service clock is stopped
on 8 November 2026 (a member day) so the badges show. Scans go through the real scanner
filter. The member code is signed here with a throwaway key, as HQ's member app would sign
it, so no HQ needs to run. Needs a CJK font (Debian/Ubuntu: ``apt-get install
fonts-noto-cjk``), or the Chinese renders as boxes.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from counter import codes, services  # noqa: E402
from counter.codes import make_card_no  # noqa: E402
from counter.contract import parse_member_record  # noqa: E402
from counter.settings import Settings  # noqa: E402
from counter.sync.apply import apply_member_records  # noqa: E402
from counter.sync.engine import SyncReport  # noqa: E402
from ui.member.member_phone import QR_BOX, ShownCode  # noqa: E402
from ui.shell.app import desktop_session  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402
from ui.shell.sync_controller import SyncOutcome  # noqa: E402
from ui.shell.tasks import ImmediateRunner  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
NOW = dt.datetime(2026, 11, 8, 2, 30, tzinfo=dt.UTC)  # 10:30 in China, the 8th: member day


def record(i: int, name: str, phone: str, **extra: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": f"01890a5d-ac96-774b-bcce-{i:012d}",
        "seq": i,
        "status": "active",
        "member_no": f"{1000000000 + i}",
        "name": name,
        "gender": "F",
        "birthday": "1990-03-15",
        "phone": phone,
        "tier": "basic",
        "points": 60 * i,
        "updated_at": "2026-11-01T00:00:00Z",
        "cards": [{"card_no": make_card_no(f"{880000000000000 + i}"), "status": "active"}],
    }
    rec.update(extra)
    return rec


MEMBERS = [
    record(
        1,
        "曾小明",
        "13812341234",
        gender="M",
        birthday="1985-11-20",
        tier="gold",
        points=1280,
        health={"allergies": ["青霉素", "磺胺类"], "chronic": [], "medicines": []},
        points_expiring=[
            {"points": 300, "expires_on": "2026-12-31"},
            {"points": 120, "expires_on": "2027-01-31"},
        ],
        recent_visits=[
            {"at": "2026-11-06T03:12:00Z", "store_code": "S001", "amount_fen": 4250},
            {"at": "2026-10-21T10:40:00Z", "store_code": "S001", "amount_fen": 12880},
            {"at": "2026-10-02T07:05:00Z", "store_code": "S014", "amount_fen": 3600},
        ],
    ),
    record(
        2,
        "张伟强",
        "15012341234",
        tier="silver",
        gender="M",
        birthday="1962-04-03",
        address="上海市静安区南京西路1266号",
        recent_visits=[{"at": "2026-10-30T02:00:00Z", "store_code": "S001", "amount_fen": 880}],
    ),
    record(
        3,
        "李秀英",
        "18912341234",
        tier="basic",
        birthday="1979-09-09",
        address="上海市徐汇区漕溪北路88号",
    ),
    record(
        4,
        "欧阳娜娜",
        "13601231234",
        tier="gold",
        birthday="1994-01-20",
        address="上海市浦东新区张杨路500号",
        recent_visits=[{"at": "2026-11-02T09:00:00Z", "store_code": "S001", "amount_fen": 5600}],
    ),
    record(5, "王芳", "13900005678"),
]


def load(ctx: services.ServiceContext) -> None:
    ctx.clock = lambda: NOW
    with ctx.db.bulk() as s:
        apply_member_records(s, [parse_member_record(r) for r in MEMBERS], ctx.cipher, NOW)


def save(widget: QWidget, name: str) -> Path:
    QApplication.processEvents()
    path = OUT / name
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)
    return path


def main() -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(store_code="S001", data_dir=tmp, secret_store="file")
        ctx = services.open_context(settings)
        try:
            cashier = services.create_operator(ctx, "李娜", "cashier", "1111")
            services.create_operator(ctx, "王芳", "service", "2222")
            services.create_operator(ctx, "陈刚", "manager", "3333")
            load(ctx)
            with desktop_session(settings, language="zh_CN", no_dialogs=True) as app:
                window = MainWindow(
                    ctx, settings, cashier, ImmediateRunner(), language="zh_CN", demo=True
                )
                window.resize(1366, 768)
                window.show()
                window.activateWindow()
                app.processEvents()

                window.scanner.feed(MEMBERS[0]["cards"][0]["card_no"])
                synced = SyncReport(NOW, NOW, pushed=3, pulled_members=12, pulled_complaints=1)
                probe = services.HQProbe(online=True, configured=True)
                window.statusBarWidget.show_outcome(SyncOutcome(probe, synced, announce=True))
                written.append(save(window, "main-window.png"))
                window.resize(1024, 768)
                app.processEvents()
                written.append(save(window, "main-window-1024.png"))
                window.resize(1366, 768)

                field = window.lookupBar.input
                QTest.keyClicks(field, "1234", delay=60)  # a person: slower than a scanner
                QTest.qWait(80)
                QTest.keyClick(field, Qt.Key.Key_Return)
                QTest.qWait(400)  # the field's clear button fades out
                written.append(save(window, "pick-list.png"))

                window.lock()
                written.append(save(window, "lock-screen.png"))
                window.unlock(cashier)

                window.open_member_phone()
                phone = window.memberPhone
                assert phone is not None
                key = codes.new_signing_key()
                token = codes.mint_member_token(key, 1, "1000000001", NOW)
                image = codes.render_qr(token, box_size=QR_BOX).convert("L")
                phone.memberInput.setEditText(MEMBERS[0]["cards"][0]["card_no"])
                phone.member_key = phone.memberInput.currentText()
                phone.display(
                    ShownCode(
                        token,
                        "1000000001",
                        NOW + codes.DEFAULT_TTL,
                        image.width,
                        image.height,
                        image.tobytes(),
                    )
                )
                phone.ticker.stop()
                phone.adjustSize()
                written.append(save(phone, "member-phone.png"))
                phone.close()
                window.close()
        finally:
            ctx.close()
    return written


if __name__ == "__main__":
    main()
