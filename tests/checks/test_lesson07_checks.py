"""The checks of 07_parallel_tests_upgrade accept right answers and reject wrong ones."""
import re

import psutil
import pytest
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.db.models.lookups import Contains

from course import postgres
from course.processes import RUN_MARKER
from course.checks.framework import FAIL, NOT_ATTEMPTED, PASS
from course.checks import lesson07 as check
from library.models import Author, Book
from tests.helpers import assert_failed


def stub(*args):
    raise NotImplementedError()



# --- 7.1 -----------------------------------------------------------------------------------------


def titles_by_pk(author):
    if author.pk is None:
        return []
    return sorted(author.books.values_list("title", flat=True))


def titles_by_state(author):
    if author._state.adding:
        return []
    return [book.title for book in author.books.all()]


def add_with_manager(author, books):
    if author.pk is None:
        author.save()
    for title, isbn, year in books:
        author.books.create(title=title, isbn=isbn, published=year)


def add_with_bulk_create(author, books):
    if author._state.adding:
        author.save()
    Book.objects.bulk_create(Book(title=t, isbn=i, published=y, author=author) for t, i, y in books)


def test_ex1_accepts_different_correct_answers():
    for titles in (titles_by_pk, titles_by_state):
        for add in (add_with_manager, add_with_bulk_create):
            outcome = check.ex1.evaluate(titles, add)
            assert outcome.status == PASS, (titles.__name__, add.__name__, outcome.line)


def test_ex1_stubs_are_not_attempted():
    assert check.ex1.evaluate(stub, stub).status == NOT_ATTEMPTED
    assert check.ex1.evaluate(titles_by_pk, stub).status == NOT_ATTEMPTED


def test_ex1_rejects_wrong_book_titles():
    def as_in_4_0(author):
        return sorted(author.books.values_list("title", flat=True))

    def catches_the_error(author):
        try:
            return sorted(author.books.values_list("title", flat=True))
        except ValueError:
            return []

    def related_filter(author):
        return sorted(Book.objects.filter(author=author).values_list("title", flat=True))

    def always_empty(author):
        return []

    def books_not_titles(author):
        return [] if author.pk is None else list(author.books.all())

    def fixed_lists(author):
        return {"Ursula K. Le Guin": ["A Wizard of Earthsea", "The Dispossessed"]}.get(author.name, [])

    def saves_it(author):
        if author.pk is None:
            author.save()
        return list(author.books.values_list("title", flat=True))

    def filters_on_missing_pk(author):
        return sorted(Book.objects.filter(author_id=author.pk).values_list("title", flat=True))

    def filters_on_author_pk(author):
        return list(Book.objects.filter(author__pk=author.pk).values_list("title", flat=True))

    cases = {
        filters_on_missing_pk: ["`author_id IS NULL`", "missing primary key"],
        filters_on_author_pk: ["`author_id IS NULL`"],
        as_in_4_0: ["raised ValueError", "needs to have a primary key value"],
        catches_the_error: ["still queries `author.books`", "catching it hides"],
        related_filter: ["related filter", "RemovedInDjango50Warning"],
        always_empty: ["expected ['A Wizard of Earthsea'"],
        books_not_titles: ["not a list of titles"],
        fixed_lists: ["after a book was added"],
        saves_it: ["saved the author"],
    }
    for answer, words in cases.items():
        assert_failed(check.ex1.evaluate(answer, add_with_manager), *words)


