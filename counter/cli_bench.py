"""``counter bench``: timed checks (lookup, sync, complaints, work list, figures, outreach…)."""

from __future__ import annotations

import argparse
import sys

from counter.cli_common import EXIT_OK, EXIT_USAGE


def cmd_bench(args: argparse.Namespace) -> int:
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
