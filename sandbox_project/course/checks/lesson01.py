"""Checks for the exercises of 01_async_views.

Each check mounts the learner's class under ``/check/lesson01/``, sends real
requests through ``AsyncClient`` with Django's async-safety check switched on
(as under a real ASGI server), and removes the route afterwards. Django's
``django.request`` log lines (405, 404, 500) are kept out of the notebook.

No verdict is read off a clock. Exercise 1.3's check decides from what the
sandbox records during the request: how many lookups were in flight at once
(the lookups wait for each other, so lookups started together always
overlap), which thread ran ``legacy_lookup``, and whether ``time.sleep`` was
called on the event loop's thread (a profile hook on that thread sees every
call to it, under whatever name it was imported).
"""
import re
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlencode

from django.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from django.test import AsyncClient
from django.views import View

from course import data, loops
from course.cells import mount, unmount
from course.checks.framework import Fail, NotAttempted, call, exercise, expect, question
from course.lessons.lesson01 import LEGACY_PARTNER, PARTNERS, copies_at, lookups, quiet_request_log
from library.models import Author, Book, Loan, Member

PREFIX = "check/lesson01/"


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


def allowed_methods(response):
    """The methods listed in a response's ``Allow`` header, upper-cased (empty if there is none)."""
    return {method.strip().upper() for method in response.get("Allow", "").split(",") if method.strip()}


def expect_not_allowed(path, methods, accepted, orm_hint):
    """Each of ``methods`` answers 405 with an ``Allow`` header that lists ``accepted`` and not the method."""
    for method in methods:
        response = send(method, path, orm_hint)
        expect_status(
            response,
            method,
            405,
            "define only the handlers the exercise asks for; Django answers every other method with 405.",
        )
        allow = allowed_methods(response)
        expect(
            "Allow" in response,
            f"{method} answered 405 without an `Allow` header; HTTP requires a 405 to list the methods the "
            "resource accepts.",
            "don't build the 405 yourself: leave the method out and Django's `http_method_not_allowed()` answers "
            "it, `Allow` included (or return `HttpResponseNotAllowed([...])`).",
        )
        expect(
            accepted <= allow and method not in allow,
            f"{method} answered 405 with `Allow: {response['Allow']}`, which should list "
            f"{', '.join(sorted(accepted))} and not {method}.",
            f"leave `{method.lower()}` undefined and let Django answer it.",
        )


def same_json(got, want):
    """Equal as JSON values: ``true`` is not ``1``, ``20.0`` is not ``20``, keys must match exactly.

    (Python's ``==`` says ``True == 1`` and ``20.0 == 20``, which would let a near miss through.)
    """
    if type(got) is not type(want):
        return False
    if isinstance(want, dict):
        return got.keys() == want.keys() and all(same_json(got[key], want[key]) for key in want)
    if isinstance(want, list):
        return len(got) == len(want) and all(same_json(a, b) for a, b in zip(got, want))
    return got == want


def json_of(response, method):
    try:
        return response.json()
    except ValueError:
        kind = response.get("Content-Type", "no content type")
        raise Fail(f"{method} answered {kind}, not JSON.", "return a `JsonResponse`.") from None


# ---------------------------------------------------------------- exercise 1.1


