"""The checks of 06_div_forms_json_script accept right answers and reject wrong ones."""
import json

import pytest
from django import forms
from django.forms.renderers import DjangoDivFormRenderer, get_default_renderer
from django.http import HttpResponse
from django.template import Context, Template, engines
from django.test import override_settings
from django.utils.html import format_html, format_html_join, json_script
from django.utils.safestring import mark_safe

from course.checks.framework import FAIL, NOT_ATTEMPTED, PASS
from course.checks import lesson06 as check
from course.lessons.lesson06 import StringTemplates
from library.models import Book
from tests.helpers import assert_fails

PLANS = [("free", "Free"), ("pro", "Pro")]



# --- 6.1 ---------------------------------------------------------------------------------------


class Base(forms.Form):
    username = forms.CharField(max_length=30, help_text="Letters, digits and @ . + - _ only.")
    email = forms.EmailField()
    plan = forms.ChoiceField(choices=PLANS, widget=forms.RadioSelect)


def signup(**attributes):
    return type("SignUpForm", (Base,), attributes)


def test_ex1_stub_is_not_attempted():
    class SignUpForm(forms.Form):
        # YOUR CODE HERE
        ...

    assert check.ex1.evaluate(SignUpForm).status == NOT_ATTEMPTED


def test_ex1_accepts_different_correct_answers():
    class WithExtraField(forms.Form):
        template_name = "django/forms/div.html"
        username = forms.CharField(help_text="<em>Pick</em> a name you like.")
        password = forms.CharField(widget=forms.PasswordInput)
        email = forms.EmailField(label="E-mail address")
        plan = forms.TypedChoiceField(choices=PLANS, widget=forms.RadioSelect, coerce=str)

    class StrOverride(Base):
        def __str__(self):
            return self.as_div()

    answers = [
        signup(template_name="django/forms/div.html"),
        signup(template_name=forms.Form.template_name_div),
        signup(default_renderer=DjangoDivFormRenderer),
        signup(default_renderer=DjangoDivFormRenderer()),
        WithExtraField,
        StrOverride,  # Django templates call str() on the form before escaping it
    ]
    for answer in answers:
        outcome = check.ex1.evaluate(answer)
        assert outcome.status == PASS, (answer.__dict__, outcome)


def test_ex1_leaves_the_default_renderer_alone():
    before = get_default_renderer()
    check.ex1.evaluate(signup(template_name="django/forms/div.html"))
    assert get_default_renderer() is before


def test_ex1_rejects_wrong_answers():
    class NoHelp(forms.Form):
        template_name = "django/forms/div.html"
        username = forms.CharField()
        email = forms.EmailField()
        plan = forms.ChoiceField(choices=PLANS, widget=forms.RadioSelect)

    class CharEmail(NoHelp):
        username = forms.CharField(help_text="Letters only.")
        email = forms.CharField()

    class SelectPlan(CharEmail):
        email = forms.EmailField()
        plan = forms.ChoiceField(choices=PLANS)

    class WrongChoices(CharEmail):
        email = forms.EmailField()
        plan = forms.ChoiceField(choices=[("basic", "Basic"), ("pro", "Pro")], widget=forms.RadioSelect)

    class NoPlan(forms.Form):
        template_name = "django/forms/div.html"
        username = forms.CharField(help_text="Letters only.")
        email = forms.EmailField()

    class AllErrorsOnTop(Base):
        template_name = "lesson06/errors_on_top.html"
        default_renderer = StringTemplates(
            {
                "lesson06/errors_on_top.html": (
                    "{{ form.errors }}{% for field, errors in fields %}<div>{% if field.use_fieldset %}"
                    "<fieldset>{{ field.legend_tag }}{{ field }}</fieldset>{% else %}{{ field.label_tag }}"
                    "{{ field }}{% endif %}{% if field.help_text %}<div>{{ field.help_text }}</div>{% endif %}"
                    "</div>{% endfor %}"
                )
            }
        )

    cases = [
        (signup(), '"default.html"'),
        (signup(template_name="django/forms/table.html"), "layout table"),
        (signup(template_name="django/forms/p.html"), "sits in a <p>"),
        (signup(template_name="django/forms/ul.html"), "sits in a <li>"),
        (
            signup(template_name="django/forms/div.html", username=forms.CharField(label="", help_text="Letters.")),
            "unlabelled control",
        ),
        (
            signup(
                template_name="django/forms/div.html",
                username=forms.CharField(help_text="x", widget=forms.TextInput(attrs={"id": "signup"})),
                email=forms.EmailField(widget=forms.EmailInput(attrs={"id": "signup"})),
            ),
            "duplicate id",
        ),
        (
            signup(
                template_name="django/forms/div.html",
                plan=forms.ChoiceField(choices=PLANS, widget=forms.RadioSelect, label=""),
            ),
            "group without fieldset",
        ),
        (NoHelp, "no help text"),
        (CharEmail, "accepted the e-mail address"),
        (SelectPlan, "not rendered as radio buttons"),
        (WrongChoices, "expected ['free', 'pro']"),
        (NoPlan, "no field 'plan'"),
        (AllErrorsOnTop, "is not shown in that field's <div>"),
        (Base(), "not a form class"),
    ]
    for answer, words in cases:
        assert_fails(check.ex1, answer, words)


