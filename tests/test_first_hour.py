"""What a new user meets first (issue 13): the demo script without a display, options passed
through to the app, the CLI on the demo's data, and a repository that stands alone."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from counter import cli, demo, services
from counter import settings as settings_mod

ROOT = Path(__file__).resolve().parents[1]


def _headless_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["COUNTER_DATA_DIR"] = str(tmp_path / "data")
    env["COUNTER_CONFIG_DIR"] = str(tmp_path / "cfg")
    return env


@pytest.mark.parametrize("extra", [[], ["--lang", "en"]], ids=["plain", "lang-en"])
def test_demo_script_without_a_display_says_so_in_one_line(
    tmp_path: Path, extra: list[str]
) -> None:
    """No display: one plain line naming the fix (before: Qt aborted with exit 134, blaming
    xcb-cursor0). Its options reach the app (before: "unrecognized arguments: --lang")."""
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo.sh"), *extra],
        env=_headless_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("counter:")]
    assert lines == [cli.NO_DISPLAY]
    assert "xvfb-run" in lines[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "demo").exists()  # nothing seeded for nothing


def test_the_demo_script_lists_every_library_of_qts_xcb_plugin() -> None:
    """One run names them all: each NEEDED library of libqxcb.so and libQt6XcbQpa.so is
    checked by scripts/_env.sh (before, libxkbcommon-x11-0 turned up only on a second run)."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    needed: set[str] = set()
    for lib in (qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"):
        if not lib.exists():
            pytest.skip("not a Linux wheel of PySide6")
        out = subprocess.run(
            ["readelf", "-d", str(lib)], capture_output=True, text=True, check=True
        ).stdout
        needed |= set(re.findall(r"Shared library: \[(lib[^\]]+)\]", out))
    script = (ROOT / "scripts" / "_env.sh").read_text(encoding="utf-8")
    checked = set(re.findall(r'"(lib[^":]+):[a-z0-9.+-]+"', script))
    system = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1"}
    qt_own = {n for n in needed if n.startswith("libQt6") or n.startswith("libicu")}
    gthread = {"libgthread-2.0.so.0"}  # in libglib2.0-0, checked as libglib-2.0.so.0
    assert needed - system - qt_own - gthread <= checked


def test_display_missing() -> None:
    assert cli.display_missing({}) is (os.name == "posix" and os.uname().sysname == "Linux")
    assert not cli.display_missing({"DISPLAY": ":0"})
    assert not cli.display_missing({"WAYLAND_DISPLAY": "wayland-0"})
    assert not cli.display_missing({"QT_QPA_PLATFORM": "offscreen"})


def test_options_go_before_or_after_the_command() -> None:
    parser = cli._parser()
    for argv in (["demo", "--lang", "en"], ["--lang", "en", "demo"]):
        args = parser.parse_args(argv)
        assert (args.command, args.lang) == ("demo", "en")
    args = parser.parse_args(["lookup", "--demo", "9634"])
    assert args.demo and args.text == "9634"


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COUNTER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COUNTER_CONFIG_DIR", str(tmp_path / "cfg"))
    return tmp_path


def test_counter_demo_lookup_acts_on_the_demos_data(
    dirs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``counter --demo lookup 9634`` finds the demo's member; without --demo the store's
    own cache does not have them."""
    base = settings_mod.load()
    ctx = services.open_context(demo.demo_settings(demo.demo_dir(base), "", base))
    try:
        demo.ensure_operators(ctx)
        (service,) = [a for a in services.list_operators(ctx) if a.role == "service"]
        services.register_member(ctx, service, services.MemberForm("赵演示", "13900009634"))
    finally:
        ctx.close()

    def pin(typed: str) -> None:  # the CLI signs in like the app: the PIN on stdin
        monkeypatch.setattr(sys, "stdin", io.StringIO(f"{typed}\n"))

    pin("2222")
    assert cli.main(["--demo", "lookup", "9634", "--operator", "王芳"]) == 0
    assert "赵*示" in capsys.readouterr().out
    pin("2222")
    assert cli.main(["lookup", "9634", "--demo", "--operator", "王芳"]) == 0
    assert "139****9634" in capsys.readouterr().out
    own = services.open_context(settings_mod.load())
    try:
        services.create_operator(own, "陈刚", "manager", "3333")
    finally:
        own.close()
    pin("3333")
    assert cli.main(["lookup", "9634"]) == 1
    assert "not_found" in capsys.readouterr().out
    assert cli.main(["--demo", "status", "--offline"]) == 0
    assert "store D001" in capsys.readouterr().out


def test_counter_demo_before_any_demo_says_what_to_do(
    dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--demo", "status", "--offline"]) == 2
    err = capsys.readouterr().err
    assert "start the demo first" in err and "Traceback" not in err
    assert cli.main(["--demo", "config", "show"]) == 2
    assert "--demo works with" in capsys.readouterr().err


def test_the_repository_stands_alone() -> None:
    """Nothing a reader is sent to lies outside the repository (issue 13 item 5)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "shared/DESIGN" not in readme
    for doc in (ROOT / "docs").glob("*.md"):
        assert "../shared" not in doc.read_text(encoding="utf-8"), doc.name
    for target in re.findall(r"\]\(([^)#]+)", readme) + re.findall(r"`(docs/[^`]+\.md)`", readme):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), target
    assert "source .venv/bin/activate" in readme  # where `counter` and `hq` come from
    assert "counter --demo" in readme
