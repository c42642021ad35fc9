"""``counter lookup TEXT``: the member as JSON or the reason, with exit 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter import cli, services
from counter import settings as settings_mod
from counter.codes import make_card_no

CARD = make_card_no("800000000000001")


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTER_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("COUNTER_DATA_DIR", str(tmp_path / "data"))
    settings_mod.save(settings_mod.Settings(store_code="S001", secret_store="file"))
    ctx = services.open_context(settings_mod.load())
    actor = services.create_operator(ctx, "王芳", "service", "2222")
    services.register_member(ctx, actor, services.MemberForm("张小明", "13812345678", card_no=CARD))
    ctx.close()


def test_found_prints_the_masked_member(stored: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lookup", CARD]) == 0
    member = json.loads(capsys.readouterr().out)
    assert (member["name"], member["phone"], member["card_nos"]) == ("张*明", "138****5678", [CARD])
    assert cli.main(["lookup", "13812345678", "--role", "service"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "张*明"  # masked for every role


def test_not_found_and_refused_exit_codes(stored: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lookup", "13900000000"]) == 1
    assert "not_found" in json.loads(capsys.readouterr().out)
    misread = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    assert cli.main(["lookup", misread]) == 2
    assert json.loads(capsys.readouterr().out)["refused"] == "card_misread"
    assert cli.main(["lookup", "CM1:NOT-A-TOKEN"]) == 2
    assert json.loads(capsys.readouterr().out)["refused"] == "malformed"
