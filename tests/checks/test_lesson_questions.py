"""Every lesson's self-check questions: the right answer passes in any accepted form, every other choice fails.

The right answers are written here again, independently of the check modules, so that a changed answer in a
module is a failing test, not a silent change.
"""
import importlib
import itertools

import pytest

# lesson: {question: (right letters, choices)}
ANSWERS = {
    "lesson00": {"q1": ("b", "abcd"), "q2": ("b", "abcd"), "q3": ("b", "abcd")},
    "lesson01": {"q1": ("ad", "abcd"), "q2": ("c", "abc"), "q3": ("ad", "abcd")},
    "lesson02": {"q1": ("bd", "abcd"), "q2": ("b", "abc"), "q3": ("b", "abc")},
    "lesson03": {"q1": ("d", "abcde"), "q2": ("a", "abcd")},
    "lesson04": {"q1": ("abc", "abcd"), "q2": ("b", "abc")},
    "lesson05": {"q1": ("b", "abcd"), "q2": ("ac", "abcde"), "q3": ("b", "abc")},
    "lesson06": {"q1": ("b", "abcd"), "q2": ("ac", "abcd"), "q3": ("ac", "abcd")},
    "lesson07": {"q1": ("bd", "abcd"), "q2": ("b", "abc"), "q3": ("bc", "abcd")},
}
CASES = [(lesson, name) for lesson, questions in sorted(ANSWERS.items()) for name in sorted(questions)]


def verdict(capsys, lesson, name, value):
    check = importlib.import_module(f"course.checks.{lesson}")
    exec(f"check.{name}()", {"check": check, name: value})
    return capsys.readouterr().out


def wrong_answers(lesson, name):
    right, choices = ANSWERS[lesson][name]
    for size in range(1, len(choices) + 1):
        for combination in itertools.combinations(choices, size):
            if set(combination) != set(right):
                yield set(combination)


@pytest.mark.parametrize("lesson, name", CASES)
def test_the_right_answer_passes_however_it_is_written(capsys, lesson, name):
    right, _ = ANSWERS[lesson][name]
    forms = [set(right), {letter.upper() for letter in right}, ", ".join(right), list(right)]
    if len(right) == 1:
        forms += [right, right.upper(), f" {right} "]
    for value in forms:
        out = verdict(capsys, lesson, name, value)
        assert out.startswith("✅ PASSED"), (value, out)


@pytest.mark.parametrize("lesson, name", CASES)
def test_every_other_answer_fails(capsys, lesson, name):
    for value in wrong_answers(lesson, name):
        out = verdict(capsys, lesson, name, value)
        assert out.startswith("❌ FAILED") and out.count("\n") == 1, (value, out)


@pytest.mark.parametrize("lesson, name", CASES)
def test_unanswered_is_not_attempted(capsys, lesson, name):
    assert verdict(capsys, lesson, name, ...).startswith("⏳ NOT ATTEMPTED")


@pytest.mark.parametrize("lesson", sorted(ANSWERS))
def test_check_tab_offers_every_question(lesson):
    check = importlib.import_module(f"course.checks.{lesson}")
    assert set(ANSWERS[lesson]) <= set(check.__all__) and set(ANSWERS[lesson]) <= set(dir(check))
