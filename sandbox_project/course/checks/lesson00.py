"""Checks for the warm-up exercises of 00_start_here."""
import inspect

from django.core.exceptions import SynchronousOnlyOperation
from django.db.models import QuerySet

from course import data, loops
from course.checking import Fail, call, exercise, expect
from library.models import Author, Book


@exercise("0.1", "count_books_by")
def ex1(count_books_by):
    """``count_books_by(name)`` returns how many books the author called ``name`` wrote."""
    data.seed()
    try:
        for name, want in [("Ursula K. Le Guin", 2), ("Italo Calvino", 2), ("Nobody", 0)]:
            got = call(count_books_by, name)
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
            expect(
                got == want,
                f"count_books_by({name!r}) returned {got}, expected {want}.",
                "keep only the books whose author has that name (a lookup can follow the `author` foreign key).",
            )
        calvino = Author.objects.get(name="Italo Calvino")
        Book.objects.create(title="Mr Palomar", author=calvino, isbn="9780156624602", published=1983)
        got = call(count_books_by, "Italo Calvino")
        expect(
            got == 3,
            f"after a third Calvino book was added, count_books_by('Italo Calvino') returned {got}.",
            "count the rows in the database each time; don't return fixed numbers.",
        )
    finally:
        data.seed()
    return "it counts real rows and follows changes to the data."


@exercise("0.2", "newest_title")
def ex2(newest_title):
    """``async def newest_title()`` returns the title of the most recently published book."""
    expect(
        callable(newest_title),
        f"newest_title is {type(newest_title).__name__}, not a function.",
        "define it with `async def newest_title():`.",
    )
    data.seed()
    try:
        want = "Parable of the Sower"
        for attempt in range(2):
            if not inspect.iscoroutinefunction(newest_title):
                call(newest_title)  # a stub still says "not attempted"
                raise Fail(
                    "newest_title is a plain function, so async code cannot await it.",
                    "define it with `async def` and `await` an async query inside.",
                )
            try:
                with loops.async_safety():
                    got = call(newest_title)
            except SynchronousOnlyOperation:
                raise Fail(
                    "it made a synchronous ORM call inside async code (SynchronousOnlyOperation).",
                    "use the async QuerySet methods (their names start with `a`) and `await` them.",
                ) from None
            if inspect.iscoroutine(got):
                got.close()
                raise Fail(
                    "it returned a coroutine object instead of a title: an `await` is missing.",
                    "put `await` in front of the async query.",
                )
            expect(
                got == want,
                f"newest_title() returned {got!r}, expected {want!r}.",
                "take the book with the latest `published` year and return its `title`.",
            )
            if attempt == 0:  # real data, not a fixed title: add a newer book and ask again
                butler = Author.objects.get(name="Octavia E. Butler")
                Book.objects.create(title="Fledgling", author=butler, isbn="9780446696166", published=2005)
                want = "Fledgling"
    finally:
        data.seed()
    return "it awaits the async ORM and follows changes to the data."
