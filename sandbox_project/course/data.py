"""The sample library every lesson can start from.

``seed()`` empties the library tables and fills them again with the same rows
and the same primary keys every time, so outputs are stable however often a
notebook runs.
"""
import datetime

from django.db import connections

__all__ = ["AUTHORS", "BOOKS", "MEMBERS", "LOAN_START", "reset", "seed"]

AUTHORS = [
    ("Ursula K. Le Guin", 1929),
    ("Italo Calvino", 1923),
    ("Octavia E. Butler", 1947),
]
BOOKS = [
    # title, author index, isbn, year
    ("A Wizard of Earthsea", 0, "9780553383041", 1968),
    ("The Dispossessed", 0, "9780061054884", 1974),
    ("Invisible Cities", 1, "9780156453806", 1972),
    ("If on a winter's night a traveler", 1, "9780156439619", 1979),
    ("Kindred", 2, "9780807083697", 1979),
    ("Parable of the Sower", 2, "9781538732182", 1993),
]
MEMBERS = [("Ada", "ada@example.com"), ("Grace", "grace@example.com")]
LOAN_START = datetime.date(2022, 8, 3)  # the day Django 4.1 was released


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
    authors = [Author.objects.create(name=name, born=born) for name, born in AUTHORS]
    for title, author, isbn, year in BOOKS:
        Book.objects.create(title=title, author=authors[author], isbn=isbn, published=year)
    members = [Member.objects.create(name=name, email=email) for name, email in MEMBERS]
    Loan.objects.create(
        book=Book.objects.get(title="Kindred"),
        member=members[0],
        borrowed_on=LOAN_START,
        due_on=LOAN_START + datetime.timedelta(days=21),
    )
    return {
        "authors": Author.objects.count(),
        "books": Book.objects.count(),
        "members": Member.objects.count(),
        "loans": Loan.objects.count(),
    }
