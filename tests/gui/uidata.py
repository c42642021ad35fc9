"""Test data shared by the GUI tests (imported by name: tests/gui is on sys.path)."""

from pathlib import Path
from typing import Any

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from counter.codes import make_card_no
from counter.contract import parse_member_record
from counter.services import ServiceContext
from counter.settings import Settings
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