def test_ex1_rejects_a_project_wide_renderer_change():
    try:
        with override_settings(FORM_RENDERER="django.forms.renderers.DjangoDivFormRenderer"):
            get_default_renderer.cache_clear()
            assert_fails(check.ex1, signup(), "the project's form renderer was changed")
    finally:
        get_default_renderer.cache_clear()


def test_ex1_rejects_near_misses():
    class HelpTextInTheLabelOnly(Base):
        template_name = "lesson06/no_help.html"
        default_renderer = StringTemplates(
            {
                "lesson06/no_help.html": (
                    "{{ errors }}{% for field, errors in fields %}<div>{% if field.use_fieldset %}<fieldset>"
                    "{{ field.legend_tag }}{{ errors }}{{ field }}</fieldset>{% else %}{{ field.label_tag }}"
                    "{{ errors }}{{ field }}{% endif %}</div>{% endfor %}"
                )
            }
        )
        username = forms.CharField(label="Username", help_text="Username")

    cases = [
        (
            signup(template_name="django/forms/div.html",
                   plan=forms.ChoiceField(choices=PLANS[::-1], widget=forms.RadioSelect)),
            "in the order ['pro', 'free']",
        ),
        (
            signup(template_name="django/forms/div.html",
                   plan=forms.ChoiceField(choices=[("free", "free"), ("pro", "pro")], widget=forms.RadioSelect)),
            "labelled ['free', 'pro']",
        ),
        (
            signup(template_name="django/forms/div.html", username=forms.CharField(max_length=3, help_text="Short.")),
            "refused the valid data",
        ),
        (HelpTextInTheLabelOnly, "help text of username is not shown"),
    ]
    for answer, words in cases:
        assert_fails(check.ex1, answer, words)


def test_ex1_auto_id_off_leaves_labels_untied():
    class NoIds(Base):
        template_name = "django/forms/div.html"

        def __init__(self, *args, **kwargs):
            kwargs["auto_id"] = False
            super().__init__(*args, **kwargs)

    assert_fails(check.ex1, NoIds, "unlabelled control")


# --- 6.2 ---------------------------------------------------------------------------------------

CARDS = Template(
    """<!doctype html>
<html lang="en"><head><title>Books</title>{{ search|json_script:"search-data" }}</head>
<body>
{% for book in books %}
  <article class="book"><h2>{{ book.title }}</h2>{{ book|json_script }}</article>
{% endfor %}
<script>
  for (const article of document.querySelectorAll("article.book")) {
    const book = JSON.parse(article.querySelector('script[type="application/json"]').textContent);
  }
</script>
</body></html>"""
)


def book_dicts():
    return list(Book.objects.values("title", "isbn", "published"))


def cards(request):
    context = {"books": book_dicts(), "search": {"q": request.GET.get("q", "")}}
    return HttpResponse(CARDS.render(Context(context)))


