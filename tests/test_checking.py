"""The exercise-check machinery: one line, never a traceback, stubs are 'not attempted'."""
import asyncio

import pytest

from course import checking
from course.checking import FAIL, NOT_ATTEMPTED, PASS, Fail, NotAttempted, exercise, expect


@exercise("9.9")
def demo(answer):
    value = checking.call(answer)
    expect(value == 42, f"it returned {value!r}, expected 42.", "think of the answer.")
    return "the answer."


def stub():
    # YOUR CODE HERE
    raise NotImplementedError()


@pytest.mark.parametrize(
    "answer, status, text",
    [
        (lambda: 42, PASS, "✅ Exercise 9.9 passed: the answer."),
        (lambda: 41, FAIL, "❌ Exercise 9.9: it returned 41, expected 42. Hint: think of the answer."),
        (stub, NOT_ATTEMPTED, "⏳ Exercise 9.9: not attempted yet ("),
        (lambda: 1 / 0, FAIL, "❌ Exercise 9.9: your code raised ZeroDivisionError: division by zero Hint:"),
    ],
)
def test_outcomes(answer, status, text):
    outcome = demo.evaluate(answer)
    assert outcome.status == status
    assert outcome.line.startswith(text)


def test_a_check_prints_exactly_one_line_and_never_raises(capsys):
    for answer in (lambda: 42, lambda: 41, stub, lambda: 1 / 0, None):
        demo(answer)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert all(line[0] in "✅❌⏳" for line in lines)
    assert "Traceback" not in "".join(lines)


def test_not_implemented_with_a_message_is_a_real_failure_not_a_stub():
    def django_style():
        raise NotImplementedError("Subclasses must implement as_sql()")

    outcome = demo.evaluate(django_style)
    assert outcome.status == FAIL and "Subclasses must implement as_sql()" in outcome.message


def test_multi_line_messages_are_folded_into_one_line():
    @exercise("9.8")
    def noisy():
        raise Fail("first\nsecond", "a\nhint")

    assert noisy.evaluate().line == "❌ Exercise 9.8: first second Hint: a hint"


def test_not_attempted_can_say_what_to_do():
    @exercise("9.7")
    def custom():
        raise NotAttempted("define `Greeting` above")

    assert custom.evaluate().line == "⏳ Exercise 9.7: not attempted yet (define `Greeting` above)."


def test_coroutine_checks_are_driven_to_completion():
    @exercise("9.6")
    async def async_check():
        await asyncio.sleep(0)
        return "async ok."

    assert async_check.evaluate().line == "✅ Exercise 9.6 passed: async ok."


def test_errors_of_the_check_itself_are_not_blamed_on_the_learner():
    @exercise("9.5")
    def broken(answer):
        checking.call(answer)
        return {}["missing"]

    outcome = broken.evaluate(lambda: 1)
    assert outcome.status == FAIL and outcome.message.startswith("the check itself could not finish (KeyError")
