"""The checks of 01_async_views accept right answers, however written, and reject wrong ones."""
import asyncio
import datetime
import gc
import time
import warnings

import pytest
from asgiref.sync import sync_to_async
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from course.lessons import lesson01 as lesson01_support
from course.checks.framework import FAIL, NOT_ATTEMPTED, PASS
from course.checks import lesson01 as check
from course.lessons.lesson01 import (
    LEGACY_PARTNER,
    PARTNERS,
    ViewLog,
    copies_at,
    legacy_lookup,
    lookups,
    quiet_request_log,
    slow_lookup,
    thread_kind,
)
from library.models import Author, Loan
from tests.helpers import assert_fails



def forget_leftover_coroutines():
    """Collect the coroutines a wrong answer left behind, so that their warning cannot reach a later check.

    (``checking.evaluate`` still holds the learner's exception, and so the forgotten coroutine, while it
    collects garbage: see ``test_a_forgotten_await_is_named_and_stays_in_its_own_check``.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gc.collect()


@pytest.fixture(autouse=True)
def no_leftover_coroutines():
    yield
    forget_leftover_coroutines()


# ---------------------------------------------------------------- support module


def test_quiet_request_log_restores_the_logger():
    import logging

    logger = logging.getLogger("django.request")
    assert logger.propagate and not logger.handlers
    with pytest.raises(ZeroDivisionError):
        with quiet_request_log() as lines:
            assert not logger.propagate
            logger.warning("Not Found: /nowhere/")
            1 / 0
    assert lines == ["Not Found: /nowhere/"]
    assert logger.propagate and not logger.handlers


def test_thread_kind_hides_counters():
    assert thread_kind("ThreadPoolExecutor-12_0") == "ThreadPoolExecutor-N_N"
    assert thread_kind("MainThread") == "MainThread"


def test_copies_are_fixed_and_lookups_are_recorded():
    assert [copies_at(p, "9780807083697") for p in PARTNERS + (LEGACY_PARTNER,)] == [
        copies_at(p, "9780807083697") for p in PARTNERS + (LEGACY_PARTNER,)
    ]
    lookups.reset()

    async def both():
        return await asyncio.gather(slow_lookup("north", "1"), sync_to_async(legacy_lookup)("1"))

    with lookups.rendezvous(2):
        assert asyncio.run(both()) == [copies_at("north", "1"), copies_at(LEGACY_PARTNER, "1")]
    assert lookups.max_in_flight == 2 and lookups.max_async_in_flight == 1
    assert not any(call.on_event_loop for call in lookups.calls if call.partner == LEGACY_PARTNER)
    assert sorted(call.isbn for call in lookups.calls) == ["1", "1"]
    lookups.reset()


def test_a_rendezvous_that_cannot_complete_waits_once_and_then_never_again():
    lookups.reset()

    async def one_after_another():
        return [await slow_lookup(p, "1") for p in PARTNERS]

    with lookups.rendezvous(4, cap=0.05):
        asyncio.run(one_after_another())
    assert lookups.max_in_flight == 1 and len(lookups.calls) == 3
    lookups.reset()


def test_calls_left_running_by_an_earlier_check_are_not_recorded():
    lookups.reset()
    token = lookups.begin(is_async=True)
    lookups.reset()
    lookups.end(token, "north", "1", True, False)
    assert lookups.calls == [] and lookups.in_flight == 0


def test_the_view_log_counts_who_was_inside_from_its_own_records():
    log = ViewLog(everyone=3, cap=5)

    async def awaiting():
        with log.visit("awaits"):
            await log.wait_for_all("awaits")

    async def blocking():
        with log.visit("blocks"):
            time.sleep(0.001)

    async def main():
        await asyncio.gather(*(awaiting() for _ in range(3)))
        await asyncio.gather(*(blocking() for _ in range(3)))

    asyncio.run(main())
    assert log.most_inside("awaits") == 3 and log.events("awaits") == "+++---"
    assert log.most_inside("blocks") == 1 and log.events("blocks") == "+-+-+-"
    assert len(log.visits("awaits")) == 3 and set(log.threads("blocks")) == {"MainThread"}


# ---------------------------------------------------------------- exercise 1.1


class AuthorListStub(View):
    # YOUR CODE HERE
    ...


class AuthorListAsyncFor(View):
    async def get(self, request):
        return JsonResponse({"authors": [a.name async for a in Author.objects.order_by("name")]})

    async def post(self, request):
        author = await Author.objects.acreate(name=request.POST["name"])
        return JsonResponse({"id": author.pk, "name": author.name}, status=201)


class AuthorListSyncToAsync(View):
    async def get(self, request, *args, **kwargs):
        names = await sync_to_async(list)(Author.objects.values_list("name", flat=True))
        return JsonResponse({"authors": sorted(names)})

    async def post(self, request, *args, **kwargs):
        def create():
            return Author.objects.create(name=request.POST.get("name"))

        author = await sync_to_async(create)()
        return JsonResponse({"name": author.name, "id": author.id}, status=201)


def test_ex1_accepts_different_correct_answers():
    assert check.ex1.evaluate(AuthorListAsyncFor).status == PASS
    assert check.ex1.evaluate(AuthorListSyncToAsync).status == PASS
    assert check.ex1.evaluate(AuthorListAsyncFor.as_view()).status == PASS  # the view function is fine too
    assert Author.objects.count() == 3  # the check restored the library


def test_ex1_stub_is_not_attempted():
    outcome = check.ex1.evaluate(AuthorListStub)
    assert outcome.status == NOT_ATTEMPTED, outcome.line
    assert outcome.line.startswith("⏳ NOT ATTEMPTED · Exercise 1.1: AuthorListStub has no handlers yet")


def test_ex1_rejects_sync_handlers():
    class Sync(View):
        def get(self, request):
            return JsonResponse({"authors": list(Author.objects.values_list("name", flat=True))})

        def post(self, request):
            author = Author.objects.create(name=request.POST["name"])
            return JsonResponse({"id": author.pk, "name": author.name}, status=201)

    assert_fails(check.ex1, Sync, "plain `def`", "synchronous view")


def test_ex1_rejects_mixed_handlers():
    class Mixed(AuthorListAsyncFor):
        def post(self, request):
            return JsonResponse({}, status=201)

    assert_fails(check.ex1, Mixed, "ImproperlyConfigured", "must either be all sync or all async")


def test_ex1_rejects_sync_orm_inside_async_handlers():
    class SyncOrm(AuthorListAsyncFor):
        async def get(self, request):
            return JsonResponse({"authors": list(Author.objects.values_list("name", flat=True))})

    assert_fails(check.ex1, SyncOrm, "GET", "SynchronousOnlyOperation")

    class SyncCreate(AuthorListAsyncFor):
        async def post(self, request):
            author = Author.objects.create(name=request.POST["name"])
            return JsonResponse({"id": author.pk, "name": author.name}, status=201)

    assert_fails(check.ex1, SyncCreate, "POST", "SynchronousOnlyOperation")


def test_ex1_rejects_wrong_status_codes_and_wrong_data():
    class Answers200(AuthorListAsyncFor):
        async def post(self, request):
            author = await Author.objects.acreate(name=request.POST["name"])
            return JsonResponse({"id": author.pk, "name": author.name})

    class NoPost(View):
        async def get(self, request):
            return JsonResponse({"authors": [a.name async for a in Author.objects.all()]})

    class FixedList(AuthorListAsyncFor):
        async def get(self, request):
            return JsonResponse({"authors": ["Italo Calvino", "Octavia E. Butler", "Ursula K. Le Guin"]})

    class BareList(AuthorListAsyncFor):
        async def get(self, request):
            return JsonResponse([a.name async for a in Author.objects.all()], safe=False)

    class NotJson(AuthorListAsyncFor):
        async def get(self, request):
            return HttpResponse(", ".join([a.name async for a in Author.objects.all()]))

    class CreatesNothing(AuthorListAsyncFor):
        async def post(self, request):
            return JsonResponse({"id": 99, "name": request.POST["name"]}, status=201)

    class WrongPostBody(AuthorListAsyncFor):
        async def post(self, request):
            await Author.objects.acreate(name=request.POST["name"])
            return JsonResponse({"ok": True}, status=201)

    class ByAge(AuthorListAsyncFor):
        async def get(self, request):
            return JsonResponse({"authors": [a.name async for a in Author.objects.order_by("born")]})

    assert_fails(check.ex1, ByAge, "expected ['Italo Calvino', 'Octavia E. Butler', 'Ursula K. Le Guin']", "alphabetical")
    assert_fails(check.ex1, Answers200, "POST answered 200, expected 201")
    assert_fails(check.ex1, NoPost, "POST answered 405")
    assert_fails(check.ex1, FixedList, "fixed list")
    assert_fails(check.ex1, BareList, "'authors'")
    assert_fails(check.ex1, NotJson, "not JSON")
    assert_fails(check.ex1, CreatesNothing, "no author called")
    assert_fails(check.ex1, WrongPostBody, "POST answered {'ok': True}")
    assert_fails(check.ex1, "AuthorList", "not a class-based view")


def test_ex1_reports_the_learners_exception_in_one_line():
    class Raises(AuthorListAsyncFor):
        async def get(self, request):
            raise KeyError("name")

    outcome = check.ex1.evaluate(Raises)
    assert outcome.status == FAIL and "your code raised KeyError" in outcome.message, outcome.line


def test_ex1_rejects_near_misses():
    class InsertionOrder(AuthorListAsyncFor):
        async def get(self, request):
            return JsonResponse({"authors": [a.name async for a in Author.objects.order_by("pk")]})

    class RetitlesTheName(AuthorListAsyncFor):
        async def post(self, request):
            author = await Author.objects.acreate(name=request.POST["name"].title())
            return JsonResponse({"id": author.pk, "name": author.name}, status=201)

    class CreatesTwice(AuthorListAsyncFor):
        async def post(self, request):
            await Author.objects.acreate(name=request.POST["name"])
            return await super().post(request)

    class PostAnswersTheFormName(AuthorListAsyncFor):
        async def post(self, request):
            author = await Author.objects.acreate(name=request.POST["name"])
            return JsonResponse({"id": author.pk - 1, "name": request.POST["name"]}, status=201)

    assert_fails(check.ex1, InsertionOrder, "expected ['Italo Calvino'", "alphabetical", "inserted")
    assert_fails(check.ex1, RetitlesTheName, "no author called 'bell hooks'", "'Bell Hooks'", "exactly as sent")
    assert_fails(check.ex1, CreatesTwice, "added 2 authors")
    class IdAsFloat(AuthorListAsyncFor):
        async def post(self, request):
            author = await Author.objects.acreate(name=request.POST["name"])
            return JsonResponse({"id": float(author.pk), "name": author.name}, status=201)

    assert_fails(check.ex1, PostAnswersTheFormName, "POST answered {'id'")
    assert_fails(check.ex1, IdAsFloat, "POST answered {'id': 5.0")


def test_ex1_rejects_a_405_without_allow():
    class HandMade405(AuthorListAsyncFor):
        async def put(self, request):
            return HttpResponse(status=405)

    class OwnNotAllowed(AuthorListAsyncFor):
        async def http_method_not_allowed(self, request, *args, **kwargs):
            return HttpResponse("Method Not Allowed", status=405)

    class AllowsTooMuch(AuthorListAsyncFor):
        async def delete(self, request):
            return HttpResponseNotAllowed(["GET", "POST", "DELETE"])

    class AnswersPut(AuthorListAsyncFor):
        async def put(self, request):
            return JsonResponse({"ok": True})

    assert_fails(check.ex1, HandMade405, "PUT answered 405 without an `Allow` header", "http_method_not_allowed")
    assert_fails(check.ex1, OwnNotAllowed, "PUT answered 405 without an `Allow` header")
    assert_fails(check.ex1, AllowsTooMuch, "DELETE answered 405 with `Allow: GET, POST, DELETE`")
    assert_fails(check.ex1, AnswersPut, "PUT answered 200, expected 405")


def test_ex1_names_a_forgotten_await():
    class ForgetsAwait(AuthorListAsyncFor):
        async def post(self, request):
            author = Author.objects.acreate(name=request.POST["name"])
            return JsonResponse({"id": author.pk, "name": author.name}, status=201)

    assert_fails(check.ex1, ForgetsAwait, "was called without `await`", "got a coroutine")


class AuthorListForgetsAwait(AuthorListAsyncFor):
    async def post(self, request):
        author = Author.objects.acreate(name=request.POST["name"])
        return JsonResponse({"id": author.pk, "name": author.name}, status=201)


def test_a_forgotten_await_is_named_and_stays_in_its_own_check():
    outcome = check.ex1.evaluate(AuthorListForgetsAwait)
    next_check = check.ex2.evaluate(LoanViewAget)
    assert "`acreate()` was called without `await`" in outcome.message, outcome.line
    assert next_check.status == PASS, next_check.line


# ---------------------------------------------------------------- exercise 1.2


class LoanViewStub(View):
    # YOUR CODE HERE
    ...


class LoanViewAget(View):
    async def get(self, request, pk):
        try:
            loan = await Loan.objects.select_related("book", "member").aget(pk=pk)
        except Loan.DoesNotExist:
            raise Http404("No such loan.")
        return JsonResponse(
            {"book": loan.book.title, "member": loan.member.name, "returned": loan.returned_on is not None}
        )

    async def post(self, request, pk):
        updated = await Loan.objects.filter(pk=pk, returned_on__isnull=True).aupdate(
            returned_on=datetime.date.today()
        )
        if not updated:
            return JsonResponse({"error": "This loan is not open."}, status=409)
        return JsonResponse({"returned": True})


class LoanViewSyncToAsync(View):
    async def get(self, request, *args, **kwargs):
        def read():
            loan = get_object_or_404(Loan, pk=kwargs["pk"])
            return {"book": loan.book.title, "member": loan.member.name, "returned": bool(loan.returned_on)}

        return JsonResponse(await sync_to_async(read)())

    async def post(self, request, pk):
        def give_back():
            return Loan.objects.filter(pk=pk, returned_on=None).update(returned_on=datetime.date(2022, 8, 10))

        if await sync_to_async(give_back)():
            return JsonResponse({"returned": True})
        return JsonResponse({}, status=409)


class LoanViewValues(View):
    async def get(self, request, pk):
        row = await Loan.objects.filter(pk=pk).values("book__title", "member__name", "returned_on").afirst()
        if row is None:
            raise Http404
        return JsonResponse(
            {"book": row["book__title"], "member": row["member__name"], "returned": row["returned_on"] is not None}
        )

    post = LoanViewAget.post


def test_ex2_accepts_different_correct_answers():
    for answer in (LoanViewAget, LoanViewSyncToAsync, LoanViewValues):
        outcome = check.ex2.evaluate(answer)
        assert outcome.status == PASS, (answer, outcome.line)
    assert Loan.objects.filter(returned_on__isnull=True).count() == 1  # the check restored the library


def test_ex2_stub_is_not_attempted():
    assert check.ex2.evaluate(LoanViewStub).status == NOT_ATTEMPTED


def test_ex2_rejects_the_broken_mixed_class():
    class LoanView(View):
        def get(self, request, pk):
            loan = get_object_or_404(Loan.objects.select_related("book", "member"), pk=pk)
            return JsonResponse(
                {"book": loan.book.title, "member": loan.member.name, "returned": loan.returned_on is not None}
            )

        post = LoanViewAget.post

    assert_fails(check.ex2, LoanView, "ImproperlyConfigured", "LoanView HTTP handlers must either be all sync or all async.")


def test_ex2_rejects_an_all_sync_repair():
    class AllSync(View):
        def get(self, request, pk):
            loan = get_object_or_404(Loan.objects.select_related("book", "member"), pk=pk)
            return JsonResponse(
                {"book": loan.book.title, "member": loan.member.name, "returned": loan.returned_on is not None}
            )

        def post(self, request, pk):
            if Loan.objects.filter(pk=pk, returned_on=None).update(returned_on=datetime.date.today()):
                return JsonResponse({"returned": True})
            return JsonResponse({}, status=409)

    assert_fails(check.ex2, AllSync, "plain `def`")


def test_ex2_rejects_sync_database_access_in_async_handlers():
    class LazyForeignKeys(LoanViewAget):
        async def get(self, request, pk):
            try:
                loan = await Loan.objects.aget(pk=pk)
            except Loan.DoesNotExist:
                raise Http404
            return JsonResponse({"book": loan.book.title, "member": loan.member.name, "returned": False})

    class ShortcutInAsync(LoanViewAget):
        async def get(self, request, pk):
            loan = get_object_or_404(Loan.objects.select_related("book", "member"), pk=pk)
            return JsonResponse({"book": loan.book.title, "member": loan.member.name, "returned": False})

    assert_fails(check.ex2, LazyForeignKeys, "SynchronousOnlyOperation", "select_related")
    assert_fails(check.ex2, ShortcutInAsync, "SynchronousOnlyOperation")


def test_ex2_rejects_wrong_status_codes():
    class NoNotFound(LoanViewAget):
        async def get(self, request, pk):
            loan = await Loan.objects.select_related("book", "member").aget(pk=pk)
            return JsonResponse({"book": loan.book.title, "member": loan.member.name, "returned": False})

    class Answers200ForUnknown(LoanViewAget):
        async def get(self, request, pk):
            loan = await Loan.objects.select_related("book", "member").filter(pk=pk).afirst()
            if loan is None:
                return JsonResponse({"error": "no such loan"})
            return JsonResponse(
                {"book": loan.book.title, "member": loan.member.name, "returned": loan.returned_on is not None}
            )

    class NoConflict(LoanViewAget):
        async def post(self, request, pk):
            await Loan.objects.filter(pk=pk, returned_on__isnull=True).aupdate(returned_on=datetime.date.today())
            return JsonResponse({"returned": True})

    class NeverReturns(LoanViewAget):
        async def post(self, request, pk):
            return JsonResponse({"returned": True})

    class ReturnedAlwaysFalse(LoanViewAget):
        async def get(self, request, pk):
            response = await LoanViewAget.get(self, request, pk)
            return JsonResponse({**__import__("json").loads(response.content), "returned": False})

    assert_fails(check.ex2, NoNotFound, "Loan.DoesNotExist", "404")
    assert_fails(check.ex2, Answers200ForUnknown, "GET of an unknown loan answered 200, expected 404")
    assert_fails(check.ex2, NoConflict, "POST on a returned loan answered 200, expected 409")
    assert_fails(check.ex2, NeverReturns, "still open")
    assert_fails(check.ex2, ReturnedAlwaysFalse, "after the loan was returned")


def test_ex2_rejects_a_templateview_with_an_async_post():
    class LoanView(TemplateView):
        template_name = "library/book_list.html"
        post = LoanViewAget.post

    assert_fails(check.ex2, LoanView, "ImproperlyConfigured")


def test_ex2_rejects_handlers_that_ignore_the_loan_in_the_url():
    class GetsTheFirstLoan(LoanViewAget):
        async def get(self, request, pk):
            if not await Loan.objects.filter(pk=pk).aexists():
                raise Http404
            loan = await Loan.objects.select_related("book", "member").order_by("pk").afirst()
            return JsonResponse(
                {"book": loan.book.title, "member": loan.member.name, "returned": loan.returned_on is not None}
            )

    class ClosesEveryOpenLoan(LoanViewAget):
        async def post(self, request, pk):
            if not await Loan.objects.filter(pk=pk, returned_on__isnull=True).aexists():
                return JsonResponse({}, status=409)
            await Loan.objects.filter(returned_on__isnull=True).aupdate(returned_on=datetime.date.today())
            return JsonResponse({"returned": True})

    class PostAnswersNothing(LoanViewAget):
        async def post(self, request, pk):
            response = await LoanViewAget.post(self, request, pk)
            return HttpResponse(status=response.status_code)

    assert_fails(check.ex2, GetsTheFirstLoan, "GET of loan 2 answered", "`pk` is in the URL")
    assert_fails(check.ex2, ClosesEveryOpenLoan, "also closed loan 1", "filter(pk=pk")
    class ReturnedAsNumber(LoanViewAget):
        async def get(self, request, pk):
            body = __import__("json").loads((await LoanViewAget.get(self, request, pk)).content)
            return JsonResponse({**body, "returned": int(body["returned"])})

    assert_fails(check.ex2, PostAnswersNothing, "not JSON")
    assert_fails(check.ex2, ReturnedAsNumber, "'returned': 0}")


def test_ex2_rejects_a_405_without_allow():
    class HandMade405(LoanViewAget):
        async def delete(self, request, pk):
            return JsonResponse({"error": "not allowed"}, status=405)

    assert_fails(check.ex2, HandMade405, "DELETE answered 405 without an `Allow` header")


# ---------------------------------------------------------------- exercise 1.3

ALL = PARTNERS + (LEGACY_PARTNER,)


def answer_json(isbn, values):
    copies = dict(zip(ALL, values))
    return JsonResponse({"isbn": isbn, "copies": copies, "total": sum(copies.values())})


class AvailabilityStub(View):
    # YOUR CODE HERE
    ...


class AvailabilityGather(View):
    async def get(self, request, isbn):
        values = await asyncio.gather(
            *(slow_lookup(partner, isbn) for partner in PARTNERS),
            sync_to_async(legacy_lookup)(isbn),
        )
        return answer_json(isbn, values)


class AvailabilityTasks(View):
    async def get(self, request, isbn):
        tasks = {p: asyncio.create_task(slow_lookup(p, isbn)) for p in ("north", "south", "east")}
        west = asyncio.get_running_loop().run_in_executor(None, legacy_lookup, isbn)
        copies = {p: await task for p, task in tasks.items()}
        copies["west"] = await west
        return JsonResponse({"isbn": isbn, "copies": copies, "total": sum(copies.values())})


class AvailabilityToThread(View):
    async def get(self, request, isbn):
        north, south, east, west = await asyncio.gather(
            slow_lookup("north", isbn),
            slow_lookup("south", isbn),
            slow_lookup("east", isbn),
            asyncio.to_thread(legacy_lookup, isbn),
        )
        return answer_json(isbn, [north, south, east, west])


class AvailabilityTaskGroup(View):
    async def get(self, request, isbn):
        async with asyncio.TaskGroup() as group:
            tasks = {p: group.create_task(slow_lookup(p, isbn)) for p in PARTNERS}
            tasks[LEGACY_PARTNER] = group.create_task(sync_to_async(legacy_lookup)(isbn))
        copies = {p: task.result() for p, task in tasks.items()}
        return JsonResponse({"isbn": isbn, "copies": copies, "total": sum(copies.values())})


class AvailabilityAsCompleted(View):
    async def get(self, request, isbn):
        async def ask(partner):
            if partner == LEGACY_PARTNER:
                return partner, await sync_to_async(legacy_lookup, thread_sensitive=False)(isbn)
            return partner, await slow_lookup(partner, isbn)

        copies = {}
        for answer in asyncio.as_completed([ask(p) for p in ALL]):
            partner, count = await answer
            copies[partner] = count
        return JsonResponse({"isbn": isbn, "copies": copies, "total": sum(copies.values())})


class AvailabilityWait(View):
    async def get(self, request, isbn):
        tasks = [asyncio.ensure_future(slow_lookup(p, isbn)) for p in PARTNERS]
        tasks.append(asyncio.ensure_future(asyncio.to_thread(legacy_lookup, isbn)))
        await asyncio.wait(tasks)
        await asyncio.sleep(0.05)  # an extra await is slower, not wrong
        return answer_json(isbn, [task.result() for task in tasks])


CORRECT_AVAILABILITY = (
    AvailabilityGather,
    AvailabilityTasks,
    AvailabilityToThread,
    AvailabilityTaskGroup,
    AvailabilityAsCompleted,
    AvailabilityWait,
)


@pytest.fixture(autouse=True)
def quick_lookups(monkeypatch):
    """A partner's lookup lasts 0.2 s in the lesson; no verdict depends on how long (they rest on recorded
    overlap and the rendezvous), so these tests use 0.02 s, and the slow-machine test stretches it again."""
    monkeypatch.setattr(lesson01_support, "LOOKUP_SECONDS", 0.02)


@pytest.fixture
def quick_rendezvous(monkeypatch):
    """Wrong answers make the lookups wait out the rendezvous; a short one keeps these tests fast."""
    monkeypatch.setattr(lesson01_support, "RENDEZVOUS_SECONDS", 0.3)


def test_ex3_accepts_different_correct_answers():
    for answer in CORRECT_AVAILABILITY:
        outcome = check.ex3.evaluate(answer)
        assert outcome.status == PASS, (answer, outcome.line)


def test_ex3_accepts_correct_answers_however_slow_the_machine(monkeypatch):
    """No verdict reads a clock: with every lookup and thread start slowed down, right answers still pass."""
    real_sleep = asyncio.sleep

    async def late_sleep(delay, *args, **kwargs):
        return await real_sleep(delay * 5, *args, **kwargs)

    real_legacy = lesson01_support.legacy_lookup

    def late_legacy(isbn):
        time.sleep(0.5)  # the worker thread starts late, as on a loaded machine; it runs in a thread, not the loop
        return real_legacy(isbn)

    monkeypatch.setattr(lesson01_support.asyncio, "sleep", late_sleep)

    class SlowMachine(View):
        async def get(self, request, isbn):
            values = await asyncio.gather(
                *(slow_lookup(p, isbn) for p in PARTNERS), sync_to_async(late_legacy)(isbn)
            )
            return answer_json(isbn, values)

    outcome = check.ex3.evaluate(SlowMachine)
    assert outcome.status == PASS, outcome.line


def test_ex3_stub_is_not_attempted():
    assert check.ex3.evaluate(AvailabilityStub).status == NOT_ATTEMPTED


def test_ex3_rejects_sequential_awaits(quick_rendezvous):
    class OneAfterAnother(View):
        async def get(self, request, isbn):
            values = [await slow_lookup(p, isbn) for p in PARTNERS]
            values.append(await sync_to_async(legacy_lookup)(isbn))
            return answer_json(isbn, values)

    assert_fails(check.ex3, OneAfterAnother, "one after another", "at most 1 at a time")


def test_ex3_rejects_a_legacy_call_outside_the_gather(quick_rendezvous):
    class LegacyAfter(View):
        async def get(self, request, isbn):
            values = list(await asyncio.gather(*(slow_lookup(p, isbn) for p in PARTNERS)))
            values.append(await sync_to_async(legacy_lookup)(isbn))
            return answer_json(isbn, values)

    class WaitsForTheFuture(AvailabilityGather):
        async def get(self, request, isbn):
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=1) as pool:
                west = pool.submit(legacy_lookup, isbn).result()  # in a thread, but the loop waits for it
            values = await asyncio.gather(*(slow_lookup(p, isbn) for p in PARTNERS))
            return answer_json(isbn, [*values, west])

    assert_fails(check.ex3, LegacyAfter, "not alongside")
    assert_fails(check.ex3, WaitsForTheFuture, "not alongside")


def test_ex3_rejects_blocking_calls(quick_rendezvous):
    class CallsLegacyDirectly(View):
        async def get(self, request, isbn):
            west = legacy_lookup(isbn)
            values = await asyncio.gather(*(slow_lookup(p, isbn) for p in PARTNERS))
            return answer_json(isbn, [*values, west])

    class SleepsToo(AvailabilityGather):
        async def get(self, request, isbn):
            time.sleep(0.3)  # "wait for the partners to be ready"
            return await super().get(request, isbn)

    class SleepsUnderAnotherName(AvailabilityGather):
        async def get(self, request, isbn):
            from time import sleep as pause

            response = await super().get(request, isbn)
            pause(0.01)  # short, and after the lookups: still a blocking call on the loop
            return response

    class SleepsInAHelper(AvailabilityGather):
        async def get(self, request, isbn):
            def settle():
                time.sleep(0.01)

            settle()
            return await super().get(request, isbn)

    assert_fails(check.ex3, CallsLegacyDirectly, "event loop's thread", "time.sleep()")
    assert_fails(check.ex3, SleepsToo, "called time.sleep() on the event loop's thread", "time.sleep()")
    assert_fails(check.ex3, SleepsUnderAnotherName, "called time.sleep() on the event loop's thread")
    assert_fails(check.ex3, SleepsInAHelper, "called time.sleep() on the event loop's thread")


def test_ex3_rejects_sync_and_mixed_handlers():
    class SyncGet(View):
        def get(self, request, isbn):
            values = [legacy_lookup(isbn)] * 4
            return answer_json(isbn, values)

    class Mixed(AvailabilityGather):
        def post(self, request, isbn):
            return HttpResponse()

    assert_fails(check.ex3, SyncGet, "plain `def`")
    assert_fails(check.ex3, Mixed, "ImproperlyConfigured")


def test_ex3_rejects_wrong_answers(quick_rendezvous):
    class MissesOne(View):
        async def get(self, request, isbn):
            values = await asyncio.gather(*(slow_lookup(p, isbn) for p in PARTNERS))
            return answer_json(isbn, [*values, 0])

    class AsksTwice(AvailabilityGather):
        async def get(self, request, isbn):
            await slow_lookup("north", isbn)
            return await super().get(request, isbn)

    class WrongTotal(View):
        async def get(self, request, isbn):
            values = await asyncio.gather(
                *(slow_lookup(p, isbn) for p in PARTNERS), sync_to_async(legacy_lookup)(isbn)
            )
            return JsonResponse({"isbn": isbn, "copies": dict(zip(ALL, values)), "total": len(values)})

    class WrongPartner(View):
        async def get(self, request, isbn):
            values = await asyncio.gather(*(slow_lookup(p, isbn) for p in ALL))
            return answer_json(isbn, values)

    class NoGet(View):
        async def post(self, request, isbn):
            return HttpResponse()

    assert_fails(check.ex3, MissesOne, "never asked the west library", "legacy_lookup(isbn)")
    assert_fails(check.ex3, AsksTwice, "asked the north library 2 times")
    assert_fails(check.ex3, WrongTotal, "expected {'isbn'")
    assert_fails(check.ex3, WrongPartner, "your code raised ValueError", "'west' has no async client")
    class ExampleIsbn(View):
        async def get(self, request, isbn):
            values = await asyncio.gather(
                *(slow_lookup(p, "9780807083697") for p in PARTNERS), sync_to_async(legacy_lookup)("9780807083697")
            )
            return answer_json(isbn, values)

    class SwapsTwo(View):
        async def get(self, request, isbn):
            north, south, east, west = await asyncio.gather(
                *(slow_lookup(p, isbn) for p in PARTNERS), sync_to_async(legacy_lookup)(isbn)
            )
            return answer_json(isbn, [north, south, west, east])

    class TotalIsAString(AvailabilityGather):
        async def get(self, request, isbn):
            body = __import__("json").loads((await super().get(request, isbn)).content)
            return JsonResponse({**body, "total": str(body["total"])})

    assert_fails(check.ex3, NoGet, "GET answered 405")
    assert_fails(check.ex3, ExampleIsbn, "the request was for ISBN 9780553383041", "9780807083697")
    assert_fails(check.ex3, SwapsTwo, "expected {'isbn'", "under its name")
    class TotalAsFloat(AvailabilityGather):
        async def get(self, request, isbn):
            body = __import__("json").loads((await super().get(request, isbn)).content)
            return JsonResponse({**body, "total": float(body["total"])})

    assert_fails(check.ex3, TotalIsAString, "expected {'isbn'")
    assert_fails(check.ex3, TotalAsFloat, "'total': 30.0}", "as numbers")


def test_ex3_names_a_forgotten_await(quick_rendezvous):
    class ForgetsAwait(View):
        async def get(self, request, isbn):
            copies = {p: slow_lookup(p, isbn) for p in PARTNERS}
            copies[LEGACY_PARTNER] = await sync_to_async(legacy_lookup)(isbn)
            return JsonResponse({"isbn": isbn, "copies": copies, "total": sum(copies.values())})

    class ForgetsAwaitOnGather(View):
        async def get(self, request, isbn):
            values = asyncio.gather(*(slow_lookup(p, isbn) for p in PARTNERS), sync_to_async(legacy_lookup)(isbn))
            return answer_json(isbn, values)

    class ForgetsAwaitOnTheThread(View):
        async def get(self, request, isbn):
            west = sync_to_async(legacy_lookup)(isbn)
            values = await asyncio.gather(*(slow_lookup(p, isbn) for p in PARTNERS))
            return answer_json(isbn, [*values, west])

    assert_fails(check.ex3, ForgetsAwait, "was called without `await`", "got a coroutine")
    forget_leftover_coroutines()
    assert_fails(check.ex3, ForgetsAwaitOnGather, "`asyncio.gather()`", "without `await`", "await wasn't used")
    forget_leftover_coroutines()
    assert_fails(check.ex3, ForgetsAwaitOnTheThread, "without `await`")


def test_checks_leave_no_route_mounted_and_restore_the_library():
    from course.sandbox import urls

    for exercise, answer in ((check.ex1, AuthorListAsyncFor), (check.ex2, LoanViewAget), (check.ex3, AvailabilityGather)):
        exercise.evaluate(answer)
    check.ex1.evaluate(AuthorListStub)
    assert not [p for p in urls.cell_patterns if str(p.pattern).startswith(check.PREFIX)]
    assert Author.objects.count() == 3 and Loan.objects.filter(returned_on__isnull=True).count() == 1
    assert lookups.calls == []
