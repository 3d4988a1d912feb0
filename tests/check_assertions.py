"""What every check test asserts about a rejected answer."""
from course.checking import FAIL


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
