"""Rebuild everything generated from the sources, or report what drifted.

Generated: every notebook's header and navigation cells, the course map (in
00_start_here and the README), and the exercise notebooks (from the solutions).
``build()`` writes what differs; ``build(check=True)`` writes nothing and lists it.
"""
from . import exercises, layout, navigation

__all__ = ["build"]


def planned():
    """(path, expected text) for every generated file: navigation first, then exercises from it."""
    yield from navigation.planned()
    yield from exercises.planned()


def build(check=False, out=print):
    """Write (or, with ``check``, list) every generated file that is out of date; True if all is current."""
    stale = []
    for path, text in planned():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.relative_to(layout.ROOT))
        if not check:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            out(f"wrote {path.relative_to(layout.ROOT)}")
    orphans = [path.relative_to(layout.ROOT) for path in exercises.orphans()]
    if check and (stale or orphans):
        out("Generated files are out of date; run `python -m tools build`:")
        out("\n".join([f"  {path}" for path in stale] + [f"  {path} has no solution notebook" for path in orphans]))
    elif orphans:
        out("\n".join(f"{path} has no solution notebook: delete it" for path in orphans))
    return not (stale if check else []) and not orphans
