"""Checks for the exercises of 07_parallel_tests_upgrade.

* 7.1 ``book_titles(author)`` and ``add_books(author, books)`` must work for unsaved
  authors without touching a reverse foreign-key manager of an unsaved instance
  (a spy on ``Author.books``' manager class records every such call, even one whose
  ``ValueError`` the learner catches) and without passing an unsaved instance to a
  related filter (deprecated in 4.1).
* 7.2 ``search_titles(books, text)`` must return a QuerySet whose filter on ``title``
  ignores case on every database: the lookups are inspected (``contains`` ignores
  ASCII case only on SQLite), the results are checked on SQLite, and on PostgreSQL
  too where ``course.postgres`` can run.
* 7.3 ``spawn_safe_staff_tests()`` returns the source of a test module; it is
  written into a temporary directory with a settings module and run by
  ``manage.py test --parallel 2`` in a child process under ``spawn``, with a time limit.
  The other programs of that run are files of this package, ``scripts/check_settings.py``
  and ``scripts/check_runner.py`` (which reports what ran where), plus the lesson's
  ``spawn.py``; ``scripts/staff_tests.py`` is the module the exercise starts from.
"""
import ast
import contextlib
import io
import re
import uuid
from importlib import resources

from django.db import connection, models
from django.db.models import QuerySet
from django.db.models.expressions import Col
from django.db.models.functions import Lower, Upper
from django.db.models.lookups import Lookup
from django.test.utils import CaptureQueriesContext

from course import cells, data, deprecations, limits, postgres, processes
from course.checks.framework import Fail, call, exercise, expect, question
from course.lessons import lesson07 as lesson
from course.processes import MANAGE_PY, run_python
from library.models import Author, Book

# ---------------------------------------------------------------------------------------------
# 7.1  Reverse foreign-key managers on unsaved instances
# ---------------------------------------------------------------------------------------------

LE_GUIN_TITLES = ["A Wizard of Earthsea", "The Dispossessed"]
PALMER_BOOKS = [
    ("Too Like the Lightning", "9780765378019", 2016),
    ("Seven Surrenders", "9780765378033", 2017),
]
LATHE = ("The Lathe of Heaven", "9780060512750", 1971)
RELATED_FILTER_WARNING = "Passing unsaved model instances to related filters is deprecated."
NULL_AUTHOR = re.compile(r'"author_id" IS NULL', re.IGNORECASE)


@contextlib.contextmanager
def unsaved_manager_calls():
    """Record every query or change made through ``author.books`` while ``author`` is unsaved."""
    manager_class = Author.books.related_manager_cls
    original_get_queryset = manager_class.get_queryset
    original_check_fk_val = manager_class._check_fk_val
    calls = []

    def get_queryset(self):
        if self.instance.pk is None:
            calls.append("query")
        return original_get_queryset(self)

    def _check_fk_val(self):
        if self.instance.pk is None:
            calls.append("change")
        return original_check_fk_val(self)

    manager_class.get_queryset = get_queryset
    manager_class._check_fk_val = _check_fk_val
    try:
        yield calls
    finally:
        manager_class.get_queryset = original_get_queryset
        manager_class._check_fk_val = original_check_fk_val


def _titles(value, what):
    expect(
        isinstance(value, (list, tuple, QuerySet)),
        f"{what} returned {type(value).__name__}, not a list of titles.",
        "return a list of strings.",
    )
    titles = list(value)
    expect(
        all(isinstance(title, str) for title in titles),
        f"{what} returned {titles!r:.80}, not a list of titles (strings).",
        "return the books' `title` values, not the books.",
    )
    return sorted(titles)


def _call_reporting_value_error(function, *args, what, hint):
    try:
        return call(function, *args)
    except ValueError as error:
        raise Fail(f"{what} raised ValueError: {error}", hint) from None


def _check_unsaved_usage(touched, warned, name):
    if "query" in touched:
        raise Fail(
            f"{name} still queries `author.books` for an unsaved author (in 4.1 that raises ValueError; "
            "catching it hides the mistake).",
            "decide from the author itself whether it can have books, before using `author.books`.",
        )
    if "change" in touched:
        raise Fail(
            f"{name} still calls a method of `author.books` (add, create, ...) before the author is saved.",
            "an author needs a primary key before books can point to it.",
        )
    if any(RELATED_FILTER_WARNING in line for line in warned):
        raise Fail(
            f"{name} passes an unsaved author to a related filter (RemovedInDjango50Warning: it matches "
            "rows whose author is NULL; 5.0 raises ValueError).",
            "don't filter on an author that has no primary key yet.",
        )


