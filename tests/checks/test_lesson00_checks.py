"""The warm-up checks of 00_start_here accept right answers and reject wrong ones, near misses included."""
import asyncio

from asgiref.sync import sync_to_async
from django.db.models import Count, Max

from course.checks.framework import FAIL, NOT_ATTEMPTED, PASS
from course.checks import lesson00 as check
from tests.helpers import assert_fails
from library.models import Author, Book


def test_ex1_accepts_different_correct_answers():
    def by_filter(name):
        return Book.objects.filter(author__name=name).count()

    def by_relation(name):
        author = Author.objects.filter(name=name).first()
        return author.books.count() if author else 0

    def by_annotation(name):
        counts = Author.objects.filter(name__exact=name).annotate(n=Count("books")).values_list("n", flat=True)
        return sum(counts)

    def by_len(name):
        return len(Book.objects.filter(author__in=Author.objects.filter(name=name)))

    for answer in (by_filter, by_relation, by_annotation, by_len):
        outcome = check.ex1.evaluate(answer)
        assert outcome.status == PASS, (answer.__name__, outcome.line)


def test_ex1_rejects_wrong_answers():
    def stub(name):
        raise NotImplementedError()

    cases = {
        "QuerySet": lambda name: Book.objects.filter(author__name=name),
        "expected 2": lambda name: Book.objects.count(),
        "fixed numbers": lambda name: {"Ursula K. Le Guin": 2, "Italo Calvino": 2}.get(name, 0),
        "not a number": lambda name: str(Book.objects.filter(author__name=name).count()),
    }
    for words, answer in cases.items():
        outcome = check.ex1.evaluate(answer)
        assert outcome.status == FAIL and words in outcome.message, (words, outcome.line)
    assert check.ex1.evaluate(stub).status == NOT_ATTEMPTED


def test_ex1_rejects_near_misses_that_match_part_of_a_name_or_ignore_case():
    def contains(name):
        return Book.objects.filter(author__name__contains=name).count()

    def icontains(name):
        return Book.objects.filter(author__name__icontains=name).count()

    def startswith(name):
        return Book.objects.filter(author__name__startswith=name).count()

    def iexact(name):
        return Book.objects.filter(author__name__iexact=name).count()

    def in_python_lowercased(name):
        return sum(1 for book in Book.objects.select_related("author") if book.author.name.lower() == name.lower())

    assert_fails(check.ex1, contains, "count_books_by('Le Guin') returned 2, expected 0", "only a part of a name", "exactly")
    assert_fails(check.ex1, icontains, "count_books_by('Le Guin') returned 2, expected 0")
    assert_fails(check.ex1, startswith, "count_books_by('Ursula') returned 2, expected 0")
    assert_fails(check.ex1, iexact, "count_books_by('ursula k. le guin') returned 2", "only in case")
    assert_fails(check.ex1, in_python_lowercased, "only in case")


def test_ex2_accepts_different_correct_answers():
    async def by_alatest():
        return (await Book.objects.alatest("published")).title

    async def by_order():
        book = await Book.objects.order_by("-published").afirst()
        return book.title

    async def by_alast_on_ascending_order():
        return (await Book.objects.order_by("published").alast()).title

    async def by_values_list():
        return await Book.objects.order_by("-published").values_list("title", flat=True).afirst()

    async def by_aggregate_then_aget():
        year = (await Book.objects.aaggregate(year=Max("published")))["year"]
        return (await Book.objects.filter(published=year).afirst()).title

    async def by_async_for():
        books = [book async for book in Book.objects.all()]
        return max(books, key=lambda book: book.published).title

    for answer in (by_alatest, by_order, by_alast_on_ascending_order, by_values_list, by_aggregate_then_aget, by_async_for):
        outcome = check.ex2.evaluate(answer)
        assert outcome.status == PASS, (answer.__name__, outcome.line)


