"""Models and views defined in notebook cells.

A model written in a cell needs ``class Meta: app_label = "playground"`` and a
table. ``table`` creates it (and re-creates it when the cell runs again with a
changed definition)::

    @table
    class Gadget(models.Model):
        name = models.CharField(max_length=20)

        class Meta:
            app_label = "playground"

A view is reachable through the test clients and the ASGI server once mounted::

    mount("hello/", HelloView.as_view(), name="hello")

A template is found by name, by ``render()``, ``TemplateResponse``,
``{% include %}``, ``{% extends %}`` and a form's ``template_name``, once
defined::

    template("index.html", "<h1>{{ title }}</h1>")

Mounting a route or defining a template again replaces the earlier one. None of
them writes a file. A model that only PostgreSQL can hold (an exclusion
constraint, a range or array field, a PostgreSQL index) given a SQLite table
stops with one sentence naming the sandbox's PostgreSQL helper.
"""
from django.apps import apps
from django.db import connections
from django.urls import clear_url_caches, path

from .versions import CourseSetupError

__all__ = ["table", "drop_table", "database_for", "mount", "unmount", "template", "PostgresOnly"]


class PostgresOnly(CourseSetupError):
    """A model that needs PostgreSQL was given a table on another database."""

_created = {}  # (database alias, db_table) -> the model class whose table exists
_homes = {}  # model label ("playground.gadget") -> the alias its table was created in


def table(model=None, *, using="default"):
    """Create (or re-create) the database table of a model defined in a cell.

    Usable as ``@table``, ``@table(using="postgres")`` or ``table(Model)``.
    Returns the model, so it works as a class decorator.
    """
    if model is None:
        return lambda model: table(model, using=using)
    connection = connections[using]
    needs = postgres_only_parts(model)
    if needs and connection.vendor != "postgresql":
        raise PostgresOnly(
            f"{model.__name__} uses {', '.join(needs)}, which only PostgreSQL has, and `{using}` is "
            f"{connection.display_name}: start the sandbox's PostgreSQL with `alias = postgres.start()` "
            f"(from course import postgres) and create the table with `table({model.__name__}, using=alias)`."
        )
    name = model._meta.db_table
    with connection.schema_editor() as editor:
        if name in connection.introspection.table_names():
            editor.delete_model(_created.get((using, name), model))
        editor.create_model(model)
    _created[(using, name)] = model
    _homes[model._meta.label_lower] = using
    apps.clear_cache()
    return model


def postgres_only_parts(model):
    """What in ``model`` only PostgreSQL supports: exclusion constraints, its fields and indexes."""
    found = []
    for constraint in model._meta.constraints:
        if type(constraint).__module__.startswith("django.contrib.postgres"):
            found.append(f"{type(constraint).__name__} {constraint.name!r}")
    for index in model._meta.indexes:
        if type(index).__module__.startswith("django.contrib.postgres"):
            found.append(f"{type(index).__name__} {index.name!r}")
    for field in model._meta.local_fields:
        if type(field).__module__.startswith("django.contrib.postgres"):
            found.append(f"{type(field).__name__} {field.name!r}")
    return found


def database_for(model):
    """The database alias a cell model's table was created in (None if not a cell model)."""
    return _homes.get(model._meta.label_lower)


def drop_table(model, *, using="default"):
    """Drop a cell model's table (if it exists)."""
    connection = connections[using]
    name = model._meta.db_table
    if name in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.delete_model(_created.get((using, name), model))
    _created.pop((using, name), None)
    _homes.pop(model._meta.label_lower, None)


def mount(route, view, name=None):
    """Serve ``view`` at ``/route``; mounting a route again replaces its view."""
    from .sandbox import urls

    unmount(route)
    urls.cell_patterns.append(path(route, view, name=name))
    clear_url_caches()
    return "/" + route


def unmount(route):
    """Remove the view mounted at ``route`` (if any)."""
    from .sandbox import urls

    urls.cell_patterns[:] = [p for p in urls.cell_patterns if str(p.pattern) != route]
    clear_url_caches()


def template(name, source):
    """Define (or redefine) the template ``name``, kept in memory; return ``name``.

    Project templates (``render()``, ``TemplateResponse``, ``get_template``,
    ``{% include %}``, ``{% extends %}``) and form templates (``template_name``
    of a form, rendered by the default form renderer) both find it.
    """
    from .sandbox import templates

    templates.define(name, source)
    return name