@exercise("7.1", "book_titles", "add_books")
def ex1(book_titles, add_books):
    """``book_titles(author)`` and ``add_books(author, books)`` work for saved and unsaved authors."""
    with data.seeded():
        # book_titles ------------------------------------------------------------------------
        le_guin = Author.objects.get(name="Ursula K. Le Guin")
        with unsaved_manager_calls() as touched, deprecations.recorded() as warned:
            got = _titles(call(book_titles, le_guin), "book_titles(Le Guin)")
            expect(
                got == LE_GUIN_TITLES,
                f"book_titles(Le Guin) returned {got}, expected {LE_GUIN_TITLES}.",
                "return the titles of that author's books.",
            )
            newcomer = Author(name="Ada Palmer")
            with CaptureQueriesContext(connection) as queries:
                got = _call_reporting_value_error(
                    book_titles,
                    newcomer,
                    what="book_titles(an unsaved author)",
                    hint="an author that was never saved has no books: check for that before using `author.books`.",
                )
            null_filter = any(NULL_AUTHOR.search(query["sql"]) for query in queries.captured_queries)
            got = _titles(got, "book_titles(an unsaved author)")
            expect(
                got == [],
                f"book_titles(an unsaved author) returned {got}, expected [].",
                "an author that was never saved has no books.",
            )
        _check_unsaved_usage(touched, warned, "book_titles")
        expect(
            not null_filter,
            "book_titles(an unsaved author) filters books on the author's missing primary key (None): the "
            "query becomes `author_id IS NULL`, which matches books without an author, not this author's.",
            "an author that was never saved has no books: return [] without asking the database.",
        )
        expect(
            newcomer.pk is None,
            "book_titles saved the author it was given.",
            "book_titles should only read; leave saving to add_books.",
        )
        newcomer.save()
        got = _titles(call(book_titles, newcomer), "book_titles(a saved author without books)")
        expect(
            got == [],
            f"book_titles(a saved author without books) returned {got}, expected [].",
            "return the titles of that author's books only.",
        )
        Book.objects.create(title="The Just City", author=newcomer, isbn="9780765332660", published=2015)
        got = _titles(call(book_titles, newcomer), "book_titles(a saved author with one book)")
        expect(
            got == ["The Just City"],
            f"after a book was added, book_titles returned {got}, expected ['The Just City'].",
            "query the database each time; don't return fixed lists.",
        )
        data.seed()

        # add_books --------------------------------------------------------------------------
        authors_before = Author.objects.count()
        newcomer = Author(name="Ada Palmer")
        with unsaved_manager_calls() as touched, deprecations.recorded() as warned:
            _call_reporting_value_error(
                add_books,
                newcomer,
                PALMER_BOOKS,
                what="add_books(an unsaved author, ...)",
                hint="save the author before its books point to it.",
            )
        _check_unsaved_usage(touched, warned, "add_books")
        expect(
            newcomer.pk is not None,
            "after add_books(author, ...) the author passed in is still unsaved (pk is None).",
            "save the author object you were given.",
        )
        expect(
            Author.objects.count() == authors_before + 1,
            f"add_books(an unsaved author, ...) left {Author.objects.count() - authors_before} new authors "
            "in the database, expected 1.",
            "save the author you were given once; don't create another one.",
        )
        got = sorted(Book.objects.filter(author=newcomer).values_list("title", flat=True))
        want = sorted(title for title, _, _ in PALMER_BOOKS)
        expect(
            got == want,
            f"after add_books, the new author has the books {got}, expected {want}.",
            "create one book per (title, isbn, year) tuple, with the author set.",
        )
        got = sorted(Book.objects.filter(author=newcomer).values_list("title", "isbn", "published"))
        expect(
            got == sorted(PALMER_BOOKS),
            f"after add_books, the new author's books are {[tuple(book) for book in got]}, expected "
            f"{sorted(PALMER_BOOKS)} as (title, isbn, published).",
            "each tuple is (title, isbn, year), in that order: unpack it in that order.",
        )
        le_guin = Author.objects.get(name="Ursula K. Le Guin")
        authors_before = Author.objects.count()
        # Someone else edits the author after this object was loaded: saving it again would undo that.
        Author.objects.filter(pk=le_guin.pk).update(born=le_guin.born + 1)
        with unsaved_manager_calls() as touched, deprecations.recorded() as warned:
            call(add_books, le_guin, [LATHE])
        _check_unsaved_usage(touched, warned, "add_books")
        expect(
            Author.objects.count() == authors_before,
            "add_books(a saved author, ...) created another author.",
            "save the author only when it is new (its pk is None).",
        )
        expect(
            Author.objects.get(pk=le_guin.pk).born == le_guin.born + 1,
            "add_books(a saved author, ...) saved that author again, which overwrote a change made in the "
            "database since the object was loaded.",
            "save the author only when it is new (its pk is None); a saved author needs no save to get books.",
        )
        got = sorted(Book.objects.filter(author=le_guin).values_list("title", flat=True))
        want = sorted(LE_GUIN_TITLES + [LATHE[0]])
        expect(
            got == want,
            f"after add_books(Le Guin, [The Lathe of Heaven]), Le Guin has {got}, expected {want}.",
            "add the books to the author you were given.",
        )
    return "both functions handle unsaved authors without touching `author.books` before a save."


