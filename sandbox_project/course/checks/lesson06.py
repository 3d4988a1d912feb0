"""Checks for the exercises of 06_div_forms_json_script.

Every check renders the learner's form, template or view for real and reads the
result with html5lib (``course.html.parse``), as a browser would: structure,
labels tied to inputs, fieldsets around groups, ids, and data that must parse
back to the original value. Nothing is compared as a string.
"""
import json

from bs4 import Comment

from django import forms
from django.http import HttpResponse
from django.template import Context, Template
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.http import StreamingHttpResponse
from django.test import RequestFactory

from course import data
from course.checks.framework import Fail, NotAttempted, call, exercise, expect, question
from course.deprecations import recorded
from course.html import parse
from course.lessons.lesson06 import (
    EventForm,
    StringTemplates,
    audit,
    body,
    duplicate_ids,
    group_legend,
    label_text,
    labels_of,
    visible_controls,
)
from library.models import Author, Book

PAGE = Template('<form method="post">{{ form }}</form>')


def words(text):
    return " ".join(str(text).split())


def text_of(tag):
    return words(tag.get_text(" "))


def shows(root, text, skip=("label", "legend")):
    """True if an element (or a piece of text) under ``root`` reads exactly ``text``, outside labels and legends."""
    want = words(text)
    if not want:
        return False

    def outside(tag):
        return tag.name not in skip and not any(parent.name in skip for parent in tag.parents)

    if any(text_of(tag) == want and outside(tag) for tag in [root, *root.find_all(True)]):
        return True
    return any(words(piece) == want and outside(piece.parent) for piece in root.find_all(string=True))


def label_names(label, field_label):
    """True if the text of ``label`` is the field's label (with or without the ':' Django adds)."""
    return label_text(label).rstrip(": ").strip() == words(field_label).rstrip(": ").strip()


def named(root, name):
    return [tag for tag in root.find_all(["input", "select", "textarea"]) if tag.get("name") == name]


def field_box(root, name):
    """The largest element holding the controls named ``name`` and no visible control of another field."""
    mine = named(root, name)
    if not mine:
        return None
    box = mine[0]
    while not all(box is tag or tag in box.descendants for tag in mine):
        box = box.parent
    while box.parent is not None and box.parent.name not in {"body", "html", "[document]", "form"}:
        others = {tag.get("name") for tag in visible_controls(box.parent)} - {name}
        if others:
            break
        box = box.parent
    return box


def first_problem(markup, where, only=None):
    problems = [problem for problem in audit(markup) if only is None or problem.startswith(only)]
    if not problems:
        return
    problem = problems[0]
    kind = problem.split(":", 1)[0]
    hints = {
        "layout table": "render the fields in <div> elements, not table rows.",
        "duplicate id": "every id on a page must be unique; let Django generate them (auto_id), don't hard-code one.",
        "label pointing nowhere": "a label's `for` must be the id of its input (`field.label_tag` gets it right).",
        "label for a hidden input": "hidden fields get no label: loop over the visible fields, and output "
        "`hidden_fields` on their own.",
        "orphan label": "tie each label to its input (`for`), or, for a group of radio buttons, use a <fieldset> "
        "and a <legend>.",
        "unlabelled control": "every visible input needs a <label> (`field.label_tag`).",
        "group without fieldset": "radio buttons belong in a <fieldset> whose first child is a <legend> "
        "(`field.legend_tag`).",
    }
    raise Fail(f"{where}: {problem}.", hints.get(kind, "compare with the output of `as_div()`."))


# --- Exercise 6.1 -----------------------------------------------------------------------------

SIGNUP_FIELDS = ("username", "email", "plan")
SIGNUP_BAD_DATA = {"username": "", "email": "not-an-email", "plan": "gold"}
SIGNUP_GOOD_DATA = {"username": "ada_l", "email": "ada@example.com", "plan": "pro"}


