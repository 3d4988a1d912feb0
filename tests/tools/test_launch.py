"""Launch links: one repository address in the catalog; badges and hub links exactly when it is set.

Headers, the README and TEACHING.md are rendered from texts in memory: the real files are never written.
"""
import dataclasses
from urllib.parse import parse_qs, urlparse

import pytest

from tools import catalog, launch, layout, markers, navigation

ADDRESS = "https://github.com/owner/name"
LESSON = catalog.LESSONS[1]  # 01
README = "# Course\n\n<!-- binder -->\n<!-- /binder -->\n\n<!-- course-map -->\n<!-- /course-map -->\n"
TEACHING = "# Teaching\n\n<!-- launch-links -->\n<!-- /launch-links -->\n\nMore.\n"


@pytest.fixture
def unset(monkeypatch):
    monkeypatch.setattr(catalog, "REPOSITORY", None)


@pytest.fixture
def address(monkeypatch):
    monkeypatch.setattr(catalog, "REPOSITORY", ADDRESS)
    monkeypatch.setattr(catalog, "BRANCH", "main")


@pytest.fixture
def with_deep_dive(monkeypatch):
    """Lesson 01 of the real catalog, given a deep dive (in memory)."""
    lesson = dataclasses.replace(LESSON, deep_dive=catalog.DeepDive("Deep dive: threads", 20))
    monkeypatch.setattr(catalog, "LESSONS", tuple(lesson if entry == LESSON else entry for entry in catalog.LESSONS))
    return lesson


def test_unset_shows_no_badge_and_no_link_anywhere(unset, with_deep_dive):
    assert launch.binder_url(LESSON.lesson) == launch.binder_badge(LESSON.lesson) == launch.nbgitpuller_url() == ""
    texts = [
        navigation.header_text(with_deep_dive, "lesson"),
        navigation.header_text(with_deep_dive, "deep_dive"),
        navigation.readme_text(README),
        launch.teaching_text(TEACHING),
    ]
    for text in texts:
        assert "mybinder" not in text and "Binder](" not in text and "git-pull" not in text
    assert navigation.readme_text(README).startswith("# Course\n\n<!-- binder -->\n<!-- /binder -->\n")


def test_unset_teaching_says_how_to_set_the_address(unset):
    text = launch.teaching_text(TEACHING)
    assert "`REPOSITORY = \"https://github.com/owner/name\"`" in text and "tools/catalog.py" in text
    assert "`python -m tools build`" in text
    assert text.endswith("<!-- /launch-links -->\n\nMore.\n")


def test_set_every_lesson_and_deep_dive_header_has_its_own_badge(address, with_deep_dive):
    badge = (
        "[![Binder](https://mybinder.org/badge_logo.svg)]"
        "(https://mybinder.org/v2/gh/owner/name/main?labpath=notebooks%2F01_async_views.ipynb)"
    )
    assert launch.binder_badge("notebooks/01_async_views.ipynb") == badge
    lines = navigation.header_text(with_deep_dive, "lesson").splitlines()
    assert lines[:3] == [f"# 01 · {LESSON.title}", "", badge]
    dive = navigation.header_text(with_deep_dive, "deep_dive").splitlines()
    assert dive[2] == badge.replace("01_async_views.ipynb", "01b_async_views_deep_dive.ipynb")
    for kind in ("exercises", "solutions"):
        assert "mybinder" not in navigation.header_text(with_deep_dive, kind)


def test_set_the_readme_carries_the_badge_of_the_start_notebook(address):
    text = navigation.readme_text(README)
    assert "<!-- binder -->\n[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/owner/name/main?labpath=notebooks%2F00_start_here.ipynb)\n<!-- /binder -->" in text
    assert navigation.readme_text(text) == text


def test_set_teaching_shows_the_nbgitpuller_link_for_a_hub(address):
    url = launch.nbgitpuller_url()
    assert url == (
        "https://HUB/hub/user-redirect/git-pull?repo=https%3A//github.com/owner/name&branch=main"
        "&urlpath=lab/tree/name/notebooks/00_start_here.ipynb"
    )
    query = parse_qs(urlparse(url).query)
    assert query == {"repo": [ADDRESS], "branch": ["main"], "urlpath": ["lab/tree/name/notebooks/00_start_here.ipynb"]}
    text = launch.teaching_text(TEACHING)
    assert url in text and launch.binder_badge(launch.START) in text and "`~/name`" in text
    assert launch.teaching_text(text) == text


def test_another_branch_is_used_everywhere(address, monkeypatch):
    monkeypatch.setattr(catalog, "BRANCH", "spring-2027")
    assert launch.binder_url("notebooks/x.ipynb") == "https://mybinder.org/v2/gh/owner/name/spring-2027?labpath=notebooks%2Fx.ipynb"
    assert "&branch=spring-2027&" in launch.nbgitpuller_url("hub.example.org")


@pytest.mark.parametrize("bad", ["https://gitlab.com/owner/name", "github.com/owner/name", "https://github.com/owner"])
def test_only_a_github_address_is_accepted(monkeypatch, bad):
    monkeypatch.setattr(catalog, "REPOSITORY", bad)
    with pytest.raises(ValueError, match="GitHub address"):
        launch.binder_url("notebooks/x.ipynb")


def test_a_trailing_git_or_slash_is_the_same_repository():
    assert launch.github_name("https://github.com/owner/name.git") == launch.github_name("https://github.com/owner/name/") == "owner/name"


def test_markers_replace_only_their_part_and_say_when_they_are_missing():
    text = "a\n<!-- x -->\nold\n<!-- /x -->\nb\n"
    assert markers.replace_between(text, "x", "new") == "a\n<!-- x -->\nnew\n<!-- /x -->\nb\n"
    assert markers.replace_between(text, "x", "") == "a\n<!-- x -->\n<!-- /x -->\nb\n"
    with pytest.raises(markers.MissingMarkers, match="README.md has no `<!-- y -->`"):
        markers.replace_between(text, "y", "new", "README.md")


def test_the_real_readme_and_teaching_guide_have_their_markers():
    assert "<!-- binder -->" in layout.README.read_text(encoding="utf-8")
    assert "<!-- launch-links -->" in layout.TEACHING.read_text(encoding="utf-8")