# ---------------------------------------------------------------------------------------------
# 7.2  A case-insensitive search that behaves the same on SQLite and PostgreSQL
# ---------------------------------------------------------------------------------------------

SEARCHES = [
    ("WIZARD", ["A Wizard of Earthsea"]),
    ("the", ["Parable of the Sower", "The Dispossessed"]),
    (" the", ["Parable of the Sower"]),  # the space is part of the text: "The Dispossessed" starts with it
    ("CiTiEs", ["Invisible Cities"]),
    ("%", []),
    (".", []),
]
# A narrower queryset: the search must filter the one it is given, not all the books.
NARROW = ("published__gte", 1975)
INSENSITIVE = {"iexact", "icontains", "istartswith", "iendswith", "iregex"}
SENSITIVE = {"exact", "contains", "startswith", "endswith", "regex", "in"}

_search_model = {}


def search_model():
    """A book-like model defined by the check, for a table on PostgreSQL (created on first use)."""
    if "model" not in _search_model:

        class Lesson07SearchBook(models.Model):
            title = models.CharField(max_length=200)

            class Meta:
                app_label = "playground"

        _search_model["model"] = Lesson07SearchBook
    return _search_model["model"]


def _columns(expression):
    """The model fields an expression reads."""
    if isinstance(expression, Col):
        return {expression.target.name}
    found = set()
    for source in getattr(expression, "get_source_expressions", lambda: [])():
        if source is not None:
            found |= _columns(source)
    return found


def _lookups(node):
    if isinstance(node, Lookup):
        yield node
    for child in getattr(node, "children", []):
        yield from _lookups(child)


def _raw_sql(node):
    if type(node).__name__ == "ExtraWhere":
        return True
    return any(_raw_sql(child) for child in getattr(node, "children", []))


def case_problem(queryset, text):
    """None if every filter on ``title`` ignores case the same way on every database, else what is wrong."""
    where = queryset.query.where
    if _raw_sql(where):
        return "raw", "it filters with raw SQL (`extra()`), which the check cannot read"
    on_title = [lookup for lookup in _lookups(where) if "title" in _columns(lookup.lhs)]
    if not on_title:
        return "none", "it has no filter on `title` in the database"
    for lookup in on_title:
        name = lookup.lookup_name
        if name in INSENSITIVE:
            continue
        fold = next((f for f in (Lower, Upper) if isinstance(lookup.lhs, f)), None)
        if fold is None:
            if name in SENSITIVE:
                return (
                    "sensitive",
                    f"it uses `title__{name}`, which ignores ASCII case on SQLite but respects it on "
                    f"PostgreSQL, so {text!r} finds different books on the two",
                )
            continue
        rhs = lookup.rhs
        if isinstance(rhs, str):
            folded = rhs.lower() if fold is Lower else rhs.upper()
            if rhs != folded:
                return (
                    "mismatch",
                    f"it compares {fold.__name__}(title) with the text as typed ({rhs!r}); that only "
                    "matches on SQLite, whose LIKE ignores ASCII case",
                )
        elif not isinstance(rhs, fold):
            return (
                "mismatch",
                f"it compares {fold.__name__}(title) with a value that is not folded the same way",
            )
    return None


