"""Add a database to the running sandbox (an extra ``DATABASES`` alias)."""
from django.conf import settings
from django.db import connections

__all__ = ["add_database"]


def add_database(alias, config):
    """Register ``config`` as ``DATABASES[alias]`` (or replace it) and return the alias."""
    if alias in connections.settings and alias in settings.DATABASES:
        connections[alias].close()
        del connections[alias]
    settings.DATABASES[alias] = dict(config)
    # Django's connection handler shares this dict; fill in the defaults of the new entry.
    connections.configure_settings(settings.DATABASES)
    return alias
