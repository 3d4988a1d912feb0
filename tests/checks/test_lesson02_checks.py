"""The checks of 02_async_orm accept right answers, however written, and reject the wrong ones."""
import asyncio
import datetime
import gc
import warnings

import pytest
from asgiref.sync import SyncToAsync, sync_to_async
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from course import data, loops
from course.checks.framework import NOT_ATTEMPTED, PASS
from course.checks import lesson02 as check
from library.models import Book, Loan, Member
from tests.helpers import assert_fails

DAYS = datetime.timedelta(days=21)



def _triggers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        return cursor.fetchall()


def _hooks():
    worker = loops.run(sync_to_async(lambda: list(connection.execute_wrappers))())
    return list(connection.execute_wrappers), worker


@pytest.fixture(autouse=True)
def clean_library():
    """Every test starts from the seed and leaves the seed behind, with no trigger, hook, patch or stray warning."""
    data.seed()
    triggers, hooks = _triggers(), _hooks()
    patched = (SyncToAsync.__init__, SyncToAsync.__call__, CursorWrapper._execute_with_wrappers)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
        gc.collect()
    assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []
    assert data.seed() == {"authors": 3, "books": 6, "members": 2, "loans": 1}
    assert _triggers() == triggers
    assert _hooks() == hooks
    assert (SyncToAsync.__init__, SyncToAsync.__call__, CursorWrapper._execute_with_wrappers) == patched


# --------------------------------------------------------------------------- 2.1


