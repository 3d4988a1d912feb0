"""`python -m course.preflight`: one line per item, OK or FIX with what to do, exit 1 if anything needs fixing."""
import subprocess
import sys

from course import preflight


def test_a_ready_machine_says_ok_for_every_item_and_exits_0():
    result = subprocess.run(
        [sys.executable, "-m", "course.preflight"], capture_output=True, text=True, timeout=240, check=False
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(lines) == len(preflight.checks()) + 1, lines
    assert all(line.startswith(("OK ", "NOTE ")) for line in lines[:-1]), lines
    assert lines[-1] == "Ready for the course."
    assert result.stderr == "", result.stderr


def test_each_problem_is_one_line_naming_the_fix(monkeypatch, capsys):
    status, text = preflight.check_python((3, 12, 1))
    assert status == preflight.FIX and "Python 3.12.1 is outside" in text and "Python 3.11" in text
    assert preflight.check_python((3, 11, 7))[0] == preflight.OK

    real_check_python = preflight.check_python
    monkeypatch.setattr(preflight, "check_python", lambda: real_check_python((3, 12, 1)))
    monkeypatch.setattr(preflight, "check_kernel", lambda: (preflight.OK, "kernel"))
    monkeypatch.setattr(preflight, "check_postgres", lambda: (preflight.NOTE, "no PostgreSQL"))
    assert preflight.main() == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("FIX ") and out[-1].startswith("1 item(s) to fix")


def test_a_wrong_django_is_named_with_the_install_command(monkeypatch):
    import django

    monkeypatch.setattr(django, "get_version", lambda: "5.2.19")
    status, text = preflight.check_django()
    assert status == preflight.FIX and "Django 5.2.19" in text and "requirements.txt" in text