def _search(function, books, text):
    result = call(function, books, text)
    expect(
        isinstance(result, QuerySet),
        f"search_titles(books, {text!r}) returned {type(result).__name__}, not a QuerySet.",
        "filter the queryset you were given and return it, so the database does the search.",
    )
    expect(
        result.model is books.model,
        f"search_titles returned a queryset of {result.model.__name__}, not of the model it was given.",
        "start from the `books` argument.",
    )
    found = list(result)
    strangers = [item for item in found if not isinstance(item, books.model)]
    if strangers:
        raise Fail(
            f"search_titles(books, {text!r}) returned a QuerySet of {type(strangers[0]).__name__}, not of "
            f"{books.model.__name__} objects.",
            "return the filtered queryset itself, without `values()` or `values_list()`.",
        )
    return sorted(item.title for item in found), result


def _postgres_alias():
    with contextlib.redirect_stdout(io.StringIO()):  # start() explains itself when it cannot run
        return postgres.start()


@exercise("7.2", "search_titles")
def ex2(search_titles):
    """``search_titles(books, text)`` ignores case in the database, the same way on SQLite and PostgreSQL."""
    with data.seeded():
        for text, want in SEARCHES:
            got, queryset = _search(search_titles, Book.objects.all(), text)
            problem = case_problem(queryset, text)
            if problem:
                kind, what = problem
                hints = {
                    "raw": "use a lookup in `filter()`.",
                    "none": "filter `books` with a lookup on `title` instead of filtering in Python.",
                    "sensitive": "use the lookup that ignores case on every database.",
                    "mismatch": "fold both sides the same way.",
                }
                raise Fail(f"search_titles: {what}.", hints[kind])
            expect(
                got == want,
                f"on SQLite, search_titles(books, {text!r}) found {got}, expected {want}.",
                "match titles that contain the text anywhere, ignoring case; treat the text literally.",
            )
        alias = _postgres_alias()
        if alias is None:
            _search_narrow(search_titles)
            return "the lookups ignore case on every database (checked on SQLite; PostgreSQL is not available here)."
        model = search_model()
        cells.table(model, using=alias)
        try:
            model.objects.using(alias).bulk_create(model(title=title) for title, *_ in data.BOOKS)
            for text, want in SEARCHES:
                got, _ = _search(search_titles, model.objects.using(alias).all(), text)
                expect(
                    got == want,
                    f"on PostgreSQL, search_titles(books, {text!r}) found {got}, expected {want}.",
                    "match titles that contain the text anywhere, ignoring case; treat the text literally.",
                )
        finally:
            cells.drop_table(model, using=alias)
        _search_narrow(search_titles)
    return "the search ignores case on SQLite and PostgreSQL alike."


def _search_narrow(search_titles):
    """The search must filter the queryset it is given, which may already be filtered."""
    field, value = NARROW
    narrow = Book.objects.filter(**{field: value})
    allowed = set(narrow.values_list("title", flat=True))
    for text, want in SEARCHES[:3]:
        want = [title for title in want if title in allowed]
        got, _ = _search(search_titles, narrow, text)
        expect(
            got == want,
            f"given only the books published from {value} on, search_titles(books, {text!r}) found {got}, "
            f"expected {want}.",
            "filter the `books` queryset you were given (it may already be filtered), not `Book.objects`.",
        )


# ---------------------------------------------------------------------------------------------
# 7.3  A spawn-safe test module
# ---------------------------------------------------------------------------------------------

SCRIPTS = resources.files(__name__) / "scripts"


def script(name):
    """Return the text of ``scripts/<name>``, a program that a 7.3 check run copies into its directory."""
    return (SCRIPTS / name).read_text(encoding="utf-8")


STAFF_TESTS = script("staff_tests.py")  # the module exercise 7.3 starts from
REQUIRED_TESTS = ["test_there_is_one_staff_author", "test_staff_can_write_books"]
RUN_SECONDS = 45
CHECK_MARKER = "lesson07-check"  # in the environment of every process a 7.3 check starts


