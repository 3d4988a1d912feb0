"""The house keeps its shape: no sys.path edits, a plain Django project, no import cycles, complete indexes."""
import ast
import re
import subprocess
from pathlib import Path

from tools import layout

ROOT = layout.ROOT
COURSE = ROOT / "sandbox_project" / "course"


def tracked_python_files():
    names = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in names.split()] or sorted(ROOT.rglob("*.py"))


def imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or "")


def test_no_file_edits_sys_path():
    offenders = [
        str(path.relative_to(ROOT))
        for path in tracked_python_files()
        if re.search(r"sys\.path\.(insert|append)\(", path.read_text(encoding="utf-8"))
        and path != Path(__file__).resolve()
    ]
    assert offenders == []


def test_the_django_project_knows_nothing_of_the_course():
    for package in ("library_site", "library"):
        for path in (ROOT / "sandbox_project" / package).rglob("*.py"):
            names = list(imports(path))
            assert not [n for n in names if n == "course" or n.startswith("course.")], path
            assert not re.search(r"\bcourse\.[a-z]", path.read_text(encoding="utf-8")), path


def test_the_tools_have_no_import_cycle():
    graph = {}
    for path in (ROOT / "tools").glob("*.py"):
        here = path.stem
        targets = set()
        for name in imports(path):
            if name.startswith(".") and name.strip("."):
                targets.add(name.strip(".").split(".")[0])
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
                targets |= {alias.name for alias in node.names}
        graph[here] = targets

    def visit(node, trail):
        assert node not in trail, " -> ".join([*trail, node])
        for nxt in graph.get(node, ()):
            visit(nxt, [*trail, node])

    for node in graph:
        visit(node, [])


def test_the_course_index_names_every_module():
    index = (COURSE / "__init__.py").read_text(encoding="utf-8")
    modules = {p.stem for p in COURSE.glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in COURSE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    missing = sorted(m for m in modules if f"course.{m}" not in index)
    assert missing == [], f"course/__init__.py does not list {missing}"


def test_the_tools_index_names_every_module():
    index = (ROOT / "tools" / "__init__.py").read_text(encoding="utf-8")
    modules = {p.stem for p in (ROOT / "tools").glob("*.py") if not p.stem.startswith("__")}
    assert sorted(m for m in modules if f"``{m}``" not in index) == []


def test_the_readme_layout_names_every_top_level_folder():
    readme = layout.README.read_text(encoding="utf-8")
    for folder in ("notebooks", "exercises", "solutions", "sandbox_project", "tests", "tools", "docs", ".ci"):
        assert f"`{folder}/" in readme or f"`{folder}`" in readme, folder
