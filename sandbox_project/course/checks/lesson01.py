"""Checks for the exercises of 01_async_views.

Each check mounts the learner's class under ``/check/lesson01/``, sends real
requests through ``AsyncClient`` with Django's async-safety check switched on
(as under a real ASGI server), and removes the route afterwards. Django's
``django.request`` log lines (405, 404, 500) are kept out of the notebook.
"""
import asyncio
import time
from collections import Counter
from urllib.parse import urlencode

from django.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from django.test import AsyncClient
from django.views import View

from course import data, loops
from course.cells import mount, unmount
from course.checking import Fail, NotAttempted, call, exercise, expect
from course.lesson01_support import (
    LEGACY_PARTNER,
    LOOKUP_SECONDS,
    PARTNERS,
    copies_at,
    lookups,
    quiet_request_log,
)
from library.models import Author, Loan

PREFIX = "check/lesson01/"
BUDGET_SECONDS = 2 * LOOKUP_SECONDS  # what the exercise asks for
SLACK_SECONDS = 3 * LOOKUP_SECONDS  # what the check accepts, so that a busy machine never fails a right answer
LONGEST_PAUSE = 0.2  # the event loop may stand still this long before the check calls it blocked


# ---------------------------------------------------------------- shared steps


def handler_names(cls):
    """The HTTP handlers a View subclass defines (``options`` is View's own)."""
    return [name for name in cls.http_method_names if name != "options" and hasattr(cls, name)]


def view_class(answer, name):
    """The learner's class, or a one-line failure; a class with no handlers is not attempted."""
    cls = getattr(answer, "view_class", answer)  # also accept `Name.as_view()`
    expect(
        isinstance(cls, type) and issubclass(cls, View),
        f"{name} is {type(answer).__name__}, not a class-based view.",
        f"write `class {name}(View):` with `async def` handlers.",
    )
    if not handler_names(cls):
        raise NotAttempted(f"{cls.__name__} has no handlers yet: replace `# YOUR CODE HERE` and the `...` below it")
    return cls


def async_view(cls):
    """``cls.as_view()``, refusing classes that are not (entirely) async."""
    try:
        view = call(cls.as_view)
    except ImproperlyConfigured as error:
        raise Fail(
            f"as_view() raised ImproperlyConfigured: {error}",
            "Django runs a class either sync or async, never both: make every handler `async def`.",
        ) from None
    expect(
        cls.view_is_async,
        f"{cls.__name__}'s handlers are plain `def` functions, so Django runs it as a synchronous view.",
        "declare every handler with `async def`.",
    )
    return view


def send(method, path, orm_hint, **kwargs):
    """One request through AsyncClient, async-safety on, Django's request log silenced."""
    client = AsyncClient()
    try:
        with quiet_request_log(), loops.async_safety():
            return call(getattr(client, method.lower()), path, **kwargs)
    except SynchronousOnlyOperation:
        raise Fail(
            f"{method} made a synchronous database call inside an async handler (SynchronousOnlyOperation).",
            orm_hint,
        ) from None


def expect_status(response, method, want, hint):
    got = response.status_code
    expect(got == want, f"{method} answered {got}, expected {want}.", hint)


def json_of(response, method):
    try:
        return response.json()
    except ValueError:
        kind = response.get("Content-Type", "no content type")
        raise Fail(f"{method} answered {kind}, not JSON.", "return a `JsonResponse`.") from None


# ---------------------------------------------------------------- exercise 1.1


