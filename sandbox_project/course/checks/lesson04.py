"""Checks for the exercises of 04_logout_post_csrf.

Each check renders the learner's markup (or mounts the learner's view), opens it
with a logged-in ``Client(enforce_csrf_checks=True)`` and clicks it the way a
browser would (``course.lessons.lesson04``): the form owner, method, URL and
fields come from the parsed HTML, not from the check's expectations. Django's
warnings and its request/CSRF log lines are collected, so a check prints one line.

HTTP answers are checked as HTTP defines them: a 405 must carry an ``Allow``
header (RFC 9110, 15.5.6) listing, with exact and case-sensitive method names,
in any order, POST and neither GET nor HEAD. The learner's 4.3 test must fail
against every wrong view, a 403 included, so that only a 405 satisfies it.
"""
import re
from contextlib import ExitStack, contextmanager
from urllib.parse import urljoin, urlsplit

from django.contrib.auth import SESSION_KEY
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.models import User
from django.contrib.auth.views import LogoutView
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed
from django.template import TemplateSyntaxError, engines
from django.test import Client
from django.urls import reverse
from django.views import View

from course import cells, deprecations
from course.checks.framework import Fail, NotAttempted, call, exercise, expect, question
from course.lessons.lesson04 import METHODS, SITE, Browser, server_log, submit_buttons

USERNAME, PASSWORD = "lesson04-checker", "lesson04-checker-password"
PAGE_ROUTE = "lesson04/check/page/"
PREFERENCES_ROUTE = "lesson04/check/preferences/"
VIEW_ROUTE = "lesson04/check/logout/"

LOGOUT_LINK = """<a href="{% url 'logout' %}">Log out</a>"""

MARKER = "{# the logout button goes here #}"
PREFERENCES_PAGE = """<h1>Preferences</h1>
<form method="post" action="/lesson04/check/preferences/">
  {% csrf_token %}
  <label>Theme <input name="theme" value="dark"></label>
  <button type="submit">Save</button>
  {# the logout button goes here #}
</form>"""

ARTICLE_BUTTON = """<button formmethod="{% url 'admin:logout' %}" formmethod="post" type="submit">Logout</button>"""

TOKEN_HINT = "which template tag renders Django's hidden token field inside a form?"


# --- shared plumbing ---------------------------------------------------------------


@contextmanager
def _quiet():
    """No deprecation lines on stdout, no Django log lines on stderr, inside the block."""
    with deprecations.recorded() as warned, server_log() as log:
        yield log, warned


@contextmanager
def _checker():
    """A superuser for the check (it may use the site's and the admin's logout), removed afterwards."""
    User.objects.filter(username=USERNAME).delete()
    User.objects.create_superuser(USERNAME, "checker@example.com", PASSWORD)
    try:
        yield
    finally:
        User.objects.filter(username=USERNAME).delete()


def _logged_in_browser():
    """A logged-in browser that has visited the site's home page (so it holds a CSRF cookie)."""
    client = Client(enforce_csrf_checks=True)
    client.login(username=USERNAME, password=PASSWORD)
    browser = Browser(client)
    with _quiet():
        browser.open("/")
    return browser


def _signed_in(client):
    return SESSION_KEY in client.session


def _logout_paths():
    return {reverse("logout"), reverse("admin:logout")}


def _markup(answer, name):
    """The learner's template text: a string, or what a function returns."""
    text = call(answer) if callable(answer) else answer
    expect(
        isinstance(text, str),
        f"{name} gave {type(text).__name__}, not template text.",
        "return the template as a string (a triple-quoted string is easiest).",
    )
    expect(text.strip(), f"{name} gave an empty template.", "return the template markup as a string.")
    return text


def _compile(text):
    try:
        return engines["django"].from_string(text)
    except TemplateSyntaxError as error:
        raise Fail(
            f"the template does not compile: {error}",
            "fix the template syntax; tags from a library, such as {% translate %}, need {% load %} first.",
        ) from None


def _serve(route, template):
    cells.mount(route, lambda request: HttpResponse(template.render({}, request)))
    return urljoin(SITE, "/" + route)


