"""Run one call in a forked worker process while this one goes on (Linux).

A forked child shares the parent's memory copy-on-write, so a loaded graph reaches it for
free (nothing is pickled on the way in); only the call's result comes back, pickled through a
pipe. Where ``fork`` is not the platform's safe default (macOS, Windows) the call runs in this
process instead, when its result is asked for.

Examples
--------
>>> with fork_call(sum, [1, 2, 3], workers=2) as pending:
...     here = 10 * 2  # meanwhile, in this process
>>> pending.result(), here
(6, 20)
"""

from __future__ import annotations

import gc
import logging
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = ["can_fork", "fork_call"]


def can_fork() -> bool:
    """Whether :func:`fork_call` runs its call in a forked process here (Linux only)."""
    return sys.platform.startswith("linux")


class Pending(Generic[T]):
    """The result of a call running in a worker process (or to run here, lazily)."""

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...], forked: bool) -> None:
        self._fn, self._args = fn, args
        self._done = False
        self._value: Any = None
        self._error: BaseException | None = None
        self._process: Any = None
        self._conn: Any = None
        if forked:
            self._start()

    def _start(self) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        self._conn, child_end = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_child, args=(child_end, self._fn, self._args),
                              daemon=True, name="regional_graph worker")
        try:
            with warnings.catch_warnings():  # Python 3.12+ warns about forking with
                # threads; the ones here are Arrow's and numpy's pools, which are fork-safe
                warnings.filterwarnings("ignore", message=".*fork.*",
                                        category=DeprecationWarning)
                process.start()
        except OSError as exc:  # no memory or no process left: the call runs here
            log.warning("no worker process (%s); computing in this process", exc)
            self._conn.close()
            return
        finally:
            child_end.close()  # only the child writes: a child that dies ends the pipe
        self._process = process

    @property
    def done(self) -> bool:
        """Whether the call's result (or exception) is in."""
        return self._done

    @property
    def forked(self) -> bool:
        """Whether the call runs in a worker process."""
        return self._process is not None

    def result(self) -> T:
        """The call's value, waiting for the worker if needed; the call's exception is
        raised here."""
        if not self._done:
            try:
                self._value = self._fn(*self._args) if self._process is None else \
                    self._receive()
            except BaseException as exc:
                self._error = exc
            self._done = True
        if self._error is not None:
            raise self._error
        return self._value

    def _receive(self) -> Any:
        try:
            ok, value = self._conn.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"the worker process ended without an answer (exit code "
                               f"{self._process.exitcode})") from None
        finally:
            self._conn.close()
        self._process.join()
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        """Stop the worker (if its result was not asked for yet)."""
        if self._process is not None and not self._done:
            self._process.terminate()
            self._process.join()
            self._conn.close()
            self._done = True


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        answer: tuple[bool, Any] = (True, fn(*args))
    except BaseException as exc:  # every failure goes back to the parent
        exc.add_note("(in the worker process)\n" + "".join(traceback.format_exception(exc)))
        answer = (False, exc)
    try:
        conn.send(answer)
    except Exception as exc:  # an answer that cannot be pickled
        conn.send((False, RuntimeError(f"the worker process could not send its answer "
                                       f"({exc!r}): {answer[1]!r:.500}")))
    finally:
        conn.close()


@contextmanager
def fork_call(fn: Callable[..., T], *args: Any, workers: int = 2) -> Iterator[Pending[T]]:
    """``fn(*args)`` in a forked worker process when ``workers`` ≥ 2 and the platform
    forks safely (:func:`can_fork`), else in this process when the result is asked for.
    The block's end waits for a result not yet asked for (raising the call's exception);
    an exception inside the block stops the worker.

    While the worker runs, the objects that exist when it starts are left out of garbage
    collection (:func:`gc.freeze`): a collection writes to every object it visits, and each
    page written is copied, in whichever process writes it, from the memory both share."""
    forked = workers >= 2 and can_fork()
    if forked:
        gc.freeze()
    try:
        pending = Pending(fn, args, forked=forked)
        log.debug("%s runs %s", "a worker process" if pending.forked else "this process",
                  getattr(fn, "__name__", fn))
        try:
            yield pending
        except BaseException:
            pending.cancel()
            raise
        if not pending.done:
            pending.result()
    finally:
        if forked:
            gc.unfreeze()
