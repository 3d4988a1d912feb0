"""Templates defined in cells (``course.cells.template``), kept in memory.

The sandbox's ``TEMPLATES`` setting puts Django's ``locmem`` loader, reading
``CELL_TEMPLATES``, before the file loaders. Forms are rendered by another
engine, the default form renderer's, whose loaders Django caches (since 4.1,
also with ``DEBUG`` on); ``define()`` puts the same in-memory loader in front
of them and empties that cache, so a redefined form template shows at once.
"""
__all__ = ["CELL_TEMPLATES", "define"]

CELL_TEMPLATES = {}


def define(name, source):
    CELL_TEMPLATES[name] = source
    _form_renderer_sees_cell_templates()


def _form_renderer_sees_cell_templates():
    from django.forms.renderers import get_default_renderer
    from django.template.loaders.locmem import Loader

    renderer = get_default_renderer()
    engine = getattr(getattr(renderer, "engine", None), "engine", None)  # the DjangoTemplates backend's Engine
    if engine is None:
        return
    for loader in engine.template_loaders:
        inner = getattr(loader, "loaders", None)  # the cached loader wraps the others
        if inner is not None:
            if not any(isinstance(each, Loader) for each in inner):
                inner.insert(0, Loader(engine, CELL_TEMPLATES))
            loader.reset()
