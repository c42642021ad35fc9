"""``counter demo``: the real app against the reference HQ, running in-process.

Everything lives in its own data directory (``<data dir>/demo``), apart from a real
store's cache and settings: an HQ database seeded once with members and reused
after, the demo store's token, and the demo operators.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from dataclasses import replace
from pathlib import Path

from counter import logs, services
from counter import settings as settings_mod
from counter.services.connection import TOKEN_KEY
from counter.services.context import utc_now

log = logging.getLogger(__name__)

DEMO_STORE = ("D001", "演示门店 · 人民路店")
DEMO_OPERATORS = (
    ("李娜", "cashier", "1111"),
    ("王芳", "service", "2222"),
    ("陈刚", "manager", "3333"),
)
HQ_URL_FILE = "hq.url"  # where the running demo's HQ listens, for `counter --demo …`
LOGIN_HINT = "演示 PIN · demo PINs: 李娜 收银员 1111 · 王芳 客服 2222 · 陈刚 店长 3333"


def demo_dir(base: settings_mod.Settings) -> Path:
    return base.data_path / "demo"


def prepare(root: Path, members: int, progress: bool = True) -> str:
    """Seed the demo HQ (once) and register the demo store; returns the HQ database URL."""
    from hq.db import init_db
    from hq.seed import seed_members
    from hq.stores import add_store

    root.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{root / 'hq.db'}"
    marker = root / "hq.seeded"
    if marker.exists() and _outdated(url):
        # Demo data is disposable: made by an older version, it is made again.
        if progress:
            print("the demo data was made by an older version: making it afresh…", flush=True)
        for name in ("hq.db", "hq.db-wal", "hq.db-shm"):
            (root / name).unlink(missing_ok=True)
        shutil.rmtree(root / "counter", ignore_errors=True)
        marker.unlink()
    if not marker.exists():
        init_db(url)
        if progress:
            print(f"seeding the demo HQ with {members:,} members (once)…", flush=True)
        seed_members(url, members)
        token = add_store(url, *DEMO_STORE)
        counter_dir = root / "counter"
        store = settings_mod.Settings(data_dir=str(counter_dir), secret_store="file")
        from counter.keystore import open_store

        open_store("file", store.data_path).set(TOKEN_KEY, token)
        marker.write_text("ok\n", encoding="utf-8")
    return url


def _outdated(url: str) -> bool:
    """The demo HQ's database lacks tables or columns this version needs."""
    from hq.db import init_db
    from hq.errors import SchemaOutdatedError

    try:
        init_db(url).dispose()
    except SchemaOutdatedError:
        return True
    return False


def demo_settings(root: Path, hq_url: str, base: settings_mod.Settings) -> settings_mod.Settings:
    return replace(
        base,
        store_code=DEMO_STORE[0],
        hq_url=hq_url,
        data_dir=str(root / "counter"),
        secret_store="file",
    )


def cli_settings(base: settings_mod.Settings) -> settings_mod.Settings:
    """The demo's settings for the CLI (``counter --demo lookup 9634``): its cache, and its
    HQ while a demo runs (when none runs, HQ is "not configured" and nothing is sent)."""
    root = demo_dir(base)
    if not (root / "counter").is_dir():
        raise settings_mod.SettingsError(
            f"no demo data in {root} yet: start the demo first (counter demo, "
            "or bash scripts/demo.sh)"
        )
    try:
        url = (root / HQ_URL_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        url = ""
    return demo_settings(root, url, base)


def ensure_operators(ctx: services.ServiceContext) -> None:
    if not services.has_operators(ctx):
        for name, role, pin in DEMO_OPERATORS:
            services.create_operator(ctx, name, role, pin)


def first_sync(ctx: services.ServiceContext, progress: bool = True) -> bool:
    """Sync the demo cache from the demo HQ, so the seeded members can be scanned at once.

    A failed sync is reported and the demo goes on (the app syncs again in the background).
    """
    from counter.sync.engine import SyncProgress, sync_once

    def show(p: SyncProgress) -> None:
        if progress and p.stage == "pull members" and p.done % 5000 == 0:
            print(f"\r  syncing the demo cache: {p.done:,} members", end="", flush=True)

    if progress:
        print("syncing the demo cache from the demo HQ…", flush=True)
    report = sync_once(ctx, progress=show)
    if progress:
        if report.ok:
            print(
                f"\rdemo cache synced: {report.pulled_members:,} members in "
                f"{report.seconds:.1f} s          ",
                flush=True,
            )
        else:
            print(f"\rdemo sync failed: {'; '.join(report.errors)}", flush=True)
    if not report.ok:
        log.warning("demo: first sync failed: %s", report.errors)
    return report.ok


def run_demo(
    *,
    members: int,
    reset: bool,
    language: str | None,
    no_dialogs: bool,
    pc_clock_minutes: float = 0.0,
) -> int:
    """``pc_clock_minutes``: the counter's clock runs that far off HQ's (a wrong PC clock)."""
    from hq.server import start_in_thread

    base = settings_mod.load()
    root = demo_dir(base)
    if reset and root.exists():
        shutil.rmtree(root)
    ring = logs.setup(root / "logs")
    db_url = prepare(root, members)
    hq = start_in_thread(db_url)
    log.info("demo HQ listening on %s", hq.url)
    print(f"demo HQ on {hq.url}; data in {root}", flush=True)
    url_file = root / HQ_URL_FILE
    url_file.write_text(hq.url + "\n", encoding="utf-8")
    print("the CLI acts on this demo with --demo, e.g. counter --demo lookup 9634", flush=True)
    try:
        current = demo_settings(root, hq.url, base)
        ctx = services.open_context(current)
        if pc_clock_minutes:
            off = dt.timedelta(minutes=pc_clock_minutes)
            ctx.clock = lambda: utc_now() + off
        try:
            ensure_operators(ctx)
            synced = first_sync(ctx)
            from counter.demo_history import seed_history

            seed_history(ctx)  # once: a month of sales for the manager's figures
            if synced:
                from counter.demo_outreach import seed_marketing_consents

                seed_marketing_consents(ctx)  # once: members to list for Ctrl+F9
            from ui.shell.app import run_app

            return int(
                run_app(
                    current,
                    ctx,
                    language=language,
                    login_hint=LOGIN_HINT,
                    demo=True,
                    no_dialogs=no_dialogs,
                    log_ring=ring,
                )
            )
        finally:
            ctx.close()
    finally:
        url_file.unlink(missing_ok=True)
        hq.stop()
