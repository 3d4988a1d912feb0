"""The machinery behind every exercise check.

A check is a plain function that runs the learner's code for real (requests
through the test clients, rows in the database, rendered HTML) and either
returns a short success note or raises one of:

* ``Fail(what, hint)``: the answer is wrong; ``what`` says what went wrong;
* ``NotAttempted(what)``: the exercise still holds its stub.

``exercise("1.2")`` turns it into the function a notebook calls. That function
prints exactly one line and never raises::

    ✅ Exercise 1.2 passed: GET and POST both answered asynchronously.
    ❌ Exercise 1.2: POST answered 405, expected 201. Hint: define `async def post`.
    ⏳ Exercise 1.2: not attempted yet (replace the stub `raise NotImplementedError()`).

A bare ``NotImplementedError`` (no message) raised anywhere in the learner's
code is the stub's, so it counts as "not attempted". Any other exception from
the learner's code is a failure, reported in one line with the exception's
type and message. Coroutine checks are driven with ``course.loops.run``.
"""
import functools
import inspect
from dataclasses import dataclass

from . import loops

PASS, FAIL, NOT_ATTEMPTED = "passed", "failed", "not attempted"
STUB_HINT = "replace `# YOUR CODE HERE` and the line below it with your code"


class Fail(Exception):
    """The learner's answer is wrong: what went wrong, and a hint."""

    def __init__(self, what, hint):
        super().__init__(what)
        self.what = what
        self.hint = hint


class NotAttempted(Exception):
    """The exercise still holds its stub."""


@dataclass(frozen=True)
class Outcome:
    exercise: str
    status: str
    message: str

    @property
    def line(self):
        if self.status == PASS:
            return f"✅ Exercise {self.exercise} passed: {self.message}"
        if self.status == NOT_ATTEMPTED:
            return f"⏳ Exercise {self.exercise}: not attempted yet ({self.message})."
        return f"❌ Exercise {self.exercise}: {self.message}"


def is_stub_error(error):
    """True for the stub's bare ``raise NotImplementedError()``."""
    return isinstance(error, NotImplementedError) and not error.args


def _one_line(text):
    return " ".join(str(text).split())


def evaluate(number, body, *args, **kwargs):
    """Run a check body and classify the result as an ``Outcome``."""
    try:
        result = body(*args, **kwargs)
        if inspect.isawaitable(result):
            result = loops.run(result)
    except NotAttempted as error:
        return Outcome(number, NOT_ATTEMPTED, _one_line(error) or STUB_HINT)
    except Fail as error:
        return Outcome(number, FAIL, _one_line(f"{error.what} Hint: {error.hint}"))
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        if is_stub_error(error):
            return Outcome(number, NOT_ATTEMPTED, STUB_HINT)
        detail = _one_line(f"{type(error).__name__}: {error}")
        if getattr(error, "raised_by_learner", False):
            return Outcome(
                number,
                FAIL,
                f"your code raised {detail} Hint: run it in a cell of its own to see the traceback.",
            )
        return Outcome(
            number,
            FAIL,
            f"the check itself could not finish ({detail}). Hint: restart the kernel and run "
            "the notebook from the top; if it persists, report it (docs/TROUBLESHOOTING.md).",
        )
    return Outcome(number, PASS, _one_line(result or "well done."))


def exercise(number):
    """Decorator: make ``body`` a learner-facing check that prints one line.

    The undecorated body stays reachable as ``check.body``, and
    ``check.evaluate(...)`` returns the ``Outcome`` without printing (for tests).
    """

    def decorate(body):
        @functools.wraps(body)
        def check(*args, **kwargs):
            print(evaluate(number, body, *args, **kwargs).line)

        check.body = body
        check.evaluate = functools.partial(evaluate, number, body)
        check.exercise = number
        return check

    return decorate


def expect(condition, what, hint):
    """Raise ``Fail(what, hint)`` unless ``condition`` holds."""
    if not condition:
        raise Fail(what, hint)


def call(function, *args, **kwargs):
    """Call the learner's code (awaiting it if it is async) and return its result.

    The stub's bare ``NotImplementedError`` becomes ``NotAttempted``. Any other
    exception goes through unchanged, marked as the learner's, so the one-line
    report says "your code raised ..." rather than blaming the check. Checks
    call learner code only through this function.
    """
    try:
        result = function(*args, **kwargs)
        if inspect.isawaitable(result):
            result = loops.run(result)
        return result
    except NotImplementedError as error:
        if is_stub_error(error):
            raise NotAttempted(STUB_HINT) from None
        error.raised_by_learner = True
        raise
    except (Fail, NotAttempted):
        raise
    except Exception as error:
        error.raised_by_learner = True
        raise
