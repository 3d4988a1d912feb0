"""Time limits for the learner's code inside a check.

``time_limit(seconds)`` stops the block with ``TimeLimitExceeded`` once it has
run that long: code that sleeps, loops forever or blocks the event loop is
interrupted where it stands. The limit counts seconds, but a check never reads
a verdict off a clock: the limit only ends code that would otherwise never end,
and it is set far above what a right answer needs on a loaded machine.

``TimeLimitExceeded`` derives from ``BaseException`` so that the learner's
``except Exception:`` cannot swallow it; a bare ``except:`` can, so the alarm
rings again every second until the block ends or ``disarm()`` is called.

On POSIX the alarm is ``SIGALRM`` (a real interruption, even of ``time.sleep``
and of a blocked ``select``); elsewhere a timer thread interrupts the main
thread as Ctrl-C would. Outside the main thread no alarm can be delivered, and
the block runs without a limit.
"""
import _thread
import signal
import threading
from contextlib import contextmanager

__all__ = ["TimeLimitExceeded", "time_limit", "disarm", "as_time_limit"]

_REPEAT_SECONDS = 1.0
_state = {"armed": None, "rang": None}


class TimeLimitExceeded(BaseException):
    """The learner's code ran past the check's time limit."""

    def __init__(self, seconds):
        super().__init__(f"stopped after {seconds:g} s")
        self.seconds = seconds


def as_time_limit(error):
    """``error`` as ``TimeLimitExceeded`` if it is the alarm's Ctrl-C (timer-thread alarms), else ``error``."""
    if isinstance(error, KeyboardInterrupt) and _state["rang"] is not None:
        return TimeLimitExceeded(_state["rang"])
    return error


def disarm():
    """Stop the current alarm (the limit has done its work)."""
    armed = _state["armed"]
    if armed is not None:
        armed()


@contextmanager
def time_limit(seconds):
    """Raise ``TimeLimitExceeded`` inside the block once it has run ``seconds``."""
    if threading.current_thread() is not threading.main_thread() or _state["armed"] is not None:
        yield  # no alarm reaches this thread; or an outer limit already applies
        return
    if hasattr(signal, "setitimer"):
        with _alarm_signal(seconds):
            yield
    else:
        with _alarm_thread(seconds):
            yield


@contextmanager
def _alarm_signal(seconds):
    def ring(signum, frame):
        _state["rang"] = seconds
        raise TimeLimitExceeded(seconds)

    def stop():
        signal.setitimer(signal.ITIMER_REAL, 0)

    previous = signal.signal(signal.SIGALRM, ring)
    _state["armed"] = stop
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT_SECONDS)
    try:
        yield
    finally:
        stop()
        signal.signal(signal.SIGALRM, previous)
        _state["armed"] = _state["rang"] = None


@contextmanager
def _alarm_thread(seconds):
    stopped = threading.Event()

    def ring():
        delay = seconds
        while not stopped.wait(delay):
            _state["rang"] = seconds
            _thread.interrupt_main()
            delay = _REPEAT_SECONDS

    _state["armed"] = stopped.set
    threading.Thread(target=ring, name="course-time-limit", daemon=True).start()
    try:
        yield
    except KeyboardInterrupt as error:
        limit = as_time_limit(error)
        if limit is not error:
            raise limit from None
        raise
    finally:
        stopped.set()
        _state["armed"] = _state["rang"] = None
