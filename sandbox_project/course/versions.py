"""The Django and Python versions the course is written for, and what to say otherwise."""
import sys
import warnings

__all__ = ["DJANGO_SERIES", "DJANGO_PIN", "PYTHONS", "CourseSetupError", "UnsupportedPythonWarning", "require_django", "warn_if_python_unsupported"]

DJANGO_SERIES = (4, 1)
DJANGO_PIN = "4.1.13"
PYTHONS = ((3, 8), (3, 11))  # Django 4.1's supported range (3.11 from 4.1.3)

_python_warned = False


class CourseSetupError(RuntimeError):
    """A problem with the learner's environment, shown as one sentence.

    IPython shows ``_render_traceback_()`` instead of a traceback, so the
    learner reads what is wrong and what to run, nothing else.
    """

    def _render_traceback_(self):
        return [f"{type(self).__name__}: {self}"]


class UnsupportedPythonWarning(UserWarning):
    pass


def require_django(version=None):
    """Stop unless the installed Django is 4.1.x."""
    if version is None:
        try:
            import django
        except ModuleNotFoundError:
            raise CourseSetupError(
                "Django is not installed in this kernel's environment: run "
                "`python -m pip install -r requirements.txt` in the course's environment (or pick its kernel) "
                "and restart the kernel."
            ) from None
        version = django.VERSION
    if tuple(version[:2]) != DJANGO_SERIES:
        found = ".".join(str(part) for part in version[:3])
        raise CourseSetupError(
            f"This course needs Django {DJANGO_PIN} but this kernel has Django {found}: "
            f'run `python -m pip install -r requirements.txt` (or `pip install "Django=={DJANGO_PIN}"`) '
            "in the course's environment and restart the kernel."
        )


def warn_if_python_unsupported(version_info=None):
    """Warn once when the kernel's Python is outside what Django 4.1 supports."""
    global _python_warned
    version = tuple((version_info or sys.version_info)[:2])
    if _python_warned or PYTHONS[0] <= version <= PYTHONS[1]:
        return False
    _python_warned = True
    shown = ".".join(map(str, version))
    warnings.warn(
        f"Python {shown} is outside Django 4.1's supported 3.8-3.11; most lessons still run, "
        "but known breakage exists (EmailMessage.as_string() fails on non-ASCII mail, as on 3.11.9+): "
        "make the course's environment with Python 3.11 (3.11.8 or earlier for as_string()).",
        UnsupportedPythonWarning,
        stacklevel=3,
    )
    return True