def _open(browser, url):
    """Open the page that renders the learner's template; a rendering error is the learner's."""
    try:
        with _quiet():
            return browser.open(url)
    except Exception as error:  # noqa: BLE001 - e.g. NoReverseMatch from {% url %}
        raise Fail(
            f"the template does not render: {_describe(error)}",
            "check the URL names in {% url %} tags (the site has 'logout' and 'admin:logout').",
        ) from None


def _links_to_logout(tree, page_url):
    paths = _logout_paths()
    return [a for a in tree.find_all("a", href=True) if urlsplit(urljoin(page_url, a["href"])).path in paths]


def _plain_buttons(tree):
    """Buttons that submit nothing: type="button" or type="reset"."""
    return [b for b in tree.find_all("button") if b.get("type", "submit").lower() in {"button", "reset"}]


def _send(browser, plan):
    """Send a planned submission; fail with Django's reason on a CSRF refusal."""
    with _quiet() as (log, _):
        response = browser.send(plan)
    if response.status_code == 403:
        reason = log[-1] if log else "403 Forbidden"
        raise Fail(f"the logout POST was refused: {reason}.", TOKEN_HINT)
    return response


# --- Exercise 4.1 ------------------------------------------------------------------


@exercise("4.1", "logout_form")
def ex1(logout_form):
    """``logout_form()`` returns template markup that logs out with a POST, CSRF token included."""
    text = _markup(logout_form, "logout_form()")
    template = _compile(text)
    with _checker():
        try:
            page_url = _serve(PAGE_ROUTE, template)
            browser = _logged_in_browser()
            tree = _open(browser, page_url)
            links = _links_to_logout(tree, page_url)
            buttons = submit_buttons(tree)
            if not buttons:
                expect(
                    not links,
                    "the markup is still a link: a browser follows a link with GET, which is what 4.1 deprecates.",
                    "replace the link with a <form> holding a submit button.",
                )
                expect(
                    not _plain_buttons(tree),
                    'a button with type="button" (or "reset") does not submit its form.',
                    "a submit button is the kind that sends the form.",
                )
                raise Fail("the markup has no submit button, so there is nothing to click.", "put a submit <button> inside the form.")
            expect(
                len(buttons) == 1,
                f"the markup has {len(buttons)} submit buttons; only the first was clicked, and the others are "
                "left for users to click.",
                "keep a single submit button, so that the form can stand where the link stood.",
            )
            plan = browser.plan(buttons[0])
            expect(
                plan.method is not None,
                f"clicking the button submits nothing: {plan.reason}.",
                "put the button inside the <form>.",
            )
            expect(
                plan.method == "POST",
                f"the form submits with GET ({plan.method_source}), and a GET logout is what 4.1 deprecates.",
                "a form's method attribute decides how it is sent.",
            )
            expect(
                plan.path in _logout_paths(),
                f"the form posts to {plan.path} ({plan.action_source}), not to the logout URL.",
                "set the form's action with the {% url %} tag and the logout view's URL name.",
            )
            expect(
                "csrfmiddlewaretoken" in plan.names,
                "the form sends no CSRF token, so LogoutView answers 403 Forbidden (CSRF token missing.).",
                TOKEN_HINT,
            )
            response = _send(browser, plan)
            expect(
                not _signed_in(browser.client),
                f"the POST answered {response.status_code}, but the user is still logged in.",
                "post to the logout view's URL.",
            )
            expect(
                not links,
                "the form works, but the old link to the logout URL is still there (a GET logout in 4.1).",
                "remove the <a> link.",
            )
        finally:
            cells.unmount(PAGE_ROUTE)
    return "a browser sends a POST with the CSRF token, and the user is logged out."


# --- Exercise 4.2 ------------------------------------------------------------------


def _preferences(request):
    if request.method == "POST":
        return HttpResponse(f"Saved: theme {request.POST.get('theme')}.")
    return HttpResponse("Preferences.")