@exercise("1.1", "AuthorList")
def ex1(author_list):
    """``AuthorList``: GET lists the authors' names as JSON, POST creates one (201)."""
    cls = view_class(author_list, "AuthorList")
    view = async_view(cls)
    path = mount(PREFIX + "authors/", view)
    orm_hint = "use the async ORM: `async for` over a queryset, `await Author.objects.acreate(...)`."
    data.seed()
    try:
        for round_ in range(2):
            response = send("GET", path, orm_hint)
            expect_status(response, "GET", 200, "define `async def get(self, request)` returning a `JsonResponse`.")
            got = json_of(response, "GET")
            want = list(Author.objects.order_by("name").values_list("name", flat=True))
            expect(
                isinstance(got, dict) and "authors" in got,
                f"GET answered {got!r}, expected a JSON object with the key 'authors'.",
                'answer `{"authors": [...]}`.',
            )
            expect(
                got["authors"] == want,
                f"GET answered authors {got['authors']!r}, expected {want!r}.",
                "list every author's name, in alphabetical order, from the database."
                if round_ == 0
                else "read the names from the database on every request; don't return a fixed list.",
            )
            if round_ == 0:  # real data, not a fixed list: add an author and ask again
                Author.objects.create(name="Ted Chiang", born=1967)

        # A browser's form body. (In 4.1, AsyncClient cannot send multipart data: Django ticket #34063.)
        form = urlencode({"name": "N. K. Jemisin"})
        response = send("POST", path, orm_hint, data=form, content_type="application/x-www-form-urlencoded")
        expect(
            response.status_code != 405,
            "POST answered 405 (Method Not Allowed).",
            "define `async def post(self, request)` too.",
        )
        created = Author.objects.filter(name="N. K. Jemisin").first()
        expect(
            created is not None,
            f"POST answered {response.status_code} but no author called 'N. K. Jemisin' is in the database.",
            "create the author from `request.POST['name']` with the async ORM.",
        )
        expect_status(response, "POST", 201, "a POST that creates something answers `201 Created`: pass `status=201`.")
        got = json_of(response, "POST")
        want = {"id": created.pk, "name": created.name}
        expect(got == want, f"POST answered {got!r}, expected {want!r}.", "answer the new author's `id` and `name`.")
    finally:
        unmount(PREFIX + "authors/")
        data.seed()
    return "GET and POST are both answered asynchronously, from the database."


# ---------------------------------------------------------------- exercise 1.2


@exercise("1.2", "LoanView")
def ex2(loan_view):
    """``LoanView`` repaired: every handler async; GET a loan (404 if unknown), POST returns it (409 if not open)."""
    cls = view_class(loan_view, "LoanView")
    view = async_view(cls)
    mount(PREFIX + "loans/<int:pk>/", view)
    base = "/" + PREFIX + "loans/"
    orm_hint = (
        "in async code use the async ORM (`aget`, `aupdate`, ...), and `select_related()` so that "
        "`loan.book` and `loan.member` need no extra query; `get_object_or_404` is synchronous."
    )
    data.seed()
    loan = Loan.objects.select_related("book", "member").get()
    try:
        response = send("GET", f"{base}{loan.pk}/", orm_hint)
        expect_status(response, "GET", 200, "keep the behaviour of the original `get`.")
        got = json_of(response, "GET")
        want = {"book": loan.book.title, "member": loan.member.name, "returned": False}
        expect(got == want, f"GET answered {got!r}, expected {want!r}.", "keep the JSON of the original `get`.")

        try:
            response = send("GET", f"{base}999/", orm_hint)
        except Loan.DoesNotExist:
            raise Fail(
                "GET of an unknown loan raised Loan.DoesNotExist (a 500 error) instead of answering 404.",
                "catch `Loan.DoesNotExist` and raise `Http404`, as `get_object_or_404` did.",
            ) from None
        expect_status(response, "GET of an unknown loan", 404, "raise `Http404` when there is no such loan.")

        response = send("POST", f"{base}{loan.pk}/", orm_hint)
        expect_status(response, "POST", 200, "keep the original `post`: it was already right.")
        loan.refresh_from_db()
        expect(
            loan.returned_on is not None,
            "POST answered 200 but the loan is still open in the database.",
            "keep the original `post`.",
        )
        response = send("POST", f"{base}{loan.pk}/", orm_hint)
        expect_status(response, "POST on a returned loan", 409, "keep the original `post`.")
        got = json_of(send("GET", f"{base}{loan.pk}/", orm_hint), "GET")
        expect(
            got.get("returned") is True,
            f"after the loan was returned, GET answered {got!r}.",
            "read `returned_on` from the database on every request.",
        )
    finally:
        unmount(PREFIX + "loans/<int:pk>/")
        data.seed()
    return "every handler is async, and GET, 404, POST and 409 all behave as before."


