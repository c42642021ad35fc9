"""The ``counter`` command: the desktop app, the demo, and the store's CLI tools.

This is the composition root: it reads settings, sets up logging, opens the cache
through the services, and only then (for the GUI commands) imports ``ui``. Every
failure a person can fix is printed as one plain line with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from counter import __version__
from counter import settings as settings_mod
from counter.cli_admin import cmd_config, cmd_operator, cmd_token
from counter.cli_bench import cmd_bench
from counter.cli_common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, read_pin, settings_for, sign_in
from counter.cli_lookup import cmd_lookup
from counter.cli_sync import cmd_simulate, cmd_status, cmd_sync
from counter.cli_sync import progress_printer as _progress_printer
from counter.errors import KnownError

# Names other code and the tests import from here (the commands live in counter/cli_*.py).
__all__ = [
    "DEMO_COMMANDS",
    "EXIT_FAIL",
    "EXIT_OK",
    "EXIT_USAGE",
    "NO_DISPLAY",
    "_progress_printer",
    "display_missing",
    "main",
    "read_pin",
    "settings_for",
    "sign_in",
]

log = logging.getLogger("counter.cli")

# Commands that act on a cache, and so may act on the demo's with --demo.
DEMO_COMMANDS = frozenset({"lookup", "status", "sync", "simulate", "operator"})


def _common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Options every command takes, before or after its name (``counter demo --lang en``).

    On a subcommand they default to SUPPRESS, so they never overwrite what was given
    before the command's name.
    """
    lang_default = None if top else argparse.SUPPRESS
    flag_default = False if top else argparse.SUPPRESS
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "en"),
        default=lang_default,
        help="interface language (default: setting)",
    )
    parser.add_argument(
        "--no-dialogs",
        action="store_true",
        default=flag_default,
        help="log crashes without dialogs",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=flag_default,
        help="act on the demo's data (counter demo) instead of this store's",
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="counter", description="门店会员柜台 · Member Counter")
    p.add_argument("--version", action="version", version=f"counter {__version__}")
    _common_options(p, top=True)
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="start the counter app (the default)")

    demo = sub.add_parser("demo", help="the app against an embedded reference HQ with demo data")
    demo.add_argument("--members", type=int, default=10_000, help="members seeded at HQ")
    demo.add_argument("--reset", action="store_true", help="start the demo data afresh")
    demo.add_argument(
        "--pc-clock",
        type=float,
        default=0.0,
        metavar="MINUTES",
        help="pretend this PC's clock is MINUTES off HQ's (e.g. 7 or -7) to see what a wrong "
        "clock does",
    )

    cfg = sub.add_parser("config", help="show or change settings")
    cfg_sub = cfg.add_subparsers(dest="config_command", required=True)
    cfg_sub.add_parser("show", help="list every setting with its value and meaning")
    cfg_set = cfg_sub.add_parser("set", help="change one setting")
    cfg_set.add_argument("key")
    cfg_set.add_argument("value")
    cfg_sub.add_parser("path", help="print where the settings file is")

    op = sub.add_parser("operator", help="manage operators")
    op_sub = op.add_subparsers(dest="operator_command", required=True)
    op_add = op_sub.add_parser(
        "add",
        help="add an operator: asks a manager's PIN (except for the first operator), "
        "then the new PIN twice",
    )
    op_add.add_argument("name")
    op_add.add_argument("role", choices=("cashier", "service", "manager"))
    op_add.add_argument(
        "--operator", metavar="MANAGER", help="the manager who adds them (name or id)"
    )
    op_sub.add_parser("list", help="list operators")

    bench = sub.add_parser("bench", help="measure and print a table (budgets: DESIGN §8)")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True)
    b_lookup = bench_sub.add_parser("lookup", help="lookup latency through the service layer")
    b_lookup.add_argument("--members", type=int, default=1_000_000)
    b_lookup.add_argument("--samples", type=int, default=2000, help="queries per lookup kind")
    b_lookup.add_argument("--dir", default="bench-data", help="where bench caches are kept")
    b_lookup.add_argument("--gui", action="store_true", help="also scan-to-panel, offscreen")

    b_compl = bench_sub.add_parser("complaints", help="the F11 list's filter and sort")
    b_compl.add_argument("--complaints", type=int, default=10_000)
    b_compl.add_argument("--samples", type=int, default=200, help="queries per filter")
    b_compl.add_argument("--dir", default="bench-data", help="where bench caches are kept")

    b_work = bench_sub.add_parser("worklist", help="today's work list and its counts (F9)")
    b_work.add_argument("--patients", type=int, default=2_000)
    b_work.add_argument("--samples", type=int, default=50, help="queries per case")
    b_work.add_argument("--dir", default="bench-data", help="where bench caches are kept")

    b_fig = bench_sub.add_parser("figures", help="the manager's figures page for a month")
    b_fig.add_argument("--members", type=int, default=1_000_000)
    b_fig.add_argument("--receipts", type=int, default=200_000, help="receipts in the month")
    b_fig.add_argument("--samples", type=int, default=30, help="pages computed per case")
    b_fig.add_argument("--hog", type=int, default=0, help="busy processes to run beside it")
    b_fig.add_argument("--dir", default="bench-data", help="where bench caches are kept")

    b_out = bench_sub.add_parser("outreach", help="building the outreach lists (issue 17)")
    b_out.add_argument("--members", type=int, default=1_000_000)
    b_out.add_argument(
        "--consented", type=int, default=100_000, help="members with marketing consent here"
    )
    b_out.add_argument("--samples", type=int, default=20, help="builds per list")
    b_out.add_argument("--hog", type=int, default=0, help="busy processes to run beside it")
    b_out.add_argument("--dir", default="bench-data", help="where bench caches are kept")

    b_audit = bench_sub.add_parser("audit", help="the audit trail viewer's filtered pages")
    b_audit.add_argument("--rows", type=int, default=1_000_000, help="audit rows cached")
    b_audit.add_argument("--samples", type=int, default=200, help="pages per case")
    b_audit.add_argument("--hog", type=int, default=0, help="busy processes to run beside it")
    b_audit.add_argument("--dir", default="bench-data", help="where bench caches are kept")

    b_sync = bench_sub.add_parser("sync", help="first full sync and push against a real HQ")
    b_sync.add_argument("--members", type=int, default=1_000_000, help="members seeded at HQ")
    b_sync.add_argument("--ops", type=int, default=10_000, help="queued operations to push")
    b_sync.add_argument("--dir", default="bench-data", help="where bench data is kept")
    b_sync.add_argument(
        "--variants", action="store_true", help="also measure the sync without each speed-up"
    )

    sync = sub.add_parser("sync", help="sync with HQ: push the outbox, pull the changes")
    sync.add_argument("--once", action="store_true", help="one sync, exit 0 on success")
    sync.add_argument("--quiet", action="store_true", help="no progress lines")
    sync.add_argument(
        "--page-limit",
        type=int,
        metavar="N",
        help="records per feed page (for diagnosis and tests; default 5000)",
    )
    sync.add_argument(
        "--push-batch",
        type=int,
        metavar="N",
        help="operations per push (for diagnosis and tests; default 500)",
    )

    status = sub.add_parser("status", help="operations by state, problems, cursors, HQ")
    status.add_argument("--json", action="store_true", help="machine-readable")
    status.add_argument("--offline", action="store_true", help="do not ask HQ if it is up")

    simulate = sub.add_parser("simulate", help="make realistic operations (load, demo, faults)")
    simulate.add_argument("--ops", type=int, required=True, help="how many operations")
    simulate.add_argument("--seed", type=int, default=1, help="same seed, same operations")

    lookup = sub.add_parser("lookup", help="look a member up as the lookup bar would")
    lookup.add_argument("text", help="card number, QR token, phone, phone tail, name, initials")
    lookup.add_argument(
        "--operator",
        metavar="NAME",
        help="who signs in (name or id; asks the PIN); needed when there are several",
    )
    lookup.add_argument(
        "--reveal",
        action="store_true",
        help="show the full name and phone (service and manager; audited)",
    )

    token = sub.add_parser("token", help="store this store's HQ token in the secret store")
    token.add_argument("--from-stdin", action="store_true", help="read the token from stdin")
    for command in sub.choices.values():
        _common_options(command, top=False)
    return p


