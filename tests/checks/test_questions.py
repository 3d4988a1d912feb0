"""Self-check questions: every accepted answer form passes, every wrong set fails, junk gives one line."""
import functools
import importlib
import re
import types

import pytest

from course.checks import framework
from course.checks.framework import FAIL, NOT_ATTEMPTED, PASS, CheckNotPassed, Question, question
from tools import layout, notebook_io

EXPLANATION = "a view class is either sync or async: every handler `async def`, or none."
Q1 = question("1.Q1", answer={"b", "d"}, explanation=EXPLANATION, choices="abcd")
FORMS = 'write a letter like "b", or a set of letters like {"a", "c"}.'


def answer_id(value):
    """A test id that is the same in every process (a set's repr follows the hash seed)."""
    if type(value) in (set, frozenset):
        return f"{type(value).__name__}({sorted(map(str, value))})"
    return repr(value)[:40] if type(value) in (str, list, tuple) else type(value).__name__


def notebook_with(check, source):
    """Run ``source`` as a notebook cell would, with the lesson's check module imported as ``check``."""
    namespace = {"check": check}
    exec(compile(source, "<cell>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    "answer",
    ["bd", "db", "BD", "b, d", " b , d ", "b,d", "b d", "b and d", "(b) (d)", "{'b', 'd'}", "b; d",
     {"b", "d"}, {"B", "D"}, {" b ", "d"}, ["b", "d"], ["d", "b", "d"], ("b", "D"), frozenset("bd"), ["b, d"]],
    ids=answer_id,
)
def test_every_accepted_form_of_the_right_answer_passes(answer):
    outcome = Q1.evaluate(answer)
    assert outcome.status == PASS, outcome.line
    assert outcome.line == f"✅ PASSED · Q1: {EXPLANATION}"


@pytest.mark.parametrize("answer", ["b", "d", {"b"}, "a", "c", {"a", "c"}, "abcd", "abd", ["b", "c", "d"]], ids=answer_id)
def test_a_subset_a_superset_or_a_disjoint_set_fails_without_revealing_the_answer(answer):
    outcome = Q1.evaluate(answer)
    assert outcome.status == FAIL, outcome.line
    given = framework.letters_of(answer)
    shown = sorted(given)[0] if len(given) == 1 else "{" + ", ".join(sorted(given)) + "}"
    assert outcome.line == f"❌ FAILED · Q1: you answered {shown}; not quite. {EXPLANATION}"


def test_a_single_letter_answer_accepts_its_letter_in_any_case_and_rejects_the_others():
    q2 = question("1.Q2", answer="c", explanation="because.")
    for answer in ("c", "C", " c ", {"c"}, ["C"], ("c",)):
        assert q2.evaluate(answer).status == PASS, answer
    for answer in ("a", "b", "d", "cd", {"a", "c"}):
        assert q2.evaluate(answer).status == FAIL, answer


def test_letters_outside_the_choices_are_named_and_the_explanation_is_kept_back():
    assert Q1.evaluate("e").line == "❌ FAILED · Q1: you answered e, but e is not one of the choices a–d."
    assert Q1.evaluate({"b", "e", "F"}).line == (
        "❌ FAILED · Q1: you answered {b, e, f}, but e and f are not among the choices a–d."
    )
    q3 = question("2.Q3", answer="a", explanation="because.", choices="ace")
    assert q3.evaluate("b").line.endswith("but b is not one of the choices a, c, e.")
    assert question("2.Q4", answer="a", explanation="because.").evaluate("z").status == FAIL  # no choices: just wrong


def test_an_unanswered_question_is_not_attempted():
    assert Q1.evaluate(...).line == (
        '⏳ NOT ATTEMPTED · Q1: replace the `...` in `q1 = ...` with your answer: write a letter like "b", '
        'or a set of letters like {"a", "c"}.'
    )
    assert Q1.evaluate(...).status == NOT_ATTEMPTED


def crash(*args, **kwargs):
    raise RuntimeError("should not be called")


class Sneaky(list):
    def __len__(self):
        raise RuntimeError("boom")


class Grumpy(set):
    def __iter__(self):
        raise ValueError("no")


async def coroutine_function():
    return "b"


@pytest.mark.parametrize(
    "answer, words",
    [
        (None, "`q1` is None, not letters"),
        (3, "`q1` is 3, not letters"),
        (2.5, "`q1` is 2.5, not letters"),
        (True, "`q1` is True, not letters"),
        (crash, "`q1` is a function, not letters"),
        (lambda: "b", "`q1` is a function, not letters"),
        (functools.partial(crash, 1), "`q1` is a function, not letters"),
        (print, "`q1` is a function, not letters"),
        (ValueError("b"), "`q1` is a ValueError exception, not letters"),
        (KeyboardInterrupt(), "`q1` is a KeyboardInterrupt exception, not letters"),
        (ValueError, "`q1` is a class, not letters"),
        (re, "`q1` is a module, not letters"),
        ({"b": True, "d": True}, "`q1` is a dict, not letters"),
        (b"bd", "`q1` is bytes, not letters"),
        (object(), "`q1` is an object, not letters"),
        (Q1, "`q1` is a Question, not letters"),
        ([1, 2], "`q1` is a list holding 1, not only letters"),
        ({"b", None}, "`q1` is a set holding None, not only letters"),
        ({...}, "`q1` is a set holding `...`, not only letters"),
        ([["b", "d"]], "`q1` is a list holding a list, not only letters"),
        ("1, 2", "`q1` is '1, 2': 1 and 2 are not letters from a to z"),
        ("b!", "`q1` is 'b!': ! is not a letter from a to z"),
        ("bé", "`q1` is 'bé': é is not a letter from a to z"),
        ("", "`q1` holds no letters"),
        ("  ", "`q1` holds no letters"),
        (set(), "`q1` holds no letters"),
        ([], "`q1` holds no letters"),
        ("b" * 1000, "`q1` is a text of 1000 characters, not a few letters"),
        (["b"] * 1000, "`q1` is a list of 1000 items, not a few letters"),
        (Sneaky(["b", "d"]), "`q1` could not be read (RuntimeError)"),
        (Grumpy("bd"), "`q1` could not be read (ValueError)"),
    ],
    ids=answer_id,
)
def test_junk_gives_one_line_saying_what_was_wrong(answer, words):
    outcome = Q1.evaluate(answer)
    assert outcome.status == FAIL, outcome.line
    assert outcome.line.startswith(f"❌ FAILED · Q1: {words}"), outcome.line
    assert outcome.line.endswith(FORMS), outcome.line
    assert "\n" not in outcome.line and "Traceback" not in outcome.line and "0x" not in outcome.line


def test_a_coroutine_is_junk_and_never_awaited_warnings_stay_out(recwarn):
    coroutine = coroutine_function()
    try:
        assert Q1.evaluate(coroutine).line.startswith("❌ FAILED · Q1: `q1` is a coroutine, not letters")
    finally:
        coroutine.close()


def test_the_check_reads_the_notebook_variable_named_like_it_and_prints_one_line(capsys):
    check = types.SimpleNamespace(q1=Q1)
    notebook_with(check, "check.q1()")
    notebook_with(check, "q1 = ...\ncheck.q1()")
    notebook_with(check, 'q1 = {"a", "c"}\ncheck.q1()')
    notebook_with(check, 'q1 = "B, D"\ncheck.q1()')
    notebook_with(check, "def answer():\n    check.q1()\nq1 = 'bd'\nanswer()")  # from inside a function too
    notebook_with(check, "check.q1('d, b')")  # an answer given directly is checked instead
    notebook_with(check, "q1 = 'bd'\ncheck.q1(None)")
    assert capsys.readouterr().out.splitlines() == [
        "⏳ NOT ATTEMPTED · Q1: `q1` is not defined yet: write your answer in `q1 = ...` and run that cell.",
        '⏳ NOT ATTEMPTED · Q1: replace the `...` in `q1 = ...` with your answer: write a letter like "b", '
        'or a set of letters like {"a", "c"}.',
        f"❌ FAILED · Q1: you answered {{a, c}}; not quite. {EXPLANATION}",
        f"✅ PASSED · Q1: {EXPLANATION}",
        f"✅ PASSED · Q1: {EXPLANATION}",
        f"✅ PASSED · Q1: {EXPLANATION}",
        f"❌ FAILED · Q1: `q1` is None, not letters; {FORMS}",
    ]


def test_evaluate_reads_the_callers_variable_like_the_check():
    check = types.SimpleNamespace(q1=Q1)
    namespace = notebook_with(check, "q1 = 'bd'\noutcome = check.q1.evaluate()")
    assert namespace["outcome"].status == PASS


def test_the_name_defaults_from_the_number_and_can_be_given():
    assert question("3.Q2", answer="a", explanation="e.").name == "q2"
    assert question("3.q4", answer="a", explanation="e.").name == "q4"
    named = question("3.Q2", answer="a", explanation="e.", name="constraint_answer")
    namespace = notebook_with(types.SimpleNamespace(constraint_answer=named), "constraint_answer = 'A'\nout = check.constraint_answer.evaluate()")
    assert namespace["out"].line == "✅ PASSED · Q2: e."
    assert question("7", answer="a", explanation="e.", name="q7").evaluate("a").line == "✅ PASSED · Question 7: e."


def test_a_multi_line_explanation_is_folded_into_the_one_line():
    q = question("4.Q1", answer="a", explanation="first\n    second\n")
    assert q.evaluate("a").line == "✅ PASSED · Q1: first second"
    assert q.evaluate("b").line == "❌ FAILED · Q1: you answered b; not quite. first second"


def test_the_questions_own_mistakes_fail_when_the_module_is_imported():
    for kwargs in (
        dict(answer="", explanation="e."),
        dict(answer=None, explanation="e."),
        dict(answer="1", explanation="e."),
        dict(answer="e", explanation="e.", choices="abcd"),
        dict(answer="a", explanation=""),
    ):
        with pytest.raises(ValueError):
            question("1.Q1", **kwargs)
    with pytest.raises(ValueError):
        question("1.1", answer="a", explanation="e.", name="not a name")


def test_with_raise_on_a_check_that_did_not_pass_raises_check_not_passed_after_its_line(monkeypatch, capsys):
    monkeypatch.setenv(framework.RAISE_ENV, "1")
    check = types.SimpleNamespace(q1=Q1)
    for source, verdict in (("q1 = 'ac'", FAIL), ("q1 = ...", NOT_ATTEMPTED), ("q1 = 3", FAIL)):
        with pytest.raises(CheckNotPassed) as raised:
            notebook_with(check, source + "\ncheck.q1()")
        assert raised.value.outcome.status == verdict
        assert raised.value._render_traceback_() == [raised.value.outcome.line]
        assert capsys.readouterr().out == raised.value.outcome.line + "\n"
    notebook_with(check, "q1 = 'bd'\ncheck.q1()")  # a right answer raises nothing
    assert capsys.readouterr().out.startswith("✅ PASSED")


def test_without_raise_a_wrong_answer_only_prints(monkeypatch, capsys):
    monkeypatch.delenv(framework.RAISE_ENV, raising=False)
    notebook_with(types.SimpleNamespace(q1=Q1), "q1 = 'a'\ncheck.q1()")
    assert capsys.readouterr().out.startswith("❌ FAILED · Q1")


def test_exercise_lines_are_unchanged():
    assert framework.Outcome("1.2", PASS, "fine.").line == "✅ PASSED · Exercise 1.2: fine."


def test_check_tab_offers_questions_listed_in_all_like_a_lesson_module(capsys):
    module = types.ModuleType("course.checks.lesson_demo")
    exec(
        "from course.checks.framework import question\n"
        "q1 = question('9.Q1', answer='a', explanation='e.')\n"
        "q2 = question('9.Q2', answer={'b', 'c'}, explanation='f.')\n"
        "__all__ = ['q1', 'q2']\n"
        "def __dir__():\n"
        "    return __all__\n",
        module.__dict__,
    )
    assert dir(module) == ["q1", "q2"]
    assert all(isinstance(getattr(module, name), Question) for name in dir(module))
    assert "check.q1()" in repr(module.q1) and "q1" in module.q1.__doc__
    notebook_with(module, "q1 = 'a'\nq2 = 'cb'\ncheck.q1()\ncheck.q2()")
    assert capsys.readouterr().out.splitlines() == ["✅ PASSED · Q1: e.", "✅ PASSED · Q2: f."]


LESSON_MODULES = [f"course.checks.lesson{number:02d}" for number in range(8)]


@pytest.mark.parametrize("name", LESSON_MODULES)
def test_each_lessons_questions_are_offered_and_read_the_variable_they_are_named_after(name):
    module = importlib.import_module(name)
    lesson = int(name[-2:])
    for attribute, value in vars(module).items():
        if isinstance(value, Question):
            assert attribute in module.__all__, f"{name}.{attribute} is not in __all__, so check.<Tab> hides it"
            assert value.name == attribute, f"{name}.{attribute} reads `{value.name}`: pass name={attribute!r}"
            assert value.number.split(".")[0] == str(lesson), f"{name}.{attribute} is numbered {value.number}"


QUESTION_CALL = re.compile(r"\bcheck\.(\w+)\(\)")


@pytest.mark.parametrize("path", layout.lesson_notebooks(), ids=lambda path: path.name)
def test_lessons_ship_their_questions_unanswered(path):
    """A lesson notebook sets each question's variable to `...` and stores the NOT ATTEMPTED line."""
    cells = [cell for cell in notebook_io.read(path).cells if cell.cell_type == "code"]
    module = importlib.import_module(f"course.checks.lesson{path.name[:2]}") if path.name[:2] < "08" else None
    for cell in cells:
        for name in QUESTION_CALL.findall(cell.source):
            if not isinstance(getattr(module, name, None), Question):
                continue
            assert any(re.search(rf"^{name} = \.\.\.", c.source, re.M) for c in cells), (
                f"{path.name}: no cell sets `{name} = ...` for check.{name}()"
            )
            shown = "".join(output.get("text", "") for output in cell.outputs)
            assert f"⏳ NOT ATTEMPTED · {getattr(module, name).label or 'Question'}" in shown, (
                f"{path.name}: check.{name}() should store its NOT ATTEMPTED line, not an answer: {shown!r}"
            )