@exercise("4.2", "logout_button")
def ex2(logout_button):
    """``logout_button()`` returns markup that, inside PREFERENCES_PAGE's form, logs out with a POST."""
    text = _markup(logout_button, "logout_button()")
    template = _compile(PREFERENCES_PAGE.replace(MARKER, text))
    with _checker():
        try:
            page_url = _serve(PAGE_ROUTE, template)
            cells.mount(PREFERENCES_ROUTE, _preferences)
            preferences_path = "/" + PREFERENCES_ROUTE
            browser = _logged_in_browser()
            tree = _open(browser, page_url)
            buttons = submit_buttons(tree)
            theirs = buttons[1:]  # the page's own Save button comes first
            if not theirs:
                expect(
                    not _links_to_logout(tree, page_url),
                    "your markup is a link, and a browser follows a link with GET.",
                    "use a submit button.",
                )
                expect(
                    not _plain_buttons(tree),
                    'a button with type="button" (or "reset") does not submit its form.',
                    "a submit button is the kind that sends the form.",
                )
                raise Fail("your markup has no submit button.", "write a <button> that a browser would submit.")
            expect(
                len(theirs) == 1,
                f"your markup adds {len(theirs)} submit buttons to the page; a logout needs one.",
                "write a single <button> that logs out.",
            )
            button = theirs[0]
            plan = browser.plan(button)
            expect(
                plan.method is not None,
                f"clicking your button submits nothing: {plan.reason}.",
                "a button submits the form it belongs to.",
            )
            if plan.method == "GET":
                value = button.get("formmethod")
                if value is not None and value.lower() not in METHODS:
                    raise Fail(
                        f'formmethod="{value}" is not a method (get, post or dialog), so the browser falls back to GET: '
                        f"clicking sends GET {plan.path} with the CSRF token in the URL.",
                        "formmethod takes the method; a different attribute takes the URL.",
                    )
                raise Fail(
                    f"clicking your button sends GET {plan.path} ({plan.method_source}), with the CSRF token in the URL.",
                    "the logout must be a POST.",
                )
            if plan.path == preferences_path:
                nested = "<form" in text.lower()
                raise Fail(
                    f"clicking your button POSTs to the preferences form's own URL ({plan.path}): "
                    "it saves preferences instead of logging out."
                    + (" A <form> inside another form is dropped by the HTML parser." if nested else ""),
                    "a submit button can give its own URL, overriding its form's action.",
                )
            expect(
                plan.path in _logout_paths(),
                f"clicking your button POSTs to {plan.path}, which is not a logout URL.",
                "use {% url 'admin:logout' %} (or {% url 'logout' %}).",
            )
            response = _send(browser, plan)
            expect(
                not _signed_in(browser.client),
                f"the POST to {plan.path} answered {response.status_code}, but the user is still logged in.",
                "post to a logout URL.",
            )
            with _quiet():
                tree = browser.open(page_url)
                save = browser.plan(submit_buttons(tree)[0])
                saved = browser.send(save)
            expect(
                save.method == "POST" and save.path == preferences_path and saved.content == b"Saved: theme dark.",
                f"your button logs out, but the Save button no longer saves the preferences ({save}).",
                "change only the logout button; leave the form around it as it is.",
            )
        finally:
            cells.unmount(PAGE_ROUTE)
            cells.unmount(PREFERENCES_ROUTE)
    return "the button POSTs to the logout URL with the form's CSRF token, and Save still saves."


# --- Exercise 4.3 ------------------------------------------------------------------


class _PostOnly(LogoutView):
    """A correct answer: what Django 5.0 does."""

    http_method_names = ["post", "options"]


class _LogsOutThen405(LogoutView):
    """Wrong: answers 405 to GET, but only after logging the user out."""

    def get(self, request, *args, **kwargs):
        auth_logout(request)
        return HttpResponseNotAllowed(["POST", "OPTIONS"])


class _AnswersGet200(LogoutView):
    """Wrong: keeps the user logged in, but answers GET with a page instead of 405."""

    def get(self, request, *args, **kwargs):
        return HttpResponse("Use the Log out button.")


class _AnswersGet403(LogoutView):
    """Wrong: keeps the user logged in, but answers GET with 403 Forbidden instead of 405."""

    def get(self, request, *args, **kwargs):
        return HttpResponseForbidden("Use the Log out button.")


def _is_stub_class(view_class):
    own = [name for name in vars(view_class) if not (name.startswith("__") and name.endswith("__"))]
    return view_class.__bases__ == (LogoutView,) and not own


