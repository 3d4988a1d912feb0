"""Lesson 04's small browser: submit HTML forms the way a browser does.

The test client sends whatever request you write by hand. A browser decides the
request from the page: which form a button belongs to, which method and URL it
submits to, which fields go along. ``submission(button, page_url)`` applies the
rules of the HTML standard's form submission algorithm that matter for logout
forms (https://html.spec.whatwg.org/multipage/form-control-infrastructure.html):

* a submit button submits its *form owner*: the form named by its ``form``
  attribute, else its nearest ``<form>`` ancestor; without one, nothing happens;
* the method is the button's ``formmethod`` if it has that attribute, else the
  form's ``method``; ``get``, ``post`` and ``dialog`` (any letter case) are the
  only values, and a missing or invalid value means GET;
* the URL is the button's ``formaction`` if it has that attribute, else the
  form's ``action``, resolved against the page's URL (empty means the page);
* the fields are the form's named controls (the clicked button included),
  urlencoded: in the URL's query for GET, in the body for POST.

``Browser`` wraps a test ``Client`` (CSRF checks enforced by default), opens
pages, clicks buttons, and remembers the page it is on. ``server_log()``
collects what Django's request and CSRF loggers would print to stderr.
"""
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from course import html, logs

SITE = "http://testserver"
METHODS = {"get": "GET", "post": "POST", "dialog": "DIALOG"}
SUBMIT_INPUT_TYPES = {"submit", "image"}
NOT_SENT_INPUT_TYPES = {"submit", "image", "reset", "button", "file"}


@dataclass
class Submission:
    """What clicking a button sends: method, URL and field names (or why nothing is sent)."""

    method: str = None  # "GET" or "POST"; None when nothing is submitted
    url: str = None  # absolute URL, without the GET query
    fields: list = field(default_factory=list)  # [(name, value), ...] in tree order
    reason: str = ""  # why nothing is submitted, when method is None
    method_source: str = ""  # 'formmethod="..."', 'method="..."' or 'no method attribute'
    action_source: str = ""  # 'formaction="..."', 'action="..."' or 'no action attribute'

    @property
    def path(self):
        """The URL's path (what the test client requests), query string excluded."""
        return urlsplit(self.url).path if self.url else None

    @property
    def names(self):
        return [name for name, _ in self.fields]

    def __str__(self):
        if self.method is None:
            return f"nothing is submitted: {self.reason}"
        where = "in the URL" if self.method == "GET" else "in the body"
        names = ", ".join(self.names) or "none"
        return f"{self.method} {self.path} (fields {where}: {names})"


def submit_buttons(tree):
    """The submit buttons of a parsed page, in tree order."""
    return [tag for tag in tree.find_all(["button", "input"]) if is_submit_button(tag)]


def is_submit_button(tag):
    if tag.name == "button":
        # The type's missing and invalid value default is "submit".
        return tag.get("type", "submit").lower() not in {"button", "reset"}
    if tag.name == "input":
        return tag.get("type", "text").lower() in SUBMIT_INPUT_TYPES
    return False


def form_owner(control):
    """The form a control belongs to, or None."""
    if control.has_attr("form"):
        owner = _root(control).find(id=control["form"])
        return owner if owner is not None and owner.name == "form" else None
    return control.find_parent("form")


def submission(button, page_url=SITE + "/"):
    """What a browser sends when ``button`` is clicked on the page at ``page_url``."""
    if not is_submit_button(button):
        return Submission(reason=f"a <{button.name} type={button.get('type')!r}> is not a submit button")
    form = form_owner(button)
    if form is None:
        where = f'its form="{button["form"]}" names no form' if button.has_attr("form") else "no <form> around it"
        return Submission(reason=f"the button has no form owner ({where})")
    if button.has_attr("formmethod"):
        value, method_source = button["formmethod"], f'formmethod="{button["formmethod"]}"'
    elif form.has_attr("method"):
        value, method_source = form["method"], f'method="{form["method"]}"'
    else:
        value, method_source = None, "no method attribute"
    method = METHODS.get((value or "get").lower(), "GET")  # invalid -> GET
    if button.has_attr("formaction"):
        action, action_source = button["formaction"], f'formaction="{button["formaction"]}"'
    elif form.has_attr("action"):
        action, action_source = form["action"], f'action="{form["action"]}"'
    else:
        action, action_source = "", "no action attribute"
    if method == "DIALOG":
        return Submission(
            reason="method dialog closes a dialog instead of submitting",
            method_source=method_source,
            action_source=action_source,
        )
    url = urljoin(page_url, action) if action else page_url
    if method == "GET":  # the form's fields replace the action's query
        url = urlunsplit(urlsplit(url)._replace(query="", fragment=""))
    return Submission(method, url, _fields(form, button), "", method_source, action_source)


def _root(tag):
    for tag in [tag, *tag.parents]:
        pass
    return tag


