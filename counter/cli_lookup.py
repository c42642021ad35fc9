"""``counter lookup``: find a member from the terminal, masked unless revealed (and audited)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import TYPE_CHECKING

from counter.cli_common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, settings_for, sign_in

if TYPE_CHECKING:
    from counter.services import Actor, MemberChoice, MemberView, ServiceContext


def cmd_lookup(args: argparse.Namespace) -> int:
    """Exit 0 found (or several to choose from), 1 not found, 2 refused.

    Signed in like the app, masked like the app; ``--reveal`` and the allergy banner are
    audited like the app.
    """
    from counter import services

    ctx = services.open_context(settings_for(args))
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


def _jsonable(value: object) -> object:
    if isinstance(value, frozenset | set):
        return sorted(value)
    return str(value)
