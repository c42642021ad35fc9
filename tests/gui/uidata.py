"""Test data shared by the GUI tests (imported by name: tests/gui is on sys.path)."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from counter.codes import make_card_no, public_key_b64
from counter.contract import parse_member_record
from counter.services import ServiceContext
from counter.settings import Settings
from counter.store.models import KeyValue
from counter.sync.apply import apply_member_records

CARD_NO = make_card_no("620000000000001")
UNKNOWN_CARD = make_card_no("620000000000999")
BAD_CARD = CARD_NO[:-1] + str((int(CARD_NO[-1]) + 1) % 10)
MEMBER_NAME = "张小明"
MEMBER_PHONE = "13812345678"
PINS = {"cashier": "1234", "service": "2345", "manager": "3456"}


def type_with_ime(widget: QWidget, text: str) -> None:
    """Chinese arrives as an input-method commit, as it does from a real IME.

    (``QTest.keyClicks`` only simulates keys, and Chinese characters have none.)
    """
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "store_code": "S001",
        "data_dir": str(tmp_path),
        "secret_store": "file",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


HQ_CARD_NO = make_card_no("880000000000001")


def load_hq_member(ctx: ServiceContext, **extra: Any) -> str:
    """A member as the sync brings them from HQ (gold tier, 1,280 points, an allergy)."""
    record: dict[str, Any] = {
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
        "cards": [{"card_no": HQ_CARD_NO, "status": "active"}],
        "health": {"allergies": ["青霉素", "磺胺类"], "chronic": [], "medicines": []},
    }
    record.update(extra)
    with ctx.db.bulk() as s:
        apply_member_records(s, [parse_member_record(record)], ctx.cipher, ctx.clock())
    return str(record["id"])


def hq_record(i: int, name: str, phone: str, **extra: Any) -> dict[str, Any]:
    """Member ``i`` as HQ's change feed sends it: card 8800…i, member no. 10000000i."""
    record: dict[str, Any] = {
        "id": f"01890a5d-ac96-774b-bcce-{i:012d}",
        "seq": i,
        "status": "active",
        "member_no": f"{1000000000 + i}",
        "name": name,
        "gender": "F",
        "birthday": "1990-03-15",
        "phone": phone,
        "tier": "silver",
        "points": 100 * i,
        "updated_at": "2026-05-01T00:00:00Z",
        "cards": [{"card_no": hq_card(i), "status": "active"}],
    }
    record.update(extra)
    return record


def hq_card(i: int) -> str:
    return make_card_no(f"{880000000000000 + i}")


def load_records(ctx: ServiceContext, records: list[dict[str, Any]]) -> None:
    with ctx.db.bulk() as s:
        apply_member_records(s, [parse_member_record(r) for r in records], ctx.cipher, ctx.clock())


def trust_qr_key(ctx: ServiceContext, key: Ed25519PrivateKey, key_id: int = 7) -> None:
    """HQ's config as the sync caches it, listing ``key`` for member QR codes."""
    value = json.dumps({"qr_keys": {str(key_id): public_key_b64(key)}})
    with ctx.db.write() as s:
        s.merge(KeyValue(key="hq_config", value=value))


class ScanClock:
    """The scanner filter's clock in milliseconds, moved only by the test."""

    def __init__(self) -> None:
        self.ms = 1_000_000.0

    def __call__(self) -> float:
        return self.ms

    def advance(self, ms: float) -> None:
        self.ms += ms


def scanner_sends(
    qtbot: Any, widget: QWidget, clock: ScanClock, text: str, *, gap_ms: float = 4, end: str = "\r"
) -> None:
    """Keys as a keyboard-wedge scanner sends them: one every ``gap_ms``, then ``end``."""
    for char in text + end:
        clock.advance(gap_ms)
        if char == "\r":
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        elif char == "\t":
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
        else:
            qtbot.keyClick(widget, char)


def person_types(
    qtbot: Any, widget: QWidget, clock: ScanClock, text: str, gap_ms: float = 180
) -> None:
    """Keys as a quick person types them: far slower than any scanner."""
    for char in text:
        clock.advance(gap_ms)
        qtbot.keyClick(widget, char)


# 10:00 in China on 8 November 2026: a member day (the 8th) in 曾小明's birthday month.
NOW = dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC)
QR_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
COUNTER_MEMBERS = [
    hq_record(
        1,
        "曾小明",
        "13812341234",
        tier="gold",
        birthday="1985-11-20",
        points=1280,
        health={"allergies": ["青霉素"], "chronic": [], "medicines": []},
        points_expiring=[{"points": 300, "expires_on": "2026-12-31"}],
        recent_visits=[
            {"at": "2026-11-01T03:00:00Z", "store_code": "S001", "amount_fen": 4250},
            {"at": "2026-10-12T09:30:00Z", "store_code": "S007", "amount_fen": 128000},
        ],
    ),
    hq_record(2, "张伟", "13912349999", tier="basic"),
    hq_record(3, "张伟强", "15012341234"),
    hq_record(4, "欧阳娜娜", "18600005678"),
]


def load_counter_members(ctx: ServiceContext) -> None:
    """The four members above, HQ's QR key trusted, and the service clock stopped at NOW."""
    ctx.clock = lambda: NOW
    load_records(ctx, COUNTER_MEMBERS)
    trust_qr_key(ctx, QR_KEY)
