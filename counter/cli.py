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
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from counter import __version__
from counter import settings as settings_mod
from counter.errors import KnownError

if TYPE_CHECKING:
    from counter.services import Actor, MemberChoice, MemberView, ServiceContext
    from counter.sync.engine import SyncProgress, SyncReport

log = logging.getLogger("counter.cli")

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


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


def _settings(args: argparse.Namespace) -> settings_mod.Settings:
    """This store's settings, or with ``--demo`` the demo's (its cache, and its HQ while the
    demo runs)."""
    base = settings_mod.load()
    if not args.demo:
        return base
    from counter import demo

    return demo.cli_settings(base)


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
    if args.key == "hq_url":
        from counter.sync.client import PLAIN_HTTP_WARNING, plain_http

        if plain_http(updated.hq_url):
            print(f"WARNING: {PLAIN_HTTP_WARNING.format(url=updated.hq_url)}", file=sys.stderr)
    print(f"{args.key} = {getattr(updated, args.key)!r}  ({path})")
    return EXIT_OK


def read_pin(prompt: str) -> str:
    """A PIN typed at the terminal without echo, or one line of stdin (scripts, tests).

    Never an argument: ``ps`` shows every process's command line to every account.
    """
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    print(file=sys.stderr)
    return line.rstrip("\r\n")


def sign_in(ctx: ServiceContext, wanted: str | None, role: str | None = None) -> Actor:
    """Sign in as the app does: pick the operator, ask their PIN, ``services.login``
    (so the same audit rows, and the same lockout after five wrong PINs)."""
    from counter import services

    candidates = [a for a in services.list_operators(ctx) if role in (None, a.role)]
    if not services.has_operators(ctx):
        raise KnownError(
            "还没有操作员：请先添加店长：counter operator add 姓名 manager",
            "no operators yet: add the first manager with counter operator add NAME manager",
        )
    if wanted:
        matches = [a for a in candidates if wanted in (a.operator_id, a.name)]
    else:
        matches = candidates if len(candidates) == 1 else []
    if len(matches) != 1:
        known = ", ".join(f"{a.name} ({a.role})" for a in candidates) or "none"
        who = f"a {role}" if role else "an operator"
        reason = (
            f"no {role or 'operator'} named {wanted!r}"
            if wanted and not matches
            else f"choose {who}"
        )
        if len(matches) > 1:
            reason = f"several operators are named {wanted!r}; give the id (operator list)"
        raise KnownError(
            f"请用 --operator 指定操作员（姓名或编号）。可选：{known}",
            f"{reason}: --operator NAME (or id). Operators: {known}",
        )
    return services.login(ctx, matches[0].operator_id, read_pin(f"PIN for {matches[0].name}: "))


def _operator(args: argparse.Namespace) -> int:
    from counter import services

    ctx = services.open_context(_settings(args))
    try:
        if args.operator_command == "list":
            for actor in services.list_operators(ctx):
                print(f"{actor.operator_id}  {actor.role:<8} {actor.name}")
            return EXIT_OK
        # A manager signs in first, except on an empty cache (its first manager).
        manager = sign_in(ctx, args.operator, "manager") if services.has_operators(ctx) else None
        pin = read_pin(f"new PIN for {args.name}: ")
        if read_pin("the same PIN again: ") != pin:
            print("counter: the two PINs differ; nothing changed", file=sys.stderr)
            return EXIT_FAIL
        actor = services.add_operator(ctx, manager, args.name, args.role, pin)
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
    if store.notice:
        print(f"note: {store.notice}")
    return EXIT_OK


def _bench(args: argparse.Namespace) -> int:
    from pathlib import Path

    if args.bench_command == "complaints":
        from counter.bench import complaints as bench_complaints

        if args.complaints < 1 or args.samples < 1:
            print("counter: --complaints and --samples must be positive", file=sys.stderr)
            return EXIT_USAGE
        print(bench_complaints.run(Path(args.dir), args.complaints, args.samples))
        return EXIT_OK
    if args.bench_command == "worklist":
        from counter.bench import worklist as bench_worklist

        if args.patients < 1 or args.samples < 1:
            print("counter: --patients and --samples must be positive", file=sys.stderr)
            return EXIT_USAGE
        print(bench_worklist.run(Path(args.dir), args.patients, args.samples))
        return EXIT_OK
    if args.bench_command == "figures":
        from counter.bench import figures as bench_figures

        if min(args.members, args.receipts, args.samples) < 1 or args.hog < 0:
            print("counter: --members, --receipts and --samples must be positive", file=sys.stderr)
            return EXIT_USAGE
        print(
            bench_figures.run(Path(args.dir), args.members, args.receipts, args.samples, args.hog)
        )
        return EXIT_OK
    if args.bench_command == "outreach":
        from counter.bench import outreach as bench_outreach

        if not 1 <= args.consented <= args.members or args.samples < 1 or args.hog < 0:
            print("counter: need 1 ≤ --consented ≤ --members, --samples ≥ 1", file=sys.stderr)
            return EXIT_USAGE
        print(
            bench_outreach.run(Path(args.dir), args.members, args.consented, args.samples, args.hog)
        )
        return EXIT_OK
    if args.bench_command == "audit":
        from counter.bench import audit as bench_audit

        if min(args.rows, args.samples) < 1 or args.hog < 0:
            print("counter: --rows and --samples must be positive", file=sys.stderr)
            return EXIT_USAGE
        print(bench_audit.run(Path(args.dir), args.rows, args.samples, args.hog))
        return EXIT_OK
    if args.bench_command == "sync":
        from counter.bench import sync as bench_sync

        if args.members < 1 or args.ops < 0:
            print("counter: --members must be positive, --ops not negative", file=sys.stderr)
            return EXIT_USAGE
        print(bench_sync.run(Path(args.dir), args.members, args.ops, variants=args.variants))
        return EXIT_OK

    from counter.bench import lookup as bench_lookup

    if args.members < 1 or args.samples < 1:
        print("counter: --members and --samples must be positive", file=sys.stderr)
        return EXIT_USAGE
    root = Path(args.dir)
    rows = bench_lookup.run(root, args.members, args.samples)
    print(bench_lookup.render(args.members, rows))
    if args.gui:
        from ui.member.bench import scan_to_panel  # Qt only for this part

        print(scan_to_panel(root, args.members, args.samples))
    return EXIT_OK