def test_ex1_rejects_wrong_add_books():
    def as_in_4_0(author, books):
        for title, isbn, year in books:
            author.books.create(title=title, isbn=isbn, published=year)
        author.save()

    def creates_books_first(author, books):
        for title, isbn, year in books:
            Book.objects.create(title=title, isbn=isbn, published=year, author=author)
        author.save()

    def retries_after_the_error(author, books):
        for title, isbn, year in books:
            try:
                author.books.create(title=title, isbn=isbn, published=year)
            except ValueError:
                author.save()
                author.books.create(title=title, isbn=isbn, published=year)

    def saves_a_copy(author, books):
        saved = Author.objects.create(name=author.name)
        for title, isbn, year in books:
            saved.books.create(title=title, isbn=isbn, published=year)

    def always_inserts(author, books):
        author.pk = None
        author.save()
        for title, isbn, year in books:
            author.books.create(title=title, isbn=isbn, published=year)

    def forgets_books(author, books):
        if author.pk is None:
            author.save()

    def unpacks_in_another_order(author, books):
        if author.pk is None:
            author.save()
        for title, year, isbn in books:
            Book.objects.create(title=title, isbn=isbn, published=year, author=author)

    def always_saves(author, books):
        author.save()
        for title, isbn, year in books:
            author.books.create(title=title, isbn=isbn, published=year)

    cases = {
        as_in_4_0: ["raised ValueError", 'needs to have a value for field "id"'],
        creates_books_first: ["raised ValueError", "save() prohibited"],
        retries_after_the_error: ["still calls a method of `author.books`"],
        saves_a_copy: ["still unsaved"],
        always_inserts: ["created another author"],
        forgets_books: ["the new author has the books []"],
        unpacks_in_another_order: ["as (title, isbn, published)"],
        always_saves: ["saved that author again", "overwrote a change"],
    }
    for answer, words in cases.items():
        assert_failed(check.ex1.evaluate(titles_by_pk, answer), *words)


def test_ex1_leaves_the_library_as_seeded():
    check.ex1.evaluate(titles_by_pk, add_with_manager)
    assert Author.objects.count() == 3 and Book.objects.count() == 6
    assert not Author.books.related_manager_cls.get_queryset.__qualname__.startswith("unsaved_manager_calls")


# --- 7.2 -----------------------------------------------------------------------------------------

CORRECT_SEARCHES = {
    "icontains": lambda books, text: books.filter(title__icontains=text),
    "lower both": lambda books, text: books.annotate(t=Lower("title")).filter(t__contains=text.lower()),
    "upper both": lambda books, text: books.alias(t=Upper("title")).filter(t__contains=text.upper()),
    "lookup expression": lambda books, text: books.filter(Contains(Lower("title"), text.lower())),
    "iregex escaped": lambda books, text: books.filter(title__iregex=re.escape(text)),
    "Q object": lambda books, text: books.filter(Q(title__icontains=text)),
}


@pytest.mark.parametrize("name", sorted(CORRECT_SEARCHES))
def test_ex2_accepts_different_correct_answers(name):
    outcome = check.ex2.evaluate(CORRECT_SEARCHES[name])
    assert outcome.status == PASS, outcome.line


def test_ex2_rejects_wrong_answers():
    cases = {
        "contains": (
            lambda books, text: books.filter(title__contains=text),
            ["`title__contains`", "respects it on PostgreSQL"],
        ),
        "lower column only": (
            lambda books, text: books.annotate(t=Lower("title")).filter(t__contains=text),
            ["compares Lower(title) with the text as typed"],
        ),
        "upper column, lowered text": (
            lambda books, text: books.annotate(t=Upper("title")).filter(t__contains=text.lower()),
            ["compares Upper(title)"],
        ),
        "list": (
            lambda books, text: [b for b in books if text.lower() in b.title.lower()],
            ["not a QuerySet"],
        ),
        "python filter": (
            lambda books, text: books.filter(pk__in=[b.pk for b in books if text.lower() in b.title.lower()]),
            ["no filter on `title`"],
        ),
        "unescaped regex": (
            lambda books, text: books.filter(title__iregex=text),
            ["search_titles(books, '.') found", "expected []"],
        ),
        "exact match": (
            lambda books, text: books.filter(title__iexact=text),
            ["expected ['A Wizard of Earthsea']"],
        ),
        "raw sql": (
            lambda books, text: books.extra(where=["title LIKE %s"], params=[f"%{text}%"]),
            ["raw SQL"],
        ),
        "starts with": (
            lambda books, text: books.filter(title__istartswith=text),
            ["search_titles(books, 'WIZARD') found []"],
        ),
        "ends with": (
            lambda books, text: books.filter(title__iendswith=text),
            ["search_titles(books, 'WIZARD') found []"],
        ),
        "strips the text": (
            lambda books, text: books.filter(title__icontains=text.strip()),
            ["search_titles(books, ' the') found", "expected ['Parable of the Sower']"],
        ),
        "titles, not books": (
            lambda books, text: books.filter(title__icontains=text).values_list("title", flat=True),
            ["QuerySet of str, not of Book objects"],
        ),
        "dicts, not books": (
            lambda books, text: books.filter(title__icontains=text).values("title"),
            ["QuerySet of dict"],
        ),
    }
    for name, (answer, words) in cases.items():
        outcome = check.ex2.evaluate(answer)
        assert outcome.status == FAIL, (name, outcome.line)
        for word in words:
            assert word in outcome.message, (name, word, outcome.line)
    assert check.ex2.evaluate(stub).status == NOT_ATTEMPTED


