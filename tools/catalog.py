"""The course catalog: every lesson's number, title, objectives, minutes, prerequisites and deep dive.

The single source of the navigation: `tools/navigation.py` writes from it the header
cell of every notebook, the previous / map / next links, the course map in
`notebooks/00_start_here.ipynb` and the lesson table in the README. `REPOSITORY` is
the course's one public address: set, it gives every lesson an "Open in Binder"
badge and docs/TEACHING.md its hub links (`tools/launch.py`); unset, nothing is shown.
"""
from dataclasses import dataclass

__all__ = ["REPOSITORY", "BRANCH", "DeepDive", "Lesson", "LESSONS", "lesson_for"]

# The course's public GitHub address, e.g. "https://github.com/owner/name"; None while it has none.
# Set it (and BRANCH), then run `python -m tools build`.
REPOSITORY = None
BRANCH = "main"


@dataclass(frozen=True)
class DeepDive:
    """An optional companion notebook of a lesson: notebooks/NNb_<slug>_deep_dive.ipynb."""

    title: str
    minutes: int


@dataclass(frozen=True)
class Lesson:
    number: str
    slug: str
    title: str
    reading: int  # minutes of reading and running the lesson
    exercising: int  # minutes for the exercises
    objectives: tuple
    prerequisites: str
    deep_dive: DeepDive = None  # e.g. DeepDive("Deep dive: threads, loops and the 4.1.x fixes", 20)

    @property
    def minutes(self):
        return self.reading + self.exercising

    @property
    def lesson(self):
        return f"notebooks/{self.number}_{self.slug}.ipynb"

    @property
    def exercises(self):
        return f"exercises/{self.number}_{self.slug}_exercises.ipynb"

    @property
    def solutions(self):
        return f"solutions/{self.number}_{self.slug}_solutions.ipynb"

    @property
    def deep_dive_notebook(self):
        """Return where this lesson's deep dive lives (whether or not the catalog declares one)."""
        return f"notebooks/{self.number}b_{self.slug}_deep_dive.ipynb"