DJANGO_DEFAULT_RENDERER = DjangoTemplates()


def _render_page(form):
    """``{{ form }}`` inside a page, and the deprecation warnings rendering it raised.

    A form whose class names no renderer of its own is rendered with Django's default renderer, whatever
    the notebook did to ``FORM_RENDERER``: the form class has to choose the div layout itself.
    """
    if getattr(type(form), "default_renderer", None) is None:
        form.renderer = DJANGO_DEFAULT_RENDERER
    with recorded() as lines:
        markup = call(PAGE.render, Context({"form": form}))
    return markup, lines


def _project_renders_divs():
    renderer = get_default_renderer()
    return getattr(renderer, "form_template_name", "") == "django/forms/div.html"


def _check_signup_markup(markup, lines, where):
    deprecated = [line for line in lines if "default.html" in line]
    expect(
        not (deprecated and _project_renders_divs()),
        f"{where}: SignUpForm renders divs only because the project's form renderer was changed "
        "(FORM_RENDERER, or the cached default renderer): with Django's default renderer it renders table rows.",
        "leave FORM_RENDERER alone and choose the div template in the form class itself.",
    )
    expect(
        not deprecated,
        f"{where}: `{{{{ form }}}}` still renders through the deprecated \"default.html\" template (table rows).",
        "choose the div template for this form class (an attribute of the class).",
    )
    first_problem(markup, where, only="layout table")
    root = body(markup)
    for name in SIGNUP_FIELDS:
        box = field_box(root, name)
        expect(box is not None, f"{where}: no input named {name!r} was rendered.", "check the field's name.")
        expect(
            box.name == "div",
            f"{where}: the field {name!r} sits in a <{box.name}>, not in a <div> of its own.",
            "use the div template (`django/forms/div.html`), not the <p> or <ul> one.",
        )
    first_problem(markup, where)
    for name in SIGNUP_FIELDS:
        box = field_box(root, name)
        for control in visible_controls(box):
            label_inside = any(label in box.descendants for label in labels_of(root, control))
            legend = group_legend(control)
            expect(
                label_inside or (legend is not None and legend in box.descendants),
                f"{where}: the label of {name!r} is not inside the field's <div>.",
                "keep each label with its input.",
            )
    return root


