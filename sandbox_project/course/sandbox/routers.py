"""Send each model defined in a cell to the database its table was created in.

``course.cells.table(Model, using="postgres")`` creates the table on PostgreSQL;
this router then makes ``Model.objects``, ``full_clean()`` (constraint
validation) and ``save()`` use that database without ``.using()`` everywhere.
"""
from .. import cells


class CellModelRouter:
    def db_for_read(self, model, **hints):
        return cells.database_for(model)

    def db_for_write(self, model, **hints):
        return cells.database_for(model)

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Only the default database is migrated; cell models get tables from table().
        return db == "default"
