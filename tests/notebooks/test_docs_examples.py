"""Django 4.1's own documentation examples for the 4.1 changes run in a notebook kernel.

Each example is the code of a page of the 4.1 documentation, adapted only as the course tells a
learner to: models are the sandbox's library models (``Author``, ``Book``, ``Member``, ``Loan``) or
are defined in the cell with ``app_label = "playground"`` and ``table()``; views are reached with
``mount()``; templates are defined with ``template()``; PostgreSQL comes from ``postgres.start()``.
Each ends with assertions on what the documentation says happens. They all run, in order, in one
kernel, as a learner would paste them into cells; each is one test.

Where an example is wrong or cannot run as documented, its entry says why (``DOC_NOTES``).
"""
import nbformat
import pytest

from tests.helpers import postgres_or_skip
from tools import notebook_io

pytestmark = [pytest.mark.kernel, pytest.mark.postgres]

SETUP = """\
from course import boot; boot()
import asyncio, datetime
from asgiref.sync import async_to_sync, sync_to_async
from django.db import models
from django.http import HttpResponse, JsonResponse
from django.test import AsyncClient, AsyncRequestFactory, Client, RequestFactory
from django.views import View
from course import data, postgres
from course.cells import mount, table, template
from library.models import Author, Book, Loan, Member
data.seed()
"""