NO_DISPLAY = (
    "counter: no display to show the app on (DISPLAY and WAYLAND_DISPLAY are not set); "
    "run it in a desktop session, or headless under a virtual X server: "
    "xvfb-run -a bash scripts/demo.sh"
)


def display_missing(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """True on Linux/BSD when Qt would find no display (it then aborts, blaming xcb-cursor0).

    A platform other than xcb/wayland (offscreen, vnc, eglfs…) needs none.
    """
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return False
    return not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def _run_gui(args: argparse.Namespace) -> int:
    from counter import logs, services

    if display_missing():
        print(NO_DISPLAY, file=sys.stderr)
        return EXIT_FAIL

    current = settings_mod.load()
    ring = logs.setup(current.log_dir)
    log.info("counter %s starting, data in %s", __version__, current.data_path)
    ctx = services.open_context(current)
    from ui.shell.app import run_app

    try:
        return int(
            run_app(current, ctx, language=args.lang, no_dialogs=args.no_dialogs, log_ring=ring)
        )
    finally:
        ctx.close()


def _demo(args: argparse.Namespace) -> int:
    try:
        import fastapi  # noqa: F401 - the demo runs the reference HQ in-process
        import uvicorn  # noqa: F401
    except ImportError:
        print("counter: the demo needs the reference HQ: pip install -e '.[hq]'", file=sys.stderr)
        return EXIT_FAIL
    if display_missing():
        print(NO_DISPLAY, file=sys.stderr)
        return EXIT_FAIL
    from counter.demo import run_demo

    return run_demo(
        members=args.members,
        reset=args.reset,
        language=args.lang,
        no_dialogs=args.no_dialogs,
        pc_clock_minutes=args.pc_clock,
    )


def main(argv: Sequence[str] | None = None) -> int:
    from counter import private

    private.restrict_umask()  # whatever this process creates is its user's alone
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if args.demo and command not in DEMO_COMMANDS:
        print(
            f"counter: --demo works with {', '.join(sorted(DEMO_COMMANDS))}, not {command}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    handlers = {
        "run": _run_gui,
        "demo": _demo,
        "config": cmd_config,
        "operator": cmd_operator,
        "token": cmd_token,
        "bench": cmd_bench,
        "lookup": cmd_lookup,
        "sync": cmd_sync,
        "status": cmd_status,
        "simulate": cmd_simulate,
    }
    try:
        return handlers[command](args)
    except settings_mod.SettingsError as exc:
        print(f"counter: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KnownError as exc:
        language = args.lang or "en"
        print(f"counter: {exc.message(language)}", file=sys.stderr)
        if exc.detail:
            log.info("detail: %s", exc.detail)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
