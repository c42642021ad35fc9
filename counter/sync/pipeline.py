"""A first full sync on every core: fetch, check and build rows in parallel, apply in order.

Checking a member record and building its rows costs about as much CPU as writing them,
and a first sync has a million of them. So, for that download only, pages flow through:

- a fetch thread in this process, which downloads page after page (socket waits release
  the GIL) and reads each page's ``next_cursor`` from the end of its bytes, so the next
  request can go out before the page is decoded;
- worker processes, which decode a page, check every record against the contract and
  build the member, search-key and card rows (``counter.sync.pages``); with one worker,
  every ``local_every``-th page is done by the engine's thread itself, in its turn;
- the engine's thread, which writes each page's rows and its cursor in one transaction,
  strictly in page order, and checks that the cursor the fetch thread followed is the
  one the worker read from the whole page (otherwise nothing more is applied).

Any failure (HQ unreachable, a malformed page, a worker that dies) surfaces in the
engine's thread at the page where it happened, after every earlier page was applied,
so a first sync stopped half-way resumes from its cursor like any other.
"""

from __future__ import annotations

import ctypes
import gc
import json
import marshal
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from counter.contract import ContractError
from counter.store.crypto import HealthCipher
from counter.sync.client import HQClient, HQProtocolError
from counter.sync.pages import PreparedPage, PreparedRecords, prepare_page_bytes

_END = object()


def _tail_cursor(raw: bytes) -> tuple[str, bool] | None:
    """``next_cursor`` and ``has_more`` from the end of a page, without decoding it all."""
    at = raw.rfind(b'"next_cursor"')
    if at < 0:
        return None
    try:
        tail = json.loads(b"{" + raw[at:])
    except ValueError:
        return None
    cursor, more = tail.get("next_cursor"), tail.get("has_more")
    if not isinstance(cursor, str) or not isinstance(more, bool):
        return None
    return cursor, more


