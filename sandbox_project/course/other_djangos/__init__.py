"""Other Django versions for before/after comparisons: installed on first use, run in child processes.

The notebook-facing names are in ``course.versions`` (``run_under``, ``side_by_side``);
``cache`` installs releases into the per-user cache, ``pythons`` picks an
interpreter a release supports, ``runner`` starts the children, and ``child.py``
is the program they run (by path: it must not import ``course``).
"""
__all__ = []