def cards_in_python(request):
    articles = format_html_join(
        "\n",
        '<article class="book"><h2>{}</h2>{}</article>',
        ((book["title"], json_script(book)) for book in book_dicts()),
    )
    page = format_html(
        "<!doctype html><title>Books</title><main>{}</main>{}",
        articles,
        json_script({"q": request.GET.get("q", "")}, "search-data"),
    )
    return HttpResponse(page)


def cards_with_unique_ids(request):
    engine = engines["django"]
    page = engine.from_string(
        "{% for book in books %}<article class=\"book\" id=\"book-{{ forloop.counter }}\"><h2>{{ book.title }}</h2>"
        "{{ book|json_script:book.isbn }}</article>{% endfor %}{{ search|json_script:'search-data' }}"
    )
    context = {"books": book_dicts(), "search": {"q": request.GET.get("q", "")}}
    return HttpResponse(page.render(context, request))


def cards_from(text, books=None, search=None):
    page = Template(text)

    def view(request):
        context = {
            "books": books() if books else book_dicts(),
            "search": search(request) if search else {"q": request.GET.get("q", "")},
        }
        return HttpResponse(page.render(Context(context)))

    return view


def test_ex2_stub_is_not_attempted():
    def book_cards(request):
        # YOUR CODE HERE
        raise NotImplementedError()

    assert check.ex2.evaluate(book_cards).status == NOT_ATTEMPTED


def cards_streamed(request):
    from django.http import StreamingHttpResponse

    return StreamingHttpResponse(iter([cards(request).content]))


def test_ex2_accepts_different_correct_answers():
    for answer in (cards, cards_in_python, cards_with_unique_ids, cards_streamed):
        outcome = check.ex2.evaluate(answer)
        assert outcome.status == PASS, (answer.__name__, outcome)


def test_ex2_restores_the_library():
    check.ex2.evaluate(cards)
    assert Book.objects.count() == 6


def json_texts():
    return [dict(book, text=json.dumps(book)) for book in book_dicts()]


def test_ex2_rejects_wrong_answers():
    search_tag = '{{ search|json_script:"search-data" }}'
    article = '<article class="book"><h2>{{ book.title }}</h2>{{ book|json_script }}</article>'
    loop = "{% for book in books %}" + article + "{% endfor %}"
    naive = (
        '{% for book in books %}<article class="book"><h2>{{ book.title }}</h2>'
        '<script type="application/json">{{ book.text|safe }}</script></article>{% endfor %}'
    )
    cases = [
        (cards_from(search_tag + naive, books=json_texts), "broke out"),
        (cards_from(search_tag + naive.replace("|safe", ""), books=json_texts), "not valid JSON"),
        (cards_from(search_tag + loop.replace("{{ book.title }}", "{{ book.title|safe }}")), "broke out"),
        (
            cards_from(
                '<script type="application/json" id="search-data">{{ search|safe }}</script>' + loop,
                search=lambda request: json.dumps({"q": request.GET.get("q", "")}),
            ),
            "broke out",
        ),
        (cards_from(search_tag + loop.replace("json_script }}", 'json_script:"book-data" }}')), "is used 8 times"),
        (cards_from("{{ search|json_script }}" + loop), 'no element with id="search-data"'),
        (cards_from('<div id="search-data"></div>' + loop), 'not on a <script type="application/json">'),
        (cards_from(search_tag + loop, search=lambda request: {"q": ""}), "the search data parses to"),
        (
            cards_from(search_tag + loop.replace("{{ book|json_script }}", "")),
            'holds 0 <script type="application/json">',
        ),
        (
            cards_from(
                search_tag + loop.replace("{{ book|json_script }}", "<script>{{ book|json_script }}</script>")
            ),
            'holds 0 <script type="application/json">',
        ),
        (
            cards_from(search_tag + loop, books=lambda: list(Book.objects.values("title", "isbn"))),
            "expected {'title'",
        ),
        (
            cards_from(
                search_tag + loop,
                books=lambda: [{"title": "Kindred", "isbn": "9780807083697", "published": 1979}],
            ),
            "for 8 books",
        ),
        (cards_from(search_tag + loop.replace("<h2>{{ book.title }}</h2>", "")), "an article's <h2> reads None"),
        (lambda request: HttpResponse(cards(request).content, content_type="text/plain"), "sent as 'text/plain'"),
        (lambda request: HttpResponse(cards(request).content.decode().encode("latin-1", "replace")), "not valid utf-8"),
        (cards_from(search_tag + loop, books=lambda: [dict(b, published=float(b["published"])) for b in book_dicts()]),
         "expected {'title'"),
        (
            cards_from(
                search_tag
                + "{% for book in books %}<article class=\"book\"><h2>{{ book.title }}</h2>"
                "<script type=\"application/json\">{{ book.text }}</script></article>{% endfor %}",
                books=lambda: [
                    dict(book, text=mark_safe(json.dumps(book).replace("</", "<\\/"))) for book in book_dicts()
                ],
            ),
            "swallowed the markup after it",
        ),
        (lambda request: "<p>hello</p>", "not an HttpResponse"),
        (lambda request: HttpResponse("gone", status=410), "answered 410"),
        ("not a view", "not a view"),
    ]
    for answer, words in cases:
        assert_fails(check.ex2, answer, words)


