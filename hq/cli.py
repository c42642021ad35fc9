"""``hq``: run the reference HQ server and look after its database.

    hq init                      create the tables (and the epoch, the first QR key) if missing
    hq serve [--host] [--port] [--max-body-bytes N]   run the v1 API
    hq store add CODE NAME       register a store; prints its token once
    hq store rotate CODE         a new token for the store (the old one stops working)
    hq seed --members N          generate realistic members for a demo or a benchmark
    hq stats [--json]            per store: ops applied and rejected, replays, last contact
    hq member-code CARD_OR_PHONE print a member QR token, as the member app gets it
    hq keys rotate | list        add a new QR signing key (old ones stay valid a while)
    hq config show | set FILE    the chain's points and complaint rules
    hq member delete ID          forget a member (a tombstone for every counter)
    hq member merge FROM INTO    merge two registrations of one person
    hq member tier ID TIER       give a member a new tier (basic, silver, gold)
    hq restore FILE              put a backup of the database back and renew the epoch
    hq epoch renew               tell every counter HQ's data was restored (docs/hq-restore.md)
    hq openapi                   print the OpenAPI document (docs/hq-api-v1.json)

Every command takes ``--db URL`` (default ``$HQ_DATABASE_URL``, else ``hq.db`` here). Bad
input and unusable databases get one clear line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from hq.db import DB_URL_ENV, default_url, engine_scope, get_epoch, init_db, parse_url
from hq.errors import HQError, SeedRefusedError
from hq.health_seal import KEY_ENV
from hq.seed import MAX_MEMBERS, seed_members
from hq.stores import add_store, rotate_token
from hq.times import rfc3339

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
    db.add_argument(
        "--health-key",
        metavar="FILE",
        default=None,
        help="the key that seals members' health at rest, made if missing (default: "
        f"${KEY_ENV}, else beside a SQLite database, else in ~/.config/member-counter-hq)",
    )
    parser = argparse.ArgumentParser(
        prog="hq", description="Reference HQ server of the member counter (API v1)."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("init", parents=[db], help="create the database tables if missing")

    serve = commands.add_parser("serve", parents=[db], help="run the HQ API server")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=_port, default=8080, help="TCP port (0: any free port)")
    serve.add_argument(
        "--max-body-bytes",
        type=_positive_int,
        default=None,
        metavar="N",
        help="largest request body taken, 413 beyond (default $HQ_MAX_BODY_BYTES, else 8 MiB)",
    )

    store = commands.add_parser("store", help="manage stores")
    store_commands = store.add_subparsers(dest="store_command", required=True, metavar="ACTION")
    add = store_commands.add_parser(
        "add", parents=[db], help="register a store and print its token (shown once)"
    )
    add.add_argument("code", metavar="CODE", help="store code, e.g. SH001")
    add.add_argument("name", metavar="NAME", help="store name, e.g. 徐汇店")
    rotate_store = store_commands.add_parser(
        "rotate",
        parents=[db],
        help="give the store a new token, printed once; the old one stops working at once",
    )
    rotate_store.add_argument("code", metavar="CODE", help="store code, e.g. SH001")

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
    stats = commands.add_parser(
        "stats", parents=[db], help="what each store has sent: ops, rejections, replays"
    )
    stats.add_argument("--json", action="store_true", help="machine-readable output")

    code = commands.add_parser(
        "member-code", parents=[db], help="print a member QR token (valid 60 s)"
    )
    code.add_argument("who", metavar="CARD_OR_PHONE", help="card number or mobile number")

    keys = commands.add_parser("keys", help="QR signing keys")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    rotate = keys_commands.add_parser(
        "rotate", parents=[db], help="add a new signing key; the old ones retire later"
    )
    rotate.add_argument(
        "--publish-hours",
        type=float,
        default=0.0,
        metavar="H",
        help="list the new key this long before signing with it (default 0)",
    )
    rotate.add_argument(
        "--retire-days",
        type=float,
        default=7.0,
        metavar="D",
        help="keep the replaced keys listed this long after (default 7)",
    )
    keys_commands.add_parser("list", parents=[db], help="list the signing keys")

    config = commands.add_parser("config", help="the chain's rules (/v1/config)")
    config_commands = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    config_commands.add_parser("show", parents=[db], help="print the config counters get")
    config_set = config_commands.add_parser(
        "set", parents=[db], help="replace the rules with a JSON file (points, complaints)"
    )
    config_set.add_argument("file", metavar="FILE", type=Path)

    member = commands.add_parser("member", help="HQ's own changes to members")
    member_commands = member.add_subparsers(dest="member_command", required=True, metavar="ACTION")
    delete = member_commands.add_parser("delete", parents=[db], help="forget a member")
    delete.add_argument("member_id", metavar="ID")
    merge = member_commands.add_parser(
        "merge", parents=[db], help="merge member FROM into member INTO"
    )
    merge.add_argument("source", metavar="FROM")
    merge.add_argument("target", metavar="INTO")
    tier = member_commands.add_parser(
        "tier", parents=[db], help="give a member a new tier (basic, silver, gold)"
    )
    tier.add_argument("member_id", metavar="ID")
    tier.add_argument("tier", metavar="TIER")

    restore = commands.add_parser(
        "restore",
        parents=[db],
        help="put a backup back (SQLite file or pg_dump -Fc archive) and renew the epoch",
    )
    restore.add_argument("file", metavar="FILE", type=Path, help="the backup")
    epoch = commands.add_parser("epoch", help="the data's epoch (docs/hq-restore.md)")
    epoch_commands = epoch.add_subparsers(dest="epoch_command", required=True, metavar="ACTION")
    epoch_commands.add_parser(
        "renew", parents=[db], help="after a restore: counters download afresh and re-send"
    )
    commands.add_parser("openapi", help="print the OpenAPI document of the v1 API")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage or help
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    url: str = getattr(args, "db", None) or default_url()
    if getattr(args, "health_key", None):
        os.environ[KEY_ENV] = args.health_key  # read by hq.health_seal, in every worker too
    handlers: dict[str, Callable[[argparse.Namespace, str], int]] = {
        "init": _init,
        "serve": _serve,
        "store": _store,
        "seed": _seed,
        "stats": _stats,
        "member-code": _member_code,
        "keys": _keys,
        "config": _config,
        "member": _member,
        "openapi": _openapi,
        "restore": _restore,
        "epoch": _epoch,
    }
    try:
        if args.command != "openapi":
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


def _store(args: argparse.Namespace, url: str) -> int:
    if args.store_command == "rotate":
        token = rotate_token(url, args.code)
        print(
            f"store {args.code} has a new token, shown this once; the old one no longer "
            "works. Put it in the store's counter (`counter token`).",
            file=sys.stderr,
        )
        print(token)
        return EXIT_OK
    return _store_add(args, url)


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


@contextlib.contextmanager
def _initialised(url: str) -> Iterator[Engine]:
    engine = init_db(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _stats(args: argparse.Namespace, url: str) -> int:
    from hq.stats import format_table, store_stats

    with _initialised(url) as engine, engine.connect() as conn:
        stats = store_stats(conn)
    if args.json:
        print(json.dumps([s.as_json() for s in stats], ensure_ascii=False, indent=2))
    else:
        print(format_table(stats))
    return EXIT_OK


def _member_code(args: argparse.Namespace, url: str) -> int:
    from hq.members import member_code, parse_card_or_phone

    who = parse_card_or_phone(args.who)
    with _initialised(url) as engine:
        code = member_code(engine, card_no=who.get("card_no"), phone=who.get("phone"))
    print(code.token)
    print(f"member {code.member_no}, valid until {rfc3339(code.expires_at)}", file=sys.stderr)
    return EXIT_OK


def _keys(args: argparse.Namespace, url: str) -> int:
    from hq.config import list_keys, rotate_key

    with _initialised(url) as engine:
        if args.keys_command == "rotate":
            if args.publish_hours < 0 or args.retire_days < 0:
                return _fail("--publish-hours and --retire-days cannot be negative")
            with engine.begin() as conn:
                key = rotate_key(
                    conn,
                    publish_for=dt.timedelta(hours=args.publish_hours),
                    retire_after=dt.timedelta(days=args.retire_days),
                )
            print(
                f"key {key.key_id} added; it signs member codes from "
                f"{rfc3339(key.signs_from)}. Keys it replaces stay valid for "
                f"{args.retire_days:g} days after that."
            )
            return EXIT_OK
        with engine.connect() as conn:
            keys = list_keys(conn)
    for k in keys:
        retire = rfc3339(k.retire_at) if k.retire_at else "-"
        print(f"{k.key_id}\t{k.public_key}\tsigns from {rfc3339(k.signs_from)}\tretires {retire}")
    return EXIT_OK


def _config(args: argparse.Namespace, url: str) -> int:
    from hq.config import ConfigError, served_config, set_rules

    with _initialised(url) as engine:
        if args.config_command == "set":
            try:
                document = json.loads(args.file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ConfigError(f"cannot read {args.file}: {exc}") from None
            with engine.begin() as conn:
                set_rules(conn, document)
        with engine.connect() as conn:
            served = served_config(conn)
    print(json.dumps(served.body, ensure_ascii=False, indent=2))
    return EXIT_OK


def _member(args: argparse.Namespace, url: str) -> int:
    from hq.members import delete_member, merge_members
    from hq.rulebook import set_tier

    with _initialised(url) as engine:
        if args.member_command == "delete":
            seq = delete_member(engine, args.member_id)
            print(f"member {args.member_id} deleted (seq {seq})")
        elif args.member_command == "tier":
            seq = set_tier(engine, args.member_id, args.tier)
            print(f"member {args.member_id} is {args.tier} (seq {seq})")
        else:
            source_seq, target_seq = merge_members(engine, args.source, args.target)
            print(
                f"member {args.source} merged into {args.target} (seq {source_seq}, {target_seq})"
            )
    return EXIT_OK


_AFTER_RESTORE = (
    "every counter now downloads afresh and re-sends the operations HQ no longer has "
    "(docs/hq-restore.md)"
)


def _restore(args: argparse.Namespace, url: str) -> int:
    from hq.restore import restore

    epoch = restore(url, args.file)
    print(f"restored {args.file} into {_shown(url)}; new epoch {epoch}: {_AFTER_RESTORE}")
    return EXIT_OK


def _epoch(_args: argparse.Namespace, url: str) -> int:
    from hq.restore import renew

    epoch = renew(url)
    print(f"new epoch {epoch} for {_shown(url)}: {_AFTER_RESTORE}")
    return EXIT_OK


def _openapi(_args: argparse.Namespace, _url: str) -> int:
    from hq.app import openapi_document

    sys.stdout.write(openapi_document())
    return EXIT_OK


def _progress_printer(stream: TextIO) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        stream.write(f"\rseeding: {done:,} / {total:,} members")
        stream.flush()

    return show


def _serve(args: argparse.Namespace, url: str) -> int:
    from counter.names import full_pinyin
    from hq.app import create_app
    from hq.server import bind_socket, http_url, make_server

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with engine_scope(url) as engine:
        try:
            app = create_app(engine, max_body_bytes=args.max_body_bytes)
        except ValueError as exc:  # a malformed $HQ_MAX_BODY_BYTES
            return _fail(str(exc))
        # The pinyin dictionaries (registrations, renames) load now, not in the first push.
        full_pinyin("王")
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
