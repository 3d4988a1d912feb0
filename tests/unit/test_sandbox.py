"""The sandbox library: boot, shared database, async helpers, cells, servers."""
import asyncio
import os
import threading
import warnings

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import SynchronousOnlyOperation
from django.db import models
from django.http import HttpResponse
from django.test import AsyncClient, Client
from django.utils.deprecation import RemovedInDjango50Warning
from django.views import View

from course import boot, cells, data, loops, processes, versions
from course.deprecations import recorded
from library.models import Book


def test_boot_is_idempotent_and_prints_one_banner_each_time(capsys):
    boot()
    boot()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0] == lines[1]
    assert lines[0].startswith("Django 4.1.13 sandbox ready")


def test_settings_are_the_sandbox_ones():
    assert settings.DEBUG is True
    assert set(settings.ALLOWED_HOSTS) <= {"localhost", "127.0.0.1", "[::1]", "testserver"}
    assert "mode=memory&cache=shared" in settings.DATABASES["default"]["NAME"]
    assert len(settings.SECRET_KEY) >= 50 and not settings.SECRET_KEY.startswith("django-insecure")


def test_every_thread_sees_the_same_database(library):
    counts = {}

    def count_in_thread():
        counts["thread"] = Book.objects.count()

    thread = threading.Thread(target=count_in_thread)
    thread.start()
    thread.join()
    counts["worker"] = asyncio.run(Book.objects.acount())
    counts["main"] = Book.objects.count()
    assert counts == {"thread": 6, "worker": 6, "main": 6}


def test_rows_written_by_the_async_orm_are_seen_by_sync_code(library):
    author = data.AUTHORS[0][0]
    asyncio.run(Book.objects.acreate(title="Extra", author_id=1, isbn="1", published=2000))
    assert Book.objects.filter(author__name=author).count() == 3


def test_run_drives_a_coroutine_from_sync_code_outside_and_inside_a_loop():
    async def answer():
        await asyncio.sleep(0)
        return 42

    assert loops.run(answer()) == 42

    async def inside_a_running_loop():
        return loops.run(answer())  # what a check called from a cell does

    assert asyncio.run(inside_a_running_loop()) == 42


def test_sync_orm_calls_from_async_code_are_refused_as_in_production(library):
    async def sync_orm_call_in_async_code():
        return Book.objects.count()

    with pytest.raises(SynchronousOnlyOperation, match="use a thread or sync_to_async"):
        asyncio.run(sync_orm_call_in_async_code())
    assert asyncio.run(sync_to_async(Book.objects.count)()) == 6  # a worker thread has no loop: allowed


def test_a_cells_own_sync_code_may_use_the_orm_unless_async_safety_is_on(library, monkeypatch):
    from course.sandbox import async_rules

    monkeypatch.setitem(async_rules._state, "cell_files", {"<cell 7>"})
    cell = compile("result = Book.objects.count()", "<cell 7>", "exec")  # what IPython runs for a cell

    async def the_kernel_runs_a_cell():
        namespace = {"Book": Book}
        exec(cell, namespace)
        return namespace["result"]

    assert asyncio.run(the_kernel_runs_a_cell()) == 6
    with loops.async_safety():
        assert loops.async_safety_is_on()
        with pytest.raises(SynchronousOnlyOperation):
            asyncio.run(the_kernel_runs_a_cell())
    assert not loops.async_safety_is_on()


def test_wrong_django_version_stops_with_one_sentence():
    with pytest.raises(versions.CourseSetupError) as error:
        versions.require_django((4, 2, 7, "final", 0))
    message = str(error.value)
    assert "Django 4.1.13" in message and "Django 4.2.7" in message
    assert "pip install -r requirements.txt" in message
    assert error.value._render_traceback_() == [f"CourseSetupError: {message}"]


def test_unsupported_python_warns_once(monkeypatch):
    monkeypatch.setattr(versions, "_python_warned", False)
    assert versions.warn_if_python_unsupported((3, 11, 7)) is False
    with pytest.warns(versions.UnsupportedPythonWarning, match="as_string"):
        assert versions.warn_if_python_unsupported((3, 13, 0)) is True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert versions.warn_if_python_unsupported((3, 13, 0)) is False


def test_a_cell_model_gets_a_table_and_can_be_redefined_cleanly():
    def define(with_size):
        attrs = {
            "__module__": "__main__",
            "name": models.CharField(max_length=20),
            "Meta": type("Meta", (), {"app_label": "playground"}),
        }
        if with_size:
            attrs["size"] = models.IntegerField(default=3)
        return cells.table(type("Gadget", (models.Model,), attrs))

    with warnings.catch_warnings(record=True) as caught:
        first = define(with_size=False)
        first.objects.create(name="one")
        second = define(with_size=True)
    assert [str(w.message) for w in caught] == []
    assert second.objects.count() == 0
    assert second.objects.create(name="two").size == 3
    cells.drop_table(second)


def test_mounting_a_view_and_remounting_it():
    def view(text):
        return lambda request: HttpResponse(text)

    cells.mount("sandbox-test/", view("first"))
    assert Client().get("/sandbox-test/").content == b"first"
    cells.mount("sandbox-test/", view("second"))
    assert Client().get("/sandbox-test/").content == b"second"
    cells.unmount("sandbox-test/")
    assert Client().get("/sandbox-test/").status_code == 404


def test_async_views_answer_through_the_async_client():
    class Hello(View):
        async def get(self, request):
            return HttpResponse("hello")

    cells.mount("sandbox-hello/", Hello.as_view())
    try:
        response = loops.run(AsyncClient().get("/sandbox-hello/"))
        assert response.content == b"hello"
    finally:
        cells.unmount("sandbox-hello/")


def test_django_deprecations_are_shown_on_stdout_as_one_stable_line_each_time():
    script = (
        "from course import boot; boot()\n"
        "from django.test import Client\n"
        "for _ in range(2): Client().get('/accounts/logout/')\n"
    )
    finished = processes.run_python(["-c", script], timeout=60)
    assert finished.ok, finished.output
    assert finished.output.splitlines()[1:] == [
        "RemovedInDjango50Warning: Log out via GET requests is deprecated and will be "
        "removed in Django 5.0. Use POST requests for logging out."
    ] * 2


def test_recorded_collects_warnings_as_lines():
    with pytest.warns(RemovedInDjango50Warning):  # outside the block: shown, not recorded
        Client().get("/accounts/logout/")
    with recorded() as lines:
        Client().get("/accounts/logout/")
    assert lines == [
        "RemovedInDjango50Warning: Log out via GET requests is deprecated and will be "
        "removed in Django 5.0. Use POST requests for logging out."
    ]


def test_seed_is_repeatable():
    first = data.seed()
    ids = list(Book.objects.order_by("pk").values_list("pk", flat=True))
    assert data.seed() == first
    assert list(Book.objects.order_by("pk").values_list("pk", flat=True)) == ids == list(range(1, 7))


def test_the_library_site_pages_render(library):
    client = Client()
    assert client.get("/").status_code == 200
    assert b"Kindred" in client.get("/").content
    assert client.get("/books/1/").status_code == 200
    stats = loops.run(AsyncClient().get("/stats/")).json()
    assert stats == {"books": 6, "open_loans": 1}


def test_sync_to_async_work_runs_off_the_main_thread():
    name = asyncio.run(sync_to_async(loops.thread_name)())
    assert name != "MainThread"
    assert not os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")  # the sandbox never switches Django's check off