# --- 6.3 ---------------------------------------------------------------------------------------

GOOD_TEMPLATE = """{{ errors }}
{% for field, errors in fields %}
  <div class="field">
    {% if field.use_fieldset %}
      <fieldset>
        {{ field.legend_tag }}
        {{ errors }}
        {{ field }}
      </fieldset>
    {% else %}
      {{ field.label_tag }}
      {{ errors }}
      {{ field }}
    {% endif %}
    {% if field.help_text %}<div class="helptext">{{ field.help_text }}</div>{% endif %}
  </div>
{% endfor %}
{% for field in hidden_fields %}{{ field }}{% endfor %}"""

# Written differently: visible_fields(), field.errors, help text before the widget, hidden fields first,
# the non-field errors through form.non_field_errors plus the hidden fields' errors by hand.
OTHER_TEMPLATE = """{% for hidden in form.hidden_fields %}{{ hidden }}{% endfor %}
<div role="alert">{{ form.non_field_errors }}{% for hidden in hidden_fields %}{{ hidden.errors }}{% endfor %}</div>
{% for field in form.visible_fields %}
<div class="field{% if field.errors %} invalid{% endif %}">
  {% if field.use_fieldset %}<fieldset>{{ field.legend_tag }}{% else %}{{ field.label_tag }}{% endif %}
  {% if field.help_text %}<small>{{ field.help_text }}</small>{% endif %}
  {% for error in field.errors %}<p class="error">{{ error }}</p>{% endfor %}
  {{ field }}
  {% if field.use_fieldset %}</fieldset>{% endif %}
</div>
{% endfor %}"""


def template(text):
    return lambda: text


def test_ex3_stub_is_not_attempted():
    def event_template():
        # YOUR CODE HERE
        raise NotImplementedError()

    assert check.ex3.evaluate(event_template).status == NOT_ATTEMPTED


def test_ex3_accepts_different_correct_answers():
    for text in (GOOD_TEMPLATE, OTHER_TEMPLATE):
        outcome = check.ex3.evaluate(template(text))
        assert outcome.status == PASS, outcome


