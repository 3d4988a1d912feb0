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

Mounting the same route again replaces the earlier view. Neither writes a file.
"""
from django.apps import apps
from django.db import connections
from django.urls import clear_url_caches, path

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
    name = model._meta.db_table
    with connection.schema_editor() as editor:
        if name in connection.introspection.table_names():
            editor.delete_model(_created.get((using, name), model))
        editor.create_model(model)
    _created[(using, name)] = model
    _homes[model._meta.label_lower] = using
    apps.clear_cache()
    return model


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
    from course import urls

    unmount(route)
    urls.cell_patterns.append(path(route, view, name=name))
    clear_url_caches()
    return "/" + route


def unmount(route):
    """Remove the view mounted at ``route`` (if any)."""
    from course import urls

    urls.cell_patterns[:] = [p for p in urls.cell_patterns if str(p.pattern) != route]
    clear_url_caches()