_cipher: HealthCipher | None = None


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent() -> None:
    """A worker must not outlive the sync that started it.

    A sync killed with SIGKILL cannot shut its pool down, and its workers (~100 MB each,
    holding the dead parent's stdout and stderr, so a supervisor reading them waits
    forever) would linger. On Linux the kernel kills the worker when its parent goes
    (``PR_SET_PDEATHSIG``; the pool is made and shut down by the same engine thread,
    which that signal follows); everywhere, a thread waits on the parent's sentinel,
    which becomes readable the moment the parent is gone, and ends the process.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl here: the thread below still watches
            pass
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_when_gone, args=(parent.sentinel,), name="parent-watch", daemon=True
        ).start()


def _exit_when_gone(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)  # no clean-up to do: the parent's transaction never saw this page


def _init_worker(key: bytes) -> None:
    global _cipher
    _die_with_parent()
    _cipher = HealthCipher(key)
    gc.disable()  # page data has no reference cycles; a worker lives for one download


def _prepared(raw: bytes, cipher: HealthCipher, now_text: str) -> tuple[Any, ...]:
    """A page decoded and checked: its rows as plain tuples, or the refusal."""
    try:
        page = prepare_page_bytes(raw, cipher, now_text)
    except ContractError as exc:
        return ("refused", exc.code, str(exc))
    except ValueError as exc:  # not JSON
        return ("refused", "invalid_json", str(exc)[:200])
    r = page.records
    return ("page", page.next_cursor, page.has_more, r.members, r.keys, r.cards, r.gone)


def prepare_raw_page(raw: bytes, now_text: str) -> bytes:
    """In a worker: decode and check a page; its rows, marshalled (or the refusal)."""
    assert _cipher is not None
    return marshal.dumps(_prepared(raw, _cipher, now_text))


def _unpack(blob: bytes) -> PreparedPage:
    return _page_of(marshal.loads(blob))


def _page_of(value: tuple[Any, ...]) -> PreparedPage:
    if value[0] == "refused":
        raise HQProtocolError(
            "总部发来的会员记录格式不对，本页未采用。",
            "HQ sent a malformed member page; it was not applied.",
            detail=f"{value[1]}: {value[2]}",
        )
    _, cursor, more, members, keys, cards, gone = value
    return PreparedPage(PreparedRecords(members, keys, cards, gone), cursor, more)


class PagePipeline:
    """Pages after ``cursor`` as prepared rows, in order, computed by ``workers`` processes.

    Every ``local_every``-th page is prepared in this thread instead: writing a page costs
    its thread less than preparing one costs a worker, so with one worker the writer
    would otherwise wait for it about a third of the time (0: workers do every page).
    """

    def __init__(
        self,
        client: HQClient,
        *,
        limit: int,
        key: bytes,
        now_text: str,
        workers: int = 1,
        depth: int = 4,
        local_every: int = 0,
        cipher: HealthCipher | None = None,
    ) -> None:
        self.client = client
        self.local_every = local_every if cipher is not None else 0
        self.cipher = cipher
        self.limit = limit
        self.now_text = now_text
        self.depth = max(depth, workers + 1)
        self.pool = ProcessPoolExecutor(
            max_workers=max(1, workers),
            mp_context=multiprocessing.get_context("spawn"),  # never fork a GUI process
            initializer=_init_worker,
            initargs=(key,),
        )
        self._fetched: queue.Queue[Any] = queue.Queue(self.depth)
        self._stop = threading.Event()

    def _fetch(self, cursor: str) -> None:
        try:
            while not self._stop.is_set():
                resp = self.client._request(
                    "GET", "/v1/members/changes", params={"cursor": cursor, "limit": self.limit}
                )
                if resp.status_code >= 400:
                    raise self.client._error(resp)
                raw = resp.content
                found = _tail_cursor(raw)
                if found is None:  # not the usual layout: decode it all here, once
                    found = _tail_of(self.client._json(resp))
                self._fetched.put((raw, found))
                cursor, more = found
                if not more:
                    break
        except BaseException as exc:  # handed to the engine's thread, in page order
            self._fetched.put(exc)
        self._fetched.put(_END)

    def pages(self, cursor: str, max_pages: int | None = None) -> Iterator[PreparedPage]:
        thread = threading.Thread(target=self._fetch, args=(cursor,), daemon=True)
        thread.start()
        in_flight: list[tuple[Future[bytes] | bytes, tuple[str, bool]]] = []
        done = False
        count = 0
        fetched = 0
        try:
            while True:
                while not done and len(in_flight) < self.depth:
                    item = self._fetched.get()
                    if item is _END:
                        done = True
                    elif isinstance(item, BaseException):
                        in_flight.append((_failed(item), ("", False)))
                        done = True
                    else:
                        raw, found = item
                        fetched += 1
                        if self.local_every and fetched % self.local_every == 0:
                            in_flight.append((raw, found))  # prepared here, in its turn
                        else:
                            job = self.pool.submit(prepare_raw_page, raw, self.now_text)
                            in_flight.append((job, found))
                if not in_flight:
                    return
                job_or_raw, (followed, more) = in_flight.pop(0)
                if isinstance(job_or_raw, bytes):
                    page = self._prepare_here(job_or_raw)
                else:
                    page = self._unpack_here(job_or_raw.result())
                if (page.next_cursor, page.has_more) != (followed, more):
                    raise HQProtocolError(
                        "总部的分页游标前后不一致。",
                        "HQ's page cursor does not match its page.",
                        detail=f"followed {followed!r}, page says {page.next_cursor!r}",
                    )
                yield page
                count += 1
                if max_pages is not None and count >= max_pages:
                    return
        finally:
            self.close()

    @staticmethod
    def _unpack_here(blob: bytes) -> PreparedPage:
        was = gc.isenabled()
        gc.disable()  # a page's rows: some 40 fresh objects per member, and no cycles
        try:
            return _unpack(blob)
        finally:
            if was:
                gc.enable()

    def _prepare_here(self, raw: bytes) -> PreparedPage:
        assert self.cipher is not None
        was = gc.isenabled()
        gc.disable()  # as in the workers: the page's fresh tuples hold no cycles
        try:
            return _page_of(_prepared(raw, self.cipher, self.now_text))
        finally:
            if was:
                gc.enable()

    def close(self) -> None:
        self._stop.set()
        while True:  # unblock the fetch thread if it waits on a full queue
            try:
                self._fetched.get_nowait()
            except queue.Empty:
                break
        self.pool.shutdown(wait=True, cancel_futures=True)


def _tail_of(body: Any) -> tuple[str, bool]:
    if not isinstance(body, dict):
        raise HQProtocolError("总部的回复格式不对。", "HQ's answer is malformed.")
    cursor, more = body.get("next_cursor"), body.get("has_more")
    if not isinstance(cursor, str) or not isinstance(more, bool):
        raise HQProtocolError("总部的回复格式不对。", "HQ's answer is malformed.")
    return cursor, more


def _failed(exc: BaseException) -> Future[bytes]:
    future: Future[bytes] = Future()
    future.set_exception(exc)
    return future