def _fields(form, submitter):
    form_id = form.get("id")
    controls = [
        tag
        for tag in _root(form).find_all(["input", "button", "select", "textarea"])
        if (tag.get("form") == form_id if tag.has_attr("form") else tag.find_parent("form") is form)
    ]
    fields = []
    for tag in controls:
        name = tag.get("name")
        if not name or tag.has_attr("disabled"):
            continue
        if tag.name == "button" or (tag.name == "input" and tag.get("type", "").lower() in NOT_SENT_INPUT_TYPES):
            if tag is submitter and tag.get("type", "").lower() != "image":
                fields.append((name, tag.get("value", "")))
            continue
        if tag.name == "input" and tag.get("type", "").lower() in {"checkbox", "radio"}:
            if tag.has_attr("checked"):
                fields.append((name, tag.get("value", "on")))
            continue
        if tag.name == "select":
            for option in tag.find_all("option"):
                if option.has_attr("selected"):
                    fields.append((name, option.get("value", option.get_text())))
            continue
        if tag.name == "textarea":
            fields.append((name, tag.get_text()))
            continue
        fields.append((name, tag.get("value", "")))
    return fields


class Browser:
    """A test client that opens pages and clicks their buttons like a browser.

    >>> browser = Browser()                  # Client(enforce_csrf_checks=True)
    >>> page = browser.open("/")             # GET, parsed with course.html.parse
    >>> browser.plan(page.find("button"))    # what clicking it would send
    >>> browser.click(page.find("button"))   # send it; returns the response
    """

    def __init__(self, client=None):
        if client is None:
            from django.test import Client

            client = Client(enforce_csrf_checks=True)
        self.client = client
        self.url = None
        self.page = None
        self.last = None  # the last Submission

    def open(self, url):
        """GET ``url`` (relative to the site, or absolute) and return the parsed page."""
        self.url = urljoin(SITE + "/", url)
        response = self.client.get(_request_target(self.url))
        self.page = html.parse(response)
        self.page.response = response
        return self.page

    def load(self, markup, url):
        """Show a page given as markup, as if it had been fetched from ``url`` (another site, say)."""
        self.url = url
        self.page = html.parse(markup)
        return self.page

    def plan(self, button):
        """The Submission clicking ``button`` on the current page would send."""
        return submission(button, self.url or SITE + "/")

    def click(self, button):
        """Click ``button``: send its submission; None when nothing is submitted."""
        self.last = self.plan(button)
        return self.send(self.last)

    def send(self, plan):
        if plan.method is None:
            return None
        if plan.method == "GET":
            query = urlencode(plan.fields)
            return self.client.get(_request_target(plan.url) + (f"?{query}" if query else ""))
        return self.client.post(
            _request_target(plan.url),
            urlencode(plan.fields),
            content_type="application/x-www-form-urlencoded",
        )


def _request_target(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def server_log(*names):
    """Collect the messages Django logs inside the block, instead of printing them to stderr.

    By default the ``django.request`` logger ("Method Not Allowed (GET): /x") and
    the ``django.security.csrf`` logger ("Forbidden (CSRF token missing.): /x").
    """
    return logs.captured(*(names or ("django.request", "django.security.csrf")))


@dataclass(frozen=True)
class Exchange:
    """One request a test client sent: what went out, what came back, who was signed in after it."""

    method: str
    path: str
    status: int
    signed_in: bool  # the client's session still holds a logged-in user after the response

    def __str__(self):
        return f"{self.method} {self.path} -> {self.status}, signed in after: {self.signed_in}"


class recording:
    """``with recording(client) as exchanges:`` records every request ``client`` sends (a list of Exchange)."""

    def __init__(self, client):
        self.client = client
        self.exchanges = []

    def __enter__(self):
        client, original = self.client, self.client.request

        def request(**environ):
            response = original(**environ)
            user = "_auth_user_id" in client.session
            self.exchanges.append(Exchange(environ["REQUEST_METHOD"], environ["PATH_INFO"], response.status_code, user))
            return response

        client.request = request
        return self.exchanges

    def __exit__(self, *exc):
        del self.client.request  # the instance attribute; the class's method shows through again
        return False


def attack_sequence(exchanges, *, trigger, trigger_source="the cat page (another site)"):
    """A Mermaid sequence diagram of ``exchanges``; the one whose path is ``trigger`` is drawn as caused by the page."""
    lines = [
        "```mermaid",
        "sequenceDiagram",
        "    participant P as " + trigger_source,
        "    participant B as Ada's browser (a test Client)",
        "    participant L as the library (testserver)",
    ]
    for exchange in exchanges:
        if exchange.path == trigger:
            lines.append(f"    P-->>B: an img whose src is {exchange.path}")
        lines.append(f"    B->>L: {exchange.method} {exchange.path} (with Ada's session cookie)")
        after = "still signed in" if exchange.signed_in else "session gone: signed out"
        lines.append(f"    L-->>B: {exchange.status}, {after}")
    lines.append("```")
    from IPython.display import Markdown

    return Markdown("\n".join(lines))
