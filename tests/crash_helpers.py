"""A real ``counter sync --once`` process that the crash test follows line by line and kills.

The sync's progress lines (``  push: 120``) say which stage it is in; a kill is aimed at a
stage plus a random delay, and the stage last seen before the kill is what it hit.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGES = ("health", "config", "push", "pull members", "indexes", "pull complaints")
EXIT = "exit"  # the report line is out: the sync is over, the process is ending


def stage_of(line: str) -> str | None:
    """The stage a progress line announces (``counter.cli_sync.progress_printer``), if any."""
    if line.startswith(("sync ok", "sync FAILED")):
        return EXIT
    head, sep, _ = line.strip().partition(":")
    return head if sep and head in STAGES else None


@dataclass(frozen=True)
class Trigger:
    """Kill ``delay`` seconds after the first progress line of ``stage``."""

    stage: str
    delay: float


@dataclass
class Outcome:
    returncode: int
    killed: bool
    stage: str  # the last stage announced before the kill or the exit ("start": none)
    lines: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return self.returncode == 1 and any("sync_busy" in line for line in self.lines)


class SyncProcess:
    """``counter sync --once`` in its own session.

    A kill hits the sync's own process only, as ``kill -9 PID`` or a supervisor would:
    its worker processes must go with it (``survivors`` finds any that did not).
    """

    def __init__(self, args: Sequence[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "counter", "sync", "--once", *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        self._lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put((time.monotonic(), line.rstrip("\n")))
        self._lines.put(None)

    def follow(
        self,
        triggers: Sequence[Trigger] = (),
        on_lock: Callable[[], None] | None = None,
        limit_s: float = 120.0,
    ) -> Outcome:
        """Read the output to the end, killing the process group when a trigger fires.

        ``on_lock`` is called at the first progress line: this sync holds the cache's sync
        lock, so a successor started now waits for it (and takes over at the kill).
        """
        deadline: float | None = None
        armed: dict[str, float] = {}
        for t in triggers:
            armed[t.stage] = min(t.delay, armed.get(t.stage, t.delay))
        stage, killed, locked = "start", False, False
        lines: list[str] = []
        give_up = time.monotonic() + limit_s
        while True:
            wait = give_up if deadline is None else min(deadline, give_up)
            try:
                item = self._lines.get(timeout=max(0.0, wait - time.monotonic()))
            except queue.Empty:
                if deadline is None or time.monotonic() >= give_up:
                    self._kill()
                    raise AssertionError(f"sync still running after {limit_s} s: {lines}") from None
                killed = self._kill()
                deadline = float("inf")  # read what is left, then the end of the output
                continue
            if item is None:
                break
            at, line = item
            lines.append(line)
            seen = stage_of(line)
            if seen is None:
                continue
            if not killed:
                stage = seen
            if not locked and on_lock is not None:
                locked = True
                on_lock()
            if seen in armed and not killed:
                fire = at + armed.pop(seen)
                deadline = fire if deadline is None else min(deadline, fire)
        returncode = self.proc.wait(30)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self._reader.join(5)
        return Outcome(returncode, killed and returncode == -signal.SIGKILL, stage, lines)

    def _kill(self) -> bool:
        if self.proc.poll() is not None:
            return False  # it finished first
        os.kill(self.proc.pid, signal.SIGKILL)
        return True

    def survivors(self) -> list[str]:
        """Live processes of this sync's session (pid and command), on Linux; [] elsewhere.

        Once ``follow`` has read the output to its end, every process that held it has at
        least closed its files, so this is exact, not a race: a worker that outlived the
        sync shows here.
        """
        found = []
        proc_dir = Path("/proc")
        if not proc_dir.is_dir():
            return found
        for entry in proc_dir.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue  # gone meanwhile
            state, _ppid, _pgrp, session = stat.rsplit(")", 1)[1].split()[:4]
            # A zombie, or a process past releasing its memory (no command line left: it
            # closed its files too and is a moment from being a zombie), runs no more code.
            if int(session) == self.proc.pid and state not in ("Z", "X") and cmd.strip():
                found.append(f"{entry.name}: {cmd.strip()}")
        return found

    def stop(self) -> None:
        """Kill (if still running) and reap; for clean-up after a failure."""
        with contextlib.suppress(ProcessLookupError):  # the session: workers too, if any
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._reader.join(5)
