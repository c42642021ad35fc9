"""``counter bench lookup --gui``: scan to member panel painted, offscreen (DESIGN §8).

Each sample is a card number sent as a keyboard-wedge scanner sends it: one key event after
another into the focused lookup field, through the real application event filter that tells
a scanner from a person. The clock runs from the burst's last key (Enter) until the member
panel has been painted showing that member: the event loop runs as in the app (layout, then
the paint), and a paint-event watch on the panel's page stops the clock. The allergy audit
goes to the real task runner, off the UI thread, as in the app. Never used by tests (they
don't time things).
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
PAINT_TIMEOUT_MS = 2000


def scan_to_panel(root: Path, n: int, samples: int) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, qInstallMessageHandler
    from PySide6.QtTest import QTest

    from ui.shell.app import get_application
    from ui.shell.i18n import install_translators, load_stylesheet, remove_translators
    from ui.shell.main_window import MainWindow
    from ui.shell.tasks import TaskRunner

    class PaintWatch(QObject):
        """Ends ``loop`` at the first paint of the watched widget once ``armed``."""

        def __init__(self) -> None:
            super().__init__()
            self.loop = QEventLoop()
            self.armed = False
            self.painted = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if self.armed and event.type() == QEvent.Type.Paint:
                self.painted = True
                self.loop.quit()
            return False

        def wait(self) -> None:
            if not self.painted:
                QTimer.singleShot(PAINT_TIMEOUT_MS, self.loop.quit)
                self.loop.exec()
            self.armed = False

    app = get_application()
    # The offscreen platform warns on every resize; those lines would bury the table.
    previous_handler = qInstallMessageHandler(lambda *_args: None)
    translators = install_translators(app, "zh_CN")
    app.setStyleSheet(load_stylesheet())
    ctx = bench_lookup.open_cache(root, n, print)
    data_dir = bench_members.cache_path(root, n).parent
    settings = Settings(store_code="B001", data_dir=str(data_dir), secret_store="file")
    runner = TaskRunner()
    window = MainWindow(ctx, settings, Actor("bench", "bench", "cashier"), runner, language="zh_CN")
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    app.processEvents()
    field = window.lookupBar.input
    field.setFocus()
    panel = window.memberPanel
    watch = PaintWatch()
    page = panel.widget(1)  # the member's page
    assert page is not None
    page.installEventFilter(watch)
    scans: list[str] = []
    window.scanner.scanned.connect(scans.append)
    rng = random.Random(43)
    cards = [
        bench_members.member_record(rng.randrange(n))["cards"][0]["card_no"] for _ in range(samples)
    ]
    warm_up = min(20, samples // 10)
    timings: list[float] = []
    found = 0
    try:
        for i, card in enumerate(cards):
            QTest.keyClicks(field, card)  # all but the last key: held by the filter
            watch.painted, watch.armed = False, True
            began = time.perf_counter()
            QTest.keyClick(field, Qt.Key.Key_Return)  # the last key: scan, lookup, panel
            watch.wait()
            elapsed = (time.perf_counter() - began) * 1000
            shown = panel.view is not None and card in panel.view.card_nos
            if i >= warm_up:  # first paints, caches
                timings.append(elapsed if watch.painted else float(PAINT_TIMEOUT_MS))
            found += shown and watch.painted
            app.processEvents()
    finally:
        window.close()
        runner.shutdown()
        ctx.close()
        app.setStyleSheet("")
        remove_translators(app, translators)
        qInstallMessageHandler(previous_handler)
    p99 = percentile(timings, 99)
    return table(
        (
            "scan to panel",
            "members",
            "samples",
            "p50 ms",
            "p99 ms",
            "max ms",
            "budget p99 ms",
            "ok",
            "scans",
            "found",
        ),
        [
            (
                "card burst, offscreen",
                f"{n:,}",
                len(timings),
                f"{percentile(timings, 50):.2f}",
                f"{p99:.2f}",
                f"{max(timings):.2f}",
                f"{BUDGET_MS:g}",
                "yes" if p99 <= BUDGET_MS else "NO",
                f"{len(scans)}/{len(cards)}",
                f"{found}/{len(cards)}",
            )
        ],
    )