@exercise("1.1", "AuthorList")
def ex1(author_list):
    """``AuthorList``: GET lists the authors' names as JSON, POST creates one (201), other methods 405."""
    cls = view_class(author_list, "AuthorList")
    view = async_view(cls)
    path = mount(PREFIX + "authors/", view)
    orm_hint = "use the async ORM: `async for` over a queryset, `await Author.objects.acreate(...)`."
    with data.seeded():  # inserted Ursula, Italo, Octavia: neither by name nor by birth year
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
                names = got["authors"]
                if isinstance(names, list) and sorted(map(str, names)) == want:
                    hint = (
                        "list the names in alphabetical order: without `order_by(\"name\")` the database returns "
                        "the rows in no promised order (here, the order they were inserted)."
                    )
                elif round_ == 1 and names == first_answer:
                    hint = "read the names from the database on every request; don't return a fixed list."
                else:
                    hint = "list every author's name, in alphabetical order, from the database."
                expect(same_json(names, want), f"GET answered authors {names!r}, expected {want!r}.", hint)
                first_answer = names
                if round_ == 0:  # real data, not a fixed list: add an author (last inserted, not last by name)
                    Author.objects.create(name="Ted Chiang", born=1967)

            # A browser's form body. (In 4.1, AsyncClient cannot send multipart data: Django ticket #34063.)
            # The name is written in lower case on purpose: it must be stored exactly as sent.
            name = "bell hooks"
            before = Author.objects.count()
            form = urlencode({"name": name})
            response = send("POST", path, orm_hint, data=form, content_type="application/x-www-form-urlencoded")
            expect(
                response.status_code != 405,
                "POST answered 405 (Method Not Allowed).",
                "define `async def post(self, request)` too.",
            )
            created = list(Author.objects.filter(name=name))
            added = sorted(set(Author.objects.values_list("name", flat=True)) - set(want))
            expect(
                created,
                f"POST answered {response.status_code} but no author called {name!r} is in the database"
                + (f"; it added {', '.join(map(repr, added))}." if added else "."),
                "create the author from `request.POST['name']`, exactly as sent, with the async ORM.",
            )
            expect(
                Author.objects.count() == before + 1,
                f"one POST added {Author.objects.count() - before} authors to the database.",
                "create the author once.",
            )
            created = created[0]
            expect_status(response, "POST", 201, "a POST that creates something answers `201 Created`: pass `status=201`.")
            got = json_of(response, "POST")
            want = {"id": created.pk, "name": created.name}
            expect(
                same_json(got, want), f"POST answered {got!r}, expected {want!r}.", "answer the new author's `id` and `name`."
            )

            expect_not_allowed(path, ("PUT", "DELETE"), {"GET", "POST"}, orm_hint)
        finally:
            unmount(PREFIX + "authors/")
    return "GET, POST and 405 are all answered asynchronously, from the database."


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
    with data.seeded():
        # A second open loan, so that a handler must use the loan in the URL: GET and POST go to this one,
        # and the first one must stay as it is.
        other = Loan.objects.select_related("book", "member").get()
        loan = Loan.objects.create(
            book=Book.objects.get(title="The Dispossessed"),
            member=Member.objects.get(name="Grace"),
            borrowed_on=data.LOAN_START,
            due_on=other.due_on,
        )
        loan = Loan.objects.select_related("book", "member").get(pk=loan.pk)

        def json_for(item):
            return {"book": item.book.title, "member": item.member.name, "returned": item.returned_on is not None}

        try:
            for item in (loan, other):
                response = send("GET", f"{base}{item.pk}/", orm_hint)
                expect_status(response, f"GET of loan {item.pk}", 200, "keep the behaviour of the original `get`.")
                got = json_of(response, "GET")
                want = json_for(item)
                expect(
                    same_json(got, want),
                    f"GET of loan {item.pk} answered {got!r}, expected {want!r}.",
                    "keep the JSON of the original `get`, for the loan whose `pk` is in the URL.",
                )

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
            got = json_of(response, "POST")
            expect(
                same_json(got, {"returned": True}),
                f"POST answered {got!r}, expected {{'returned': True}}.",
                "keep the original `post`.",
            )
            loan.refresh_from_db()
            other.refresh_from_db()
            expect(
                loan.returned_on is not None,
                "POST answered 200 but the loan is still open in the database.",
                "keep the original `post`.",
            )
            expect(
                other.returned_on is None,
                f"POST to loan {loan.pk} also closed loan {other.pk}.",
                "close only the loan whose `pk` is in the URL: `filter(pk=pk, ...)`.",
            )
            response = send("POST", f"{base}{loan.pk}/", orm_hint)
            expect_status(response, "POST on a returned loan", 409, "keep the original `post`.")
            got = json_of(send("GET", f"{base}{loan.pk}/", orm_hint), "GET")
            expect(
                got.get("returned") is True,
                f"after the loan was returned, GET answered {got!r}.",
                "read `returned_on` from the database on every request.",
            )
            expect_not_allowed(f"{base}{loan.pk}/", ("PUT", "DELETE"), {"GET", "POST"}, orm_hint)
        finally:
            unmount(PREFIX + "loans/<int:pk>/")
    return "every handler is async, and GET, 404, POST, 409 and 405 all behave as before."


# ---------------------------------------------------------------- exercise 1.3

ISBN = "9780553383041"  # A Wizard of Earthsea: not the book of the exercise's example, on purpose
# What Python says when code uses a gather() or a task it did not await as if it held the results.
_FUTURE_VALUE = re.compile(r"'(_GatheringFuture|Future|Task)'|await wasn't used with (future)")


class BlockingCalls:
    """Record each call of ``time.sleep`` made on this thread inside the block, however it was imported.

    ``sys.setprofile`` reports every call of a built-in function on the thread
    that set it, with the function object itself: ``from time import sleep as
    wait; wait(1)`` is still a call of ``time.sleep``. Worker threads are not
    watched, so a blocking call pushed to a thread (``sync_to_async``,
    ``asyncio.to_thread``) is not counted: it does not block the event loop.
    """

    BLOCKING = (time.sleep,)

    def __enter__(self):
        self.calls = []
        self._previous = sys.getprofile()
        previous, blocking = self._previous, self.BLOCKING

        def profile(frame, event, arg):
            if event == "c_call" and arg in blocking:
                self.calls.append(f"{arg.__module__}.{arg.__name__}")
            if previous is not None:
                previous(frame, event, arg)

        sys.setprofile(profile)
        return self

    def __exit__(self, *exc):
        sys.setprofile(self._previous)
        return False


