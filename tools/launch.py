"""Launch links from the catalog's one repository address: Binder badges and the nbgitpuller link for a hub.

``catalog.REPOSITORY`` (a GitHub address) and ``catalog.BRANCH`` are the only inputs. While the
address is None every badge is "" and docs/TEACHING.md says how to set it: no link ever points at an
invented repository. Formats: mybinder.org's ``/v2/gh/<owner>/<name>/<branch>?labpath=<path>``, and
nbgitpuller's ``https://<hub>/hub/user-redirect/git-pull?repo=...&branch=...&urlpath=lab/tree/<name>/<path>``
(https://nbgitpuller.readthedocs.io/en/latest/topic/url-options.html).
"""
from urllib.parse import quote, urlencode, urlparse

from . import catalog, layout, markers

__all__ = ["START", "github_name", "binder_url", "binder_badge", "nbgitpuller_url", "teaching_text", "planned"]

START = "notebooks/00_start_here.ipynb"
BADGE = "https://mybinder.org/badge_logo.svg"
TEACHING_MARKER = "launch-links"


def github_name(repository=None):
    """Return ``owner/name`` of a GitHub address such as ``https://github.com/owner/name``."""
    address = repository or catalog.REPOSITORY
    parts = urlparse(address)
    path = parts.path.strip("/").removesuffix(".git")
    if parts.scheme != "https" or parts.netloc != "github.com" or path.count("/") != 1:
        raise ValueError(f"REPOSITORY must be a GitHub address like https://github.com/owner/name, not {address!r}")
    return path


def binder_url(path):
    """Return the mybinder.org address that opens repo-relative ``path`` in JupyterLab ("" while unset)."""
    if catalog.REPOSITORY is None:
        return ""
    return f"https://mybinder.org/v2/gh/{github_name()}/{quote(catalog.BRANCH, safe='')}?labpath={quote(path, safe='')}"


def binder_badge(path):
    """Return the Markdown "Open in Binder" badge for ``path`` ("" while unset)."""
    url = binder_url(path)
    return f"[![Binder]({BADGE})]({url})" if url else ""


def nbgitpuller_url(hub="HUB", path=START):
    """Return the nbgitpuller link that clones the course on ``hub`` and opens ``path`` ("" while unset)."""
    if catalog.REPOSITORY is None:
        return ""
    name = github_name().split("/")[1]
    query = {"repo": catalog.REPOSITORY, "branch": catalog.BRANCH, "urlpath": f"lab/tree/{name}/{path}"}
    return f"https://{hub}/hub/user-redirect/git-pull?{urlencode(query, safe='/')}"


def unset_text():
    return (
        "*The course has no public repository address yet, so it shows no Binder badge and no hub link.* To publish "
        "them, set the address in `tools/catalog.py`, e.g. `REPOSITORY = \"https://github.com/owner/name\"` (and "
        "`BRANCH` if it is not `main`), then run `python -m tools build`: the README and every lesson's header get an "
        "\"Open in Binder\" badge for that notebook, and this section shows the nbgitpuller link for your hub."
    )


def set_text():
    name = github_name().split("/")[1]
    return "\n".join(
        [
            f"**Binder**, for one learner with nothing to install: {binder_badge(START)} opens `00_start_here` from "
            f"[{github_name()}]({catalog.REPOSITORY}) (branch `{catalog.BRANCH}`); every lesson's header has a badge "
            "for its own notebook. A Binder server is temporary: download your notebooks before closing it.",
            "",
            "**A JupyterHub with nbgitpuller** (`python -m pip install nbgitpuller` in the users' server environment): "
            "give the class this link, with `HUB` replaced by your hub's address:",
            "",
            "```text",
            nbgitpuller_url(),
            "```",
            "",
            f"On first use it clones the repository into `~/{name}` and opens `00_start_here`; later clicks merge the "
            "repository's updates without overwriting a learner's edits.",
        ]
    )


def teaching_text(current):
    """Return docs/TEACHING.md's text ``current`` with its launch-links part regenerated."""
    body = set_text() if catalog.REPOSITORY is not None else unset_text()
    return markers.replace_between(current, TEACHING_MARKER, body, "docs/TEACHING.md")


def planned():
    """Yield (path, expected text) for docs/TEACHING.md."""
    yield layout.TEACHING, teaching_text(layout.TEACHING.read_text(encoding="utf-8"))