LESSONS = (
    Lesson(
        "00",
        "start_here",
        "Start here: a Django 4.1 sandbox in your notebook",
        12,
        8,
        (
            "boot a complete Django 4.1.13 in one line, with no project to create and no database to install;",
            "find your way through the course: lessons, exercises, solutions, checks;",
            "know what the sandbox does about the three ways Django breaks inside a Jupyter kernel, and run async code "
            "in a cell with `await`;",
            "define views and templates in cells and run examples from Django's documentation.",
        ),
        "Python, and Django models, views and the test client at the level of the Django tutorial.",
        deep_dive=DeepDive("Deep dive: three traps of Django in a kernel, and a check of your own", 16),
    ),
    Lesson(
        "01",
        "async_views",
        "Async class-based views",
        30,
        15,
        (
            "write a class-based view whose handlers are `async def`, and see how Django recognises it;",
            "call async views from a notebook or an async test with `AsyncClient` and `AsyncRequestFactory`, "
            "and know why the ordinary test `Client` fails there;",
            "avoid the `ImproperlyConfigured` error that mixing `def` and `async def` handlers raises;",
            "tell which thread runs your view under WSGI, under the async test client and under a real ASGI server;",
            "measure what an async view buys under a real ASGI server, and the one mistake that throws it away;",
            "recognise `SynchronousOnlyOperation` inside an async handler and fix it with the async ORM or `sync_to_async`.",
        ),
        "[lesson 00](00_start_here.ipynb); class-based views (`View`, `as_view()`); Python's `async def` and `await`.",
        deep_dive=DeepDive("Deep dive: as_view()'s mark, 4.1's AsyncClient gaps, WSGI threads and the 4.1.2 fix", 15),
    ),
    Lesson(
        "02",
        "async_orm",
        "The async QuerySet interface",
        25,
        20,
        (
            "run every query method of Django 4.1's async interface (`aget()`, `acount()`, `abulk_create()`, ...) "
            "and iterate querysets with `async for`;",
            "tell what 4.1 does not have yet (`asave()`, `aadd()`, ...) and do the same things in 4.1;",
            "see what \"the underlying database operations remain synchronous\" means: which thread runs each query, "
            "what an async query costs, and why `asyncio.gather()` does not run queries in parallel;",
            "fix `SynchronousOnlyOperation` where you will meet it: a lazy foreign key, `transaction.atomic()`, `full_clean()`;",
            "spot a forgotten `await`;",
            "explain why the course pins Django 4.1.13 and not just any 4.1 (in the deep dive).",
        ),
        "[lesson 00](00_start_here.ipynb) (the sandbox and `async_safety()`); `async def` and `await`.",
        deep_dive=DeepDive("Deep dive: the rest of the interface, hops of aiterator(), rollbacks and why 4.1.13", 22),
    ),
    Lesson(
        "03",
        "constraint_validation",
        "Constraints checked during model validation",
        25,
        20,
        (
            "tell what `full_clean()` reports about `Meta.constraints` since Django 4.1, and what still only fails at `save()`;",
            "predict where each constraint error lands (a field or `__all__`) and which message it carries;",
            "switch constraint validation off or narrow it (`validate_constraints=False`, `exclude=`);",
            "show constraint errors in a `ModelForm`, and know what a field left off the form skips;",
            "run the documentation's `Reservation` `ExclusionConstraint` (with `btree_gist`) on a real PostgreSQL, "
            "before and at `save()`.",
        ),
        "[lesson 00](00_start_here.ipynb); Django models with "
        "[`Meta.constraints`](https://docs.djangoproject.com/en/4.1/ref/models/options/#constraints), and ModelForms.",
        deep_dive=DeepDive("Deep dive: validation's queries, error codes, PostgreSQL without btree_gist, deferrable constraints", 30),
    ),
    Lesson(
        "04",
        "logout_post_csrf",
        "Logging out with POST, and CSRF_COOKIE_MASKED",
        25,
        15,
        (
            "see the warning Django 4.1 gives when a user logs out with a GET request, although Python hides it by default;",
            "show why a logout that answers GET is a problem, by playing a victim's browser against another site's page;",
            "write a logout form that keeps working in Django 5.0, and test it with a client that enforces CSRF;",
            "read form markup the way a browser does, and find what is wrong with a logout button from a 4.1 article;",
            "say what the CSRF cookie holds since 4.1, and when the `CSRF_COOKIE_MASKED` setting is needed.",
        ),
        "[lesson 00](00_start_here.ipynb); Django's login and logout views, templates and test client "
        "at the level of the Django tutorial; HTML forms.",
        deep_dive=DeepDive("Deep dive: the warning in a real shell, HEAD, SameSite and CSRF_COOKIE_MASKED turned on", 15),
    ),
    Lesson(
        "05",
        "secret_key_rotation",
        "Rotating SECRET_KEY with SECRET_KEY_FALLBACKS",
        20,
        15,
        (
            "say what Django signs with `SECRET_KEY`, and what a new key leaves alone;",
            "rotate the key with `SECRET_KEY_FALLBACKS` (new in 4.1) so that sessions, signed cookies, flash "
            "messages and password-reset links keep working;",
            "retire the old key, and predict exactly what stops working at that moment;",
            "see the same rotation run on Django 4.0, 4.1, 4.2 and 5.2, and know why 4.1.8 matters;",
            "run a rotation in production with a short runbook (its sharp edges are in the deep dive).",
        ),
        "[lesson 00](00_start_here.ipynb); Django sessions, `login()` and the test client.",
        deep_dive=DeepDive("Deep dive: the session auth hash and 4.1.8, sharp edges, the runbook in detail", 23),
    ),
    Lesson(
        "06",
        "div_forms_json_script",
        "Div-based forms and json_script without an id",
        25,
        15,
        (
            "render a form with `as_div()` and compare what the four output styles give people who use screen readers;",
            "switch `{{ form }}` to the div template in Django 4.1, for one form or for a whole project, "
            "and see what 4.0, 4.2 and 5.2 render;",
            "write a form template of your own, and know that the default renderer caches form templates;",
            "hand data to page JavaScript with `json_script`, with or without an element id, and see why its escaping matters.",
        ),
        "[lesson 00](00_start_here.ipynb); Django forms and templates at the level of the "
        "[Django tutorial](https://docs.djangoproject.com/en/4.1/intro/tutorial04/).",
        deep_dive=DeepDive("Deep dive: the div template, the renderer and template caches, formsets, json_script details", 24),
    ),
    Lesson(
        "07",
        "parallel_tests_upgrade",
        "Parallel tests under spawn, and upgrading to 4.1",
        25,
        20,
        (
            "run a Django test suite in parallel with the `spawn` start method (the default on macOS and Windows) "
            "and read what the runner does: workers that set up Django themselves, one copy of the test database each;",
            "make a test suite spawn-safe, and recognise the two ways an unsafe one misleads you: a run that hangs, "
            "and a run that reports `Ran 0 tests ... OK`;",
            "find and fix code hit by 4.1's backwards-incompatible changes: reverse foreign-key managers and related "
            "filters on unsaved instances, `contains` on SQLite versus PostgreSQL, database version floors, Python versions;",
            "apply an upgrade checklist from 4.0 to 4.1 that also prepares for 5.0.",
        ),
        "[lesson 00](00_start_here.ipynb); `manage.py test` and `django.test.TestCase` at the level of the "
        "[testing tutorial](https://docs.djangoproject.com/en/4.1/intro/tutorial05/). The PostgreSQL parts use the "
        "embedded server from [lesson 03](03_constraint_validation.ipynb); they are skipped where it cannot run.",
        deep_dive=DeepDive(
            "Deep dive: the spawn runner step by step, unsaved instances on 4.0–5.2, version floors and a mail breakage",
            20,
        ),
    ),
    Lesson(
        "98",
        "glossary",
        "Glossary: the terms of the course",
        15,
        0,
        (
            "look up a term of the course in a few sentences, with a link to the Django 4.1 or Python docs;",
            "find the lesson that teaches it.",
        ),
        "none; each entry links to the lesson that teaches it.",
    ),
    Lesson(
        "99",
        "cheat_sheet",
        "Cheat sheet: Django 4.1 on one page",
        15,
        0,
        (
            "recall each change of Django 4.1 as code before and since 4.1, with one example run;",
            "remember the one trap of each change, and what Django 5.0 did next.",
        ),
        "none; each section links to the lesson that explains it.",
    ),
)



def lesson_for(path):
    """The catalog entry of a notebook path (any kind, deep dives included), or None."""
    from pathlib import Path

    number = Path(path).name[:2]
    return next((lesson for lesson in LESSONS if lesson.number == number), None)
