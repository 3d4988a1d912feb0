"""The checks of 04_logout_post_csrf accept right answers and reject wrong ones."""
import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.models import User
from django.contrib.auth.views import LogoutView
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from course.checks.framework import FAIL, NOT_ATTEMPTED, PASS
from course.checks import lesson04 as check
from tests.helpers import assert_fails


def stub():
    raise NotImplementedError()



@pytest.fixture(autouse=True)
def no_checker_left_behind():
    yield
    assert not User.objects.filter(username=check.USERNAME).exists()


# --- 4.1: a GET link becomes a POST form ----------------------------------------------

RELEASE_NOTES_FORM = """{% load i18n %}
<form id="logout-form" method="post" action="{% url 'logout' %}">
  {% csrf_token %}
  <button type="submit">{% translate "Log out" %}</button>
</form>"""

HAND_WRITTEN_TOKEN = """<form action="/accounts/logout/" method="POST">
  <input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf_token }}">
  <input type="submit" value="Log out">
</form>"""


def test_ex1_accepts_different_correct_answers():
    answers = [
        lambda: RELEASE_NOTES_FORM,
        HAND_WRITTEN_TOKEN,  # a plain string works too
        lambda: "<form method=post action=\"{% url 'admin:logout' %}\">{% csrf_token %}<button>Bye</button></form>",
        lambda: "<form method='post' action='/accounts/logout/?next=/'>{% csrf_token %}<button>Log out</button></form>",
    ]
    for answer in answers:
        outcome = check.ex1.evaluate(answer)
        assert outcome.status == PASS, outcome.line


def test_ex1_stub_is_not_attempted():
    assert check.ex1.evaluate(stub).status == NOT_ATTEMPTED


def test_ex1_rejects_wrong_answers():
    cases = {
        "still a link": lambda: check.LOGOUT_LINK,
        "submits with GET (no method attribute)": lambda: (
            "<form action=\"{% url 'logout' %}\">{% csrf_token %}<button>Log out</button></form>"
        ),
        'submits with GET (method="get")': lambda: (
            "<form method=\"get\" action=\"{% url 'logout' %}\">{% csrf_token %}<button>Log out</button></form>"
        ),
        "sends no CSRF token": lambda: (
            "<form method=\"post\" action=\"{% url 'logout' %}\"><button>Log out</button></form>"
        ),
        "not to the logout URL": lambda: "<form method=\"post\">{% csrf_token %}<button>Log out</button></form>",
        "no form owner": lambda: "{% csrf_token %}<button formaction=\"{% url 'logout' %}\">Log out</button>",
        'type="button"': lambda: (
            "<form method=\"post\" action=\"{% url 'logout' %}\">{% csrf_token %}"
            "<button type=\"button\">Log out</button></form>"
        ),
        "no submit button": lambda: "<form method=\"post\" action=\"{% url 'logout' %}\">{% csrf_token %}</form>",
        "link to the logout URL is still there": lambda: RELEASE_NOTES_FORM + check.LOGOUT_LINK,
        "does not compile": lambda: RELEASE_NOTES_FORM.replace("{% load i18n %}", ""),
        "does not render: NoReverseMatch": lambda: RELEASE_NOTES_FORM.replace("'logout'", "'log-out'"),
        "refused: Forbidden (CSRF token from POST incorrect.)": lambda: (
            "<form method=\"post\" action=\"{% url 'logout' %}\">"
            '<input type="hidden" name="csrfmiddlewaretoken" value="' + "a" * 64 + '">'
            "<button>Log out</button></form>"
        ),
        "not template text": lambda: None,
        "empty template": lambda: "  ",
        # the token rendered, but in another form than the button's
        "sends no CSRF token": lambda: (
            "<form method=\"post\">{% csrf_token %}</form>"
            "<form method=\"post\" action=\"{% url 'logout' %}\"><button>Log out</button></form>"
        ),
        # the token's value under another name: the name must be exactly csrfmiddlewaretoken
        "sends no CSRF token, so LogoutView answers 403": lambda: (
            "<form method=\"post\" action=\"{% url 'logout' %}\">"
            '<input type="hidden" name="csrftoken" value="{{ csrf_token }}"><button>Log out</button></form>'
        ),
        # a working POST form, followed by a second button that logs out with GET
        "has 2 submit buttons": lambda: (
            RELEASE_NOTES_FORM + "<form action=\"{% url 'logout' %}\"><button>Log out (old)</button></form>"
        ),
    }
    for words, answer in cases.items():
        assert_fails(check.ex1, answer, words)


def test_ex1_reports_the_learners_exception():
    def broken():
        return {}["form"]

    outcome = check.ex1.evaluate(broken)
    assert outcome.status == FAIL and "your code raised KeyError" in outcome.message


# --- 4.2: the article's button, fixed inside an existing form ----------------------------


