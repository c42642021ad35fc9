"""``counter bench lookup --gui``: scan to member panel painted, offscreen (DESIGN §8).

The scanner's burst is typed into the real lookup field; the clock runs from the last key
(Enter) until the member panel has repainted. Never used by tests (they don't time things).
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

from counter.bench import lookup as bench_lookup
from counter.bench import members as bench_members
from counter.bench.report import percentile, table
from counter.services import Actor
from counter.settings import Settings

BUDGET_MS = 30.0


def scan_to_panel(root: Path, n: int, samples: int) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import Qt, qInstallMessageHandler
    from PySide6.QtTest import QTest

    from ui.app import get_application
    from ui.i18n import install_translators, load_stylesheet, remove_translators
    from ui.main_window import MainWindow
    from ui.tasks import ImmediateRunner

    app = get_application()
    # The offscreen platform warns on every resize; those lines would bury the table.
    previous_handler = qInstallMessageHandler(lambda *_args: None)
    translators = install_translators(app, "zh_CN")
    app.setStyleSheet(load_stylesheet())
    ctx = bench_lookup.open_cache(root, n, print)
    data_dir = bench_members.cache_path(root, n).parent
    settings = Settings(store_code="B001", data_dir=str(data_dir), secret_store="file")
    runner = ImmediateRunner()
    window = MainWindow(ctx, settings, Actor("bench", "bench", "cashier"), runner, language="zh_CN")
    window.resize(1280, 800)
    window.show()
    field = window.lookupBar.input
    panel = window.memberPanel
    rng = random.Random(43)
    cards = [
        bench_members.member_record(rng.randrange(n))["cards"][0]["card_no"] for _ in range(samples)
    ]
    timings: list[float] = []
    found = 0
    try:
        for i, card in enumerate(cards):
            QTest.keyClicks(field, card)
            began = time.perf_counter()
            QTest.keyClick(field, Qt.Key.Key_Return)
            panel.repaint()
            elapsed = (time.perf_counter() - began) * 1000
            if i >= min(20, samples // 10):  # warm-up: first paints, caches
                timings.append(elapsed)
            found += panel.view is not None
            app.processEvents()
    finally:
        window.close()
        ctx.close()
        app.setStyleSheet("")
        remove_translators(app, translators)
        qInstallMessageHandler(previous_handler)
    p99 = percentile(timings, 99)
    return table(
        ("scan to panel", "members", "samples", "p50 ms", "p99 ms", "budget p99 ms", "ok", "found"),
        [
            (
                "card, offscreen",
                f"{n:,}",
                len(timings),
                f"{percentile(timings, 50):.2f}",
                f"{p99:.2f}",
                f"{BUDGET_MS:g}",
                "yes" if p99 <= BUDGET_MS else "NO",
                f"{found}/{len(cards)}",
            )
        ],
    )