@exercise("6.1", "SignUpForm")
def ex1(SignUpForm):
    """``SignUpForm`` renders as divs with ``{{ form }}``: labels, help text, errors, a radio group in a fieldset."""
    expect(
        isinstance(SignUpForm, type) and issubclass(SignUpForm, forms.BaseForm),
        f"SignUpForm is {type(SignUpForm).__name__}, not a form class.",
        "define it with `class SignUpForm(forms.Form):`.",
    )
    if not SignUpForm.base_fields:
        raise NotAttempted("declare the form's fields and its template in place of `# YOUR CODE HERE` and `...`")
    missing = [name for name in SIGNUP_FIELDS if name not in SignUpForm.base_fields]
    if missing:
        raise Fail(f"SignUpForm has no field {missing[0]!r}.", f"declare the fields {', '.join(SIGNUP_FIELDS)}.")
    help_text = words(body(str(SignUpForm.base_fields["username"].help_text)).get_text(" "))
    expect(help_text, "the username field has no help text.", "give the field a `help_text=` argument.")

    form = call(SignUpForm)
    markup, lines = _render_page(form)
    root = _check_signup_markup(markup, lines, "the empty form")
    radios = named(root, "plan")
    expect(
        all(tag.name == "input" and tag.get("type") == "radio" for tag in radios),
        "plan is not rendered as radio buttons.",
        "give the ChoiceField the `forms.RadioSelect` widget.",
    )
    values = [tag.get("value") for tag in radios]
    expect(
        sorted(values) == ["free", "pro"],
        f"plan offers the values {sorted(values)}, expected ['free', 'pro'].",
        "use the choices `[('free', 'Free'), ('pro', 'Pro')]`.",
    )
    expect(
        values == ["free", "pro"],
        f"plan offers its choices in the order {values}, expected ['free', 'pro'].",
        "list the choices in the order asked: `[('free', 'Free'), ('pro', 'Pro')]`.",
    )
    shown = [" / ".join(label_text(label) for label in labels_of(root, tag)) for tag in radios]
    expect(
        shown == ["Free", "Pro"],
        f"the radio buttons of plan are labelled {shown}, expected ['Free', 'Pro'].",
        "the second item of each choice is its label: `('free', 'Free')`.",
    )
    expect(
        shows(field_box(root, "username"), help_text),
        "the help text of username is not shown in the username's <div> (its own text, not part of the label).",
        "the div template shows `help_text` next to the field: check the form's template.",
    )

    bound = call(SignUpForm, SIGNUP_BAD_DATA)
    valid = call(bound.is_valid)
    expect(
        not valid and "email" in bound.errors,
        "the form accepted the e-mail address 'not-an-email'.",
        "use `forms.EmailField` for email.",
    )
    markup, lines = _render_page(bound)
    root = _check_signup_markup(markup, lines, "the form with errors")
    for name in SIGNUP_FIELDS:
        for message in bound.errors.get(name, []):
            expect(
                shows(field_box(root, name), message),
                f"the error {message!r} of {name!r} is not shown in that field's <div>.",
                "errors belong next to their field, as the div template puts them.",
            )
    good = call(SignUpForm, SIGNUP_GOOD_DATA)
    call(good.is_valid)
    refused = {name: list(good.errors[name]) for name in SIGNUP_FIELDS if name in good.errors}
    expect(
        not refused,
        f"the form refused the valid data {SIGNUP_GOOD_DATA}: {refused}.",
        "refuse invalid e-mail addresses only; accept a plain username, a valid address and either plan.",
    )
    return "{{ form }} renders divs, with labels, help text, errors and a fieldset around the radio buttons."


# --- Exercise 6.2 -----------------------------------------------------------------------------

INJECTED_SCRIPT = "alert(document.cookie)"
EVIL_TITLE = f"</script><script>{INJECTED_SCRIPT}</script> & <b>Co</b>"
# In a <script>, "<!--<script>" makes the HTML parser ignore the next "</script>": escaping only "</" is not enough.
COMMENT_TITLE = "<!--<script> Éloge de l'ombre"
EVIL_QUERY = "</script><img src=x onerror=alert(1)> & « more »"
JSON_TYPE = "application/json"


def _is_json_script(tag):
    return (tag.get("type") or "").strip().lower() == JSON_TYPE


def _broke_out(root):
    """Evidence that injected markup became elements of the page (worst first)."""
    tags = root.find_all(True)
    for tag in tags:
        if tag.name == "script" and "</script" in (tag.string or "").lower():
            return "a <script> element that swallowed the markup after it (a '<!--<script>' in the data)"
    for tag in tags:
        if tag.name == "script" and (tag.string or "").strip() == INJECTED_SCRIPT:
            return "a <script> element that calls alert()"
    for tag in tags:
        handlers = [name for name in tag.attrs if name.lower().startswith("on")]
        if handlers:
            return f"an <{tag.name}> element with an {handlers[0]} handler"
    for tag in tags:
        if tag.name == "b" and tag.get_text() == "Co":
            return "a <b> element from a book title"
    for comment in root.find_all(string=lambda text: isinstance(text, Comment)):
        if "<script>" in comment:
            return "an HTML comment opened by a book title ('<!--'), which hides the rest of the page"
    return None


def _json_of(script, where):
    text = script.string or ""
    try:
        return json.loads(text)
    except ValueError:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise Fail(
            f"the data {where} is not valid JSON: {shown!r}.",
            "inside <script> the browser decodes no HTML entities: the text must be plain JSON, "
            "with <, > and & escaped as JSON (`json_script` does this).",
        ) from None