# ---------------------------------------------------------------- exercise 1.3


async def timed_get(path):
    """GET ``path`` through AsyncClient; also measure the longest time the event loop stood still."""
    pauses = []

    async def heartbeat():
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            pauses.append(now - last)
            last = now

    beat = asyncio.ensure_future(heartbeat())
    await asyncio.sleep(0)
    started = time.perf_counter()
    try:
        response = await AsyncClient().get(path)
    finally:
        elapsed = time.perf_counter() - started
        beat.cancel()
        try:
            await beat
        except asyncio.CancelledError:
            pass
    return response, elapsed, max(pauses, default=0.0)


@exercise("1.3", "AvailabilityView")
def ex3(availability_view):
    """``AvailabilityView``: ask four partner libraries at once and answer within the time budget."""
    cls = view_class(availability_view, "AvailabilityView")
    view = async_view(cls)
    mount(PREFIX + "availability/<str:isbn>/", view)
    isbn = "9780807083697"
    path = f"/{PREFIX}availability/{isbn}/"
    everyone = PARTNERS + (LEGACY_PARTNER,)
    lookups.reset()
    try:
        try:
            with quiet_request_log(), loops.async_safety():
                response, elapsed, longest_pause = call(timed_get, path)
        except SynchronousOnlyOperation:
            raise Fail(
                "the handler made a synchronous database call (SynchronousOnlyOperation).",
                "this view needs no database at all: only the partner lookups.",
            ) from None
        expect_status(response, "GET", 200, "define `async def get(self, request, isbn)` returning a `JsonResponse`.")
        asked = Counter(c.partner for c in lookups.calls)
        for partner in everyone:
            function = "legacy_lookup(isbn)" if partner == LEGACY_PARTNER else f"slow_lookup({partner!r}, isbn)"
            expect(
                asked[partner] > 0,
                f"it never asked the {partner} library.",
                f"call `{function}` as well.",
            )
            expect(
                asked[partner] == 1,
                f"it asked the {partner} library {asked[partner]} times.",
                "ask each library once and reuse the answer.",
            )
        got = json_of(response, "GET")
        copies = {partner: copies_at(partner, isbn) for partner in everyone}
        want = {"isbn": isbn, "copies": copies, "total": sum(copies.values())}
        expect(
            got == want,
            f"GET answered {got!r}, expected {want!r}.",
            "put each library's answer under its name in 'copies', and their sum in 'total'.",
        )
        legacy = [c for c in lookups.calls if c.partner == LEGACY_PARTNER]
        expect(
            not legacy[0].on_event_loop,
            "legacy_lookup() ran on the event loop's thread: its time.sleep() blocked the loop, and every "
            "other request with it.",
            "run the synchronous client in a worker thread (`sync_to_async`).",
        )
        expect(
            lookups.max_async_in_flight == len(PARTNERS),
            f"the {len(PARTNERS)} async lookups ran one after another (at most {lookups.max_async_in_flight} "
            "at a time): each `await` waited for the previous one to finish.",
            "start them together and await them all at once (`asyncio.gather`).",
        )
        expect(
            lookups.max_in_flight == len(everyone),
            "legacy_lookup() ran before or after the async lookups, not alongside them.",
            "await the wrapped legacy call in the same `asyncio.gather(...)` as the others.",
        )
        expect(
            longest_pause <= LONGEST_PAUSE,
            f"the event loop stood still for {longest_pause:.1f} s during the request: something in the "
            "handler blocks it (`time.sleep()`? a synchronous call?).",
            "inside `async def`, wait with `await` (e.g. `await asyncio.sleep()`), never with `time.sleep()`.",
        )
        expect(
            elapsed <= SLACK_SECONDS,
            f"the answer took {elapsed:.1f} s; the budget is {BUDGET_SECONDS:.1f} s.",
            "the four lookups should overlap: the whole answer takes about as long as one lookup.",
        )
    finally:
        unmount(PREFIX + "availability/<str:isbn>/")
        lookups.reset()
    return f"the four lookups overlapped; the answer came within the {BUDGET_SECONDS:.1f} s budget."