# (name, documentation page, code)
EXAMPLES = [
    ("async function view", "topics/async/#async-views", """
async def my_view(request):
    await asyncio.sleep(0.01)
    return HttpResponse("Hello, async world!")

mount("docs/async-view/", my_view)
response = await AsyncClient().get("/docs/async-view/")
assert response.content == b"Hello, async world!"
"""),
    ("async view through the sync Client", "topics/testing/tools/#the-test-client", """
response = Client().get("/docs/async-view/")
assert response.status_code == 200 and response.content == b"Hello, async world!"
"""),
    ("sync_to_async as a decorator", "topics/async/#sync-to-async", """
@sync_to_async
def get_all_users():
    return list(Author.objects.all())

users = await get_all_users()
assert len(users) == Author.objects.count()
"""),
    ("sync_to_async with thread_sensitive", "topics/async/#sync-to-async", """
def sync_function(pk):
    return Book.objects.get(pk=pk).title

first = Book.objects.order_by("pk").first()
results = await sync_to_async(sync_function, thread_sensitive=True)(pk=first.pk)
assert results == first.title
"""),
    ("async_to_sync from a cell", "topics/async/#async-to-sync", """
async def get_data():
    return await Book.objects.acount()

sync_get_data = async_to_sync(get_data)
assert sync_get_data() == Book.objects.count()
"""),
    ("async_to_sync inside async code raises, as under a server", "topics/async/#async-to-sync", """
async def get_data():
    return await Book.objects.acount()

async def calls_it_synchronously():
    return async_to_sync(get_data)()  # in async code: asgiref refuses

try:
    await calls_it_synchronously()
    outcome = "ran"
except RuntimeError as error:
    outcome = str(error)
assert outcome.startswith("You cannot use AsyncToSync in the same thread as an async event loop"), outcome
"""),
    ("async_to_sync inside an async view raises", "topics/async/#async-to-sync", """
async def count():
    return await Book.objects.acount()

async def wrapping_view(request):
    return HttpResponse(str(async_to_sync(count)()))

mount("docs/a2s-in-view/", wrapping_view)
from course.logs import captured
with captured("django.request"):
    try:
        await AsyncClient().get("/docs/a2s-in-view/")
        outcome = "ran"
    except RuntimeError as error:
        outcome = str(error)
assert outcome.startswith("You cannot use AsyncToSync in the same thread as an async event loop"), outcome
"""),
    ("SynchronousOnlyOperation in an async view", "topics/async/#async-safety", """
from django.core.exceptions import SynchronousOnlyOperation

async def unsafe_view(request):
    return HttpResponse(str(Book.objects.count()))  # a sync ORM call in async code

mount("docs/unsafe/", unsafe_view)
from course.logs import captured
with captured("django.request"):
    try:
        await AsyncClient().get("/docs/unsafe/")
    except SynchronousOnlyOperation as error:
        raised = str(error)
assert raised == "You cannot call this from an async context - use a thread or sync_to_async."
"""),
    ("transaction.atomic in async code raises", "topics/async/#async-safety", """
from django.core.exceptions import SynchronousOnlyOperation
from django.db import transaction

async def in_a_transaction():
    with transaction.atomic():
        return await Book.objects.acount()

try:
    await in_a_transaction()
    outcome = "ran"
except SynchronousOnlyOperation:
    outcome = "raised"
assert outcome == "raised"
"""),
    ("async class-based view", "topics/class-based-views/#asynchronous-class-based-views", """
class AsyncView(View):
    async def get(self, request, *args, **kwargs):
        # Perform io-blocking view logic using await, sleep for example.
        await asyncio.sleep(0.01)
        return HttpResponse("Hello async world!")

assert AsyncView.view_is_async is True
mount("docs/async-cbv/", AsyncView.as_view())
assert (await AsyncClient().get("/docs/async-cbv/")).content == b"Hello async world!"
"""),
    ("mixed sync and async handlers", "ref/class-based-views/base/#django.views.generic.base.View.view_is_async", """
from django.core.exceptions import ImproperlyConfigured

class Mixed(View):
    async def get(self, request):
        return HttpResponse("a")
    def post(self, request):
        return HttpResponse("s")

try:
    Mixed.as_view()
except ImproperlyConfigured as error:
    message = str(error)
assert message == "Mixed HTTP handlers must either be all sync or all async."
"""),
    ("async for over a queryset", "topics/db/queries/#asynchronous-queries", """
titles = []
async for book in Book.objects.filter(title__startswith="T"):
    titles.append(book.title)
assert titles == list(Book.objects.filter(title__startswith="T").values_list("title", flat=True))
"""),
    ("afirst", "topics/db/queries/#asynchronous-queries", """
my_input = Author.objects.order_by("pk").first().name
user = await Author.objects.filter(name=my_input).afirst()
assert user.name == my_input
"""),
    ("aget, acount, aexists", "ref/models/querysets/#asynchronous-queries", """
first = await Book.objects.order_by("pk").afirst()
assert (await Book.objects.aget(pk=first.pk)) == first
assert await Book.objects.acount() == Book.objects.count()
assert await Book.objects.filter(pk=first.pk).aexists()
"""),
    ("acreate, aget_or_create, aupdate_or_create", "ref/models/querysets/#acreate", """
author = await Author.objects.acreate(name="Docs Example", born=1990)
again, created = await Author.objects.aget_or_create(name="Docs Example", defaults={"born": 1990})
updated, created_too = await Author.objects.aupdate_or_create(name="Docs Example", defaults={"born": 1991})
assert again == author and not created and not created_too and updated.born == 1991
"""),
    ("aupdate, adelete, ain_bulk, abulk_create", "ref/models/querysets/#update", """
made = await Author.objects.abulk_create([Author(name="Bulk A", born=1), Author(name="Bulk B", born=2)])
assert await Author.objects.filter(name__startswith="Bulk").aupdate(born=3) == 2
by_pk = await Author.objects.filter(name__startswith="Bulk").ain_bulk()
assert sorted(a.name for a in by_pk.values()) == ["Bulk A", "Bulk B"]
deleted, _ = await Author.objects.filter(name__startswith="Bulk").adelete()
assert deleted == 2 and len(made) == 2
"""),
    ("aiterator, alatest, aearliest, aaggregate, acontains", "ref/models/querysets/#iterator", """
from django.db.models import Count
names = [a.name async for a in Author.objects.order_by("name").aiterator()]
assert names == sorted(Author.objects.values_list("name", flat=True))
newest = await Book.objects.alatest("published")
oldest = await Book.objects.aearliest("published")
assert newest.published >= oldest.published
assert (await Book.objects.aaggregate(n=Count("pk")))["n"] == Book.objects.count()
assert await Book.objects.acontains(newest)
"""),
    ("no async model methods in 4.1", "releases/4.2/#asynchronous-model-and-related-manager-interface", """
# Model.asave()/adelete() and async related managers arrived in 4.2, not 4.1.
assert not hasattr(Book, "asave") and not hasattr(Book, "adelete")
"""),
    ("CheckConstraint validated by full_clean", "ref/models/instances/#validating-objects", """
from django.core.exceptions import ValidationError
from django.db.models import Q

class Customer(models.Model):
    age = models.IntegerField()

    class Meta:
        app_label = "playground"
        constraints = [models.CheckConstraint(check=Q(age__gte=18), name="age_gte_18")]

table(Customer)
try:
    Customer(age=17).full_clean()
except ValidationError as error:
    errors = error.message_dict
assert errors == {"__all__": ['Constraint “age_gte_18” is violated.']}
"""),
    ("violation_error_message", "ref/models/constraints/#violation-error-message", """
from django.core.exceptions import ValidationError
from django.db.models import Q

class Adult(models.Model):
    age = models.IntegerField()

    class Meta:
        app_label = "playground"
        constraints = [
            models.CheckConstraint(check=Q(age__gte=18), name="adult_age", violation_error_message="Too young.")
        ]

table(Adult)
try:
    Adult(age=3).full_clean()
except ValidationError as error:
    assert error.messages == ["Too young."]
"""),
    ("UniqueConstraint on an expression", "ref/models/constraints/#expressions", """
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

class Product(models.Model):
    name = models.CharField(max_length=20)
    category = models.CharField(max_length=20)

    class Meta:
        app_label = "playground"
        constraints = [
            models.UniqueConstraint(Lower("name").desc(), "category", name="unique_lower_name_category")
        ]

table(Product)
Product.objects.create(name="Tea", category="drinks")
try:
    Product(name="TEA", category="drinks").full_clean()
except ValidationError as error:
    assert error.messages == ["Constraint “unique_lower_name_category” is violated."]
Product(name="TEA", category="food").full_clean()
"""),
    ("conditional UniqueConstraint", "ref/models/constraints/#condition", """
from django.core.exceptions import ValidationError
from django.db.models import Q

class Draft(models.Model):
    user = models.CharField(max_length=20)
    status = models.CharField(max_length=10)

    class Meta:
        app_label = "playground"
        constraints = [models.UniqueConstraint(fields=["user"], condition=Q(status="DRAFT"), name="unique_draft_user")]

table(Draft)
Draft.objects.create(user="ada", status="DRAFT")
Draft(user="ada", status="PUBLISHED").full_clean()
try:
    Draft(user="ada", status="DRAFT").full_clean()
except ValidationError as error:
    assert error.messages == ["Constraint “unique_draft_user” is violated."]
"""),
    ("full_clean(validate_constraints=False)", "ref/models/instances/#django.db.models.Model.full_clean", """
Customer(age=3).full_clean(validate_constraints=False)  # no error: constraints skipped
"""),
    ("a PostgreSQL-only model on SQLite says what to do", "ref/contrib/postgres/constraints/", """
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import IntegerRangeField, RangeOperators
from course.cells import PostgresOnly

class Slot(models.Model):
    span = IntegerRangeField()

    class Meta:
        app_label = "playground"
        constraints = [ExclusionConstraint(name="no_overlap", expressions=[("span", RangeOperators.OVERLAPS)])]

try:
    table(Slot)
except PostgresOnly as error:
    message = str(error)
assert "only PostgreSQL has" in message and "postgres.start()" in message
"""),
    ("ExclusionConstraint with OpClass", "ref/contrib/postgres/constraints/#using-opclass", """
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
alias = postgres.start()

class Room(models.Model):
    span = DateTimeRangeField()

    class Meta:
        app_label = "playground"
        constraints = [
            ExclusionConstraint(
                name="exclude_overlapping_opclass",
                expressions=[(OpClass("span", "range_ops"), RangeOperators.OVERLAPS)],
            )
        ]

table(Room, using=alias)
from psycopg2.extras import DateTimeTZRange
start = datetime.datetime(2022, 8, 3, 10, tzinfo=datetime.timezone.utc)
Room.objects.create(span=DateTimeTZRange(start, start + datetime.timedelta(hours=2)))
try:
    Room(span=DateTimeTZRange(start + datetime.timedelta(hours=1), start + datetime.timedelta(hours=3))).full_clean()
except ValidationError as error:
    assert error.messages == ["Constraint “exclude_overlapping_opclass” is violated."]
"""),
    ("form.as_div()", "ref/forms/api/#as-div", """
from django import forms

class ContactForm(forms.Form):
    subject = forms.CharField(max_length=100)

html = str(ContactForm().as_div())
assert html.startswith('<div>') and '<label for="id_subject">Subject:</label>' in html
"""),
    ("a form's template_name from a cell", "topics/forms/#reusable-form-templates", """
from django import forms

template("form_snippet.html", "{% for field in form %}<div class='fieldWrapper'>{{ field.errors }}{{ field.label_tag }} {{ field }}</div>{% endfor %}")

class SnippetForm(forms.Form):
    template_name = "form_snippet.html"
    name = forms.CharField()

assert "class='fieldWrapper'" in str(SnippetForm())
template("form_snippet.html", "<p>changed</p>")
assert str(SnippetForm()) == "<p>changed</p>"
"""),
    ("render() finds a cell template, with extends and include", "topics/http/shortcuts/#render", """
from django.shortcuts import render
from django.template.response import TemplateResponse

template("base.html", "<main>{% block content %}{% endblock %}</main>")
template("part.html", "<i>{{ title }}</i>")
template("index.html", "{% extends 'base.html' %}{% block content %}{% include 'part.html' %}{% endblock %}")

def index(request):
    return render(request, "index.html", {"title": "Hi"})

request = RequestFactory().get("/")
assert index(request).content == b"<main><i>Hi</i></main>"
assert TemplateResponse(request, "index.html", {"title": "Yo"}).render().content == b"<main><i>Yo</i></main>"
"""),
    ("json_script with an id", "ref/templates/builtins/#json-script", """
from django.template import engines

out = engines["django"].from_string('{{ value|json_script:"hello-data" }}').render({"value": {"hello": "world"}})
assert out == '<script id="hello-data" type="application/json">{"hello": "world"}</script>'
"""),
    ("json_script without an id (new in 4.1)", "ref/templates/builtins/#json-script", """
from django.template import engines

out = engines["django"].from_string("{{ value|json_script }}").render({"value": {"hello": "world"}})
assert out == '<script type="application/json">{"hello": "world"}</script>'
"""),
    ("django.utils.html.json_script escapes", "ref/utils/#django.utils.html.json_script", """
from django.utils.html import json_script

assert json_script({"x": "</script>"}) == '<script type="application/json">{"x": "\\\\u003C/script\\\\u003E"}</script>'
"""),
    ("Signer sign and unsign", "topics/signing/#using-the-low-level-api", """
from django.core.signing import BadSignature, Signer

signer = Signer()
value = signer.sign("My string")
assert value.startswith("My string:") and signer.unsign(value) == "My string"
try:
    signer.unsign(value + "m")
except BadSignature:
    tampered = True
assert tampered
"""),
    ("Signer with fallback keys (new in 4.1)", "topics/signing/#django.core.signing.Signer", """
from django.core.signing import Signer

old = Signer(key="old-secret").sign("My string")
assert Signer(key="new-secret", fallback_keys=["old-secret"]).unsign(old) == "My string"
"""),
    ("TimestampSigner max_age", "topics/signing/#verifying-timestamped-values", """
from django.core.signing import SignatureExpired, TimestampSigner

signer = TimestampSigner()
value = signer.sign("hello")
assert signer.unsign(value, max_age=60) == "hello"
try:
    signer.unsign(value, max_age=-1)
except SignatureExpired:
    expired = True
assert expired
"""),
    ("signing.dumps and loads", "topics/signing/#protecting-complex-data-structures", """
from django.core import signing

value = signing.dumps({"foo": "bar"})
assert signing.loads(value) == {"foo": "bar"}
"""),
    ("SECRET_KEY_FALLBACKS keeps old sessions", "ref/settings/#secret-key-fallbacks", """
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import User
from django.test import override_settings

User.objects.filter(username="docs").delete()
User.objects.create_user("docs", password="pw")
client = Client()
assert client.login(username="docs", password="pw")  # a session made with the current key


def logged_in():
    request = RequestFactory().get("/")
    request.session = client.session
    return get_user(request).is_authenticated


old_key, new_key = settings.SECRET_KEY, "a-brand-new-key-" + "x" * 40
with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old_key]):
    assert logged_in()  # the old key verifies the session's hash
with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[]):
    assert not logged_in()  # without the fallback, everyone is logged out
"""),
    ("LogoutView by GET warns", "releases/4.1/#log-out-via-get", """
import warnings
from django.contrib.auth.models import User
from django.utils.deprecation import RemovedInDjango50Warning

client = Client()
client.force_login(User.objects.get(username="docs"))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    client.get("/accounts/logout/")
assert any(issubclass(w.category, RemovedInDjango50Warning) for w in caught)
"""),
    ("CSRF_COOKIE_MASKED is False by default", "ref/settings/#csrf-cookie-masked", """
from django.conf import settings
from django.middleware.csrf import get_token

assert settings.CSRF_COOKIE_MASKED is False
request = RequestFactory().get("/")
assert len(get_token(request)) == 64
"""),
    ("RequestFactory and AsyncRequestFactory", "topics/testing/advanced/#the-request-factory", """
def my_view(request):
    return HttpResponse(request.path)

request = RequestFactory().get("/customer/details")
assert my_view(request).content == b"/customer/details"

async def my_async_view(request):
    return HttpResponse(request.method)

assert (await my_async_view(AsyncRequestFactory().post("/x/"))).content == b"POST"
"""),
    ("the test Client post", "topics/testing/tools/#overview-and-a-quick-example", """
c = Client()
response = c.post("/accounts/login/", {"username": "john", "password": "smith"})
assert response.status_code == 200  # the login page again: no such user
"""),
    ("makemigrations for a cell model writes outside the checkout", "topics/migrations/", """
import io
from django.core.management import call_command

class Gadget(models.Model):
    name = models.CharField(max_length=20)

    class Meta:
        app_label = "playground"

out = io.StringIO()
call_command("makemigrations", "playground", stdout=out)
assert "0001_initial.py" in out.getvalue()
"""),
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    postgres_or_skip()
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(SETUP)]
    for name, _page, code in EXAMPLES:
        wrapped = "try:\n" + "\n".join("    " + line for line in code.strip().split("\n")) + (
            f"\n    print({name!r}, 'OK')\nexcept BaseException as error:\n"
            f"    print({name!r}, 'FAILED', type(error).__name__, error)"
        )
        nb.cells.append(nbformat.v4.new_code_cell(wrapped))
    notebook_io.execute(nb, tmp_path_factory.mktemp("docs"))
    return [
        "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream").strip()
        for cell in nb.cells[1:]
    ]


@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[name for name, _, _ in EXAMPLES])
def test_documentation_example_runs_in_a_cell(outcomes, index):
    name, page, _ = EXAMPLES[index]
    assert outcomes[index].endswith("OK"), f"{name} (docs {page}): {outcomes[index]}"


def test_there_are_at_least_thirty_examples():
    assert len(EXAMPLES) >= 30