def _response_text(response):
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        call(response.render)
    expect(
        isinstance(response, (HttpResponse, StreamingHttpResponse)),
        f"book_cards returned {type(response).__name__}, not an HttpResponse.",
        "return `HttpResponse(html)` (or a rendered template response).",
    )
    expect(response.status_code == 200, f"the page answered {response.status_code}.", "answer 200 with the page.")
    media_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    expect(
        media_type == "text/html",
        f"the page is sent as {media_type or 'no type'!r}, so a browser would not read it as HTML.",
        "send it with the Content-Type text/html (HttpResponse's default; don't pass another content_type).",
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    try:
        return content.decode(response.charset or "utf-8")
    except UnicodeDecodeError:
        raise Fail(
            f"the page's bytes are not valid {response.charset}, the charset its Content-Type announces.",
            "give HttpResponse the text (a str) and let it encode it.",
        ) from None


def _same_json(got, want):
    """Equal as JSON documents: 1979 and 1979.0, or True and 1, are different values."""
    return json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)


@exercise("6.2", "book_cards")
def ex2(book_cards):
    """``book_cards(request)``: one article per book with its data for JavaScript, and the search term."""
    expect(callable(book_cards), f"book_cards is {type(book_cards).__name__}, not a view.", "define a function.")
    with data.seeded():
        author = Author.objects.get(name="Octavia E. Butler")
        Book.objects.create(title=EVIL_TITLE, author=author, isbn="9999999999999", published=2022)
        Book.objects.create(title=COMMENT_TITLE, author=author, isbn="9999999999998", published=1987)
        for query in (EVIL_QUERY, None):
            params = {"q": query} if query is not None else {}
            request = RequestFactory().get("/cards/", params)
            markup = _response_text(call(book_cards, request))
            root = parse(markup)
            escaped = _broke_out(root)
            expect(
                escaped is None,
                f"the data broke out of its element: the page now contains {escaped}.",
                "a '</script>' or '<!--' inside the data changes where a <script> element ends: escape <, > "
                "and & (`json_script` does), and let the template escape text in HTML (no `|safe`).",
            )
            for value, count in duplicate_ids(root).items():
                raise Fail(
                    f"the id {value!r} is used {count} times on the page.",
                    "an id must be unique on the page: the scripts inside the articles need no id at all.",
                )
            search = root.find_all(id="search-data")
            expect(search, "there is no element with id=\"search-data\".", "give the search script that id.")
            expect(
                search[0].name == "script" and _is_json_script(search[0]),
                f"id=\"search-data\" is on a <{search[0].name}>, not on a <script type=\"application/json\">.",
                "`json_script` with an argument makes exactly that element.",
            )
            want = {"q": query if query is not None else ""}
            got = _json_of(search[0], 'in id="search-data"')
            expect(
                _same_json(got, want),
                f"the search data parses to {got!r}, expected {want!r}.",
                "pass `{'q': ...}` with the query string's value, unchanged.",
            )

            books = list(Book.objects.all())
            articles = root.find_all("article", class_="book")
            expect(
                len(articles) == len(books),
                f"the page has {len(articles)} <article class=\"book\"> elements for {len(books)} books.",
                "one article per book in `Book.objects.all()` (so books added later appear too).",
            )
            for article, book in zip(articles, books):
                heading = article.find("h2")
                expect(
                    heading is not None and text_of(heading) == words(book.title),
                    f"an article's <h2> reads {text_of(heading) if heading else None!r}, expected {book.title!r}.",
                    "one <h2> with the title in each article, in the default order of the books.",
                )
                scripts = [tag for tag in article.find_all("script") if _is_json_script(tag)]
                expect(
                    len(scripts) == 1,
                    f"the article of {book.title!r} holds {len(scripts)} <script type=\"application/json\">.",
                    "put the book's data inside its article, once.",
                )
                got = _json_of(scripts[0], f"of {book.title!r}")
                want = {"title": book.title, "isbn": book.isbn, "published": book.published}
                expect(
                    _same_json(got, want),
                    f"the data of {book.title!r} parses to {got!r}, expected {want!r}.",
                    "pass a dict with title, isbn and published (a number).",
                )
    return "the data of every book and the search term parse back unchanged, and nothing broke out."