def test_ex2_works_without_postgresql(monkeypatch):
    monkeypatch.setattr(postgres, "start", lambda *args, **kwargs: None)
    outcome = check.ex2.evaluate(CORRECT_SEARCHES["icontains"])
    assert outcome.status == PASS and "PostgreSQL is not available" in outcome.message, outcome.line
    assert_failed(check.ex2.evaluate(lambda books, text: books.filter(title__contains=text)), "`title__contains`")


def test_ex2_rejects_a_search_that_ignores_its_queryset(monkeypatch):
    monkeypatch.setattr(postgres, "start", lambda *args, **kwargs: None)
    for answer in (
        lambda books, text: Book.objects.filter(title__icontains=text),
        lambda books, text: books.model.objects.filter(title__icontains=text),
    ):
        assert_failed(check.ex2.evaluate(answer), "given only the books published from 1975 on", "not `Book.objects`")


@pytest.mark.skipif(postgres.unavailable_reason() is not None, reason="PostgreSQL cannot run here")
def test_ex2_runs_the_search_on_postgresql():
    def ignores_its_argument(books, text):
        return Book.objects.filter(title__icontains=text)

    assert_failed(check.ex2.evaluate(ignores_its_argument), "not of the model it was given")
    assert "PostgreSQL alike" in check.ex2.evaluate(CORRECT_SEARCHES["icontains"]).message


# --- 7.3 (each case runs a real test suite under spawn, in a child process) ----------------------

SETUP_TEST_DATA = '''\
from django.test import TestCase

from library.models import Author, Book


class StaffTestData:
    @classmethod
    def setUpTestData(cls):
        cls.staff, _ = Author.objects.get_or_create(name="Library Staff")


class StaffAuthorTests(StaffTestData, TestCase):
    def test_there_is_one_staff_author(self):
        self.assertEqual(Author.objects.filter(name="Library Staff").count(), 1)
        self.assertEqual(str(self.staff), "Library Staff")


class StaffBookTests(StaffTestData, TestCase):
    def test_staff_can_write_books(self):
        Book.objects.create(title="House Rules", author=self.staff, isbn="9780000000001", published=2022)
        self.assertEqual(self.staff.books.count(), 1)
'''

LAZY_LOOKUP = check.STAFF_TESTS.replace(
    'STAFF = {}  # filled once, while the test database is migrated\n',
    'STAFF = {}  # filled lazily, in whichever process needs it\n',
).replace(
    "class StaffAuthorTests(TestCase):",
    'def staff():\n    if "author" not in STAFF:\n'
    '        STAFF["author"] = Author.objects.get(name="Library Staff")\n'
    '    return STAFF["author"]\n\n\nclass StaffAuthorTests(TestCase):',
).replace('str(STAFF["author"])', "str(staff())").replace(
    'author=STAFF["author"]', "author=staff()"
).replace('STAFF["author"].books', "staff().books")


def test_ex3_accepts_different_correct_answers():
    assert "def staff():" in LAZY_LOOKUP and 'STAFF["author"], _ =' in LAZY_LOOKUP
    for answer in (SETUP_TEST_DATA, lambda: LAZY_LOOKUP):
        outcome = check.ex3.evaluate(answer)
        assert outcome.status == PASS and "2 spawned workers" in outcome.message, outcome.line


def test_ex3_stub_is_not_attempted():
    assert check.ex3.evaluate(stub).status == NOT_ATTEMPTED


def test_ex3_rejects_the_module_that_passes_only_under_fork():
    run = check.run_under_spawn(check.STAFF_TESTS)
    assert "CHECK start spawn 2" in run.output and run.returncode != 0 and run.leftovers == []
    outcome = check.ex3.evaluate(check.STAFF_TESTS)
    assert_failed(outcome, "under spawn", "KeyError: 'author'", "(and 1 more)")


def test_ex3_rejects_wrong_answers_without_running_them():
    no_assert = SETUP_TEST_DATA.replace(
        '        self.assertEqual(self.staff.books.count(), 1)\n', '        self.staff.books.count()\n'
    )
    cases = {
        SETUP_TEST_DATA.replace("def test_staff_can_write_books", "def test_staff_books"): "no longer defines",
        no_assert: "no longer asserts anything",
        "class Broken(:\n": "syntax error on line 1",
        42: "not the module's source text",
    }
    for answer, words in cases.items():
        assert_failed(check.ex3.evaluate(answer), words)


