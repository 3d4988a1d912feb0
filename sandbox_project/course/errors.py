"""Short tracebacks in notebook cells: the learner's lines and the exception, not the framework's frames.

An error raised inside Django shows, by default, every frame between the cell
and the ``raise``: dozens of lines of Django internals, each with a path of the
machine that ran it. After ``boot()``, a cell's error shows instead::

    Cell In[12], line 3
        book.full_clean()
      … 4 frames inside libraries hidden (course.errors.full_tracebacks() shows them)
    django.core.exceptions.ValidationError: {'__all__': ['A loan cannot end before it starts.']}

The exception is the real one, raised for real, with Django's exact message;
only the frames outside notebook cells are left out. ``full_tracebacks()``
brings back IPython's usual traceback for the rest of the kernel's life, and
``short_tracebacks()`` the short one again.
"""
import builtins
import linecache
import traceback

__all__ = ["install", "full_tracebacks", "short_tracebacks", "short_traceback"]

_state = {"short": True}


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - the course always has IPython
        return None
    return get_ipython()


def install():
    """Make the running IPython shell show short tracebacks (idempotent; no shell, nothing to do)."""
    shell = _shell()
    formatter = getattr(shell, "InteractiveTB", None)
    if formatter is None or getattr(formatter, "course_original", None) is not None:
        return
    original = formatter.structured_traceback

    def structured_traceback(etype, evalue=None, etb=None, *args, **kwargs):
        if _state["short"] and evalue is not None:
            try:
                return short_traceback(etype, evalue, etb, shell.compile.format_code_name)
            except Exception:  # noqa: BLE001 - never lose an error because its short form failed
                pass
        return original(etype, evalue, etb, *args, **kwargs)

    formatter.course_original = original
    formatter.structured_traceback = structured_traceback


def full_tracebacks():
    """Show IPython's full tracebacks (every frame) from now on."""
    _state["short"] = False


def short_tracebacks():
    """Show short tracebacks again (the default after ``boot()``)."""
    _state["short"] = True


def exception_name(etype):
    """``ValueError`` for builtins, ``django.core.exceptions.ValidationError`` for the rest."""
    if getattr(builtins, etype.__name__, None) is etype:
        return etype.__name__
    return f"{etype.__module__}.{etype.__qualname__}"


def short_traceback(etype, evalue, etb, cell_name):
    """The lines of a short traceback; ``cell_name(filename)`` is ``("Cell", "In[3]")`` for a cell, else None."""
    lines = []
    hidden = 0
    for frame, lineno in traceback.walk_tb(etb):
        name = cell_name(frame.f_code.co_filename)
        if name is None:
            hidden += 1
            continue
        if hidden and lines:
            lines.append(_hidden(hidden))
        hidden = 0
        source = linecache.getline(frame.f_code.co_filename, lineno).strip()
        lines.append(f"{' '.join(name)}, line {lineno}" + (f", in {frame.f_code.co_name}" if frame.f_code.co_name != "<module>" else ""))
        if source:
            lines.append(f"    {source}")
    if hidden:
        lines.append(_hidden(hidden))
    message = str(evalue)
    lines.append(f"{exception_name(etype)}: {message}" if message else exception_name(etype))
    return ["\n".join(lines)]


def _hidden(count):
    frames = "frame" if count == 1 else "frames"
    return f"  … {count} {frames} inside libraries hidden (course.errors.full_tracebacks() shows them)"