def run_under_spawn(source, timeout=None):
    """Run ``source`` as ``test_staff.py`` with ``manage.py test --parallel 2`` under spawn.

    The run has a time limit of its own (``RUN_SECONDS``); whatever stops it (that limit, the check's
    limit, Kernel → Interrupt), no process of the run is left running afterwards.
    """
    timeout = timeout or RUN_SECONDS
    run_id = f"{CHECK_MARKER}-{uuid.uuid4().hex}"
    try:
        return run_python(
            [
                "spawn.py", MANAGE_PY, "test", "test_staff",
                "--parallel", "2", "--noinput", "--testrunner", "check_runner.Runner",
            ],
            timeout=timeout,
            env={
                "DJANGO_SETTINGS_MODULE": "check_settings",
                processes.RUN_MARKER: run_id,
            },
            files={
                "spawn.py": lesson.script("spawn.py"),  # the lesson's own
                "check_runner.py": script("check_runner.py"),
                "check_settings.py": script("check_settings.py"),
                "test_staff.py": source,
            },
        )
    except BaseException as error:
        if isinstance(limits.as_time_limit(error), limits.TimeLimitExceeded):
            limits.disarm()  # the limit has done its work: let the clean-up below run undisturbed
        processes.stop_marked(run_id)
        raise


def _static_problems(source):
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise Fail(
            f"the module has a syntax error on line {error.lineno}: {error.msg}.",
            "run it in a cell of its own (`exec(source)`) or paste it into a file to see the error.",
        ) from None
    methods = {
        node.name: node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in REQUIRED_TESTS
    }
    for wanted in REQUIRED_TESTS:
        expect(
            wanted in methods,
            f"the module no longer defines {wanted}().",
            "keep both tests: make them spawn-safe rather than removing them.",
        )
        asserts = [
            node
            for node in ast.walk(methods[wanted])
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith("assert")
        ]
        expect(
            asserts,
            f"{wanted}() no longer asserts anything.",
            "keep the tests' assertions: a test that checks nothing always passes.",
        )


def _error_lines(output):
    """The lines of a run's output that name an exception (``ValueError: ...``), last one last."""
    pattern = re.compile(r"^[\w.]*(Error|Exception|Exit|Configured)\b:")
    return [line.strip() for line in output.splitlines() if pattern.match(line.strip())]


def _records(output, kind):
    return [line.split(" ", 3)[2:] for line in output.splitlines() if line.startswith(f"CHECK {kind} ")]


