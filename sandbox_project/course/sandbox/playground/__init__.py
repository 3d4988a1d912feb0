"""The app that models defined in notebook cells belong to.

A model class written in a cell lives in ``__main__``, which is no Django app, so
it must say ``class Meta: app_label = "playground"``. It has no migrations: the
sandbox creates each cell model's table directly (see ``course.cells.table``).
"""
