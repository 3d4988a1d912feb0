"""The machinery behind every exercise check.

A check is a plain function that runs the learner's code for real (requests
through the test clients, rows in the database, rendered HTML) and either
returns a short success note or raises one of:

* ``Fail(what, hint)``: the answer is wrong; ``what`` says what went wrong;
* ``NotAttempted(what)``: the exercise still holds its stub.

``exercise("1.2", "LoanView")`` turns it into the function a notebook calls,
``check.ex2()``: it finds ``LoanView`` in the notebook, runs the check under a
time limit and prints exactly one line, whose verdict is a word as well as a
symbol, and never raises::

    ✅ PASSED · Exercise 1.2: GET and POST both answered asynchronously.
    ❌ FAILED · Exercise 1.2: POST answered 405, expected 201. Hint: define `async def post`.
    ⏳ NOT ATTEMPTED · Exercise 1.2: replace `# YOUR CODE HERE` and the line below it with your code.

What the learner's code may do, and what the line then says:

* the stub's bare ``raise NotImplementedError()``, or a name the check needs is
  not defined yet (the exercise cell was not run): not attempted;
* any other exception, ``SystemExit`` and ``CancelledError`` included: a
  failure naming the exception;
* a coroutine it never awaited: a failure naming the forgotten ``await``;
* running past the time limit (sleeping, looping, blocking the event loop):
  a failure naming the limit; the code is stopped and the kernel stays usable;
* Ctrl-C (*Kernel → Interrupt*) during the check: one line saying so.

Graders and validators (nbval, nbgrader) need a failing check cell to fail: with
``COURSE_CHECKS_RAISE=1`` in the kernel's environment, a check that did not pass
prints its line and then raises ``CheckNotPassed``, whose traceback is that one
line. The project's ``conftest.py`` sets it for ``pytest --nbval-lax``, and the
nbgrader course's ``nbgrader_config.py`` for ``nbgrader autograde``.

Self-check questions at the end of a lesson use the same lines, and run no
learner code: ``q1 = question("1.Q1", answer={"b", "d"}, explanation="...")`` in
a lesson's check module; in the notebook the learner replaces ``q1 = ...`` with
a letter or a set of letters and runs ``check.q1()``::

    ✅ PASSED · Q1: <the explanation>
    ❌ FAILED · Q1: you answered {a, c}; not quite. <the explanation>
    ⏳ NOT ATTEMPTED · Q1: replace the `...` in `q1 = ...` with your answer: ...
"""
import functools
import gc
import inspect
import os
import re
import sys
import warnings
from dataclasses import dataclass

from .. import limits, loops

__all__ = [
    "PASS",
    "FAIL",
    "NOT_ATTEMPTED",
    "Fail",
    "NotAttempted",
    "Outcome",
    "exercise",
    "expect",
    "call",
    "CheckNotPassed",
    "RAISE_ENV",
    "Question",
    "question",
]

PASS, FAIL, NOT_ATTEMPTED = "passed", "failed", "not attempted"
VERDICTS = {PASS: ("✅", "PASSED"), FAIL: ("❌", "FAILED"), NOT_ATTEMPTED: ("⏳", "NOT ATTEMPTED")}
STUB_HINT = "replace `# YOUR CODE HERE` and the line below it with your code"
TIME_LIMIT_SECONDS = 15
RERUN_HINT = "Hint: run it in a cell of its own to see where it goes wrong."
RAISE_ENV = "COURSE_CHECKS_RAISE"
_NEVER_AWAITED = re.compile(r"coroutine '([^']+)' was never awaited")


class Fail(Exception):
    """The learner's answer is wrong: what went wrong, and a hint."""

    def __init__(self, what, hint):
        super().__init__(what)
        self.what = what
        self.hint = hint


class NotAttempted(Exception):
    """The exercise still holds its stub."""


class CheckNotPassed(Exception):
    """A check did not pass, raised only for graders (``COURSE_CHECKS_RAISE=1``); it shows as its one line."""

    def __init__(self, outcome):
        super().__init__(outcome.line)
        self.outcome = outcome

    def _render_traceback_(self):
        return [self.outcome.line]


class LearnerExit(Exception):
    """The learner's code raised ``SystemExit``, ``GeneratorExit`` or ``CancelledError``; raised by ``call``.

    Those derive from ``BaseException`` and would otherwise tear through the
    check's own ``except`` clauses; as an ``Exception`` they end the check
    like any other error of the learner's.
    """

    def __init__(self, error):
        super().__init__(_describe(error))
        self.error = error