def _fresh_client():
    client = Client(enforce_csrf_checks=True)
    client.login(username=USERNAME, password=PASSWORD)
    return client


def _check_view(url):
    client = _fresh_client()
    with _quiet():
        response = client.get(url)
    expect(
        _signed_in(client),
        f"GET still logs the user out (it answered {response.status_code}).",
        "Django 5.0 refuses GET before any logging out happens; which methods does the view accept?",
    )
    expect(
        response.status_code == 405,
        f"GET answered {response.status_code}; Django 5.0 answers 405 Method Not Allowed.",
        "a view refuses a method it does not list with 405.",
    )
    _check_allow(response, "GET")
    refusal = response
    with _quiet():
        response = client.head(url)
    expect(
        _signed_in(client),
        f"HEAD still logs the user out (it answered {response.status_code}).",
        "Django's View answers HEAD with the get handler; refuse HEAD too.",
    )
    expect(
        response.status_code == 405,
        f"HEAD answered {response.status_code}, expected 405 as in Django 5.0.",
        "refuse HEAD as well as GET.",
    )
    _check_allow(response, "HEAD")
    with _quiet():
        client.get("/")  # a page of the site: sets the CSRF cookie
        response = client.post(url)
    expect(
        _signed_in(client),
        "a POST without a CSRF token logged the user out: the view is not CSRF-protected any more.",
        "keep LogoutView's CSRF protection; do not exempt the view.",
    )
    browser = Browser(client)
    with _quiet():
        home = browser.open("/")
        # The token of the page's own logout form, as the user's browser would send it.
        token = dict(browser.plan(home.find("form", id="logout-form").button).fields)["csrfmiddlewaretoken"]
        response = client.post(url, {"csrfmiddlewaretoken": token})
    expect(
        not _signed_in(client),
        f"a POST with a valid CSRF token did not log the user out (it answered {response.status_code}).",
        "POST must keep working: that is how users log out now.",
    )
    _check_allow_lists_post(refusal)


def _check_allow(response, method):
    """A 405 must carry an Allow header (RFC 9110, 15.5.6) naming what the view accepts: POST, not GET or HEAD.

    Method names are case-sensitive (RFC 9110, 9.1) and their order in the header
    does not matter.
    """
    expect(
        "Allow" in response,
        f"{method} answered 405 without an Allow header, which HTTP requires on every 405 "
        "(RFC 9110, section 15.5.6).",
        "let Django build the 405: leave the method out of `http_method_names`, or return "
        "`HttpResponseNotAllowed([...])` with the methods the view accepts, instead of `HttpResponse(status=405)`.",
    )
    header = response["Allow"]
    allowed = {name.strip() for name in header.split(",") if name.strip()}
    refused = {"GET"} if method == "GET" else {"GET", "HEAD"}  # HEAD is checked with its own request
    expect(
        not allowed & refused,
        f"the 405 answer's Allow header still lists {' and '.join(sorted(allowed & refused))} ({header}).",
        "Allow names the methods the view accepts, so GET and HEAD must not be among them.",
    )


def _check_allow_lists_post(response):
    """Once POST is known to work: the 405's Allow must name it, exactly (names are case-sensitive)."""
    header = response["Allow"]
    allowed = {name.strip() for name in header.split(",") if name.strip()}
    expect(
        "POST" in allowed,
        f"the 405 answer's Allow header ({header!r}) does not list POST, which the view accepts"
        + (" (method names are case-sensitive)." if "post" in {name.lower() for name in allowed} else "."),
        "Allow names every method the view accepts, in capitals: POST at least.",
    )


def _run_test(test, url):
    """Run the learner's test once; return the exception it raised (None when it passed)."""
    client = _fresh_client()
    try:
        with _quiet():
            call(test, client, url)
    except (Fail, NotAttempted):
        raise
    except Exception as error:  # noqa: BLE001 - as in pytest, any exception fails the test
        return error
    return None


def _describe(error):
    """``Type: first line of the message``, without memory addresses."""
    first = (str(error).strip().splitlines() or [""])[0]
    first = re.sub(r" at 0x[0-9a-fA-F]+", "", first)
    text = f"{type(error).__name__}: {first}".rstrip(": ")
    return text if text.endswith((".", "?", "!")) else text + "."


