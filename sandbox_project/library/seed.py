"""The sample library's rows, and a plain ``fill()`` that works on any Django version.

Anything that needs the sample library (the notebooks' sandbox, a process running
another Django version, a test) makes the same rows, with the same primary keys, from here.
"""
import datetime

__all__ = ["AUTHORS", "BOOKS", "MEMBERS", "LOAN_START", "LOAN_DAYS", "fill"]

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
LOAN_DAYS = 21


def fill():
    """Create three authors, six books, two members and one loan in empty library tables."""
    from library.models import Author, Book, Loan, Member

    authors = [Author.objects.create(name=name, born=born) for name, born in AUTHORS]
    for title, author, isbn, year in BOOKS:
        Book.objects.create(title=title, author=authors[author], isbn=isbn, published=year)
    members = [Member.objects.create(name=name, email=email) for name, email in MEMBERS]
    Loan.objects.create(
        book=Book.objects.get(title="Kindred"),
        member=members[0],
        borrowed_on=LOAN_START,
        due_on=LOAN_START + datetime.timedelta(days=LOAN_DAYS),
    )