def _lookup(args: argparse.Namespace) -> int:
    """Exit 0 found (or several to choose from), 1 not found, 2 refused.

    Signed in like the app, masked like the app; ``--reveal`` and the allergy banner are
    audited like the app.
    """
    from counter import services

    ctx = services.open_context(_settings(args))
    try:
        actor = sign_in(ctx, args.operator)
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
                    _shown(ctx, actor, result.member, args.reveal),
                    ensure_ascii=False,
                    indent=2,
                    default=_jsonable,
                )
            )
        else:
            print(
                json.dumps(
                    {"choices": [_masked_choice(c) for c in result.choices]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        return EXIT_OK
    finally:
        ctx.close()


def _shown(ctx: ServiceContext, actor: Actor, view: MemberView, reveal: bool) -> dict[str, object]:
    """The member as the panel shows them: masked unless revealed (audited), and the
    allergy banner's showing audited."""
    from counter import services
    from counter.privacy import mask_name, mask_phone

    shown = dataclasses.asdict(view)
    if reveal:
        contact = services.reveal_member(ctx, actor, view.id, "counter lookup")
        shown.update(name=contact.name, phone=contact.phone, masked=False)
    elif not view.masked:
        shown.update(name=mask_name(view.name), phone=mask_phone(view.phone), masked=True)
    if view.allergies:
        services.audit_health_view(ctx, actor, view.id, "allergy_banner")
    return shown


def _masked_choice(choice: MemberChoice) -> dict[str, object]:
    """A pick-list line, masked for every role (masking an already masked name is a no-op)."""
    from counter.privacy import mask_name

    return {**dataclasses.asdict(choice), "name": mask_name(choice.name)}


def _progress_printer(quiet: bool) -> Callable[[SyncProgress], None] | None:
    if quiet:
        return None
    last: dict[str, float] = {}

    def show(p: SyncProgress) -> None:
        now = time.monotonic()
        if p.stage in last and now - last[p.stage] < 1.0:
            return
        last[p.stage] = now
        print(f"  {p.stage}: {p.done:,}", file=sys.stderr, flush=True)

    return show


def _print_report(report: SyncReport) -> None:
    line = (
        f"sync {'ok' if report.ok else 'FAILED'} in {report.seconds:.1f} s: "
        f"pushed {report.pushed} (applied {report.applied}, rejected {report.rejected}, "
        f"replayed {report.replayed}, re-pointed {report.repointed}); "
        f"pulled {report.pulled_members} members, {report.pulled_complaints} complaints"
    )
    if report.epoch_changed:
        line += (
            "; HQ's data was restored or replaced (new epoch): downloaded afresh and "
            "re-sent every operation (HQ applied the ones it had lost)"
        )
    print(line, flush=True)
    if report.clock_off:
        print(
            f"WARNING: this PC's clock is {report.clock_skew_s:+.0f} s off HQ's "
            "(the counter uses HQ's time meanwhile; set the PC's clock)",
            file=sys.stderr,
        )
    for error in report.errors:
        print(f"counter: {error}", file=sys.stderr)


def _sync(args: argparse.Namespace) -> int:
    """``--once``: exit 0 when the sync succeeded, 1 when it did not (details on stderr)."""
    from counter import logs, services
    from counter.sync.engine import PAGE_LIMIT, SyncEngine
    from counter.sync.push import MAX_BATCH

    page_limit = PAGE_LIMIT if args.page_limit is None else args.page_limit
    push_batch = MAX_BATCH if args.push_batch is None else args.push_batch
    if not 0 < page_limit <= PAGE_LIMIT or not 0 < push_batch <= MAX_BATCH:
        print(
            f"counter: --page-limit must be 1..{PAGE_LIMIT}, --push-batch 1..{MAX_BATCH}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    current = _settings(args)
    logs.setup(current.log_dir)
    ctx = services.open_context(current)
    engine = SyncEngine(
        ctx,
        progress=_progress_printer(args.quiet),
        page_limit=page_limit,
        push_batch=push_batch,
    )
    try:
        while True:
            report = engine.run_once()
            _print_report(report)
            if args.once:
                return EXIT_OK if report.ok else EXIT_FAIL
            time.sleep(max(1, current.sync_interval_s))
    except KeyboardInterrupt:
        # Every page and every batch answer is its own transaction: nothing is half done.
        print("sync stopped", file=sys.stderr)
        return EXIT_OK if not args.once else 130
    finally:
        engine.close()
        ctx.close()


def _status(args: argparse.Namespace) -> int:
    from counter import services
    from counter.sync.client import PLAIN_HTTP_WARNING, plain_http

    current = _settings(args)
    ctx = services.open_context(current)
    try:
        status = services.counter_status(ctx)
        probe = None if args.offline else services.probe_hq(ctx)
        secrets = (ctx.secrets.kind, ctx.secrets.notice)
    finally:
        ctx.close()
    warnings = []
    if not current.tls_verify:
        warnings.append("TLS certificate verification of HQ is OFF (tls_verify=false)")
    if plain_http(current.hq_url):
        warnings.append(PLAIN_HTTP_WARNING.format(url=current.hq_url))
    body = {
        "store_code": status.store_code,
        "operations": {
            "pending": status.pending,
            "attempted": status.attempted,
            "applied": status.applied,
            "rejected": status.rejected,
            "superseded": status.superseded,
        },
        "oldest_pending": status.oldest_pending.isoformat() if status.oldest_pending else None,
        "last_error": status.last_error,
        "open_problems": status.open_problems,
        "last_successful_sync": status.last_sync.isoformat() if status.last_sync else None,
        "epoch": status.epoch,
        "clock_skew_s": status.clock_skew_s,
        "cursors": {
            c.stream: {"cursor": c.cursor, "epoch": c.epoch, "updated_at": c.updated_at.isoformat()}
            for c in status.cursors
        },
        "secrets": {"store": secrets[0], "notice": secrets[1] or None},
        "warnings": warnings,
        "hq": None
        if probe is None
        else {
            "configured": probe.configured,
            "reachable": probe.online,
            "clock_skew_s": probe.clock_skew_s,
            "error": probe.error_en or None,
        },
    }
    if args.json:
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"store {status.store_code or '(not set)'}")
    print(
        f"operations: {status.pending} pending ({status.attempted} sent without answer), "
        f"{status.applied} applied, {status.rejected} rejected, {status.superseded} superseded"
    )
    print(f"open problems: {status.open_problems}")
    print(f"secrets: {secrets[0]} store" + (f" ({secrets[1]})" if secrets[1] else ""))
    for warning in warnings:
        print(f"WARNING: {warning}")
    print(f"last successful sync: {body['last_successful_sync'] or 'never'}")
    for c in status.cursors:
        print(f"cursor {c.stream}: {c.cursor or '(start)'} at {c.updated_at.isoformat()}")
    if probe is not None:
        state = (
            "not configured"
            if not probe.configured
            else "reachable"
            if probe.online
            else "unreachable"
        )
        print(f"HQ: {state}" + (f" ({probe.error_en})" if probe.error_en else ""))
        if probe.clock_off:
            print(
                f"WARNING: this PC's clock is {probe.clock_skew_s:+.0f} s off HQ's "
                "(the counter uses HQ's time meanwhile; set the PC's clock)"
            )
    return EXIT_OK


def _simulate(args: argparse.Namespace) -> int:
    from counter import services
    from counter.simulate import simulate

    if args.ops < 1:
        print("counter: --ops must be positive", file=sys.stderr)
        return EXIT_USAGE
    ctx = services.open_context(_settings(args))
    try:
        started = time.monotonic()
        report = simulate(
            ctx,
            args.ops,
            args.seed,
            progress=lambda n: print(f"  {n:,} operations", file=sys.stderr, flush=True),
        )
        seconds = time.monotonic() - started
    finally:
        ctx.close()
    done = ", ".join(f"{k} {v}" for k, v in sorted(report.done.items()))
    print(f"{report.total} operations queued in {seconds:.1f} s: {done}")
    if report.refused:
        refused = ", ".join(f"{k} {v}" for k, v in sorted(report.refused.items()))
        print(f"refused at the counter: {refused}")
    return EXIT_OK


def _jsonable(value: object) -> object:
    if isinstance(value, frozenset | set):
        return sorted(value)
    return str(value)


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
        "config": _config,
        "operator": _operator,
        "token": _token,
        "bench": _bench,
        "lookup": _lookup,
        "sync": _sync,
        "status": _status,
        "simulate": _simulate,
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
