"""Replace the generated part of a text file: what stands between ``<!-- name -->`` and ``<!-- /name -->``."""
import re

__all__ = ["MissingMarkers", "replace_between"]


class MissingMarkers(ValueError):
    pass


def replace_between(text, name, body, where="the file"):
    """Return ``text`` with the part between the ``name`` markers replaced by ``body`` (empty: nothing)."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise MissingMarkers(f"{where} has no `{start}` ... `{end}` markers for its generated part")
    inner = f"\n{body}\n" if body else "\n"
    return pattern.sub(lambda _: f"{start}{inner}{end}", text, count=1)