# --- Exercise 6.3 -----------------------------------------------------------------------------

EVENT_TEMPLATE = "lesson06/event_form.html"
EVENT_BAD_FIELDS = {"topic": "", "seats": "1", "place": "vinyl", "club": "readers"}
EVENT_BAD_TOGETHER = {"topic": "Kindred", "seats": "60", "place": "online"}  # club missing
NON_FIELD = "Online meetings take at most 50 people."
HIDDEN_ERROR = "(Hidden field club) This field is required."


def _render_event(source, data=None, prefix=None):
    renderer = StringTemplates({EVENT_TEMPLATE: source}, form_template_name=EVENT_TEMPLATE)
    form = EventForm(data, prefix=prefix, renderer=renderer)
    if data is not None:
        form.is_valid()
    markup = call(PAGE.render, Context({"form": form}))
    return form, markup


def _field_div(root, control):
    return control.find_parent("div", class_="field")


def _check_event_markup(form, markup, where):
    expect(
        markup.strip() not in {"<form method=\"post\"></form>"},
        f"{where}: the template rendered nothing.",
        "loop over `fields` (pairs of field and errors) and render each one.",
    )
    first_problem(markup, where)
    root = body(markup)
    visible = [bf for bf in form if not bf.is_hidden]
    for bf in visible:
        mine = named(root, bf.html_name)
        expect(
            mine,
            f"{where}: there is no input named {bf.html_name!r}.",
            "render each field with `{{ field }}` instead of writing <input> tags by hand (names and ids "
            "change with the form's prefix); `fields` holds pairs: `{% for field, errors in fields %}`.",
        )
        div = _field_div(root, mine[0])
        expect(
            div is not None,
            f"{where}: the input of {bf.name!r} is not inside a <div class=\"field\">.",
            "wrap each visible field in `<div class=\"field\">...</div>`.",
        )
        others = {tag.get("name") for tag in visible_controls(div)} - {bf.html_name}
        expect(
            not others,
            f"{where}: one <div class=\"field\"> holds the fields {sorted(others | {bf.html_name})}.",
            "one <div class=\"field\"> per field: open and close it inside the loop.",
        )
        if bf.field.widget.use_fieldset:
            legend = group_legend(mine[0])
            expect(
                legend is not None and legend in div.descendants and label_names(legend, bf.label),
                f"{where}: the radio buttons of {bf.name!r} are not in a <fieldset> inside the field's div "
                "that starts with a <legend> naming the field.",
                "for widgets with `use_fieldset`, write <fieldset>, then `{{ field.legend_tag }}`, then the widget.",
            )
        else:
            tied = labels_of(root, mine[0])
            expect(
                any(label in div.descendants for label in tied),
                f"{where}: the label of {bf.name!r} is not inside its <div class=\"field\">.",
                "put `{{ field.label_tag }}` inside the field's div.",
            )
            expect(
                any(label_names(label, bf.label) for label in tied),
                f"{where}: the input of {bf.name!r} is tied to the label "
                f"{' / '.join(label_text(label) for label in tied)!r}, which does not name the field "
                f"({bf.label!r}).",
                "use `{{ field.label_tag }}`: it writes the field's own label, tied to its input.",
            )
        if bf.help_text:
            expect(
                shows(div, bf.help_text),
                f"{where}: the help text of {bf.name!r} is missing from its div.",
                "show `field.help_text` inside the field's div.",
            )
        for message in bf.errors:
            expect(
                shows(div, message),
                f"{where}: the error {message!r} of {bf.name!r} is not shown in its div.",
                "the loop gives you each field's errors next to the field: output them inside its div.",
            )
    order = [bf.html_name for bf in visible]
    shown = []
    for div in root.find_all("div", class_="field"):
        names = [tag.get("name") for tag in visible_controls(div)]
        if names and names[0] not in shown:
            shown.append(names[0])
    expect(
        shown == order,
        f"{where}: the fields come in the order {shown}, expected the form's order {order}.",
        "loop over `fields`, which keeps the order in which the form declares them.",
    )
    return root