def test_ex2_rejects_wrong_answers():
    def plain():
        return Book.objects.latest("published").title

    async def sync_orm_inside():
        return Book.objects.latest("published").title

    async def missing_await():
        return Book.objects.alatest("published")

    async def oldest():
        return (await Book.objects.aearliest("published")).title

    async def stub():
        raise NotImplementedError()

    expected = {
        plain: "plain function",
        sync_orm_inside: "SynchronousOnlyOperation",
        missing_await: "`await` is missing",
        oldest: "expected 'Parable of the Sower'",
    }
    for answer, words in expected.items():
        outcome = check.ex2.evaluate(answer)
        assert outcome.status == FAIL and words in outcome.message, outcome.line
    assert check.ex2.evaluate(stub).status == NOT_ATTEMPTED
    assert check.ex2.evaluate("not a function").status == FAIL


def test_ex2_rejects_newest_taken_as_last_inserted():
    async def highest_id():
        return (await Book.objects.order_by("-pk").afirst()).title

    async def alatest_id():
        return (await Book.objects.alatest("id")).title

    async def last_of_async_for_by_pk():
        return [book.title async for book in Book.objects.order_by("pk")][-1]

    for answer in (highest_id, alatest_id, last_of_async_for_by_pk):
        assert_fails(check.ex2, answer, "the book added last", "expected 'Fledgling'", "not the highest id")


def test_ex2_rejects_sync_code_handed_to_a_thread_instead_of_the_async_interface():
    async def by_sync_to_async():
        return await sync_to_async(lambda: Book.objects.latest("published").title)()

    async def wrapping_a_manager_method():
        return (await sync_to_async(Book.objects.latest)("published")).title

    @sync_to_async
    def decorated_sync_function():
        return Book.objects.order_by("-published").first().title

    async def not_thread_sensitive():
        return await sync_to_async(lambda: Book.objects.latest("published").title, thread_sensitive=False)()

    async def to_thread():
        return await asyncio.to_thread(lambda: Book.objects.latest("published").title)

    for answer in (by_sync_to_async, wrapping_a_manager_method, decorated_sync_function, not_thread_sensitive):
        assert_fails(check.ex2, answer, "inside `sync_to_async`", "not the async interface")
    assert_fails(check.ex2, to_thread, "on a thread of its own")


def test_ex2_names_a_missing_await_however_it_shows():
    async def thrown_away():
        Book.objects.alatest("published")
        return "Parable of the Sower"

    async def used_as_a_book():
        return Book.objects.alatest("published").title

    async def missing_inside_sync_to_async_call():
        return sync_to_async(lambda: "Parable of the Sower")()

    assert_fails(check.ex2, thrown_away, "`await` is missing", "`alatest()` was called without `await`", "was never awaited")
    assert_fails(check.ex2, used_as_a_book, "`await` is missing", "`alatest()` was called without `await`", "'coroutine' object has no attribute 'title'")
    assert_fails(check.ex2, missing_inside_sync_to_async_call, "`await` is missing", "`sync_to_async(...)(...)` call")
    outcome = assert_fails(check.ex2, lambda: None.title, "your code raised AttributeError")
    assert "await" not in outcome.message


def test_ex1_rejects_the_async_twin_in_sync_code():
    def async_count_without_await(name):
        return Book.objects.filter(author__name=name).acount()

    outcome = assert_fails(check.ex1, async_count_without_await, "returned a coroutine", "`acount()`", "synchronous ORM")
    assert "0x" not in outcome.message


def _count_with_a_stray_coroutine(name):
    Book.objects.filter(author__name=name).acount()  # forgotten, thrown away
    return Book.objects.filter(author__name=name).count()


def test_ex1_names_a_missing_await_in_the_framework_s_words():
    assert_fails(check.ex1, _count_with_a_stray_coroutine, "`acount()` was called without `await`", "so it never ran")


def test_ex2_and_the_framework_word_a_missing_await_alike():
    async def thrown_away():
        Book.objects.alatest("published")
        return "Parable of the Sower"

    lesson = check.ex2.evaluate(thrown_away).message
    framework = check.ex1.evaluate(_count_with_a_stray_coroutine).message
    for words in ("was called without `await`", "so it never ran", "Hint: "):
        assert words in lesson and words in framework, (words, lesson, framework)
