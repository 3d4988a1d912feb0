"""The sample library every lesson can start from.

``seed()`` empties the library tables and fills them again with the same rows
and the same primary keys every time, so outputs are stable however often a
notebook runs.
"""
import contextlib

from django.db import connections

from library import seed as seed_rows  # the rows themselves, shared with the other Django versions' children
from library.seed import AUTHORS, BOOKS, LOAN_START, MEMBERS

__all__ = ["AUTHORS", "BOOKS", "MEMBERS", "LOAN_START", "reset", "seed", "seeded"]


def reset(*models, using="default"):
    """Delete every row of ``models`` and restart their primary keys at 1."""
    connection = connections[using]
    for model in models:
        model._base_manager.using(using).all().delete()
    if connection.vendor == "sqlite":
        names = [model._meta.db_table for model in models]
        marks = ", ".join("%s" for _ in names)
        with connection.cursor() as cursor:
            # SQLite keeps AUTOINCREMENT counters in sqlite_sequence.
            cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({marks})", names)


def seed():
    """Fill the library with three authors, six books, two members and one loan."""
    from library.models import Author, Book, Loan, Member

    reset(Loan, Book, Member, Author)
    seed_rows.fill()
    return {
        "authors": Author.objects.count(),
        "books": Book.objects.count(),
        "members": Member.objects.count(),
        "loans": Loan.objects.count(),
    }


@contextlib.contextmanager
def seeded():
    """Seed the library, run the block, and seed it again however the block ends.

    A check changes the data to see that the learner's code follows it; the
    next cell, and the next check, start from the seed again.
    """
    seed()
    try:
        yield
    finally:
        seed()
