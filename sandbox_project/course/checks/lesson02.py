"""Checks for the exercises of 02_async_orm.

Every check runs the learner's coroutine with Django's async-safety check on
(``loops.async_safety()``), as a real ASGI server would: a synchronous ORM call
hidden anywhere in it raises ``SynchronousOnlyOperation``, which the check
turns into one line naming the cause (a lazy relation, ``transaction.atomic()``,
or another sync call). "Never awaited" warnings are recorded, not printed, and
reported as a missing ``await``, in the framework's words. Where an exercise asks
for the async interface (2.1, and 0.2 in lesson 00), sync ORM code that the
learner hands to ``sync_to_async`` or to a thread of its own is refused
(``course.lessons.lesson02.watching_sync_work``). Each check seeds the library
before it starts and again when it ends, whatever happened; its data separates
near misses (``>=`` from ``>``, title order from insertion order, the loan asked
for from the first, newest or last-inserted one).
"""
import asyncio
import datetime
import gc
import inspect
import re
import traceback
import warnings
from contextlib import contextmanager

from asgiref.sync import sync_to_async
from django.core.exceptions import SynchronousOnlyOperation
from django.db import IntegrityError, connection
from django.db.models import QuerySet

from course import data, loops
from course.lessons import lesson02 as lesson02_tools
from course.checks.framework import Fail, NotAttempted, call, exercise, expect, question
from library.models import Author, Book, Loan, Member

_NEVER_AWAITED = re.compile(r"coroutine '([^']+)' was never awaited")
AWAIT_HINT = "put `await` in front of every a-method call (and every `sync_to_async(...)(...)` call)."


# --------------------------------------------------------------------------- helpers


def _is_async_function(function):
    return inspect.iscoroutinefunction(function) or asyncio.iscoroutinefunction(function)


def _frames(error):
    return [frame.filename.replace("\\", "/") for frame in traceback.extract_tb(error.__traceback__)]


def _sync_only_failure(error, name):
    """The Fail that explains a SynchronousOnlyOperation raised inside the learner's code."""
    files = _frames(error)
    if any(path.endswith("django/db/models/fields/related_descriptors.py") for path in files):
        return Fail(
            f"{name} read a related object lazily (such as `book.author`), which runs a query: "
            "SynchronousOnlyOperation.",
            "load the relation in the same query with `select_related()`, or read it inside `sync_to_async`.",
        )
    if any(path.endswith("django/db/transaction.py") for path in files):
        return Fail(
            f"{name} used `transaction.atomic()` in async code: SynchronousOnlyOperation.",
            "write the transactional part as one sync function and call it with `sync_to_async`.",
        )
    return Fail(
        f"{name} made a synchronous ORM call inside async code: SynchronousOnlyOperation.",
        "use the a-methods (`await qs.acount()`, `async for ...`) or wrap sync code in `sync_to_async`.",
    )


