"""What every ``counter`` command shares: exit codes, its settings, signing in at a terminal."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from counter import settings as settings_mod
from counter.errors import KnownError

if TYPE_CHECKING:
    from counter.services import Actor, ServiceContext

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def settings_for(args: argparse.Namespace) -> settings_mod.Settings:
    """This store's settings, or with ``--demo`` the demo's (its cache, and its HQ while the
    demo runs)."""
    base = settings_mod.load()
    if not args.demo:
        return base
    from counter import demo

    return demo.cli_settings(base)


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
