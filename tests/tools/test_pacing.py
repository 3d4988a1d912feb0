"""tools.pacing: one stated formula, on a tiny fixture notebook with known words, cells and lines."""
import dataclasses
import subprocess
import sys
from pathlib import Path

from tools import catalog, layout, pacing

FIXTURE = Path(__file__).parent / "fixtures" / "pacing_fixture.ipynb"


def test_the_fixture_counts_only_what_a_learner_reads_and_runs():
    # 100 + 50 Markdown words (the header, map and nav cells' words are generated, and raw cells are not read),
    # 3 code cells, 1 + 8 + 3 non-blank code lines.
    assert pacing.estimate(FIXTURE) == pacing.Estimate(words=150, code_cells=3, code_lines=12)


def test_minutes_are_the_formula_rounded_up():
    assert pacing.estimate(FIXTURE).minutes == 4  # 150/150 + 3 × 0.5 + 12/20 = 3.1
    assert pacing.Estimate(words=300, code_cells=2, code_lines=20).minutes == 4  # exactly 2 + 1 + 1
    assert pacing.Estimate(words=151, code_cells=0, code_lines=0).minutes == 2
    assert pacing.Estimate(words=0, code_cells=0, code_lines=0).minutes == 0


def test_the_formula_is_stated_with_the_constants_it_uses():
    for text in (pacing.FORMULA, pacing.__doc__):
        assert "Markdown words / 150" in text and "0.5" in text and "code lines / 20" in text


def fixture_course(tmp_path, monkeypatch, reading, deep_dive=None, with_dive_notebook=True):
    (tmp_path / "notebooks").mkdir()
    lesson = dataclasses.replace(catalog.LESSONS[1], number="01", slug="demo", reading=reading, deep_dive=deep_dive)
    (tmp_path / lesson.lesson).write_bytes(FIXTURE.read_bytes())
    if deep_dive and with_dive_notebook:
        (tmp_path / lesson.deep_dive_notebook).write_bytes(FIXTURE.read_bytes())
    monkeypatch.setattr(layout, "ROOT", tmp_path)
    monkeypatch.setattr(catalog, "LESSONS", (lesson, dataclasses.replace(lesson, number="99", slug="ref")))
    return lesson


def test_a_core_within_its_minutes_is_ok(tmp_path, monkeypatch):
    fixture_course(tmp_path, monkeypatch, reading=4)
    assert [(lesson.number, core, dive, over) for lesson, core, dive, over in pacing.rows()] == [("01", 4, None, False)]


def test_a_core_over_its_minutes_is_over(tmp_path, monkeypatch):
    fixture_course(tmp_path, monkeypatch, reading=3)
    assert [(core, over) for _, core, _, over in pacing.rows()] == [(4, True)]
    lines = []
    assert pacing.report(out=lines.append) is False
    assert lines[2].split() == ["01", "4", "/", "3", "15", "–", "OVER"]


def test_a_deep_dive_is_paced_against_its_own_minutes(tmp_path, monkeypatch):
    fixture_course(tmp_path, monkeypatch, reading=10, deep_dive=catalog.DeepDive("Deep dive: more", 3))
    assert [(core, dive, over) for _, core, dive, over in pacing.rows()] == [(4, 4, True)]
    lines = []
    assert pacing.report(out=lines.append) is False
    assert lines[0] == f"Pacing estimate: {pacing.FORMULA}."
    assert lines[2].split() == ["01", "4", "/", "10", "15", "4", "/", "3", "OVER"]


def test_a_declared_deep_dive_without_its_notebook_is_reported_missing(tmp_path, monkeypatch):
    fixture_course(tmp_path, monkeypatch, reading=10, deep_dive=catalog.DeepDive("Deep dive", 30), with_dive_notebook=False)
    lines = []
    assert pacing.report(out=lines.append) is False
    assert "missing / 30" in lines[2]


def test_the_command_prints_every_lesson_and_fails_only_with_check():
    result = subprocess.run([sys.executable, "-m", "tools", "pacing"], cwd=layout.ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert pacing.FORMULA in result.stdout
    numbers = [line.split()[0] for line in result.stdout.splitlines()[2:]]
    assert numbers == [f"{n:02d}" for n in range(8)]
    checked = subprocess.run([sys.executable, "-m", "tools", "pacing", "--check"], cwd=layout.ROOT, capture_output=True, text=True)
    assert checked.returncode == (1 if " OVER" in checked.stdout else 0)
    assert checked.stdout.splitlines()[:2] == result.stdout.splitlines()[:2]


def test_every_core_and_every_deep_dive_fits_its_declared_minutes():
    over = [
        f"{lesson.number}: core {core} min for {lesson.reading}"
        + ("" if lesson.deep_dive is None else f", deep dive {deep} min for {lesson.deep_dive.minutes}")
        for lesson, core, deep, is_over in pacing.rows()
        if is_over
    ]
    assert over == [], f"trim the core or move material into the deep dive (`python -m tools pacing`): {over}"
