"""The runner: work off the UI thread, results and errors back on it, errors sorted by type."""

import sys
import threading

import pytest

from counter.errors import KnownError, StorageError
from ui.shell.tasks import ImmediateRunner, TaskRunner


class Oops(ValueError):
    pass


def fail_with(exc: BaseException):  # type: ignore[no-untyped-def]
    def run() -> None:
        raise exc

    return run


@pytest.fixture
def runner(qapp):  # type: ignore[no-untyped-def]
    pool_runner = TaskRunner()
    yield pool_runner
    pool_runner.shutdown()


def test_result_arrives_on_the_ui_thread(qtbot, runner):
    ran_on: list[threading.Thread] = []
    delivered_on: list[threading.Thread] = []

    def work() -> int:
        ran_on.append(threading.current_thread())
        return 42

    def done(result: int) -> None:
        delivered_on.append(threading.current_thread())
        assert result == 42

    runner.submit(work, done)
    qtbot.waitUntil(lambda: bool(delivered_on), timeout=3000)
    assert ran_on[0] is not threading.main_thread()
    assert delivered_on[0] is threading.main_thread()
    qtbot.waitUntil(lambda: runner.busy == 0, timeout=3000)


def test_error_goes_to_on_error_when_given(qtbot, runner):
    errors: list[BaseException] = []
    runner.submit(fail_with(Oops("x")), lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert isinstance(errors[0], Oops)


def test_known_error_is_announced_plainly(qtbot, runner):
    exc = StorageError("无法读写本地数据库文件。", "The database file cannot be read.")
    with qtbot.waitSignal(runner.knownError, timeout=3000) as blocker:
        runner.submit(fail_with(exc), lambda _r: None)
    assert blocker.args[0] is exc
    assert blocker.args[0].message("zh_CN") == "无法读写本地数据库文件。"


def test_a_bug_goes_to_the_excepthook(qtbot, runner):
    seen: list[BaseException] = []
    old = sys.excepthook
    sys.excepthook = lambda _t, exc, _tb: seen.append(exc)
    try:
        runner.submit(fail_with(Oops("bug")), lambda _r: None)
        qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    finally:
        sys.excepthook = old
    assert isinstance(seen[0], Oops)
    assert seen[0].__traceback__ is not None


def test_immediate_runner_runs_inline(qtbot):
    runner = ImmediateRunner()
    results: list[int] = []
    runner.submit(lambda: 7, results.append)
    assert results == [7]
    with qtbot.waitSignal(runner.knownError, timeout=100):
        runner.submit(fail_with(KnownError("坏了", "broken")), results.append)