def _coroutines_in(value, found):
    """Close and collect every coroutine object in a (nested) result; note async generators."""
    if inspect.iscoroutine(value):
        value.close()  # never started: closing it avoids the "never awaited" warning
        found.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _coroutines_in(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _coroutines_in(item, found)
    return found


def _called(qualname):
    """How a line names the call behind a coroutine: `acount()`, or a `sync_to_async(...)(...)` call."""
    if not qualname or qualname.endswith("__call__"):
        return "a `sync_to_async(...)(...)` call"
    return f"`{qualname.rsplit('.', 1)[-1]}()`"


def _missing_await(name, qualname, detail):
    """The one Fail for a forgotten ``await``, worded like the framework's own line (course.checks.framework)."""
    return Fail(
        f"an `await` is missing in {name}: {_called(qualname)} was called without `await`, so it never ran "
        f"({detail}).",
        AWAIT_HINT,
    )


def _async_interface_failure(work, name):
    """The Fail for sync ORM code handed to a thread by the learner, where the async interface was asked for."""
    hint = (
        "await the a-methods (`await qs.acount()`, `await qs.afirst()`) and iterate with `async for`; "
        "no `sync_to_async`, no threads of your own."
    )
    if work.wrapped:
        wrapped = ", ".join(f"`{item}`" for item in dict.fromkeys(work.wrapped))
        return Fail(
            f"{name} ran sync ORM code inside `sync_to_async` ({wrapped}): it works, but it is the way before "
            "4.1, not the async interface this exercise asks for.",
            hint,
        )
    threads = sorted(set(work.by_learner_sync_code + work.off_worker_thread))
    if threads:
        return Fail(
            f"{name} ran sync ORM code on a thread of its own ({threads[0]}), not through Django's async interface.",
            hint,
        )
    return None


def run_learner(function, *args, name="your function", async_interface=False):
    """Run the learner's coroutine function with async safety on and return its result.

    Raises NotAttempted for the stub, Fail for the mistakes this lesson is about
    (missing await, sync ORM calls, a plain function; with ``async_interface``,
    sync ORM code that the learner handed to a thread with ``sync_to_async``
    or otherwise), and the learner's own exception (marked by ``call``) for
    anything else.

    A forgotten ``await`` is diagnosed here, from the warnings recorded while
    the learner's code ran, so the framework's own diagnosis (the same cause,
    the same words) only sees what might escape this block.
    """

    async def drive():
        result = function(*args)
        if inspect.isawaitable(result):
            return await result, True
        return result, False

    plain = not _is_async_function(function)
    error = result = None
    was_async = True
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lesson02_tools.watching_sync_work() as work:
            try:
                with loops.async_safety():
                    result, was_async = call(drive)
            except NotAttempted:
                raise
            except Exception as raised:  # noqa: BLE001 - classified below
                error = raised
        unawaited = _coroutines_in(result, [])
        if error is not None:
            # Free what the error holds (its frames' locals; an AttributeError's
            # object) so that every coroutine never awaited is reported here,
            # inside this block, and not later on the notebook's stderr.
            _coroutines_in(getattr(error, "obj", None), unawaited)
            traceback.clear_frames(error.__traceback__)
            gc.collect()
    never_awaited = [str(item.message) for item in caught if "was never awaited" in str(item.message)]
    if never_awaited:
        match = _NEVER_AWAITED.search(never_awaited[0])
        return_name = match.group(1) if match else None
        raise _missing_await(name, return_name, f"Python: {never_awaited[0]}")
    if error is not None and "'coroutine' object" in str(error):
        held = getattr(error, "obj", None)
        raise _missing_await(
            name,
            getattr(held, "__qualname__", None) if held is not None else (unawaited[0].__qualname__ if unawaited else None),
            f"it then used the coroutine object as a value: {type(error).__name__}: {error}",
        )
    if unawaited:
        raise _missing_await(name, unawaited[0].__qualname__, "it returned a coroutine object instead of a value")
    if isinstance(error, SynchronousOnlyOperation):
        failure = _sync_only_failure(error, name)
        if plain and failure.what.endswith("made a synchronous ORM call inside async code: SynchronousOnlyOperation."):
            failure = Fail(
                f"{name} is a plain function, so its queries run synchronously (SynchronousOnlyOperation).",
                "define it with `async def` and await the async query methods inside.",
            )
        raise failure
    if async_interface:
        failure = _async_interface_failure(work, name)
        if failure is not None:
            raise failure
    if error is not None:
        raise error
    if not was_async:
        raise Fail(
            f"{name} is a plain function, so async code cannot await it.",
            "define it with `async def` and await the async query methods inside.",
        )
    return result


@contextmanager
def counting_queries():
    """Count the queries run on this thread's connection and on the async ORM's worker thread."""
    seen = []

    def note(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    def install():
        connection.execute_wrappers.append(note)

    def uninstall():
        while note in connection.execute_wrappers:
            connection.execute_wrappers.remove(note)

    install()
    loops.run(sync_to_async(install)())
    try:
        yield seen
    finally:
        uninstall()
        loops.run(sync_to_async(uninstall)())


# --------------------------------------------------------------------------- 2.1


def shelf_report_reference(year):
    books = Book.objects.filter(published__gte=year)
    return {
        "count": books.count(),
        "first": books.values_list("title", flat=True).first(),
        "titles": list(books.values_list("title", flat=True)),
        "any_on_loan": Loan.objects.filter(book__in=books, returned_on__isnull=True).exists(),
    }


def _check_report(got, year):
    want = shelf_report_reference(year)
    call_text = f"shelf_report({year})"
    expect(
        isinstance(got, dict),
        f"{call_text} returned {type(got).__name__}, not a dict.",
        "return a dict with the same four keys as `shelf_report_sync`.",
    )
    expect(
        set(got) == set(want),
        f"{call_text} returned the keys {sorted(got)}, expected {sorted(want)}.",
        "keep the keys of `shelf_report_sync`.",
    )
    for key, value in got.items():
        expect(
            not isinstance(value, QuerySet),
            f"{call_text}[{key!r}] is a QuerySet: its query never ran.",
            "a queryset runs only when it is iterated; build the list with `[... async for ... in ...]`.",
        )
        expect(
            not inspect.isasyncgen(value),
            f"{call_text}[{key!r}] is an async generator, not a list.",
            "use a list comprehension: `[title async for title in ...]`.",
        )
    expect(
        isinstance(got["titles"], (list, tuple)) and list(got["titles"]) == want["titles"],
        f"{call_text}['titles'] is {got['titles']!r}, expected {want['titles']!r}.",
        "list the titles of the books published in or after `year`, in title order.",
    )
    for key in ("count", "first", "any_on_loan"):
        expect(
            got[key] == want[key] and type(got[key]) is type(want[key]),
            f"{call_text}[{key!r}] is {got[key]!r}, expected {want[key]!r}.",
            "compare your query with the same line of `shelf_report_sync`.",
        )


@exercise("2.1", "shelf_report")
def ex1(shelf_report):
    """``async def shelf_report(year)`` gives what ``shelf_report_sync(year)`` gives, without sync calls."""
    expect(
        callable(shelf_report),
        f"shelf_report is {type(shelf_report).__name__}, not a function.",
        "define it with `async def shelf_report(year):`.",
    )
    with data.seeded():
        for year in (1970, 1979, 2100):
            _check_report(run_learner(shelf_report, year, name="shelf_report", async_interface=True), year)
        # Real data, not fixed answers: return the open loan and add a new book.
        Loan.objects.update(returned_on=data.LOAN_START + datetime.timedelta(days=7))
        butler = Author.objects.get(name="Octavia E. Butler")
        Book.objects.create(title="Fledgling", author=butler, isbn="9780446696166", published=2005)
        for year in (1979, 2000):
            _check_report(run_learner(shelf_report, year, name="shelf_report", async_interface=True), year)
    return "the same report as the sync version, from the async interface only."


# --------------------------------------------------------------------------- 2.2


def catalogue_reference():
    return [(title, name) for title, name in Book.objects.values_list("title", "author__name")]


def _check_catalogue(catalogue):
    with counting_queries() as queries:
        got = run_learner(catalogue, name="catalogue()")
    want = catalogue_reference()
    expect(
        isinstance(got, (list, tuple)),
        f"catalogue() returned {type(got).__name__}, not a list.",
        "return a list of `(title, author name)` pairs.",
    )
    pairs = [tuple(item) if isinstance(item, (list, tuple)) else item for item in got]
    expect(
        pairs == want,
        f"catalogue() returned {pairs[:2]!r}..., expected {want[:2]!r}... ({len(want)} pairs, in title order).",
        "one `(book.title, book.author.name)` pair per book, ordered by title.",
    )
    expect(
        len(queries) <= 2,
        f"catalogue() ran {len(queries)} queries for {len(want)} books: one more query per book.",
        "load every book's author in the same query as the books (`select_related`).",
    )


@exercise("2.2", "catalogue")
def ex2(catalogue):
    """``async def catalogue()`` lists ``(title, author name)`` pairs in at most two queries."""
    expect(
        callable(catalogue),
        f"catalogue is {type(catalogue).__name__}, not a function.",
        "define it with `async def catalogue():`.",
    )
    with data.seeded():
        _check_catalogue(catalogue)
        shelley = Author.objects.create(name="Mary Shelley", born=1797)
        Book.objects.create(title="Frankenstein", author=shelley, isbn="9780141439471", published=1818)
        Book.objects.create(title="The Last Man", author=shelley, isbn="9780199552351", published=1826)
        _check_catalogue(catalogue)
    return "every book with its author, from async code, in at most two queries."


# --------------------------------------------------------------------------- 2.3

HAND_OVER_DAY = datetime.date(2022, 8, 17)
LOAN_DAYS = datetime.timedelta(days=21)
TRIGGER = "lesson02_injected_failure"
ATOMIC_HINT = "make the two writes one transaction (in 4.1 from async code: see section 5 of the lesson)."


def _open_loan(title, member, borrowed_on):
    return Loan.objects.create(
        book=Book.objects.get(title=title), member=member, borrowed_on=borrowed_on, due_on=borrowed_on + LOAN_DAYS
    )


def _loans():
    return sorted(Loan.objects.values_list("id", "book_id", "member_id", "borrowed_on", "due_on", "returned_on"))


@contextmanager
def _failing_inserts_for(member):
    """Make the database refuse any new loan for ``member`` (a failure halfway through a hand-over)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
        cursor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE INSERT ON library_loan "
            f"WHEN NEW.member_id = {int(member.pk)} "
            "BEGIN SELECT RAISE(ABORT, 'injected failure: the check refused this loan'); END"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")


def _expect_nothing_changed(hand_over, loan_id, member_id, situation):
    before = _loans()
    try:
        run_learner(hand_over, loan_id, member_id, HAND_OVER_DAY, name="hand_over")
    except Fail:
        raise
    except Exception:  # noqa: BLE001 - failing is the right outcome here
        pass
    after = _loans()
    if after == before:
        return
    old = Loan.objects.filter(pk=loan_id).first()
    if old is None:
        what = "the old loan was deleted"
    elif old.returned_on is not None and len(after) == len(before):
        what = "the old loan was closed but no new loan was opened"
    else:
        what = "the loans changed"
    raise Fail(f"when {situation}, hand_over left a partial write: {what}.", ATOMIC_HINT)


@exercise("2.3", "hand_over")
def ex3(hand_over):
    """``async def hand_over(loan_id, member_id, on)``: close a loan and open it for another member, atomically."""
    expect(
        callable(hand_over),
        f"hand_over is {type(hand_over).__name__}, not a function.",
        "define it with `async def hand_over(loan_id, member_id, on):`.",
    )
    with data.seeded():
        # 1. It works: Ada's loan of Kindred goes to Grace. Two other loans are open, one borrowed
        # earlier but saved later, one borrowed and saved later, so the loan to close is neither the
        # first nor the newest nor the last inserted, and Ada has another open loan to leave alone.
        old = Loan.objects.get(book__title="Kindred")
        grace = Member.objects.get(name="Grace")
        ada = Member.objects.get(name="Ada")
        _open_loan("Parable of the Sower", grace, data.LOAN_START - datetime.timedelta(days=7))
        _open_loan("Invisible Cities", ada, data.LOAN_START + datetime.timedelta(days=7))
        others = [loan for loan in _loans() if loan[0] != old.pk]
        try:
            result = run_learner(hand_over, old.pk, grace.pk, HAND_OVER_DAY, name="hand_over")
        except IntegrityError as error:
            if "library_loan.book_id" not in str(error):
                raise
            raise Fail(
                "the new loan was refused (IntegrityError: UNIQUE constraint failed): the book was still out on "
                "the old loan.",
                "close the old loan (set its `returned_on`) before opening the new one.",
            ) from None
        changed = [loan for loan in others if loan not in _loans()]
        expect(
            not changed,
            f"hand_over changed {len(changed)} other loan(s) (Kindred's loan was #{old.pk}; loan "
            f"#{changed[0][0] if changed else ''} was changed too).",
            "close exactly the loan `loan_id` (`Loan.objects.aget(pk=loan_id)`), not the first, last or newest one, "
            "nor every loan of the member.",
        )
        old = Loan.objects.filter(pk=old.pk).first()
        expect(
            old is not None,
            "after hand_over the old loan is gone: the library loses its history.",
            "close the old loan by setting its `returned_on`; don't delete it.",
        )
        expect(
            old.returned_on == HAND_OVER_DAY,
            f"after hand_over the old loan's returned_on is {old.returned_on!r}, expected {HAND_OVER_DAY!r}.",
            "close the old loan by setting its `returned_on` to `on`.",
        )
        known = {loan[0] for loan in others} | {old.pk}
        new = Loan.objects.exclude(pk__in=known).first()
        expect(
            new is not None and Loan.objects.count() == len(known) + 1 and new.returned_on is None,
            "after hand_over there is no new open loan.",
            "create a new `Loan` for the same book and the new member.",
        )
        want = (old.book_id, grace.pk, HAND_OVER_DAY, HAND_OVER_DAY + LOAN_DAYS)
        got = (new.book_id, new.member_id, new.borrowed_on, new.due_on)
        expect(
            got == want,
            f"the new loan has (book, member, borrowed_on, due_on) = {got!r}, expected {want!r}.",
            "same book, the new member, borrowed on `on`, due three weeks (21 days) later.",
        )
        expect(
            isinstance(result, Loan) and result.pk == new.pk,
            f"hand_over returned {type(result).__name__}, not the new Loan.",
            "return the Loan object you created.",
        )
        # 2. The new member does not exist: the database refuses the new loan.
        data.seed()
        old = Loan.objects.get(book__title="Kindred")
        _expect_nothing_changed(hand_over, old.pk, 999, "member 999 does not exist")

        # 3. A failure injected halfway: the new loan's INSERT fails, after the old loan was closed.
        data.seed()
        linus = Member.objects.create(name="Linus", email="linus@example.com")
        with _failing_inserts_for(linus):
            _expect_nothing_changed(hand_over, old.pk, linus.pk, "the new loan could not be saved")
    return "the hand-over is all-or-nothing, and runs from async code."


# What a notebook uses, and all that `check.<Tab>` offers.
# --------------------------------------------------------------------------- self-check questions

q1 = question(
    "2.Q1",
    answer={"b", "d"},
    choices="abcd",
    explanation="only the methods that run a query have an a-twin; methods that build a queryset (filter, "
    "order_by, ...) run no query and are safe anywhere.",
)
q2 = question(
    "2.Q2",
    answer="b",
    choices="abc",
    explanation="each a-method is sync_to_async around the sync one: gather() hands both calls to the same "
    "thread-sensitive worker thread, which runs them one after the other; nothing runs on the loop's thread.",
)
q3 = question(
    "2.Q3",
    answer="b",
    choices="abc",
    explanation="Model.asave() only arrived in Django 4.2, and a sync save() on the event loop's thread raises "
    "SynchronousOnlyOperation: in 4.1, wrap the sync method and await the wrapper.",
)

__all__ = ["ex1", "ex2", "ex3", "q1", "q2", "q3"]


def __dir__():
    return __all__