@exercise("7.3", "spawn_safe_staff_tests", time_limit=240)
def ex3(spawn_safe_staff_tests):
    """The module returned by ``spawn_safe_staff_tests()`` passes with --parallel 2 under spawn."""
    source = call(spawn_safe_staff_tests) if callable(spawn_safe_staff_tests) else spawn_safe_staff_tests
    expect(
        isinstance(source, str),
        f"spawn_safe_staff_tests() returned {type(source).__name__}, not the module's source text.",
        "return the whole module as one string (a triple-quoted string works).",
    )
    _static_problems(source)
    run = run_under_spawn(source)
    replaced = re.search(r"^CHECK replaced (\d+)", run.output, re.M)
    if replaced:
        errors = _error_lines(run.output)
        raise Fail(
            "the test run hung: spawned workers died"
            + (f" ({errors[-1]})" if errors else "")
            + " and the pool replaced them, so their tests could never finish (the check stopped the run).",
            "every worker imports the module afresh: it must import and set up without the parent's help.",
        )
    expect(
        not run.timed_out,
        f"the test run did not finish within its time limit of {RUN_SECONDS} s, so the check stopped it: "
        "something in the module waits or loops, and the run hung.",
        "run the module's tests yourself (`check.run_under_spawn(source).output`) to see where it stops.",
    )
    started = re.search(r"^CHECK start (\w+) (\d+)$", run.output, re.M)
    if not started:
        errors = _error_lines(run.output)
        raise Fail(
            f"the test run stopped before running any test ({errors[-1] if errors else 'no error shown'}).",
            "run the module's code in a cell to find the error.",
        )
    method, workers = started.group(1), int(started.group(2))
    expect(
        method == "spawn",
        f"the workers were started with {method!r}, not 'spawn': the module changes the start method.",
        "leave the start method alone; make the tests work under spawn.",
    )
    ran = re.search(r"^CHECK ran (\d+)$", run.output, re.M)
    count = int(ran.group(1)) if ran else 0
    expect(
        count > 0,
        "the run reported `Ran 0 tests`: no test ran, so its OK is a false pass.",
        "test classes must be defined at module level, where the runner (and every worker) can import them.",
    )
    failed = {name: (detail[0] if detail else "") for name, *detail in _records(run.output, "failed")}
    if failed:
        first = sorted(failed)[0]
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise Fail(
            f"under spawn, {first} failed: {failed[first] or 'see the traceback in a run of your own'}{more}.",
            "a spawned worker imports the module afresh and never runs the migrations: anything filled in "
            "only in the parent is empty there. Get what a test needs inside the test class.",
        )
    for kind, words in [
        ("skipped", "was skipped"),
        ("expected-failure", "is marked as an expected failure"),
        ("unexpected-success", "is marked as an expected failure"),
    ]:
        names = [record[0] for record in _records(run.output, kind)]
        expect(
            not names,
            f"{names[0] if names else ''} {words}: it does not really pass.",
            "remove the skip or expectedFailure decorator and make the test pass.",
        )
    passed = {record[0] for record in _records(run.output, "passed")}
    missing = [name for name in REQUIRED_TESTS if name not in passed]
    expect(
        not missing,
        f"{', '.join(missing)} did not run.",
        "keep both test classes at module level.",
    )
    expect(
        workers >= 2,
        f"the tests ran in {workers} process: --parallel needs at least two TestCase classes to use two workers.",
        "keep the two test classes separate, so that each worker gets one.",
    )
    asserted = {}  # test name -> [(outcome, where the assertion ran)]
    for test, outcome, where in re.findall(r"CHECK assert (\S+) (ok|failed) ([a-z]+) \d+", run.output):
        asserted.setdefault(test, []).append((outcome, where))
    for test in REQUIRED_TESTS:
        made = asserted.get(test, [])
        expect(
            made,
            f"{test} passed without making a single assertion: it returned (or skipped its checks) before them.",
            "a test that checks nothing always passes: let every assertion run, under spawn too.",
        )
        expect(
            all(outcome == "ok" for outcome, _ in made),
            f"an assertion of {test} failed, but the test caught the AssertionError and passed anyway.",
            "don't wrap assertions in try/except: let a failing assertion fail the test.",
        )
        expect(
            all(where == "spawn" for _, where in made),
            f"{test} ran in the main process, not in a spawned worker.",
            "keep `--parallel` working: two test classes, no change to the runner or the start method.",
        )
    expect(
        run.returncode == 0,
        f"the test run ended with exit status {run.returncode}.",
        "run the module's tests yourself to see why.",
    )
    return f"{count} tests passed in {workers} spawned workers (a suite that passed only under fork would fail here)."


# ---------------------------------------------------------------------------------------------
# Self-check questions of the lesson
# ---------------------------------------------------------------------------------------------

q1 = question(
    "7.Q1",
    answer={"b", "d"},
    choices="abcd",
    explanation="a spawned worker is a new interpreter: it imports the main module again (as `__mp_main__`, so "
    "its `if __name__ == \"__main__\":` block does not run) and receives its tests pickled. Settings configured "
    "and receivers connected only in the parent are missing there, and SQLite's test database reaches it as a "
    "copy, a file loaded into an in-memory database of its own.",
)
q2 = question(
    "7.Q2",
    answer="b",
    choices="abc",
    explanation="Ctrl-C stops the run through unittest's handler; when no test has finished, the result is "
    "`Ran 0 tests` and OK: nothing was tested, so nothing passed. Read the number after `Ran`.",
)
q3 = question(
    "7.Q3",
    answer={"b", "c"},
    choices="abcd",
    explanation="since 4.1.1, creating the manager of an unsaved instance is allowed; queries through it "
    "(`count()`) and changes (`create()`) raise ValueError. A related filter given an unsaved instance only "
    "warns in 4.1 (it matches the rows whose author is NULL); 5.0 raises.",
)

# What a notebook uses, and all that `check.<Tab>` offers.
__all__ = ["ex1", "ex2", "ex3", "q1", "q2", "q3", "STAFF_TESTS", "run_under_spawn"]


def __dir__():
    return __all__
