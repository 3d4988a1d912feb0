"""The checks of 01_async_views accept right answers, however written, and reject wrong ones."""
import asyncio
import datetime
import time

import pytest
from asgiref.sync import sync_to_async
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from course.checking import FAIL, NOT_ATTEMPTED, PASS
from course.checks import lesson01 as check
from course.lesson01_support import (
    LEGACY_PARTNER,
    PARTNERS,
    copies_at,
    legacy_lookup,
    lookups,
    quiet_request_log,
    slow_lookup,
    thread_kind,
)
from library.models import Author, Loan
from helpers import assert_fails



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

    assert asyncio.run(both()) == [copies_at("north", "1"), copies_at(LEGACY_PARTNER, "1")]
    assert lookups.max_in_flight == 2 and lookups.max_async_in_flight == 1
    assert not any(call.on_event_loop for call in lookups.calls if call.partner == LEGACY_PARTNER)
    lookups.reset()


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
    assert "not attempted yet" in outcome.line


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


def test_ex3_accepts_different_correct_answers():
    for answer in (AvailabilityGather, AvailabilityTasks, AvailabilityToThread):
        outcome = check.ex3.evaluate(answer)
        assert outcome.status == PASS, (answer, outcome.line)


def test_ex3_stub_is_not_attempted():
    assert check.ex3.evaluate(AvailabilityStub).status == NOT_ATTEMPTED


def test_ex3_rejects_sequential_awaits():
    class OneAfterAnother(View):
        async def get(self, request, isbn):
            values = [await slow_lookup(p, isbn) for p in PARTNERS]
            values.append(await sync_to_async(legacy_lookup)(isbn))
            return answer_json(isbn, values)

    assert_fails(check.ex3, OneAfterAnother, "one after another", "at most 1 at a time")


def test_ex3_rejects_a_legacy_call_outside_the_gather():
    class LegacyAfter(View):
        async def get(self, request, isbn):
            values = list(await asyncio.gather(*(slow_lookup(p, isbn) for p in PARTNERS)))
            values.append(await sync_to_async(legacy_lookup)(isbn))
            return answer_json(isbn, values)

    assert_fails(check.ex3, LegacyAfter, "not alongside")


def test_ex3_rejects_blocking_calls():
    class CallsLegacyDirectly(View):
        async def get(self, request, isbn):
            west = legacy_lookup(isbn)
            values = await asyncio.gather(*(slow_lookup(p, isbn) for p in PARTNERS))
            return answer_json(isbn, [*values, west])

    class SleepsToo(AvailabilityGather):
        async def get(self, request, isbn):
            time.sleep(0.3)  # "wait for the partners to be ready"
            return await super().get(request, isbn)

    assert_fails(check.ex3, CallsLegacyDirectly, "event loop's thread", "time.sleep()")
    assert_fails(check.ex3, SleepsToo, "event loop stood still", "time.sleep()")


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


def test_ex3_rejects_wrong_answers():
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
    assert_fails(check.ex3, NoGet, "GET answered 405")


def test_checks_leave_no_route_mounted_and_restore_the_library():
    from course import urls

    for exercise, answer in ((check.ex1, AuthorListAsyncFor), (check.ex2, LoanViewAget), (check.ex3, AvailabilityGather)):
        exercise.evaluate(answer)
    check.ex1.evaluate(AuthorListStub)
    assert not [p for p in urls.cell_patterns if str(p.pattern).startswith(check.PREFIX)]
    assert Author.objects.count() == 3 and Loan.objects.filter(returned_on__isnull=True).count() == 1
    assert lookups.calls == []
