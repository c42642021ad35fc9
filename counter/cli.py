"""The ``counter`` command: the desktop app, the demo, and the store's CLI tools.

This is the composition root: it reads settings, sets up logging, opens the cache
through the services, and only then (for the GUI commands) imports ``ui``. Every
failure a person can fix is printed as one plain line with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import logging
import sys
from collections.abc import Sequence

from counter import __version__
from counter import settings as settings_mod
from counter.errors import KnownError

log = logging.getLogger("counter.cli")

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="counter", description="门店会员柜台 · Member Counter")
    p.add_argument("--version", action="version", version=f"counter {__version__}")
    p.add_argument("--lang", choices=("zh_CN", "en"), help="interface language (default: setting)")
    p.add_argument("--no-dialogs", action="store_true", help="log crashes without dialogs")
    sub = p.add_subparsers(dest="command")

    sub.add_parser("run", help="start the counter app (the default)")

    demo = sub.add_parser("demo", help="the app against an embedded reference HQ with demo data")
    demo.add_argument("--members", type=int, default=10_000, help="members seeded at HQ")
    demo.add_argument("--reset", action="store_true", help="start the demo data afresh")

    cfg = sub.add_parser("config", help="show or change settings")
    cfg_sub = cfg.add_subparsers(dest="config_command", required=True)
    cfg_sub.add_parser("show", help="list every setting with its value and meaning")
    cfg_set = cfg_sub.add_parser("set", help="change one setting")
    cfg_set.add_argument("key")
    cfg_set.add_argument("value")
    cfg_sub.add_parser("path", help="print where the settings file is")

    op = sub.add_parser("operator", help="manage operators")
    op_sub = op.add_subparsers(dest="operator_command", required=True)
    op_add = op_sub.add_parser("add", help="add an operator (asks for the PIN)")
    op_add.add_argument("name")
    op_add.add_argument("role", choices=("cashier", "service", "manager"))
    op_add.add_argument("--pin", help="the PIN (default: asked without echo)")
    op_sub.add_parser("list", help="list operators")

    bench = sub.add_parser("bench", help="measure and print a table (budgets: DESIGN §8)")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True)
    b_lookup = bench_sub.add_parser("lookup", help="lookup latency through the service layer")
    b_lookup.add_argument("--members", type=int, default=1_000_000)
    b_lookup.add_argument("--samples", type=int, default=2000, help="queries per lookup kind")
    b_lookup.add_argument("--dir", default="bench-data", help="where bench caches are kept")
    b_lookup.add_argument("--gui", action="store_true", help="also scan-to-panel, offscreen")

    lookup = sub.add_parser("lookup", help="look a member up as the lookup bar would")
    lookup.add_argument("text", help="card number, QR token, phone, phone tail, name, initials")
    lookup.add_argument("--role", default="cashier", choices=("cashier", "service", "manager"))

    token = sub.add_parser("token", help="store this store's HQ token in the secret store")
    token.add_argument("--from-stdin", action="store_true", help="read the token from stdin")
    return p


def _config(args: argparse.Namespace) -> int:
    current = settings_mod.load()
    if args.config_command == "path":
        print(settings_mod.settings_path())
        return EXIT_OK
    if args.config_command == "show":
        for key, value, help_text in settings_mod.describe(current):
            print(f"{key:<30} {value:<40} # {help_text}")
        return EXIT_OK
    updated = settings_mod.with_value(current, args.key, args.value)
    path = settings_mod.save(updated)
    if args.key == "tls_verify" and updated.tls_verify is False:
        print("WARNING: TLS certificate verification of HQ is now OFF.", file=sys.stderr)
    print(f"{args.key} = {getattr(updated, args.key)!r}  ({path})")
    return EXIT_OK


def _operator(args: argparse.Namespace) -> int:
    from counter import services

    ctx = services.open_context(settings_mod.load())
    try:
        if args.operator_command == "list":
            for actor in services.list_operators(ctx):
                print(f"{actor.operator_id}  {actor.role:<8} {actor.name}")
            return EXIT_OK
        pin = args.pin or getpass.getpass("PIN: ")
        actor = services.create_operator(ctx, args.name, args.role, pin)
        print(f"added {actor.role} {actor.name} ({actor.operator_id})")
        return EXIT_OK
    finally:
        ctx.close()


def _token(args: argparse.Namespace) -> int:
    from counter.keystore import open_store
    from counter.services.connection import TOKEN_KEY

    current = settings_mod.load()
    value = sys.stdin.readline().strip() if args.from_stdin else getpass.getpass("HQ token: ")
    if not value:
        print("no token given; nothing changed", file=sys.stderr)
        return EXIT_USAGE
    store = open_store(current.secret_store, current.data_path)
    store.set(TOKEN_KEY, value)
    print(f"token saved in the {store.kind} secret store")
    return EXIT_OK


def _bench(args: argparse.Namespace) -> int:
    from pathlib import Path

    from counter.bench import lookup as bench_lookup

    if args.members < 1 or args.samples < 1:
        print("counter: --members and --samples must be positive", file=sys.stderr)
        return EXIT_USAGE
    root = Path(args.dir)
    rows = bench_lookup.run(root, args.members, args.samples)
    print(bench_lookup.render(args.members, rows))
    if args.gui:
        from ui.bench import scan_to_panel  # Qt only for this part

        print(scan_to_panel(root, args.members, args.samples))
    return EXIT_OK


def _lookup(args: argparse.Namespace) -> int:
    """Exit 0 found (or several to choose from), 1 not found, 2 refused."""
    from counter import services

    ctx = services.open_context(settings_mod.load())
    try:
        actor = services.Actor("cli", "cli", args.role)
        result = services.lookup(ctx, actor, args.text)
        if result.outcome == "refused":
            print(
                json.dumps(
                    {"refused": result.reason, "message": result.message(args.lang or "en")},
                    ensure_ascii=False,
                )
            )
            return EXIT_USAGE
        if result.outcome == "not_found":
            print(json.dumps({"not_found": result.message(args.lang or "en")}, ensure_ascii=False))
            return EXIT_FAIL
        if result.member is not None:
            print(
                json.dumps(
                    dataclasses.asdict(result.member),
                    ensure_ascii=False,
                    indent=2,
                    default=_jsonable,
                )
            )
        else:
            print(
                json.dumps(
                    {"choices": [dataclasses.asdict(c) for c in result.choices]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        return EXIT_OK
    finally:
        ctx.close()


def _jsonable(value: object) -> object:
    if isinstance(value, frozenset | set):
        return sorted(value)
    return str(value)


def _run_gui(args: argparse.Namespace) -> int:
    from counter import logs, services

    current = settings_mod.load()
    ring = logs.setup(current.log_dir)
    log.info("counter %s starting, data in %s", __version__, current.data_path)
    ctx = services.open_context(current)
    from ui.app import run_app

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
    from counter.demo import run_demo

    return run_demo(
        members=args.members, reset=args.reset, language=args.lang, no_dialogs=args.no_dialogs
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    handlers = {
        "run": _run_gui,
        "demo": _demo,
        "config": _config,
        "operator": _operator,
        "token": _token,
        "bench": _bench,
        "lookup": _lookup,
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
