"""``counter lookup TEXT``: signed in with a PIN from stdin, masked, audited; exit 0 / 1 / 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from counter import cli, services
from counter import settings as settings_mod
from counter.codes import make_card_no
from counter.services import audit

CARD = make_card_no("800000000000001")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTER_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("COUNTER_DATA_DIR", str(tmp_path / "data"))
    settings_mod.save(settings_mod.Settings(store_code="S001", secret_store="file"))
    ctx = services.open_context(settings_mod.load())
    actor = services.create_operator(ctx, "王芳", "service", "2222")
    services.create_operator(ctx, "李娜", "cashier", "1111")
    form = services.MemberForm("张小明", "13812345678", card_no=CARD)
    member = services.register_member(ctx, actor, form)
    services.record_consent(ctx, actor, member.id, granted=True)
    services.record_health(ctx, actor, member.id, ["青霉素"], [], [])
    ctx.close()


def pins(monkeypatch: pytest.MonkeyPatch, *lines: str) -> None:
    """What a person (or a script) types when the CLI asks, on stdin."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))


def actions() -> list[tuple[str, str | None]]:
    ctx = services.open_context(settings_mod.load())
    try:
        return [(e.action, e.operator_id) for e in reversed(audit.recent(ctx))]
    finally:
        ctx.close()


def test_found_prints_the_masked_member_for_every_role(
    stored: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pins(monkeypatch, "1111")
    assert cli.main(["lookup", CARD, "--operator", "李娜"]) == 0
    out = capsys.readouterr()
    member = json.loads(out.out)
    assert (member["name"], member["phone"], member["card_nos"]) == ("张*明", "138****5678", [CARD])
    assert "PIN for 李娜" in out.err and "1111" not in out.err
    pins(monkeypatch, "2222")
    assert cli.main(["lookup", "13812345678", "--operator", "王芳"]) == 0
    member = json.loads(capsys.readouterr().out)
    assert (member["name"], member["phone"], member["masked"]) == ("张*明", "138****5678", True)
    assert member["allergies"] == ["青霉素"]  # the banner, as at the counter: audited
    assert [a for a, _ in actions()[-2:]] == ["operator.login", "health.view"]


def test_reveal_is_audited_and_refused_to_a_cashier(
    stored: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pins(monkeypatch, "2222")
    assert cli.main(["lookup", CARD, "--operator", "王芳", "--reveal"]) == 0
    member = json.loads(capsys.readouterr().out)
    assert (member["name"], member["phone"], member["masked"]) == ("张小明", "13812345678", False)
    assert "member.reveal" in [a for a, _ in actions()]
    pins(monkeypatch, "1111")
    assert cli.main(["lookup", CARD, "--operator", "李娜", "--reveal"]) == cli.EXIT_FAIL
    assert "张小明" not in capsys.readouterr().out


def test_a_wrong_pin_is_refused_and_audited(
    stored: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pins(monkeypatch, "9999")
    assert cli.main(["lookup", CARD, "--operator", "王芳"]) == cli.EXIT_FAIL
    out = capsys.readouterr()
    assert out.out == "" and "Wrong PIN." in out.err
    assert actions()[-1][0] == "operator.login_failed"
    pins(monkeypatch, "2222")  # several operators and none named: say who there is
    assert cli.main(["lookup", CARD]) == cli.EXIT_FAIL
    err = capsys.readouterr().err
    assert "--operator" in err and "王芳 (service)" in err


def test_five_wrong_pins_at_the_cli_lock_the_operator_at_the_counter_too(
    stored: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(5):
        pins(monkeypatch, "9999")
        assert cli.main(["lookup", CARD, "--operator", "王芳"]) == cli.EXIT_FAIL
    assert "is locked after 5 wrong PINs" in capsys.readouterr().err
    ctx = services.open_context(settings_mod.load())
    try:
        service = next(a for a in services.list_operators(ctx) if a.name == "王芳")
        with pytest.raises(services.OperatorLocked):
            services.login(ctx, service.operator_id, "2222")
    finally:
        ctx.close()


def test_not_found_and_refused_exit_codes(
    stored: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pins(monkeypatch, "1111")
    assert cli.main(["lookup", "13900000000", "--operator", "李娜"]) == 1
    assert "not_found" in json.loads(capsys.readouterr().out)
    misread = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    pins(monkeypatch, "1111")
    assert cli.main(["lookup", misread, "--operator", "李娜"]) == 2
    assert json.loads(capsys.readouterr().out)["refused"] == "card_misread"
    pins(monkeypatch, "1111")
    assert cli.main(["lookup", "CM1:NOT-A-TOKEN", "--operator", "李娜"]) == 2
    assert json.loads(capsys.readouterr().out)["refused"] == "malformed"
    pins(monkeypatch, "1111")  # a token of a version this counter does not know
    assert cli.main(["lookup", "CM123456:ABC", "--operator", "李娜"]) == 2
    assert json.loads(capsys.readouterr().out)["refused"] == "unsupported_version"


def test_a_real_process_reads_the_pin_from_stdin_never_the_command_line(stored: None) -> None:
    """No option takes a PIN (``ps`` would show it); a script pipes it in."""
    run = subprocess.run(
        [sys.executable, "-m", "counter", "lookup", CARD, "--operator", "王芳"],
        cwd=REPO,
        env=dict(os.environ),
        input="2222\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["name"] == "张*明"
    assert "keyring" not in run.stderr  # issue 13: not on every command
    for argv in (
        ["lookup", CARD, "--pin", "2222"],
        ["operator", "add", "X", "cashier", "--pin", "1"],
    ):
        with pytest.raises(SystemExit) as usage:
            cli.main(argv)
        assert usage.value.code == cli.EXIT_USAGE