def test_ex3_rejects_wrong_answers_that_run():
    under_main_guard = SETUP_TEST_DATA.replace("\nclass ", '\nif __name__ == "__main__":\n  class ').replace(
        "\n    ", "\n      "
    )
    compile(under_main_guard, "x", "exec")
    one_class = SETUP_TEST_DATA.replace(
        "\n\nclass StaffBookTests(StaffTestData, TestCase):\n", "\n"
    )
    forces_fork = "import multiprocessing\nmultiprocessing.set_start_method('fork', force=True)\n" + check.STAFF_TESTS
    skipped = SETUP_TEST_DATA.replace(
        "    def test_staff_can_write_books", "    @unittest.skip('later')\n    def test_staff_can_write_books"
    ).replace("from django.test", "import unittest\n\nfrom django.test")
    configures = "from django.conf import settings\nsettings.configure()\n" + SETUP_TEST_DATA
    cases = {
        "Ran 0 tests": under_main_guard,
        "ran in 1 process": one_class,
        "not 'spawn'": forces_fork,
        "was skipped": skipped,
        "Settings already configured": configures,
    }
    for words, answer in cases.items():
        assert_failed(check.ex3.evaluate(answer), words)


def test_ex3_rejects_tests_that_pass_without_checking():
    returns_early = check.STAFF_TESTS.replace(
        "    def test_there_is_one_staff_author(self):\n",
        '    def test_there_is_one_staff_author(self):\n        if "author" not in STAFF:\n            return\n',
    ).replace(
        "    def test_staff_can_write_books(self):\n",
        '    def test_staff_can_write_books(self):\n        if "author" not in STAFF:\n            return\n',
    )
    swallows_its_failure = SETUP_TEST_DATA.replace(
        "        self.assertEqual(self.staff.books.count(), 1)\n",
        "        try:\n            self.assertEqual(self.staff.books.count(), 2)\n        except AssertionError:\n"
        "            pass\n",
    )
    skips_itself = SETUP_TEST_DATA.replace(
        '        Book.objects.create(title="House Rules"',
        '        self.skipTest("later")\n        Book.objects.create(title="House Rules"',
    )
    cases = {
        "passed without making a single assertion": returns_early,
        "caught the AssertionError": swallows_its_failure,
        "was skipped": skips_itself,
    }
    for words, answer in cases.items():
        assert_failed(check.ex3.evaluate(answer), words)


def test_ex3_reports_a_hung_run_from_evidence():
    kills_workers = (
        "import multiprocessing, os\n"
        "if multiprocessing.current_process().name != 'MainProcess':\n"
        "    os._exit(1)\n" + SETUP_TEST_DATA
    )
    outcome = assert_failed(check.ex3.evaluate(kills_workers), "hung", "the pool replaced them")
    assert "time limit" not in outcome.message


def test_ex3_reports_a_hung_run_within_its_time_limit(monkeypatch):
    monkeypatch.setattr(check, "RUN_SECONDS", 8)
    sleeps = SETUP_TEST_DATA.replace(
        "from django.test import TestCase", "import time\n\nfrom django.test import TestCase"
    ).replace("        Book.objects.create(title=", "        time.sleep(3600)\n        Book.objects.create(title=")
    assert_failed(check.ex3.evaluate(sleeps), "did not finish within its time limit of 8 s", "hung")


def test_ex3_cleans_up_when_the_check_is_stopped(monkeypatch):
    from course import limits

    sleeps = SETUP_TEST_DATA.replace(
        "from django.test import TestCase", "import time\n\nfrom django.test import TestCase"
    ).replace("        Book.objects.create(title=", "        time.sleep(3600)\n        Book.objects.create(title=")
    with pytest.raises(limits.TimeLimitExceeded):
        with limits.time_limit(4):
            check.run_under_spawn(sleeps, timeout=60)
    assert marked_processes() == []


def marked_processes():
    left = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(RUN_MARKER, "").startswith(check.CHECK_MARKER):
                left.append(process.pid)
        except (psutil.Error, OSError):
            pass
    return left


def test_ex3_leaves_no_process_behind():
    assert marked_processes() == []