def test_ex1_accepts_different_correct_answers():
    async def by_the_book(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": await books.acount(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": [title async for title in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def with_instances_and_aiterator(year):
        books = Book.objects.filter(published__gte=year).order_by("title")
        titles = [book.title async for book in books.aiterator(chunk_size=2)]
        first = await books.afirst()
        on_loan = await Loan.objects.filter(book__published__gte=year, returned_on=None).acount()
        return {
            "titles": titles,
            "count": len(titles),
            "first": first.title if first else None,
            "any_on_loan": on_loan > 0,
        }

    async def gathered(year):
        books = Book.objects.filter(published__gte=year)
        count, first, on_loan = await asyncio.gather(
            books.acount(),
            books.values_list("title", flat=True).afirst(),
            Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        )
        titles = [title async for title in books.values_list("title", flat=True)]
        return {"count": count, "first": first, "titles": titles, "any_on_loan": on_loan}

    for answer in (by_the_book, with_instances_and_aiterator, gathered):
        outcome = check.ex1.evaluate(answer)
        assert outcome.status == PASS, (answer.__name__, outcome.line)


def test_ex1_rejects_wrong_answers():
    async def stub(year):
        raise NotImplementedError()

    def plain(year):
        books = Book.objects.filter(published__gte=year)
        return {"count": books.count(), "first": None, "titles": [], "any_on_loan": False}

    async def sync_call_inside(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": books.count(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": [t async for t in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def list_of_queryset(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": await books.acount(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": list(books.values_list("title", flat=True)),
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def missing_await_in_value(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": books.acount(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": [t async for t in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def missing_await_thrown_away(year):
        books = Book.objects.filter(published__gte=year)
        books.acount()
        return {"count": 0, "first": None, "titles": [], "any_on_loan": False}

    async def missing_await_then_used(year):
        first = Book.objects.filter(published__gte=year).afirst()
        return {"count": 0, "first": first.title, "titles": [], "any_on_loan": False}

    async def lazy_queryset(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": await books.acount(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": books.values_list("title", flat=True),
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def async_generator(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": await books.acount(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": (t async for t in books.values_list("title", flat=True)),
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def fixed_answers(year):
        return {
            "count": 3,
            "first": "If on a winter's night a traveler",
            "titles": ["If on a winter's night a traveler", "Kindred", "Parable of the Sower"],
            "any_on_loan": True,
        }

    async def ignores_returned_loans(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": await books.acount(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": [t async for t in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(book__in=books).aexists(),
        }

    async def first_by_year(year):
        books = Book.objects.filter(published__gte=year)
        first = await books.order_by("published").afirst()
        return {
            "count": await books.acount(),
            "first": first.title if first else None,
            "titles": [t async for t in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def count_as_string(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": str(await books.acount()),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": [t async for t in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def wrong_keys(year):
        return {"count": await Book.objects.filter(published__gte=year).acount()}

    assert check.ex1.evaluate(stub).status == NOT_ATTEMPTED
    assert_fails(check.ex1, plain, "plain function")
    assert_fails(check.ex1, sync_call_inside, "synchronous ORM call", "SynchronousOnlyOperation")
    assert_fails(check.ex1, list_of_queryset, "synchronous ORM call")
    assert_fails(check.ex1, missing_await_in_value, "`await` is missing", "returned a coroutine object")
    assert_fails(check.ex1, missing_await_thrown_away, "`await` is missing", "QuerySet.acount' was never awaited")
    assert_fails(check.ex1, missing_await_then_used, "`await` is missing", "'coroutine' object has no attribute 'title'")
    assert_fails(check.ex1, lazy_queryset, "is a QuerySet: its query never ran")
    assert_fails(check.ex1, async_generator, "async generator, not a list")
    assert_fails(check.ex1, fixed_answers, "shelf_report(1970)['titles']")
    assert_fails(check.ex1, ignores_returned_loans, "['any_on_loan'] is True, expected False")
    assert_fails(check.ex1, first_by_year, "['first']")
    assert_fails(check.ex1, count_as_string, "['count'] is '")
    assert_fails(check.ex1, wrong_keys, "returned the keys")
    assert_fails(check.ex1, "not a function", "not a function")


def test_ex1_rejects_sync_code_handed_to_a_thread_instead_of_the_async_interface():
    def report(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": books.count(),
            "first": books.values_list("title", flat=True).first(),
            "titles": tuple(books.values_list("title", flat=True)),
            "any_on_loan": Loan.objects.filter(book__in=books, returned_on__isnull=True).exists(),
        }

    async def wrapped_in_sync_to_async(year):
        return await sync_to_async(report)(year)

    async def one_wrapped_call_among_async_ones(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": await sync_to_async(books.count)(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": [t async for t in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def in_a_thread_of_its_own(year):
        return await asyncio.to_thread(report, year)

    async def in_the_loops_executor(year):
        return await asyncio.get_running_loop().run_in_executor(None, report, year)

    assert_fails(check.ex1, wrapped_in_sync_to_async, "inside `sync_to_async` (`report`)", "not the async interface")
    assert_fails(check.ex1, one_wrapped_call_among_async_ones, "inside `sync_to_async` (`QuerySet.count`)")
    assert_fails(check.ex1, in_a_thread_of_its_own, "on a thread of its own")
    assert_fails(check.ex1, in_the_loops_executor, "on a thread of its own")


def test_ex1_names_a_missing_await_in_the_framework_s_words():
    async def missing_await_on_sync_to_async(year):
        return sync_to_async(lambda: {})()

    outcome = assert_fails(check.ex1, missing_await_on_sync_to_async, "`await` is missing", "was called without `await`")
    assert "returned a coroutine object" in outcome.message


def test_ex1_rejects_near_misses_the_seed_alone_cannot_tell_apart():
    async def published_after(year):
        books = Book.objects.filter(published__gt=year)
        return {
            "count": await books.acount(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": [t async for t in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def first_inserted(year):
        books = Book.objects.filter(published__gte=year)
        first = await books.order_by("pk").afirst()
        return {
            "count": await books.acount(),
            "first": first.title if first else None,
            "titles": [t async for t in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    async def any_open_loan_at_all(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": await books.acount(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": [t async for t in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(returned_on__isnull=True).aexists(),
        }

    async def titles_as_tuples(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": await books.acount(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": [t async for t in books.values_list("title")],
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    assert_fails(check.ex1, published_after, "shelf_report(1979)['titles']")
    assert_fails(check.ex1, first_inserted, "shelf_report(1970)['first'] is 'The Dispossessed'")
    assert_fails(check.ex1, any_open_loan_at_all, "shelf_report(2100)['any_on_loan'] is True, expected False")
    assert_fails(check.ex1, titles_as_tuples, "['titles']")


def test_ex1_passes_when_its_first_query_starts_a_brand_new_worker_thread():
    # A fresh worker runs its first call before its executor lists it among its threads:
    # the check must tell the async ORM's own work by how it runs, not by that list.
    async def by_the_book(year):
        books = Book.objects.filter(published__gte=year)
        return {
            "count": await books.acount(),
            "first": await books.values_list("title", flat=True).afirst(),
            "titles": [title async for title in books.values_list("title", flat=True)],
            "any_on_loan": await Loan.objects.filter(book__in=books, returned_on__isnull=True).aexists(),
        }

    for _ in range(3):
        loops.replace_sync_worker()
        outcome = check.ex1.evaluate(by_the_book)
        assert outcome.status == PASS, outcome.line


# --------------------------------------------------------------------------- 2.2


def test_ex2_accepts_different_correct_answers():
    async def select_related(year=None):
        return [(b.title, b.author.name) async for b in Book.objects.select_related("author")]

    async def values_list():
        return [pair async for pair in Book.objects.values_list("title", "author__name").order_by("title")]

    async def prefetch_then_loop():
        books = [book async for book in Book.objects.prefetch_related("author")]
        return [[book.title, book.author.name] for book in books]

    async def one_sync_to_async_call():
        def fetch():
            return [(b.title, b.author.name) for b in Book.objects.select_related("author").order_by("title")]

        return await sync_to_async(fetch)()

    async def loop_with_append():
        pairs = []
        async for book in Book.objects.select_related("author").aiterator():
            pairs.append((book.title, book.author.name))
        return pairs

    for answer in (select_related, values_list, prefetch_then_loop, one_sync_to_async_call, loop_with_append):
        outcome = check.ex2.evaluate(answer)
        assert outcome.status == PASS, (answer.__name__, outcome.line)


def test_ex2_rejects_wrong_answers():
    async def stub():
        raise NotImplementedError()

    async def lazy_author():
        return [(b.title, b.author.name) async for b in Book.objects.all()]

    async def n_plus_one_with_sync_to_async():
        pairs = []
        async for book in Book.objects.all():
            author = await sync_to_async(lambda: book.author)()
            pairs.append((book.title, author.name))
        return pairs

    async def n_plus_one_in_one_thread():
        return await sync_to_async(lambda: [(b.title, b.author.name) for b in Book.objects.all()])()

    async def sync_list():
        return [(b.title, b.author.name) for b in Book.objects.select_related("author")]

    def plain():
        return [(b.title, b.author.name) for b in Book.objects.select_related("author")]

    async def missing_await():
        return sync_to_async(lambda: list(Book.objects.values_list("title", "author__name")))()

    async def titles_only():
        return [b.title async for b in Book.objects.all()]

    async def wrong_order():
        return [p async for p in Book.objects.values_list("title", "author__name").order_by("published")]

    async def fixed_answer():
        return [
            ("A Wizard of Earthsea", "Ursula K. Le Guin"),
            ("If on a winter's night a traveler", "Italo Calvino"),
            ("Invisible Cities", "Italo Calvino"),
            ("Kindred", "Octavia E. Butler"),
            ("Parable of the Sower", "Octavia E. Butler"),
            ("The Dispossessed", "Ursula K. Le Guin"),
        ]

    async def async_generator():
        return (pair async for pair in Book.objects.values_list("title", "author__name"))

    assert check.ex2.evaluate(stub).status == NOT_ATTEMPTED
    assert_fails(check.ex2, lazy_author, "read a related object lazily", "SynchronousOnlyOperation", "select_related")
    assert_fails(check.ex2, n_plus_one_with_sync_to_async, "ran 7 queries for 6 books")
    assert_fails(check.ex2, n_plus_one_in_one_thread, "ran 7 queries for 6 books")
    assert_fails(check.ex2, sync_list, "synchronous ORM call")
    assert_fails(check.ex2, plain, "plain function")
    assert_fails(check.ex2, missing_await, "`await` is missing")
    assert_fails(check.ex2, titles_only, "expected [('A Wizard of Earthsea', 'Ursula K. Le Guin')")
    assert_fails(check.ex2, wrong_order, "in title order")
    assert_fails(check.ex2, fixed_answer, "expected")
    assert_fails(check.ex2, async_generator, "not a list")


def test_ex2_rejects_insertion_order_and_a_missing_await_in_a_loop():
    async def in_insertion_order():
        return [p async for p in Book.objects.values_list("title", "author__name").order_by("pk")]

    async def by_author_then_title():
        return [p async for p in Book.objects.values_list("title", "author__name").order_by("author__name", "title")]

    async def missing_await_per_book():
        pairs = []
        async for book in Book.objects.all():
            author = sync_to_async(lambda: book.author)()
            pairs.append((book.title, author.name))
        return pairs

    assert_fails(check.ex2, in_insertion_order, "in title order")
    assert_fails(check.ex2, by_author_then_title, "in title order")
    assert_fails(check.ex2, missing_await_per_book, "`await` is missing", "`sync_to_async(...)(...)` call")


# --------------------------------------------------------------------------- 2.3


def _move(loan_id, member_id, on):
    old = Loan.objects.get(pk=loan_id)
    old.returned_on = on
    old.save(update_fields=["returned_on"])
    return Loan.objects.create(book_id=old.book_id, member_id=member_id, borrowed_on=on, due_on=on + DAYS)


def test_ex3_accepts_different_correct_answers():
    async def decorated(loan_id, member_id, on):
        return await sync_to_async(transaction.atomic(_move))(loan_id, member_id, on)

    async def with_block(loan_id, member_id, on):
        def work():
            with transaction.atomic():
                Loan.objects.filter(pk=loan_id).update(returned_on=on)
                book_id = Loan.objects.values_list("book_id", flat=True).get(pk=loan_id)
                loan = Loan(book_id=book_id, member_id=member_id, borrowed_on=on, due_on=on + DAYS)
                loan.full_clean()
                loan.save()
                return loan

        return await sync_to_async(work)()

    async def checks_member_first(loan_id, member_id, on):
        member = await Member.objects.aget(pk=member_id)  # raises DoesNotExist for a missing member

        @sync_to_async
        @transaction.atomic
        def work():
            old = Loan.objects.select_related("book").get(pk=loan_id)
            Loan.objects.filter(pk=old.pk).update(returned_on=on)
            return Loan.objects.create(book=old.book, member=member, borrowed_on=on, due_on=on + DAYS)

        return await work()

    async def in_a_new_thread(loan_id, member_id, on):
        return await sync_to_async(transaction.atomic(_move), thread_sensitive=False)(loan_id, member_id, on)

    for answer in (decorated, with_block, checks_member_first, in_a_new_thread):
        outcome = check.ex3.evaluate(answer)
        assert outcome.status == PASS, (answer.__name__, outcome.line)


def test_ex3_rejects_wrong_answers():
    async def stub(loan_id, member_id, on):
        raise NotImplementedError()

    async def no_transaction(loan_id, member_id, on):
        old = await Loan.objects.aget(pk=loan_id)
        await Loan.objects.filter(pk=loan_id).aupdate(returned_on=on)
        return await Loan.objects.acreate(book_id=old.book_id, member_id=member_id, borrowed_on=on, due_on=on + DAYS)

    async def checks_member_but_no_transaction(loan_id, member_id, on):
        member = await Member.objects.aget(pk=member_id)
        old = await Loan.objects.aget(pk=loan_id)
        await Loan.objects.filter(pk=loan_id).aupdate(returned_on=on)
        return await Loan.objects.acreate(book_id=old.book_id, member=member, borrowed_on=on, due_on=on + DAYS)

    async def two_transactions(loan_id, member_id, on):
        @transaction.atomic
        def close():
            loan = Loan.objects.get(pk=loan_id)
            Loan.objects.filter(pk=loan_id).update(returned_on=on)
            return loan.book_id

        @transaction.atomic
        def open_new(book_id):
            return Loan.objects.create(book_id=book_id, member_id=member_id, borrowed_on=on, due_on=on + DAYS)

        return await sync_to_async(open_new)(await sync_to_async(close)())

    async def atomic_in_async_code(loan_id, member_id, on):
        with transaction.atomic():
            old = await Loan.objects.aget(pk=loan_id)
            await Loan.objects.filter(pk=loan_id).aupdate(returned_on=on)
            return await Loan.objects.acreate(book_id=old.book_id, member_id=member_id, borrowed_on=on, due_on=on + DAYS)

    @transaction.atomic
    async def atomic_decorating_a_coroutine(loan_id, member_id, on):
        old = await Loan.objects.aget(pk=loan_id)
        await Loan.objects.filter(pk=loan_id).aupdate(returned_on=on)
        return await Loan.objects.acreate(book_id=old.book_id, member_id=member_id, borrowed_on=on, due_on=on + DAYS)

    async def sync_orm_inside(loan_id, member_id, on):
        return _move(loan_id, member_id, on)

    async def sync_atomic_inside(loan_id, member_id, on):
        return transaction.atomic(_move)(loan_id, member_id, on)

    async def missing_await(loan_id, member_id, on):
        return sync_to_async(transaction.atomic(_move))(loan_id, member_id, on)

    async def lazy_book(loan_id, member_id, on):
        old = await Loan.objects.aget(pk=loan_id)
        book = old.book
        return await sync_to_async(transaction.atomic(_move))(loan_id, member_id, on) if book else None

    async def deletes_the_old_loan(loan_id, member_id, on):
        @transaction.atomic
        def work():
            old = Loan.objects.get(pk=loan_id)
            book_id = old.book_id
            old.delete()
            return Loan.objects.create(book_id=book_id, member_id=member_id, borrowed_on=on, due_on=on + DAYS)

        return await sync_to_async(work)()

    async def forgets_to_close(loan_id, member_id, on):
        @transaction.atomic
        def work():
            old = Loan.objects.get(pk=loan_id)
            return Loan.objects.create(book_id=old.book_id, member_id=member_id, borrowed_on=on, due_on=on + DAYS)

        return await sync_to_async(work)()

    async def two_weeks(loan_id, member_id, on):
        @transaction.atomic
        def work():
            old = Loan.objects.get(pk=loan_id)
            Loan.objects.filter(pk=loan_id).update(returned_on=on)
            return Loan.objects.create(
                book_id=old.book_id, member_id=member_id, borrowed_on=on, due_on=on + datetime.timedelta(days=14)
            )

        return await sync_to_async(work)()

    async def returns_nothing(loan_id, member_id, on):
        await sync_to_async(transaction.atomic(_move))(loan_id, member_id, on)

    async def swallows_the_error_without_transaction(loan_id, member_id, on):
        try:
            return await no_transaction(loan_id, member_id, on)
        except Exception:
            return None

    assert check.ex3.evaluate(stub).status == NOT_ATTEMPTED
    assert_fails(check.ex3, no_transaction, "member 999 does not exist", "old loan was closed but no new loan", "one transaction")
    assert_fails(check.ex3, checks_member_but_no_transaction, "the new loan could not be saved", "partial write")
    assert_fails(check.ex3, two_transactions, "partial write")
    assert_fails(check.ex3, atomic_in_async_code, "used `transaction.atomic()` in async code")
    assert_fails(check.ex3, atomic_decorating_a_coroutine, "`transaction.atomic()` in async code")
    assert_fails(check.ex3, sync_orm_inside, "synchronous ORM call")
    assert_fails(check.ex3, sync_atomic_inside, "`transaction.atomic()` in async code")
    assert_fails(check.ex3, missing_await, "`await` is missing")
    assert_fails(check.ex3, lazy_book, "read a related object lazily")
    assert_fails(check.ex3, deletes_the_old_loan, "the old loan is gone")
    assert_fails(check.ex3, forgets_to_close, "the book was still out on the old loan")
    assert_fails(check.ex3, two_weeks, "due three weeks")
    assert_fails(check.ex3, returns_nothing, "returned NoneType, not the new Loan")
    assert_fails(check.ex3, swallows_the_error_without_transaction, "partial write")


def test_ex3_rejects_closing_another_loan_than_loan_id():
    def hand_over_from(pick):
        async def hand_over(loan_id, member_id, on):
            @transaction.atomic
            def work():
                old = pick(loan_id)
                Loan.objects.filter(pk=old.pk).update(returned_on=on)
                return Loan.objects.create(book_id=old.book_id, member_id=member_id, borrowed_on=on, due_on=on + DAYS)

            return await sync_to_async(work)()

        return hand_over

    first_open = hand_over_from(lambda loan_id: Loan.objects.filter(returned_on__isnull=True).first())
    newest = hand_over_from(lambda loan_id: Loan.objects.latest("borrowed_on"))
    last_inserted = hand_over_from(lambda loan_id: Loan.objects.order_by("-pk").first())

    async def closes_every_loan_of_the_member(loan_id, member_id, on):
        @transaction.atomic
        def work():
            old = Loan.objects.get(pk=loan_id)
            Loan.objects.filter(member_id=old.member_id, returned_on__isnull=True).update(returned_on=on)
            return Loan.objects.create(book_id=old.book_id, member_id=member_id, borrowed_on=on, due_on=on + DAYS)

        return await sync_to_async(work)()

    async def borrowed_today(loan_id, member_id, on):
        @transaction.atomic
        def work():
            old = Loan.objects.get(pk=loan_id)
            Loan.objects.filter(pk=loan_id).update(returned_on=on)
            today = datetime.date.today()
            return Loan.objects.create(book_id=old.book_id, member_id=member_id, borrowed_on=today, due_on=today + DAYS)

        return await sync_to_async(work)()

    for answer in (first_open, newest, last_inserted, closes_every_loan_of_the_member):
        assert_fails(check.ex3, answer, "other loan(s)", "close exactly the loan `loan_id`")
    assert_fails(check.ex3, borrowed_today, "borrowed on `on`")


def test_a_never_awaited_warning_is_reported_not_leaked():
    async def thrown_away():
        Book.objects.acount()
        return 1

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(check.Fail) as failure:
            check.run_learner(thrown_away, name="thrown_away")
        gc.collect()
    assert caught == []
    assert "coroutine 'QuerySet.acount' was never awaited" in failure.value.what


def test_counting_hops_sees_one_hop_for_async_for_and_one_per_chunk_for_aiterator():
    from course.lessons.lesson02 import counting_hops

    async def titles(queryset):
        return [book.title async for book in queryset]

    with counting_hops() as hops:
        assert len(loops.run(titles(Book.objects.all()))) == 6
    assert len(hops) == 1
    with counting_hops() as hops:
        loops.run(titles(Book.objects.aiterator(chunk_size=4)))
    assert len(hops) == 2
