"""``counter config``, ``counter operator``, ``counter token``: settings, operators, secrets."""

from __future__ import annotations

import argparse
import getpass
import sys

from counter import settings as settings_mod
from counter.cli_common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, read_pin, settings_for, sign_in


def cmd_config(args: argparse.Namespace) -> int:
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


def cmd_operator(args: argparse.Namespace) -> int:
    from counter import services

    ctx = services.open_context(settings_for(args))
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


def cmd_token(args: argparse.Namespace) -> int:
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