# The exceptions that ``call`` saw leave the learner's code, per running check
# (a stack: a check may run inside a check's test).
_learner_errors = []


@dataclass(frozen=True)
class Outcome:
    exercise: str
    status: str
    message: str

    @property
    def verdict(self):
        """The verdict as a word: PASSED, FAILED or NOT ATTEMPTED."""
        return VERDICTS[self.status][1]

    @property
    def title(self):
        """What the line names before its message: "Exercise 1.2"."""
        return f"Exercise {self.exercise}"

    @property
    def line(self):
        symbol, word = VERDICTS[self.status]
        text = self.message if self.status != NOT_ATTEMPTED else self.message.rstrip(".") + "."
        return f"{symbol} {word} · {self.title}: {text}"


def is_stub_error(error):
    """True for the stub's bare ``raise NotImplementedError()``."""
    return isinstance(error, NotImplementedError) and not error.args


def _one_line(text):
    return " ".join(str(text).split())


def _describe(error):
    name = type(error).__name__
    text = _one_line(error)
    return f"{name}: {text}" if text else name


def _forgotten_await(records):
    """The name of a coroutine that was created but never awaited, if any."""
    for record in records:
        match = _NEVER_AWAITED.search(str(record.message))
        if match:
            return match.group(1)
    return None


def _learner_failure(error):
    """The one-line message for an exception raised by the learner's code."""
    if isinstance(error, limits.TimeLimitExceeded):
        return (
            f"your code was still running after {error.seconds:g} s, so the check stopped it. Hint: look for "
            "something that never ends or waits too long (`time.sleep`, `while True`, a blocking call in async "
            "code) and fix it; the kernel is still usable."
        )
    if isinstance(error, KeyboardInterrupt):
        return "the check was interrupted (Kernel → Interrupt) before it finished. Hint: run the check again."
    if isinstance(error, SystemExit):
        return f"your code called exit() or raised SystemExit ({_describe(error)}). Hint: return a value instead."
    if "'coroutine'" in str(error):
        return _forgotten_message(None)
    return f"your code raised {_describe(error)} {RERUN_HINT}"


def _forgotten_message(name):
    called = f"`{name.rsplit('.', 1)[-1]}()`" if name else "an async function"
    return (
        f"{called} was called without `await`, so it never ran and your code got a coroutine instead of its "
        "result. Hint: write `await` before the call (inside an `async def`)."
    )


def evaluate(number, body, *args, time_limit=TIME_LIMIT_SECONDS, **kwargs):
    """Run a check body and classify the result as an ``Outcome``; never raises."""
    raised = []
    _learner_errors.append(raised)
    # What earlier cells left behind is set aside: the collection below looks only at what this
    # check created (so it stays cheap however big the kernel has grown), and an old forgotten
    # coroutine warns later, outside this check's record.
    gc.freeze()
    try:
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always", RuntimeWarning)
            outcome = _classify(number, body, args, kwargs, time_limit, raised)
            raised.clear()  # their tracebacks hold the learner's frames, and any coroutine in them
            gc.collect()  # a forgotten coroutine warns when it is collected
            forgotten = _forgotten_await(records)
    finally:
        gc.unfreeze()
        _learner_errors.remove(raised)
    if forgotten and outcome.status != NOT_ATTEMPTED:
        return Outcome(number, FAIL, _forgotten_message(forgotten))
    return outcome


def _classify(number, body, args, kwargs, time_limit, raised):
    try:
        with limits.time_limit(time_limit):
            result = body(*args, **kwargs)
            if inspect.isawaitable(result):
                result = loops.run(result)
    except NotAttempted as error:
        return Outcome(number, NOT_ATTEMPTED, _one_line(error) or STUB_HINT)
    except Fail as error:
        return Outcome(number, FAIL, _one_line(f"{error.what} Hint: {error.hint}"))
    except BaseException as error:  # noqa: BLE001 - the learner's code may raise anything
        error = limits.as_time_limit(error)
        if is_stub_error(error):
            return Outcome(number, NOT_ATTEMPTED, STUB_HINT)
        if isinstance(error, LearnerExit):
            return Outcome(number, FAIL, _one_line(_learner_failure(error.error)))
        if isinstance(error, limits.TimeLimitExceeded) and not any(e is error for e in raised):
            return Outcome(
                number,
                FAIL,
                f"the check itself took longer than its {error.seconds:g} s limit, outside your code (is the "
                "machine very busy?). Hint: run the check again.",
            )
        if isinstance(error, KeyboardInterrupt) or any(e is error for e in raised):
            return Outcome(number, FAIL, _one_line(_learner_failure(error)))
        return Outcome(
            number,
            FAIL,
            f"the check itself could not finish ({_describe(error)}). Hint: restart the kernel and run "
            "the notebook from the top; if it persists, report it (docs/TROUBLESHOOTING.md).",
        )
    return Outcome(number, PASS, _one_line(result or "well done."))