@exercise("4.3", "PostOnlyLogoutView", "test_get_is_refused")
def ex3(view_class, test):
    """``view_class`` refuses GET (and HEAD) as Django 5.0 does; ``test(client, url)`` proves it."""
    expect(
        isinstance(view_class, type) and issubclass(view_class, View),
        f"PostOnlyLogoutView is {type(view_class).__name__}, not a view class.",
        "define it with `class PostOnlyLogoutView(LogoutView):`.",
    )
    expect(
        view_class is not LogoutView,
        "that is Django's own LogoutView, which logs out on GET in 4.1.",
        "subclass LogoutView and change what it accepts.",
    )
    if _is_stub_class(view_class):
        raise NotAttempted("PostOnlyLogoutView adds nothing to LogoutView yet")
    expect(callable(test), f"the test is {type(test).__name__}, not a function.", "define it with `def`.")
    routes = {
        "answer": (VIEW_ROUTE, view_class),
        "reference": ("lesson04/check/reference/", _PostOnly),
        "stock": ("lesson04/check/stock/", LogoutView),
        "405 after logout": ("lesson04/check/logs-out-then-405/", _LogsOutThen405),
        "200": ("lesson04/check/answers-200/", _AnswersGet200),
        "403": ("lesson04/check/answers-403/", _AnswersGet403),
    }
    with _checker(), ExitStack() as cleanup:
        for key, (route, view) in routes.items():
            cells.mount(route, call(view.as_view) if key == "answer" else view.as_view())
            cleanup.callback(cells.unmount, route)
        url = {key: "/" + route for key, (route, _) in routes.items()}

        try:
            _check_view(url["answer"])
        except (Fail, NotAttempted):
            raise
        except Exception as error:  # noqa: BLE001 - raised by the learner's view during a request
            raise Fail(
                f"a request to PostOnlyLogoutView raised {_describe(error)}",
                "mount it in a cell with course.cells.mount and request it with a Client to see the traceback.",
            ) from None

        error = _run_test(test, url["reference"])
        expect(
            error is None,
            f"your test fails against a view that refuses GET correctly: {_describe(error) if error else ''}",
            "a correct view answers GET with 405 and leaves the user logged in.",
        )
        error = _run_test(test, url["answer"])
        expect(
            error is None,
            f"your test fails against your own PostOnlyLogoutView: {_describe(error) if error else ''}",
            "the test and the view should agree.",
        )
        expect(
            _run_test(test, url["stock"]) is not None,
            "your test passes against Django 4.1's own LogoutView, which logs the user out on GET: it proves nothing.",
            "use `assert` statements that are false when the GET logs the user out.",
        )
        expect(
            _run_test(test, url["405 after logout"]) is not None,
            "your test passes against a view that answers 405 but has logged the user out already.",
            "after the GET, check that the user is still logged in (look at `client.session`).",
        )
        expect(
            _run_test(test, url["200"]) is not None,
            "your test passes against a view that answers GET with 200 instead of 405.",
            "check the response's status code too.",
        )
        expect(
            _run_test(test, url["403"]) is not None,
            "your test passes against a view that answers GET with 403 instead of 405.",
            "compare the status code with 405 exactly, not with a range of errors.",
        )
    return "GET and HEAD get 405, POST with the token logs out, and your test tells a correct view from wrong ones."


# What a notebook uses, and all that `check.<Tab>` offers.
# ---------------------------------------------------------------- self-check questions

q1 = question(
    "4.Q1",
    answer={"a", "b", "c"},
    choices="abcd",
    explanation="4.1's LogoutView logs out on GET (with a RemovedInDjango50Warning), on HEAD (answered by the get "
    "handler, without a warning) and on POST; a POST without the token is refused with 403 by the CSRF middleware.",
)
q2 = question(
    "4.Q2",
    answer="b",
    choices="abc",
    explanation="since 4.1 the cookie keeps the secret itself, unmasked, and stays the same across responses; "
    "only the token in the page is masked afresh for every response (4.0's cookie held a masked token).",
)

__all__ = ["ex1", "ex2", "ex3", "q1", "q2", "PREFERENCES_PAGE", "ARTICLE_BUTTON"]


def __dir__():
    return __all__
