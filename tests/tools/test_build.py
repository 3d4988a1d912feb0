"""One command rebuilds everything generated; `--check` fails on any drift."""
import subprocess
import sys

from tools import build, layout


def test_everything_generated_is_up_to_date(capsys):
    assert build.build(check=True), capsys.readouterr().out


def test_the_command_line_check_exits_0_and_names_no_file():
    result = subprocess.run(
        [sys.executable, "-m", "tools", "build", "--check"], cwd=layout.ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_the_cell_timeout_is_the_same_in_pytest_ini():
    assert f"--nbval-cell-timeout={layout.CELL_TIMEOUT}" in (layout.ROOT / "pytest.ini").read_text()
