"""``hq``: run the reference HQ server and look after its database.

    hq init                      create the tables (and the epoch) if missing
    hq serve [--host] [--port]   run the v1 API
    hq store add CODE NAME       register a store; prints its token once
    hq seed --members N          generate realistic members for a demo or a benchmark

Every command takes ``--db URL`` (default ``$HQ_DATABASE_URL``, else ``hq.db`` here). Bad
input and unusable databases get one clear line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from hq.db import DB_URL_ENV, default_url, engine_scope, get_epoch, init_db, parse_url
from hq.errors import HQError, SeedRefusedError
from hq.seed import MAX_MEMBERS, seed_members
from hq.stores import add_store

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a positive whole number, got {text!r}"
        ) from None
    if not 1 <= value <= MAX_MEMBERS:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_MEMBERS:,}, got {text!r}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, got {value}")
    return value


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help=f"SQLAlchemy database URL (default: ${DB_URL_ENV}, else sqlite:///hq.db here)",
    )
    parser = argparse.ArgumentParser(
        prog="hq", description="Reference HQ server of the member counter (API v1)."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("init", parents=[db], help="create the database tables if missing")

    serve = commands.add_parser("serve", parents=[db], help="run the HQ API server")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=_port, default=8080, help="TCP port (0: any free port)")

    store = commands.add_parser("store", help="manage stores")
    store_commands = store.add_subparsers(dest="store_command", required=True, metavar="ACTION")
    add = store_commands.add_parser(
        "add", parents=[db], help="register a store and print its token (shown once)"
    )
    add.add_argument("code", metavar="CODE", help="store code, e.g. SH001")
    add.add_argument("name", metavar="NAME", help="store name, e.g. 徐汇店")

    seed = commands.add_parser(
        "seed",
        parents=[db],
        help="generate members (does nothing if the database already has members)",
    )
    seed.add_argument("--members", type=_positive_int, required=True, metavar="N")
    seed.add_argument("--seed", type=int, default=2026, metavar="S", help="same seed, same data")
    seed.add_argument(
        "--reset",
        action="store_true",
        help="replace existing members (stores are kept; counters will re-download)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage or help
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    url: str = getattr(args, "db", None) or default_url()
    handlers: dict[str, Callable[[argparse.Namespace, str], int]] = {
        "init": _init,
        "serve": _serve,
        "store": _store_add,
        "seed": _seed,
    }
    try:
        parse_url(url)
        return handlers[args.command](args, url)
    except HQError as exc:
        return _fail(str(exc))
    except DBAPIError as exc:
        return _fail(f"database error ({_shown(url)}): {exc.orig}")
    except SQLAlchemyError as exc:
        return _fail(f"database error ({_shown(url)}): {exc}")
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _fail(message: str) -> int:
    print(f"hq: error: {message}", file=sys.stderr)
    return EXIT_FAILED


def _init(_args: argparse.Namespace, url: str) -> int:
    engine = init_db(url)
    try:
        with engine.connect() as conn:
            epoch = get_epoch(conn)
    finally:
        engine.dispose()
    print(f"database ready: {_shown(url)} (epoch {epoch})")
    return EXIT_OK


def _store_add(args: argparse.Namespace, url: str) -> int:
    token = add_store(url, args.code, args.name)
    print(
        f"store {args.code} ({args.name.strip()}) added. Its token follows, shown this once "
        "(HQ keeps only a hash): put it in the store's counter settings.",
        file=sys.stderr,
    )
    print(token)
    return EXIT_OK


def _seed(args: argparse.Namespace, url: str) -> int:
    progress = _progress_printer(sys.stderr) if sys.stderr.isatty() else None
    try:
        report = seed_members(
            url, args.members, seed=args.seed, progress=progress, reset=args.reset
        )
    except SeedRefusedError as exc:
        if progress is not None:
            sys.stderr.write("\n")
        print(str(exc))
        return EXIT_OK
    if progress is not None:
        sys.stderr.write("\n")
    print(
        f"seeded {report.members:,} members and {report.cards:,} cards into {_shown(url)} "
        f"in {report.seconds:.1f} s ({report.members_per_second:,.0f} members/s, "
        f"{report.rows_per_second:,.0f} rows/s; seed {report.seed})"
    )
    return EXIT_OK


def _progress_printer(stream: TextIO) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        stream.write(f"\rseeding: {done:,} / {total:,} members")
        stream.flush()

    return show


def _serve(args: argparse.Namespace, url: str) -> int:
    from hq.app import create_app
    from hq.server import bind_socket, http_url, make_server

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with engine_scope(url) as engine:
        app = create_app(engine)
        try:
            sock = bind_socket(args.host, args.port)
        except OSError as exc:
            return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
        port = sock.getsockname()[1]
        print(f"HQ serving {_shown(url)} on {http_url(args.host, port)} (Ctrl+C stops)", flush=True)
        # uvicorn shuts down cleanly on Ctrl+C, then raises it again for the caller to see.
        with contextlib.suppress(KeyboardInterrupt):
            make_server(app, log_level="info").run(sockets=[sock])
    print("HQ stopped", flush=True)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
