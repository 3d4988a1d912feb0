"""Helpers shared by the tests: what a rejected answer looks like; PostgreSQL or a skip."""
import os

import pytest

from course import postgres
from course.checks.framework import FAIL


def assert_failed(outcome, *words):
    """A one-line failure, with a hint, naming each of ``words``, not blaming the check itself."""
    assert outcome.status == FAIL, outcome.line
    for word in words:
        assert word in outcome.message, (word, outcome.line)
    assert "\n" not in outcome.line and "Traceback" not in outcome.line, outcome.line
    assert "Hint:" in outcome.message, outcome.line
    assert "check itself" not in outcome.message, outcome.line
    return outcome


def assert_fails(exercise, answer, *words):
    """``exercise`` rejects ``answer`` (a tuple stands for several arguments) as ``assert_failed`` says."""
    outcome = exercise.evaluate(*answer) if isinstance(answer, tuple) else exercise.evaluate(answer)
    return assert_failed(outcome, *words)


def postgres_or_skip():
    """Skip the test where the embedded PostgreSQL cannot run; on CI, which must run that path, fail."""
    reason = postgres.unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL path: {reason}")
        pytest.skip(f"PostgreSQL not available: {reason}")
