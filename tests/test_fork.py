"""The forked worker of :mod:`regional_graph.export._fork`: its answer, its exceptions and
its death reach the parent; with one worker the call runs in this process."""

from __future__ import annotations

import os

import pytest

from regional_graph.export._fork import can_fork, fork_call
from regional_graph.progress import available_cores


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def _fail() -> None:
    raise ValueError("bad table")


def _die() -> None:
    os._exit(3)


def test_result_comes_from_a_worker_process() -> None:
    assert can_fork() and available_cores() >= 1  # Linux: the tests run there
    with fork_call(_pid_and_square, 7, workers=2) as pending:
        assert pending.forked
    pid, value = pending.result()
    assert value == 49 and pid != os.getpid()


def test_one_worker_runs_here() -> None:
    with fork_call(_pid_and_square, 7, workers=1) as pending:
        pid, value = pending.result()
    assert not pending.forked and pid == os.getpid() and value == 49


def test_exception_is_raised_in_the_parent() -> None:
    with fork_call(_fail, workers=2) as pending, pytest.raises(ValueError, match="bad table") \
            as err:
        pending.result()
    assert any("in the worker process" in note for note in err.value.__notes__)


def test_worker_that_dies() -> None:
    with fork_call(_die, workers=2) as pending, pytest.raises(RuntimeError, match="exit code 3"):
        pending.result()


def test_no_fork_runs_here(monkeypatch, caplog) -> None:
    """When the system cannot start a process, the call runs in this one (and says so)."""
    import multiprocessing.process

    def refuse(self):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    with fork_call(_pid_and_square, 5, workers=2) as pending:
        pid, value = pending.result()
    assert not pending.forked and pid == os.getpid() and value == 25
    assert "no worker process" in caplog.text