def _from_notebook(names, frame):
    """The values of ``names`` in the notebook that called the check, or ``NotAttempted``."""
    namespace = frame.f_globals if frame is not None else {}
    missing = [name for name in names if name not in namespace]
    if missing:
        listed = ", ".join(f"`{name}`" for name in missing)
        raise NotAttempted(f"{listed} is not defined yet: run the exercise cell above first")
    return tuple(namespace[name] for name in names)


def exercise(number, *names, time_limit=TIME_LIMIT_SECONDS):
    """Decorator: make ``body`` a learner-facing check that prints one line.

    ``names`` are the notebook names the check reads when it is called without
    arguments (``check.ex1()``); called with arguments, it checks those. The
    learner's code gets ``time_limit`` seconds in all. The undecorated body
    stays reachable as ``check.body``, and ``check.evaluate(...)`` returns the
    ``Outcome`` without printing (for tests).
    """

    def decorate(body):
        def run(args, kwargs, frame):
            if not args and not kwargs and names:
                try:
                    args = _from_notebook(names, frame)
                except NotAttempted as error:
                    return Outcome(number, NOT_ATTEMPTED, _one_line(error))
            return evaluate(number, body, *args, time_limit=time_limit, **kwargs)

        @functools.wraps(body)
        def check(*args, **kwargs):
            outcome = run(args, kwargs, sys._getframe(1))
            print(outcome.line)
            if outcome.status != PASS and os.environ.get(RAISE_ENV) == "1":
                raise CheckNotPassed(outcome)

        check.body = body
        check.evaluate = lambda *args, **kwargs: run(args, kwargs, sys._getframe(1))
        check.exercise = number
        check.names = names
        check.time_limit = time_limit
        check.__doc__ = (
            f"Check exercise {number}"
            + (f" ({', '.join(names)})" if names else "")
            + f": prints one line, PASSED, FAILED or NOT ATTEMPTED.\n\n{body.__doc__ or ''}"
        )
        return check

    return decorate


def expect(condition, what, hint):
    """Raise ``Fail(what, hint)`` unless ``condition`` holds."""
    if not condition:
        raise Fail(what, hint)


def call(function, *args, **kwargs):
    """Call the learner's code (awaiting it if it is async) and return its result.

    The stub's bare ``NotImplementedError`` becomes ``NotAttempted``. Any other
    exception goes through unchanged, so a check may catch the ones it expects,
    and is remembered as the learner's, so the one-line report says "your code
    raised ..." rather than blaming the check. ``SystemExit``,
    ``GeneratorExit`` and ``CancelledError`` come out as ``LearnerExit``. A
    time limit that expires here is disarmed, so the check's own clean-up runs
    undisturbed, and the async ORM's worker thread is replaced, in case the
    learner's code left it blocked. Checks call learner code only through this
    function.
    """
    try:
        result = function(*args, **kwargs)
        if inspect.isawaitable(result):
            result = loops.run(result)
        return result
    except (Fail, NotAttempted, LearnerExit):
        raise
    except BaseException as error:  # noqa: BLE001 - learner code may raise anything, even SystemExit
        error = limits.as_time_limit(error)
        if _learner_errors:
            _learner_errors[-1].append(error)
        if isinstance(error, limits.TimeLimitExceeded):
            limits.disarm()
            loops.replace_sync_worker()
            raise error from None
        if is_stub_error(error):
            raise NotAttempted(STUB_HINT) from None
        if isinstance(error, Exception) or isinstance(error, KeyboardInterrupt):
            raise
        raise LearnerExit(error) from None


# ------------------------------------------------------------------ self-check questions

ANSWER_FORMS = 'write a letter like "b", or a set of letters like {"a", "c"}'
_SEPARATORS = re.compile(r"[\s,;:/&+|.()\[\]{}'\"]+")  # "b, d", "b and d", "{'b', 'd'}", "(b)"
_JOINING_WORDS = {"and", "or"}
_LONGEST_ANSWER = 200  # characters, or items of a collection: beyond that it is not an answer