def test_ex2_accepts_different_correct_answers():
    answers = [
        lambda: """<button type="submit" formaction="{% url 'admin:logout' %}" formmethod="post">Log out</button>""",
        lambda: """<button formaction="{% url 'logout' %}">Log out</button>""",  # the form is already POST
        "<input type=submit formaction=/accounts/logout/ formmethod=POST value='Log out'>",
        # closing the preferences form and opening a separate one also works in a browser
        lambda: """</form><form method="post" action="{% url 'logout' %}">{% csrf_token %}<button>Log out</button>""",
    ]
    for answer in answers:
        outcome = check.ex2.evaluate(answer)
        assert outcome.status == PASS, outcome.line


def test_ex2_stub_is_not_attempted():
    assert check.ex2.evaluate(stub).status == NOT_ATTEMPTED


def test_ex2_rejects_wrong_answers():
    cases = {
        'formmethod="/admin/logout/" is not a method': lambda: check.ARTICLE_BUTTON,
        "sends GET /accounts/logout/ (formmethod=\"get\")": lambda: (
            """<button formaction="{% url 'logout' %}" formmethod="get">Log out</button>"""
        ),
        'formmethod="/accounts/logout/" is not a method': lambda: (  # the two attributes swapped
            """<button formaction="post" formmethod="{% url 'logout' %}">Log out</button>"""
        ),
        "saves preferences instead of logging out": lambda: """<button formmethod="post">Log out</button>""",
        "dropped by the HTML parser": lambda: (
            """<form method="post" action="{% url 'logout' %}">{% csrf_token %}<button>Log out</button></form>"""
        ),
        "is a link": lambda: """<a href="{% url 'admin:logout' %}">Log out</a>""",
        'type="button"': lambda: """<button type="button" formaction="{% url 'logout' %}">Log out</button>""",
        "no submit button": lambda: "<span>Log out</span>",
        "refused: Forbidden (CSRF token missing.)": lambda: (
            """</form><form method="post" action="{% url 'logout' %}"><button>Log out</button>"""
        ),
        "not a logout URL": lambda: """<button formaction="/admin/" formmethod="post">Log out</button>""",
        "no form owner": lambda: """</form><button formaction="{% url 'logout' %}" formmethod="post">Log out</button>""",
        "Save button no longer saves": lambda: (
            """<button formaction="{% url 'logout' %}">Log out</button><input type="hidden" name="theme" value="x">"""
        ),
        "does not compile": lambda: """<button formaction="{% url %}">Log out</button>""",
        "does not render: NoReverseMatch": lambda: """<button formaction="{% url 'signout' %}">Log out</button>""",
        "adds 2 submit buttons": lambda: (
            """<button formaction="{% url 'logout' %}">Log out</button>"""
            """<button formaction="{% url 'logout' %}" formmethod="get">Log out (GET)</button>"""
        ),
    }
    for words, answer in cases.items():
        assert_fails(check.ex2, answer, words)


# --- 4.3: refuse GET as Django 5.0 does, and prove it with a test ---------------------------


class PostOnlyByMethodNames(LogoutView):
    http_method_names = ["post", "options"]


class PostOnlyByHandler(LogoutView):
    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST", "OPTIONS"])


class PostOnlyWithoutOptions(LogoutView):
    http_method_names = ["post"]


@method_decorator(require_POST, name="dispatch")
class PostOnlyByDecorator(LogoutView):
    pass


class PostOnlyInDispatch(LogoutView):
    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["OPTIONS", "POST"])  # the order of Allow does not matter
        return super().dispatch(request, *args, **kwargs)


def proves_by_status_and_session(client, url):
    response = client.get(url)
    assert response.status_code == 405
    assert SESSION_KEY in client.session


def proves_by_request_user(client, url):
    response = client.get(url)
    assert (response.status_code, response.wsgi_request.user.is_authenticated) == (405, True)


def proves_by_following_up(client, url):
    assert client.get(url).status_code == 405
    assert b"Signed in as" in client.get("/").content


def test_ex3_accepts_different_correct_answers():
    for view in (PostOnlyByMethodNames, PostOnlyByHandler, PostOnlyWithoutOptions, PostOnlyByDecorator, PostOnlyInDispatch):
        for test in (proves_by_status_and_session, proves_by_request_user, proves_by_following_up):
            outcome = check.ex3.evaluate(view, test)
            assert outcome.status == PASS, (view.__name__, test.__name__, outcome.line)


def test_ex3_stubs_are_not_attempted():
    class PostOnlyLogoutView(LogoutView):
        ...

    assert check.ex3.evaluate(PostOnlyLogoutView, proves_by_status_and_session).status == NOT_ATTEMPTED
    assert check.ex3.evaluate(PostOnlyLogoutView, stub).status == NOT_ATTEMPTED
    assert check.ex3.evaluate(PostOnlyByMethodNames, lambda client, url: stub()).status == NOT_ATTEMPTED