async def observed_get(path, expected):
    """GET ``path`` through AsyncClient while the lookups wait for each other and blocking calls are recorded.

    Returns the response, the event loop's thread and the blocking calls made on it.
    """
    with lookups.rendezvous(expected), BlockingCalls() as blocking:
        response = await AsyncClient().get(path)
    return response, threading.get_ident(), blocking.calls


@exercise("1.3", "AvailabilityView")
def ex3(availability_view):
    """``AvailabilityView``: ask four partner libraries at once, without blocking the event loop."""
    cls = view_class(availability_view, "AvailabilityView")
    view = async_view(cls)
    mount(PREFIX + "availability/<str:isbn>/", view)
    path = f"/{PREFIX}availability/{ISBN}/"
    everyone = PARTNERS + (LEGACY_PARTNER,)
    lookups.reset()
    try:
        try:
            with quiet_request_log(), loops.async_safety():
                response, loop_thread, blocking = call(observed_get, path, len(everyone))
        except SynchronousOnlyOperation:
            raise Fail(
                "the handler made a synchronous database call (SynchronousOnlyOperation).",
                "this view needs no database at all: only the partner lookups.",
            ) from None
        except (TypeError, RuntimeError) as error:
            found = _FUTURE_VALUE.search(str(error))
            if not found:
                raise
            kind = found.group(1) or "Future"
            raise Fail(
                f"`asyncio.gather()` (or a task) was used without `await`: your code got a {kind} object "
                f"instead of the results ({type(error).__name__}: {error}).",
                "write `await asyncio.gather(...)`: the results come out of the `await`.",
            ) from None
        expect_status(response, "GET", 200, "define `async def get(self, request, isbn)` returning a `JsonResponse`.")
        calls = list(lookups.calls)
        asked = Counter(c.partner for c in calls)
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
        wrong = sorted({c.isbn for c in calls if c.isbn != ISBN})
        expect(
            not wrong,
            f"the request was for ISBN {ISBN}, but the libraries were asked about {', '.join(wrong)}.",
            "pass on the `isbn` that the URL gives your handler.",
        )
        got = json_of(response, "GET")
        copies = {partner: copies_at(partner, ISBN) for partner in everyone}
        want = {"isbn": ISBN, "copies": copies, "total": sum(copies.values())}
        expect(
            same_json(got, want),
            f"GET answered {got!r}, expected {want!r}.",
            "put each library's answer under its name in 'copies', and their sum in 'total', as numbers.",
        )
        legacy = next(c for c in calls if c.partner == LEGACY_PARTNER)
        expect(
            legacy.thread != loop_thread and not legacy.on_event_loop,
            "legacy_lookup() ran on the event loop's thread: its time.sleep() blocked the loop, and every "
            "other request with it.",
            "run the synchronous client in a worker thread (`sync_to_async`).",
        )
        if blocking:
            times = "once" if len(blocking) == 1 else f"{len(blocking)} times"
            raise Fail(
                f"the handler called {blocking[0]}() on the event loop's thread ({times}): while it sleeps, "
                "the loop serves nobody.",
                "inside `async def`, wait with `await` (e.g. `await asyncio.sleep()`), never with `time.sleep()`.",
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
    finally:
        unmount(PREFIX + "availability/<str:isbn>/")
        lookups.reset()
    return (
        f"all {len(everyone)} lookups were in flight at the same time, the blocking one in a worker thread, "
        "and nothing blocked the event loop."
    )


# What a notebook uses, and all that `check.<Tab>` offers.
# ---------------------------------------------------------------- self-check questions

q1 = question(
    "1.Q1",
    answer={"a", "d"},
    choices="abcd",
    explanation="as_view() accepts a class whose handlers are all `def` or all `async def`; a generic view such as "
    "TemplateView already has a sync get(), so adding an async post() mixes modes and raises ImproperlyConfigured.",
)
q2 = question(
    "1.Q2",
    answer="c",
    choices="abc",
    explanation="an async view runs on the event loop's one thread; time.sleep() never hands the loop back, so the "
    "next request can only enter after the previous one has left (the lesson's +-+-+- order).",
)
q3 = question(
    "1.Q3",
    answer={"a", "d"},
    choices="abcd",
    explanation="in async code every query must be awaited through the async ORM or run in a thread with "
    "sync_to_async; the sync ORM and the lazy request.user (it queries on first use) raise SynchronousOnlyOperation.",
)

__all__ = ["ex1", "ex2", "ex3", "q1", "q2", "q3"]


def __dir__():
    return __all__
