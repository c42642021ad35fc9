"""HQ gone back in time (restored from a backup): signed cursors and the evidence of it.

A backup restores HQ's epoch with its data, so the epoch alone cannot tell a counter
that HQ lost what came after the backup. The counters can: they hold cursors and
answers HQ gave before the restore. Two pieces of evidence are checked, neither of
which depends on HQ's change sequence still being behind the counter (after a restore
the sequence restarts from the backup's and soon passes the counters' cursors again):

- a feed cursor names the last record of its page (signed by HQ, so it cannot be
  forged or extended); that record's ``seq`` only ever grows, so a record HQ no longer
  has, or has at a smaller ``seq``, means HQ's data is older than the cursor;
- a counter's write checkpoint, the op_id of its newest applied operation: HQ keeps
  every op it decided for ever, so one it no longer has was lost.

On such evidence HQ renews its epoch (once, whoever shows it first), so that every
counter, also one that was offline and shows nothing, downloads afresh and re-sends
what HQ lost. The signing key lives in ``meta`` with the data: a backup brings back
the key its cursors were signed with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from counter.ids import uuid7
from hq.models import META_CURSOR_KEY, META_EPOCH, Meta

log = logging.getLogger(__name__)


def ensure_cursor_key(conn: Connection) -> None:
    """Make the key cursors are signed with, once per database."""
    if conn.scalar(select(Meta.value).where(Meta.key == META_CURSOR_KEY)) is not None:
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(Meta).values(key=META_CURSOR_KEY, value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another process made it first; theirs stands


def epoch_and_key(conn: Connection) -> tuple[str, bytes]:
    """The epoch and the cursor key, in one query (every feed page reads both)."""
    rows = dict(
        conn.execute(
            select(Meta.key, Meta.value).where(Meta.key.in_((META_EPOCH, META_CURSOR_KEY)))
        ).all()
    )
    key = rows.get(META_CURSOR_KEY)
    if key is None:
        raise LookupError("no cursor key in this database; run `hq init`")
    return rows.get(META_EPOCH) or "", bytes.fromhex(key)


def mac(key: bytes, text: str) -> str:
    """16 characters of HMAC-SHA256: 96 bits, enough that no one guesses one."""
    digest = hmac.new(key, text.encode("ascii"), hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def mac_ok(key: bytes, text: str, given: str) -> bool:
    return hmac.compare_digest(mac(key, text), given)


def renew_epoch_from(engine: Engine, seen: str, why: str) -> str:
    """Renew the epoch if it is still ``seen``; the epoch now, whoever renewed it.

    Conditional, so that several counters showing the same evidence at once renew it
    only once (each renewal makes every counter download afresh).
    """
    new = uuid7()
    with engine.begin() as conn:
        changed = conn.execute(
            update(Meta).where(Meta.key == META_EPOCH, Meta.value == seen).values(value=new)
        ).rowcount
        now = conn.scalar(select(Meta.value).where(Meta.key == META_EPOCH)) or ""
    if changed:
        log.warning("HQ's data is older than a counter's (%s): new epoch %s", why, now)
    return now