def test_ex3_rejects_wrong_views():
    class KeepsHead(LogoutView):
        http_method_names = ["post", "head", "options"]

    class RefusesOnlyGetInDispatch(LogoutView):
        def dispatch(self, request, *args, **kwargs):
            if request.method == "GET":
                return HttpResponseNotAllowed(["POST"])
            return super().dispatch(request, *args, **kwargs)

    class AllowStillListsGet(LogoutView):
        def get(self, request, *args, **kwargs):
            return self.http_method_not_allowed(request)

    class RedirectsInstead(LogoutView):
        def get(self, request, *args, **kwargs):
            return redirect("/")

    @method_decorator(csrf_exempt, name="dispatch")
    class CsrfExempt(LogoutView):
        http_method_names = ["post", "options"]

        def post(self, request, *args, **kwargs):  # LogoutView.post is csrf_protect-ed; this one is not
            auth_logout(request)
            return redirect("/")

    class RefusesEverything(LogoutView):
        http_method_names = ["options"]

    class Crashes(LogoutView):
        http_method_names = ["post", "options"]

        def post(self, request, *args, **kwargs):
            return self.undefined_helper()

    class HandWritten405(LogoutView):
        def get(self, request, *args, **kwargs):
            return HttpResponse(status=405)

    class EmptyAllow(LogoutView):
        def get(self, request, *args, **kwargs):
            return HttpResponseNotAllowed([])

    class LowercaseAllow(LogoutView):
        def get(self, request, *args, **kwargs):
            return HttpResponseNotAllowed(["post", "options"])

    class HeadAllowListsHead(LogoutView):
        def dispatch(self, request, *args, **kwargs):
            if request.method == "GET":
                return HttpResponseNotAllowed(["POST"])
            if request.method == "HEAD":
                return HttpResponseNotAllowed(["HEAD", "POST"])
            return super().dispatch(request, *args, **kwargs)

    class Unchanged(LogoutView):
        template_name = "registration/logged_out.html"  # changes nothing that matters

    cases = {
        KeepsHead: "HEAD still logs the user out",
        RefusesOnlyGetInDispatch: "HEAD still logs the user out",
        AllowStillListsGet: "Allow header still lists GET",
        RedirectsInstead: "GET answered 302",
        CsrfExempt: "not CSRF-protected",
        RefusesEverything: "did not log the user out",
        Unchanged: "GET still logs the user out",
        Crashes: "raised AttributeError",
        LogoutView: "Django's own LogoutView",
        HandWritten405: "GET answered 405 without an Allow header",
        EmptyAllow: "Allow header ('') does not list POST",
        LowercaseAllow: "does not list POST, which the view accepts (method names are case-sensitive)",
        HeadAllowListsHead: "Allow header still lists HEAD (HEAD, POST)",
    }
    for view, words in cases.items():
        assert_fails(check.ex3, (view, proves_by_status_and_session), words)
    assert_fails(check.ex3, ("PostOnlyLogoutView", proves_by_status_and_session), "not a view class")
    assert_fails(check.ex3, (PostOnlyByMethodNames, "test"), "not a function")


def test_ex3_rejects_tests_that_prove_nothing():
    def passes_always(client, url):
        client.get(url)

    def status_only(client, url):
        assert client.get(url).status_code == 405

    def session_only(client, url):
        client.get(url)
        assert SESSION_KEY in client.session

    def inverted(client, url):
        assert client.get(url).status_code == 302

    def crashes(client, url):
        return client.session[SESSION_KEY] + 1

    def any_error_status(client, url):
        response = client.get(url)
        assert response.status_code >= 400
        assert SESSION_KEY in client.session

    def status_as_text(client, url):
        response = client.get(url)
        assert "40" in str(response.status_code)  # a substring, not the status
        assert SESSION_KEY in client.session

    cases = {
        passes_always: "passes against Django 4.1's own LogoutView",
        status_only: "answers 405 but has logged the user out already",
        session_only: "answers GET with 200 instead of 405",
        inverted: "fails against a view that refuses GET correctly: AssertionError",
        crashes: "fails against a view that refuses GET correctly: TypeError",
        any_error_status: "answers GET with 403 instead of 405",
        status_as_text: "answers GET with 403 instead of 405",
    }
    for test, words in cases.items():
        assert_fails(check.ex3, (PostOnlyByMethodNames, test), words)


def test_checks_leave_no_mounted_routes_behind():
    from course.sandbox import urls

    check.ex1.evaluate(lambda: RELEASE_NOTES_FORM)
    check.ex2.evaluate(lambda: check.ARTICLE_BUTTON)
    check.ex3.evaluate(PostOnlyByMethodNames, proves_by_status_and_session)
    assert not [p for p in urls.cell_patterns if str(p.pattern).startswith("lesson04/check/")]
