"""Checks for the warm-up exercises of 00_start_here.

0.2 runs the learner's coroutine as lesson 02's checks do (``lesson02.run_learner``):
async safety on, a forgotten ``await`` named, and sync ORM code handed to
``sync_to_async`` refused, since the exercise asks for the async ORM itself.
"""
import inspect

from django.db.models import QuerySet

from course import data
from course.checks.framework import Fail, call, exercise, expect, question
from course.checks import lesson02
from library.models import Author, Book


# Names that a near miss confuses with a real author's: a part of one (`__contains`,
# `__startswith`, `__endswith`), or one in another case (`__iexact`, and SQLite's LIKE).
NEAR_NAMES = ["Le Guin", "Ursula", "Calvino", "ursula k. le guin", "ITALO CALVINO"]


@exercise("0.1", "count_books_by")
def ex1(count_books_by):
    """``count_books_by(name)`` returns how many books the author called exactly ``name`` wrote."""
    with data.seeded():
        for name, want in [("Ursula K. Le Guin", 2), ("Italo Calvino", 2), ("Nobody", 0)]:
            got = call(_synchronously, count_books_by, name)
            _expect_count(got, name)
            expect(
                got == want,
                f"count_books_by({name!r}) returned {got}, expected {want}.",
                "keep only the books whose author has that name (a lookup can follow the `author` foreign key).",
            )
        for name in NEAR_NAMES:
            got = call(_synchronously, count_books_by, name)
            _expect_count(got, name)
            real = {author.lower() for author, _ in data.AUTHORS}
            differs = "a real name differs from it only in case" if name.lower() in real else "it is only a part of a name"
            expect(
                got == 0,
                f"count_books_by({name!r}) returned {got}, expected 0: no author is called exactly {name!r} "
                f"({differs}).",
                "match the whole name exactly (`author__name=name`), not a part of it or in any case "
                "(`__contains`, `__startswith`, `__iexact`).",
            )
        calvino = Author.objects.get(name="Italo Calvino")
        Book.objects.create(title="Mr Palomar", author=calvino, isbn="9780156624602", published=1983)
        got = call(_synchronously, count_books_by, "Italo Calvino")
        expect(
            got == 3,
            f"after a third Calvino book was added, count_books_by('Italo Calvino') returned {got}.",
            "count the rows in the database each time; don't return fixed numbers.",
        )
    return "it counts real rows, matches names exactly and follows changes to the data."


def _synchronously(count_books_by, name):
    """Call the learner's function as a sync view would: a coroutine it returns is a value, never awaited."""
    got = count_books_by(name)
    if inspect.iscoroutine(got):
        called = got.__qualname__.rsplit(".", 1)[-1]
        got.close()  # never started: no "never awaited" warning
        raise Fail(
            f"count_books_by({name!r}) returned a coroutine: `{called}()` is an async method, and sync code "
            "cannot await it.",
            "this exercise uses the synchronous ORM, as a sync view does: `.count()`, with no `a` and no `await`.",
        )
    return got


def _expect_count(got, name):
    expect(
        not isinstance(got, QuerySet),
        f"count_books_by({name!r}) returned a QuerySet, not a number.",
        "finish the query with `.count()`.",
    )
    expect(
        isinstance(got, int) and not isinstance(got, bool),
        f"count_books_by({name!r}) returned {got!r}, not a number.",
        "return the result of `.count()`.",
    )


# Added during the check: the newer book first, then an older one, so the newest
# book (latest `published`) is not the last one inserted (highest id).
NEWER = ("Fledgling", "9780446696166", 2005)
INSERTED_LAST = ("Bloodchild and Other Stories", "9781583226988", 1995)


@exercise("0.2", "newest_title")
def ex2(newest_title):
    """``async def newest_title()`` returns the title of the most recently published book, with the async ORM."""
    expect(
        callable(newest_title),
        f"newest_title is {type(newest_title).__name__}, not a function.",
        "define it with `async def newest_title():`.",
    )
    with data.seeded():
        want, last_inserted = "Parable of the Sower", None
        for attempt in range(2):
            got = lesson02.run_learner(newest_title, name="newest_title", async_interface=True)
            expect(
                last_inserted is None or got != last_inserted,
                f"newest_title() returned {got!r}, the book added last, expected {want!r}, the one published last.",
                "the newest book is the one with the latest `published` year, not the highest id "
                "(`alatest(\"published\")`, or `order_by(\"-published\")`).",
            )
            expect(
                got == want,
                f"newest_title() returned {got!r}, expected {want!r}.",
                "take the book with the latest `published` year and return its `title`.",
            )
            if attempt == 0:  # real data, not a fixed title: add a newer book, then an older one, and ask again
                butler = Author.objects.get(name="Octavia E. Butler")
                for title, isbn, year in (NEWER, INSERTED_LAST):
                    Book.objects.create(title=title, author=butler, isbn=isbn, published=year)
                want, last_inserted = NEWER[0], INSERTED_LAST[0]
    return "it awaits the async ORM, takes the latest `published` year and follows changes to the data."


# What a notebook uses, and all that `check.<Tab>` offers.
__all__ = ["ex1", "ex2", "q1", "q2", "q3"]


def __dir__():
    return __all__


# --------------------------------------------------------------------------- self-check questions

q1 = question(
    "0.Q1",
    answer="b",
    choices="abcd",
    explanation="the sandbox lets a cell's own top-level sync code use the ORM, as `manage.py shell` does, and "
    "refuses sync ORM calls in async code serving a request, as a real ASGI server does "
    "(`SynchronousOnlyOperation`): an async view uses the async ORM (`await Book.objects.acount()`).",
)
q2 = question(
    "0.Q2",
    answer="b",
    choices="abcd",
    explanation="NOT ATTEMPTED means the check found the stub (`raise NotImplementedError()`) or no definition "
    "at all; wrong code gives FAILED with a hint, and code that runs too long is stopped with a FAILED line "
    "that says so.",
)
q3 = question(
    "0.Q3",
    answer="b",
    choices="abcd",
    explanation="a cell already runs inside the kernel's event loop, so `await main()` runs the coroutine there; "
    "`asyncio.run()` and `run_until_complete()` refuse to start a second loop, and `main()` alone only creates "
    "a coroutine that never runs.",
)