def test_ex3_rejects_wrong_answers():
    cases = {
        '{% include "django/forms/table.html" %}': "layout table",
        "{{ form.as_table }}": "layout table",
        '{% include "django/forms/div.html" %}': 'not inside a <div class="field">',
        "{{ form.as_div }}": 'not inside a <div class="field">',
        GOOD_TEMPLATE.replace("{{ field.label_tag }}", ""): "unlabelled control",
        GOOD_TEMPLATE.replace("{{ field.legend_tag }}", "{{ field.label_tag }}"): "orphan label",
        GOOD_TEMPLATE.replace(
            "{{ field.legend_tag }}\n        {{ errors }}\n        {{ field }}",
            "{{ errors }}\n        {{ field }}\n        {{ field.legend_tag }}",
        ): "group without fieldset",
        GOOD_TEMPLATE.replace("{% if field.use_fieldset %}", "{% if False %}"): "orphan label",
        GOOD_TEMPLATE.replace('<div class="field">', '<div class="field" id="field">'): "duplicate id",
        GOOD_TEMPLATE.replace('<div class="field">', '<div class="row">'): 'not inside a <div class="field">',
        "{{ errors }}{% for field in form %}<div class=\"field\">{% if field.use_fieldset %}<fieldset>"
        "{{ field.legend_tag }}{{ field }}</fieldset>{% else %}{{ field.label_tag }}{{ field }}{% endif %}"
        "{{ field.errors }}{{ field.help_text }}</div>{% endfor %}": "label for a hidden input",
        "{% for field in fields %}<div class=\"field\">{{ field.label_tag }}{{ field }}</div>{% endfor %}": (
            "no input named 'topic'"
        ),
        GOOD_TEMPLATE.replace("{% for field in hidden_fields %}{{ field }}{% endfor %}", ""): (
            "hidden field 'club' is not rendered"
        ),
        GOOD_TEMPLATE.replace("{% if field.help_text %}", "{% if False %}"): "help text of 'topic'",
        GOOD_TEMPLATE.replace("{{ errors }}\n        {{ field }}", "{{ field }}").replace(
            "{{ errors }}\n      {{ field }}", "{{ field }}"
        ): "is not shown in its div",
        GOOD_TEMPLATE.replace("{{ errors }}\n{% for", "{{ form.non_field_errors }}\n{% for"): (
            "the error of the hidden field club"
        ),
        GOOD_TEMPLATE.replace("{{ errors }}\n{% for", "{% for") + "{{ errors }}": "comes after the fields",
        '{{ errors }}<div class="field">{% for field, errors in fields %}{% if field.use_fieldset %}<fieldset>'
        "{{ field.legend_tag }}{{ field }}</fieldset>{% else %}{{ field.label_tag }}{{ field }}{% endif %}"
        "{{ errors }}{% endfor %}</div>": 'one <div class="field"> holds',
        '<div class="field"><label for="id_topic">Topic:</label><input name="topic" id="id_topic">'
        '<div>The book the club will discuss.</div></div><div class="field"><label for="id_seats">Seats:'
        '</label><input name="seats" id="id_seats" type="number"><div>Including the host.</div></div>'
        '<div class="field"><fieldset><legend>Place:</legend><label><input type="radio" name="place" '
        'value="library" id="id_place_0">At the library</label><label><input type="radio" name="place" '
        'value="online" id="id_place_1">Online</label></fieldset></div>'
        '<input type="hidden" name="club" value="readers">': "no input named 'meeting-topic'",
        GOOD_TEMPLATE.replace("{{ field.label_tag }}", '<label for="{{ field.id_for_label }}"></label>'): (
            "which does not name the field"
        ),
        GOOD_TEMPLATE.replace("{{ field.legend_tag }}", "<legend>Choose</legend>"): "starts with a <legend> naming",
        GOOD_TEMPLATE.replace("{% for field, errors in fields %}", "{% for field, errors in fields reversed %}"): (
            "expected the form's order"
        ),
        GOOD_TEMPLATE.replace(
            '{% if field.help_text %}<div class="helptext">{{ field.help_text }}</div>{% endif %}',
            '<div class="helptext">{{ field.help_text|truncatewords:3 }}</div>',
        ): "help text of 'topic'",
        "{% for field, errors in fields %}": "TemplateSyntaxError",
        "": "not the text of a template",
    }
    for text, words in cases.items():
        assert_fails(check.ex3, template(text), words)
    assert_fails(check.ex3, lambda: None, "not the text of a template")


@pytest.mark.parametrize("exercise", [check.ex1, check.ex2, check.ex3])
def test_checks_never_raise(exercise):
    def broken(*args):
        raise ValueError("boom")

    outcome = exercise.evaluate(broken)
    assert outcome.status == FAIL
