"""``counter sync``, ``counter status``, ``counter simulate``: the outbox, HQ, a simulated day."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from counter.cli_common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, settings_for

if TYPE_CHECKING:
    from counter.sync.engine import SyncProgress, SyncReport


def progress_printer(quiet: bool) -> Callable[[SyncProgress], None] | None:
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


def print_report(report: SyncReport) -> None:
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


def cmd_sync(args: argparse.Namespace) -> int:
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
    current = settings_for(args)
    logs.setup(current.log_dir)
    ctx = services.open_context(current)
    engine = SyncEngine(
        ctx,
        progress=progress_printer(args.quiet),
        page_limit=page_limit,
        push_batch=push_batch,
    )
    try:
        while True:
            report = engine.run_once()
            print_report(report)
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


def cmd_status(args: argparse.Namespace) -> int:
    from counter import services
    from counter.sync.client import PLAIN_HTTP_WARNING, plain_http

    current = settings_for(args)
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


def cmd_simulate(args: argparse.Namespace) -> int:
    from counter import services
    from counter.simulate import simulate

    if args.ops < 1:
        print("counter: --ops must be positive", file=sys.stderr)
        return EXIT_USAGE
    ctx = services.open_context(settings_for(args))
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
