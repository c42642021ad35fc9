"""Settings round-trip and ``counter config``; the core never loads Qt."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from counter import cli
from counter import settings as settings_mod


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COUNTER_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("COUNTER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "cfg"


def test_config_set_then_show(config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["config", "set", "store_code", "S042"]) == 0
    assert cli.main(["config", "set", "scanner_max_key_interval_ms", "25"]) == 0
    assert cli.main(["config", "set", "tls_verify", "off"]) == 0
    assert "TLS certificate verification of HQ is now OFF" in capsys.readouterr().err
    saved = json.loads((config_dir / "settings.json").read_text(encoding="utf-8"))
    assert saved["store_code"] == "S042"
    assert saved["scanner_max_key_interval_ms"] == 25
    assert saved["tls_verify"] is False
    assert cli.main(["config", "show"]) == 0
    shown = capsys.readouterr().out
    assert '"S042"' in shown and "scanner_max_key_interval_ms" in shown


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("no_such_key", "1", "unknown setting"),
        ("sync_interval_s", "soon", "whole number"),
        ("tls_verify", "maybe", "true or false"),
        ("language", "fr", "one of"),
        ("hq_url", "hq.example.com", "http:// or https://"),
    ],
)
def test_config_set_refuses_bad_values_plainly(
    config_dir: Path, capsys: pytest.CaptureFixture[str], key: str, value: str, reason: str
) -> None:
    assert cli.main(["config", "set", key, value]) == 2
    err = capsys.readouterr().err
    assert reason in err
    assert "Traceback" not in err
    assert not (config_dir / "settings.json").exists()


def test_damaged_settings_file_is_set_aside(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / "settings.json").write_text("{not json", encoding="utf-8")
    assert settings_mod.load() == settings_mod.Settings()
    assert (config_dir / "settings.json.broken").exists()


def test_wrongly_typed_values_fall_back_to_defaults(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / "settings.json").write_text(
        json.dumps({"store_code": "S1", "sync_interval_s": "30", "tls_verify": 1}), "utf-8"
    )
    loaded = settings_mod.load()
    assert loaded.store_code == "S1"
    assert loaded.sync_interval_s == 30 and loaded.tls_verify is True


def test_operator_add_and_list(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def typed(*lines: str) -> None:  # the PINs, as typed at the prompts, on stdin
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{x}\n" for x in lines)))

    typed("3333", "3333")  # an empty cache: its first manager needs nobody's PIN
    assert cli.main(["operator", "add", "陈刚", "manager"]) == 0
    assert cli.main(["operator", "list"]) == 0
    assert "manager  陈刚" in capsys.readouterr().out
    typed("3333", "12", "12")
    assert cli.main(["operator", "add", "李娜", "cashier"]) == 1
    assert "4 to 8 digits" in capsys.readouterr().err
    typed("3333", "1111", "1112")
    assert cli.main(["operator", "add", "李娜", "cashier"]) == 1
    assert "the two PINs differ" in capsys.readouterr().err
    # Once there are operators, only a manager's PIN adds one.
    typed("0000", "1111", "1111")
    assert cli.main(["operator", "add", "李娜", "cashier"]) == 1
    assert "Wrong PIN." in capsys.readouterr().err
    typed("3333", "1111", "1111")
    assert cli.main(["operator", "add", "李娜", "cashier", "--operator", "陈刚"]) == 0
    typed("1111", "2222", "2222")  # a cashier is no manager
    assert cli.main(["operator", "add", "王芳", "service", "--operator", "李娜"]) == 1
    assert "no manager named '李娜'" in capsys.readouterr().err
    assert cli.main(["operator", "list"]) == 0
    listed = capsys.readouterr().out
    assert "cashier  李娜" in listed and "王芳" not in listed


def test_core_never_imports_qt() -> None:
    code = (
        "import sys, counter, counter.services, counter.cli, counter.sync.client, counter.demo\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui'))]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