@dataclass(frozen=True)
class _QuestionOutcome(Outcome):
    """An ``Outcome`` whose line names the question ("Q1") rather than an exercise."""

    label: str = ""

    @property
    def title(self):
        return self.label or f"Question {self.exercise}"


class _NotLetters(Exception):
    """The learner's value is not an answer made of letters; the message says why, in one line."""


def _article(word):
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def _short(text, limit=40):
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 4] + "...'"


def _kind(value):
    """What a value that is not an answer is, in a few words; never calls the value's own methods."""
    if value is Ellipsis:
        return "`...`"
    if isinstance(value, (bytes, bytearray)):
        return "bytes"
    if value is None or isinstance(value, (bool, int, float, complex)):
        return repr(value) if not isinstance(value, float) or abs(value) < 1e15 else "a number"
    if isinstance(value, BaseException):
        return f"{_article(type(value).__name__)} exception"
    if isinstance(value, type):
        return "a class"
    if inspect.ismodule(value):
        return "a module"
    if inspect.iscoroutine(value):
        return "a coroutine"
    if inspect.isroutine(value) or isinstance(value, functools.partial):
        return "a function"
    return _article(type(value).__name__)


def _format_letters(letters):
    ordered = sorted(letters)
    return ordered[0] if len(ordered) == 1 else "{" + ", ".join(ordered) + "}"


def _format_choices(choices):
    ordered = sorted(choices)
    codes = [ord(letter) for letter in ordered]
    if len(ordered) >= 3 and codes == list(range(codes[0], codes[0] + len(codes))):
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(ordered)


def _letters_of_text(text, where):
    letters, wrong = set(), []
    for token in _SEPARATORS.split(text):
        if token.lower() in _JOINING_WORDS:
            continue
        for character in token:
            if character.isascii() and character.isalpha():
                letters.add(character.lower())
            elif character not in wrong:
                wrong.append(character)
    if wrong:
        listed = " and ".join(", ".join(wrong).rsplit(", ", 1))
        verb = "is not a letter from a to z" if len(wrong) == 1 else "are not letters from a to z"
        raise _NotLetters(f"{where}: {listed} {verb}")
    return letters


def letters_of(value, name="answer"):
    """The set of lower-case letters ``value`` stands for, or ``_NotLetters`` saying what it is instead.

    Accepted: a string ("b", " B ", "b, d", "bd", "b and d") and a set, frozenset,
    list or tuple of such strings. Raises ``_NotLetters`` for anything else.
    """
    if isinstance(value, str):
        if len(value) > _LONGEST_ANSWER:
            raise _NotLetters(f"`{name}` is a text of {len(value)} characters, not a few letters")
        return _letters_of_text(value, f"`{name}` is {_short(value)}")
    if isinstance(value, (set, frozenset, list, tuple)):
        kind = type(value).__name__
        if len(value) > _LONGEST_ANSWER:
            raise _NotLetters(f"`{name}` is {_article(kind)} of {len(value)} items, not a few letters")
        letters = set()
        for item in list(value):
            if not isinstance(item, str):
                raise _NotLetters(f"`{name}` is {_article(kind)} holding {_kind(item)}, not only letters")
            if len(item) > _LONGEST_ANSWER:
                raise _NotLetters(f"`{name}` is {_article(kind)} holding a text of {len(item)} characters")
            letters |= _letters_of_text(item, f"`{name}` is {_article(kind)} holding {_short(item)}")
        return letters
    raise _NotLetters(f"`{name}` is {_kind(value)}, not letters")


def _answer_letters(value, what):
    """The letters of a question's own ``answer`` or ``choices``; a mistake there is the author's."""
    try:
        letters = letters_of(value, what)
    except _NotLetters as error:
        raise ValueError(f"question {what}: {error}") from None
    if not letters:
        raise ValueError(f"question {what}: no letters in {value!r}")
    return frozenset(letters)