@exercise("6.3", "event_template")
def ex3(event_template):
    """``event_template()`` returns a form template that renders ``EventForm`` as accessible divs."""
    source = call(event_template)
    expect(
        isinstance(source, str) and source.strip(),
        f"event_template() returned {source!r}, not the text of a template.",
        "return the template's source as a string.",
    )
    form, markup = _render_event(source)
    root = _check_event_markup(form, markup, "the empty form")
    hidden = [tag for tag in named(root, "club") if tag.get("type") == "hidden"]
    expect(
        hidden and hidden[0].get("value") == "readers",
        "the hidden field 'club' is not rendered.",
        "hidden fields are in `hidden_fields`: output each of them once, without a label.",
    )

    form, markup = _render_event(source, {f"meeting-{k}": v for k, v in EVENT_BAD_FIELDS.items()}, "meeting")
    _check_event_markup(form, markup, "the form with prefix 'meeting' and field errors")

    form, markup = _render_event(source, EVENT_BAD_TOGETHER)
    root = _check_event_markup(form, markup, "the form with a non-field error")
    text = text_of(root)
    # The visible fields are valid here, so "This field is required." can only be the hidden field's error
    # (Django's `errors` prefixes it with "(Hidden field club)"; a template may show it another way).
    top_errors = ((NON_FIELD, "the error of the whole form"), (HIDDEN_ERROR, "the error of the hidden field club"))
    for message, what in top_errors:
        expect(
            words(message.replace("(Hidden field club) ", "")) in text,
            f"{what} ({message!r}) is not shown.",
            "`errors` in the template's context holds the form's own errors and the hidden fields' errors.",
        )
    first_div = root.find("div", class_="field")
    before = words(" ".join(reversed(first_div.find_all_previous(string=True)))) if first_div else text
    expect(
        words(NON_FIELD) in before,
        "the error of the whole form comes after the fields.",
        "output `errors` before the loop over the fields.",
    )
    return "every field has its own div, labels and legends are tied to their inputs, errors and help text are shown."


# ---------------------------------------------------------------- self-check questions

q1 = question(
    "6.Q1",
    answer="b",
    choices="abcd",
    explanation="in 4.1 the default renderer answers django/forms/default.html, a proxy of the table template, and "
    "rendering it raises RemovedInDjango50Warning (a PendingDeprecationWarning, hidden unless you run with -Wa); "
    "divs become the default only in 5.0.",
)
q2 = question(
    "6.Q2",
    answer={"a", "c"},
    choices="abcd",
    explanation="the div template groups the radio buttons in a <fieldset> named by legend_tag() and uses no layout "
    "table; the group's label_tag() keeps no `for` in every style, and the hidden input is still rendered, in the "
    "last field's <div>.",
)
q3 = question(
    "6.Q3",
    answer={"a", "c"},
    choices="abcd",
    explanation="json_script (function or filter, id or not) escapes <, > and & as JSON escapes, which a JSON parser "
    "turns back, inside the <script> element it writes; json.dumps pasted into a script lets </script> end the "
    "element, and the function's docstring says its output is not safe inside a tag attribute.",
)

# What a notebook uses, and all that `check.<Tab>` offers.
__all__ = ["ex1", "ex2", "ex3", "q1", "q2", "q3"]


def __dir__():
    return __all__
