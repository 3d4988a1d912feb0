"""The exercise-check machinery: one line, never a traceback, stubs are 'not attempted'."""
import asyncio

import pytest

from course.checks import framework as checking
from course.checks.framework import FAIL, NOT_ATTEMPTED, PASS, Fail, NotAttempted, exercise, expect


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
        (lambda: 42, PASS, "✅ PASSED · Exercise 9.9: the answer."),
        (lambda: 41, FAIL, "❌ FAILED · Exercise 9.9: it returned 41, expected 42. Hint: think of the answer."),
        (stub, NOT_ATTEMPTED, "⏳ NOT ATTEMPTED · Exercise 9.9: replace `# YOUR CODE HERE`"),
        (lambda: 1 / 0, FAIL, "❌ FAILED · Exercise 9.9: your code raised ZeroDivisionError: division by zero Hint:"),
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

    assert noisy.evaluate().line == "❌ FAILED · Exercise 9.8: first second Hint: a hint"


def test_not_attempted_can_say_what_to_do():
    @exercise("9.7")
    def custom():
        raise NotAttempted("define `Greeting` above")

    assert custom.evaluate().line == "⏳ NOT ATTEMPTED · Exercise 9.7: define `Greeting` above."


def test_coroutine_checks_are_driven_to_completion():
    @exercise("9.6")
    async def async_check():
        await asyncio.sleep(0)
        return "async ok."

    assert async_check.evaluate().line == "✅ PASSED · Exercise 9.6: async ok."


def test_errors_of_the_check_itself_are_not_blamed_on_the_learner():
    @exercise("9.5")
    def broken(answer):
        checking.call(answer)
        return {}["missing"]

    outcome = broken.evaluate(lambda: 1)
    assert outcome.status == FAIL and outcome.message.startswith("the check itself could not finish (KeyError")


# ---------------------------------------------------------------- careless learners


@exercise("9.4", "answer", time_limit=1)
def limited(answer):
    value = checking.call(answer)
    expect(value == 42, f"it returned {value!r}, expected 42.", "think of the answer.")
    return "the answer."


def _sleeps():
    import time

    time.sleep(3600)


def _spins():
    while True:
        pass


async def _awaits_forever():
    await asyncio.sleep(3600)


async def _blocks_the_loop():
    import time

    time.sleep(3600)


async def _blocks_the_orm_thread():
    import time

    from asgiref.sync import sync_to_async

    await sync_to_async(time.sleep)(3600)


@pytest.mark.parametrize("answer", [_sleeps, _spins, _awaits_forever, _blocks_the_loop, _blocks_the_orm_thread])
def test_code_that_never_ends_is_stopped_at_the_time_limit_and_the_kernel_goes_on(answer):
    from library.models import Author

    outcome = limited.evaluate(answer)
    assert outcome.status == FAIL, outcome.line
    assert "still running after 1 s" in outcome.message and "Hint:" in outcome.message
    # the async ORM still answers (its worker thread was replaced if it was blocked), and so do checks
    assert checking.loops.run(Author.objects.acount()) >= 0

    async def right():
        return 42

    assert limited.evaluate(right).status == PASS


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda: __import__("sys").exit(3), "SystemExit"),
        (lambda: (_ for _ in ()).throw(asyncio.CancelledError()), "CancelledError"),
        (lambda: (_ for _ in ()).throw(GeneratorExit()), "GeneratorExit"),
    ],
)
def test_base_exceptions_of_the_learner_give_one_line(answer, words):
    outcome = demo.evaluate(answer)
    assert outcome.status == FAIL and words in outcome.message, outcome.line
    assert "check itself" not in outcome.message


def test_a_forgotten_await_is_named():
    from library.models import Author

    async def forgets_await_on_a_value():
        return Author.objects.acount() + 1  # TypeError on a coroutine

    async def forgets_await_on_a_side_effect():
        Author.objects.acreate(name="Nobody", born=1900)
        return 42

    for answer in (forgets_await_on_a_value, forgets_await_on_a_side_effect):
        outcome = demo.evaluate(answer)
        assert outcome.status == FAIL and "without `await`" in outcome.message, outcome.line
    assert "`acreate()`" in demo.evaluate(forgets_await_on_a_side_effect).message


def test_a_check_called_before_its_exercise_cell_says_run_it_first():
    @exercise("9.3", "Greeting")
    def greets(greeting):
        return "hello."

    namespace = {"greets": greets}
    exec("outcome = greets.evaluate()", namespace)  # a notebook in which `Greeting` is not defined
    assert namespace["outcome"].status == NOT_ATTEMPTED
    assert namespace["outcome"].line.endswith("`Greeting` is not defined yet: run the exercise cell above first.")
    namespace["Greeting"] = object()
    exec("outcome = greets.evaluate()", namespace)
    assert namespace["outcome"].status == PASS


def test_every_line_carries_its_verdict_as_a_word():
    assert demo.evaluate(lambda: 42).line.startswith("✅ PASSED ")
    assert demo.evaluate(lambda: 41).line.startswith("❌ FAILED ")
    assert demo.evaluate(stub).line.startswith("⏳ NOT ATTEMPTED ")


def test_short_tracebacks_keep_cell_lines_and_the_exception_only():
    from course import errors

    def cell_name(filename):
        return ("Cell", "In[7]") if filename == __file__ else None

    from django.core.exceptions import ValidationError
    from library.models import Author

    try:
        Author(name="", born=1900).full_clean()
    except ValidationError as error:
        lines = errors.short_traceback(type(error), error, error.__traceback__, cell_name)[0].splitlines()
    assert lines[0].startswith("Cell In[7], line ") and "full_clean()" in lines[1]
    assert "inside libraries hidden" in lines[2]
    assert lines[-1].startswith("django.core.exceptions.ValidationError: {'name': ")
    assert len(lines) == 4 and "site-packages" not in "\n".join(lines)


def test_a_check_that_runs_out_of_time_in_its_own_code_does_not_blame_the_learner():
    import time

    @exercise("9.2", time_limit=1)
    def slow_check():
        time.sleep(5)  # the check's own work, e.g. a server that starts slowly on a busy machine

    outcome = slow_check.evaluate()
    assert outcome.status == FAIL and "the check itself took longer than its 1 s limit" in outcome.message


def test_check_tab_offers_the_exercises_and_what_the_notebooks_use_only():
    import importlib
    import re

    from tools import layout

    used = {}
    for path in layout.lesson_notebooks() + layout.solution_notebooks():
        for name in re.findall(r"\bcheck\.([A-Za-z_]\w*)", path.read_text(encoding="utf-8")):
            if name != "exN":
                used.setdefault(path.name[:2], set()).add(name)
    for number in range(8):
        module = importlib.import_module(f"course.checks.lesson{number:02d}")
        offered = set(dir(module))
        checks = {name for name in vars(module) if re.fullmatch(r"ex\d+", name)}
        assert checks and checks <= offered, module.__name__
        assert used.get(f"{number:02d}", set()) <= offered, module.__name__
        assert offered == set(module.__all__), module.__name__