class Question:
    """A self-check question: ``check.q1()`` reads the notebook's ``q1`` and prints one line.

    Made by ``question(...)``; see there. ``check.q1("b")`` checks that answer
    instead of the notebook's variable, and ``check.q1.evaluate(...)`` returns
    the ``Outcome`` without printing (for tests).
    """

    def __init__(self, number, answer, explanation, *, choices=None, name=None):
        number = str(number)
        label = number.rsplit(".", 1)[-1]
        if name is None:
            name = label.lower()
        if not name.isidentifier():
            raise ValueError(f"question {number}: pass name=, the notebook variable the check reads")
        self.number = number
        self.label = label if label != number or label[:1].upper() == "Q" else ""
        self.name = name
        self.answer = _answer_letters(answer, f"{number} answer")
        self.choices = _answer_letters(choices, f"{number} choices") if choices is not None else None
        if self.choices is not None and not self.answer <= self.choices:
            raise ValueError(f"question {number}: the answer {set(self.answer)} is not among the choices")
        self.explanation = _one_line(explanation)
        if not self.explanation:
            raise ValueError(f"question {number}: give an explanation; it is shown whether the answer is right or wrong")
        self.__doc__ = (
            f"Check self-check question {number}: set `{name} = ` a letter or a set of letters, then run "
            f"`check.{name}()`. It prints one line, PASSED, FAILED or NOT ATTEMPTED."
        )

    def __repr__(self):
        return f"<question {self.number}: check.{self.name}() reads `{self.name}`>"

    def _outcome(self, status, message):
        return _QuestionOutcome(self.number, status, _one_line(message), self.label)

    def _run(self, args, frame):
        if len(args) > 1:
            return self._outcome(FAIL, f"pass one answer, or none to read `{self.name}`. Hint: `check.{self.name}()`.")
        if args:
            value = args[0]
        else:
            try:
                (value,) = _from_notebook([self.name], frame)
            except NotAttempted:
                return self._outcome(
                    NOT_ATTEMPTED, f"`{self.name}` is not defined yet: write your answer in `{self.name} = ...` and run that cell"
                )
        return self.judge(value)

    def judge(self, value):
        """The ``Outcome`` for the answer ``value``; never raises."""
        if value is Ellipsis:
            return self._outcome(NOT_ATTEMPTED, f"replace the `...` in `{self.name} = ...` with your answer: {ANSWER_FORMS}")
        try:
            letters = letters_of(value, self.name)
        except _NotLetters as error:
            return self._outcome(FAIL, f"{error}; {ANSWER_FORMS}.")
        except Exception as error:  # noqa: BLE001 - a value of the learner's may misbehave in any way
            return self._outcome(FAIL, f"`{self.name}` could not be read ({type(error).__name__}); {ANSWER_FORMS}.")
        if not letters:
            return self._outcome(FAIL, f"`{self.name}` holds no letters; {ANSWER_FORMS}.")
        if self.choices is not None and not letters <= self.choices:
            outside = sorted(letters - self.choices)
            listed = " and ".join(", ".join(outside).rsplit(", ", 1))
            verb = "is not one of" if len(outside) == 1 else "are not among"
            return self._outcome(
                FAIL, f"you answered {_format_letters(letters)}, but {listed} {verb} the choices {_format_choices(self.choices)}."
            )
        if letters == self.answer:
            return self._outcome(PASS, self.explanation)
        return self._outcome(FAIL, f"you answered {_format_letters(letters)}; not quite. {self.explanation}")

    def evaluate(self, *args):
        """The ``Outcome``, without printing: of ``args[0]`` if given, else of the caller's variable."""
        return self._run(args, sys._getframe(1))

    def __call__(self, *args):
        outcome = self._run(args, sys._getframe(1))
        print(outcome.line)
        if outcome.status != PASS and os.environ.get(RAISE_ENV) == "1":
            raise CheckNotPassed(outcome)


def question(number, answer, explanation, *, choices=None, name=None):
    """A self-check question's check, for a lesson's check module::

        q1 = question("1.Q1", answer={"b", "d"}, explanation="Django runs a class ... because ...")
        __all__ = ["ex1", ..., "q1"]

    In the notebook the learner writes ``q1 = ...`` (``...``: not answered yet),
    replaces ``...`` with a letter (``"b"``) or a set of letters
    (``{"b", "d"}``, also a list, a tuple or a string like ``"b, d"``; any case),
    and runs ``check.q1()``, which reads the notebook's variable of the same
    name as the check: ``name``, by default the number's last part in lower
    case ("1.Q1" → ``q1``). The line says PASSED with the explanation, FAILED
    with the learner's letters and the explanation (never the right letters,
    so the explanation should not name them either), or NOT ATTEMPTED.
    ``choices`` ("abcd") makes the check refuse letters outside them by name.
    Like exercise checks it prints one line, never a traceback, and with
    ``COURSE_CHECKS_RAISE=1`` raises ``CheckNotPassed`` unless it passed.
    """
    return Question(number, answer, explanation, choices=choices, name=name)
