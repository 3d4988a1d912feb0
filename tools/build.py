"""Rebuild everything generated from the sources, or report what drifted.

Generated: every notebook's header and navigation cells (deep dives included), the course
map (in 00_start_here and the README), the README's Binder badge, the launch links in
docs/TEACHING.md, and the exercise notebooks (from the solutions). ``build()`` writes what
differs; ``build(check=True)`` writes nothing and lists it. Either way it names what no build
can fix: an exercise notebook without its solutions, a deep dive missing or not in the catalog.
"""
from . import exercises, launch, layout, navigation

__all__ = ["build", "planned", "problems"]


def planned():
    """(path, expected text) for every generated file: navigation first, then exercises from it."""
    yield from navigation.planned()
    yield from launch.planned()
    yield from exercises.planned()


def problems():
    """List what a person must fix by hand, one line each."""
    orphans = [f"{path.relative_to(layout.ROOT)} has no solution notebook: delete it" for path in exercises.orphans()]
    return orphans + navigation.deep_dive_problems()


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
    if check and stale:
        out("Generated files are out of date; run `python -m tools build`:")
        out("\n".join(f"  {path}" for path in stale))
    found = problems()
    if found:
        out("To fix by hand (no build can):")
        out("\n".join(f"  {line}" for line in found))
    return not (stale if check else []) and not found
