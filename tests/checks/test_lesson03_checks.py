"""The checks of 03_constraint_validation accept right answers and reject wrong ones."""
import datetime
import tempfile

import pytest
from django import forms
from django.apps.registry import Apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.constraints import BaseConstraint
from django.db.models.functions import Lower, Upper

from course import cells, postgres
from course.checks.framework import FAIL, NOT_ATTEMPTED, PASS
from course.checks import lesson03 as check
from tests.helpers import assert_fails, postgres_or_skip


def stub():
    raise NotImplementedError()



# ------------------------------------------------------------------ 3.1 ---

EXPIRES_AFTER = models.CheckConstraint(check=Q(expires_on__gt=F("placed_on")), name="hold_expires_after_placed")
ONE_UNCOLLECTED = models.UniqueConstraint(
    fields=["member", "isbn"], condition=Q(collected=False), name="one_uncollected_hold_per_member_and_book"
)
CODE_CI = models.UniqueConstraint(Lower("code"), name="hold_code_unique_ignoring_case")


def test_ex1_stub_is_not_attempted():
    assert check.ex1.evaluate(stub).status == NOT_ATTEMPTED


def test_ex1_accepts_different_correct_answers():
    def as_in_the_solution():
        return [EXPIRES_AFTER, ONE_UNCOLLECTED, CODE_CI]

    def written_differently():
        return (
            models.UniqueConstraint(Upper("code"), name="code_upper", violation_error_message="Code taken."),
            models.UniqueConstraint(
                fields=["isbn", "member"],
                condition=~Q(collected=True),
                name="uncollected",
                violation_error_message="You already hold this book.",
            ),
            models.CheckConstraint(check=Q(placed_on__lt=F("expires_on")), name="dates"),
        )

    def with_a_lowercase_field_name_and_extra_rule():
        return [
            models.CheckConstraint(check=~Q(expires_on__lte=F("placed_on")), name="dates"),
            models.UniqueConstraint(Lower("code").desc(), name="code_ci"),
            models.UniqueConstraint(F("member"), F("isbn"), condition=Q(collected=False), name="uncollected"),
            models.CheckConstraint(check=~Q(code=""), name="code_not_empty"),
        ]

    for answer in (as_in_the_solution, written_differently, with_a_lowercase_field_name_and_extra_rule):
        outcome = check.ex1.evaluate(answer)
        assert outcome.status == PASS, (answer.__name__, outcome.line)


class OnlyAtSave(models.CheckConstraint):
    """A constraint the database enforces but validation never reports."""

    def validate(self, model, instance, exclude=None, using=None):
        return None


class PythonOnly(BaseConstraint):
    """A rule in Python only: validation reports it, the table has no constraint."""

    def constraint_sql(self, model, schema_editor):
        return None

    def create_sql(self, model, schema_editor):
        return None

    def remove_sql(self, model, schema_editor):
        return None

    def validate(self, model, instance, exclude=None, using=None):
        if instance.expires_on <= instance.placed_on:
            raise ValidationError("Too short.")


class WrittenFor40(BaseConstraint):
    """A custom constraint from before 4.1: SQL only, no validate()."""

    def constraint_sql(self, model, schema_editor):
        return "CHECK (expires_on > placed_on)"

    def create_sql(self, model, schema_editor):
        return None

    def remove_sql(self, model, schema_editor):
        return None


@pytest.mark.parametrize(
    "constraints, words",
    [
        ([ONE_UNCOLLECTED, CODE_CI], ["expires the day it is placed", "was accepted", "CheckConstraint"]),
        (
            [models.CheckConstraint(check=Q(expires_on__gte=F("placed_on")), name="d"), ONE_UNCOLLECTED, CODE_CI],
            ["expires the day it is placed", "strictly later"],
        ),
        (
            [OnlyAtSave(check=Q(expires_on__gt=F("placed_on")), name="d"), ONE_UNCOLLECTED, CODE_CI],
            ["only stopped by the database at save()", "Django 4.1 validates", "CHECK constraint failed: d)"],
        ),
        (
            [WrittenFor40(name="d"), ONE_UNCOLLECTED, CODE_CI],
            ["full_clean() raised NotImplementedError", "validate() method"],
        ),
        (
            [PythonOnly(name="d"), ONE_UNCOLLECTED, CODE_CI],
            ["the database accepted it at save()", "database constraint"],
        ),
        (
            [EXPIRES_AFTER, models.UniqueConstraint(fields=["member", "isbn"], name="u"), CODE_CI],
            ["after her first hold was collected", "was rejected", "condition"],
        ),
        (
            [
                EXPIRES_AFTER,
                models.UniqueConstraint(fields=["member", "isbn"], condition=Q(collected=True), name="u"),
                CODE_CI,
            ],
            ["second uncollected hold by Ada on Kindred was accepted"],
        ),
        ([EXPIRES_AFTER, CODE_CI], ["second uncollected hold by Ada on Kindred was accepted"]),
        (
            [EXPIRES_AFTER, models.UniqueConstraint(fields=["isbn"], condition=Q(collected=False), name="u"), CODE_CI],
            ["Lin on Kindred", "other members"],
        ),
        (
            [EXPIRES_AFTER, models.UniqueConstraint(fields=["member"], condition=Q(collected=False), name="u"), CODE_CI],
            ["Ada on a second book", "several books"],
        ),
        (
            [EXPIRES_AFTER, models.UniqueConstraint(fields=["member", "isbn", "collected"], name="u"), CODE_CI],
            ["second collected hold", "only uncollected holds count"],
        ),
        (
            [EXPIRES_AFTER, ONE_UNCOLLECTED, models.UniqueConstraint(fields=["code"], name="c")],
            ["'ab12'", "case-sensitive", "case-insensitively"],
        ),
        ([EXPIRES_AFTER, ONE_UNCOLLECTED], ["second hold with the code 'AB12' was accepted"]),
        (
            [EXPIRES_AFTER, ONE_UNCOLLECTED, models.UniqueConstraint(Lower("code"), condition=Q(collected=False), name="c")],
            ["reusing the code of a collected hold", "no condition"],
        ),
        # Near misses the rows alone would not tell apart.
        (
            [models.CheckConstraint(check=Q(expires_on__gt=F("placed_on")) | Q(collected=True), name="d"), ONE_UNCOLLECTED, CODE_CI],
            ["collected hold that expires the day it is placed", "was accepted", "collected or not"],
        ),
        (
            [
                EXPIRES_AFTER,
                models.UniqueConstraint(fields=["member", "isbn", "placed_on"], condition=Q(collected=False), name="u"),
                CODE_CI,
            ],
            ["placed a day later was accepted", "member and the book only"],
        ),
        # Django's system checks, as `manage.py check` (and `migrate`) run them.
        (
            [
                models.CheckConstraint(check=Q(expires_on__gt=F("placed_on")), name="hold_rules"),
                models.UniqueConstraint(fields=["member", "isbn"], condition=Q(collected=False), name="hold_rules"),
                CODE_CI,
            ],
            ["Django's system checks reject", "models.E031: constraint name 'hold_rules' is not unique for model playground.Hold", "its own"],
        ),
        (
            [EXPIRES_AFTER, ONE_UNCOLLECTED, models.UniqueConstraint(Lower("code"), name="one_open_loan_per_book")],
            ["models.E032: constraint name 'one_open_loan_per_book' is not unique among models: library.Loan, playground.Hold"],
        ),
        (
            [EXPIRES_AFTER, models.UniqueConstraint(fields=["membr", "isbn"], condition=Q(collected=False), name="u"), CODE_CI],
            ["models.E012: 'constraints' refers to the nonexistent field 'membr'", "fields are code, member, isbn"],
        ),
        (
            [
                models.CheckConstraint(check=RawSQL("expires_on > placed_on", [], output_field=models.BooleanField()), name="d"),
                ONE_UNCOLLECTED,
                CODE_CI,
            ],
            ["models.W045", "won't be validated during the model full_clean()", "instead of RawSQL()"],
        ),
    ],
)
def test_ex1_rejects_wrong_answers(constraints, words):
    assert_fails(check.ex1, lambda: list(constraints), *words)


def test_ex1_rejects_malformed_answers():
    assert_fails(check.ex1, lambda: CODE_CI, "returned UniqueConstraint, not a list")
    assert_fails(check.ex1, lambda: None, "returned NoneType, not a list")
    assert_fails(check.ex1, lambda: [], "empty list")
    assert_fails(check.ex1, lambda: [CODE_CI, "unique code"], "holding str, which is not a constraint")
    assert_fails(
        check.ex1,
        lambda: [models.CheckConstraint(check=Q(expires__gt=F("placed_on")), name="d"), ONE_UNCOLLECTED, CODE_CI],
        "Django's system checks reject",
        "models.E012: 'constraints' refers to the nonexistent field 'expires'",
    )
    outcome = check.ex1.evaluate(lambda: 1 / 0)
    assert outcome.status == FAIL and "your code raised ZeroDivisionError" in outcome.message


def test_ex1_does_not_count_the_learners_own_trial_model_as_a_name_clash():
    constraints = [EXPIRES_AFTER, ONE_UNCOLLECTED, CODE_CI]
    meta = type("Meta", (), {"app_label": "playground", "constraints": constraints})
    fields = {"__module__": __name__, "Meta": meta, **check._hold_fields()}
    trial = type("MyHoldTrial", (models.Model,), fields)  # registered, as a model defined in a cell is
    try:
        outcome = check.ex1.evaluate(lambda: constraints)
        assert outcome.status == PASS, outcome.line
    finally:
        from django.apps import apps

        del apps.all_models["playground"]["myholdtrial"]
        apps.clear_cache()
    assert trial._meta.label == "playground.MyHoldTrial"


def test_ex1_leaves_nothing_behind():
    before = set(cells._created)
    check.ex1.evaluate(lambda: [EXPIRES_AFTER, ONE_UNCOLLECTED, CODE_CI])
    check.ex1.evaluate(lambda: [EXPIRES_AFTER])
    assert set(cells._created) == before


def test_hold_model_builds_the_model_for_experiments():
    Hold = check.hold_model([EXPIRES_AFTER, ONE_UNCOLLECTED, CODE_CI])
    try:
        hold = Hold(code="AB12", member="Ada", isbn=check.KINDRED, placed_on=check.PLACED, expires_on=check.PLACED)
        with pytest.raises(ValidationError) as caught:
            hold.full_clean()
        assert list(caught.value.message_dict) == ["__all__"]
    finally:
        cells.drop_table(Hold)


# ------------------------------------------------------------------ 3.2 ---


@pytest.fixture
def desk_booking():
    registry = Apps()
    meta = type("Meta", (), {"app_label": "playground", "apps": registry, "constraints": check.desk_booking_constraints()})
    model = type(
        "DeskBooking",
        (models.Model,),
        {
            "__module__": __name__,
            "Meta": meta,
            "code": models.CharField(max_length=8),
            "desk": models.PositiveSmallIntegerField(),
            "day": models.DateField(),
            "hours": models.PositiveSmallIntegerField(),
        },
    )
    cells.table(model)
    model.objects.create(code="MINE", desk=9, day=datetime.date(2022, 1, 1), hours=1)  # the learner's own row
    yield model
    assert list(model.objects.values_list("code", flat=True)) == ["MINE"]  # restored
    cells.drop_table(model)


FRIENDLY = {
    "code": {"unique": check.CODE_TAKEN},
    NON_FIELD_ERRORS: {"unique_together": check.DESK_TAKEN},
}


def form(model, *, fields=("code", "desk", "day", "hours"), error_messages=FRIENDLY, **attrs):
    fields = fields if fields == "__all__" else list(fields)
    meta = type("Meta", (), {"model": model, "fields": fields, "error_messages": error_messages})
    return type("DeskBookingForm", (forms.ModelForm,), {"Meta": meta, **attrs})


def clean_hours(self):
    hours = self.cleaned_data["hours"]
    if not 1 <= hours <= 8:
        raise ValidationError(check.HOURS)
    return hours


def test_ex2_stub_is_not_attempted():
    class DeskBookingForm(forms.ModelForm):
        # YOUR CODE HERE
        ...

    outcome = check.ex2.evaluate(DeskBookingForm)
    assert outcome.status == NOT_ATTEMPTED and "Meta" in outcome.message


def test_ex2_accepts_different_correct_answers(desk_booking):
    assert check.ex2.evaluate(form(desk_booking, clean_hours=clean_hours)).status == PASS

    limited = form(
        desk_booking,
        fields="__all__",
        hours=forms.IntegerField(
            min_value=1, max_value=8, error_messages={"min_value": check.HOURS, "max_value": check.HOURS}
        ),
    )
    assert check.ex2.evaluate(limited).status == PASS, check.ex2.evaluate(limited).line

    def clean_code(self):
        code = self.cleaned_data["code"]
        if desk_booking.objects.filter(code=code).exists():
            raise ValidationError(check.CODE_TAKEN)
        return code

    by_hand = form(
        desk_booking,
        error_messages={NON_FIELD_ERRORS: {"unique_together": check.DESK_TAKEN}},
        clean_code=clean_code,
        clean_hours=clean_hours,
    )
    assert check.ex2.evaluate(by_hand).status == PASS, check.ex2.evaluate(by_hand).line

    def clean(self):
        data = super(forms.ModelForm, self).clean()
        if data.get("hours") is not None and not 1 <= data["hours"] <= 8:
            self.add_error("hours", check.HOURS)
        return data

    in_clean = form(desk_booking, fields="__all__", clean=clean)
    assert check.ex2.evaluate(in_clean).status == PASS, check.ex2.evaluate(in_clean).line


def test_ex2_rejects_wrong_answers(desk_booking):
    def clean(self):
        data = super(forms.ModelForm, self).clean()
        if data.get("hours") is not None and not 1 <= data["hours"] <= 8:
            raise ValidationError(check.HOURS)
        return data

    def clean_hours_off_by_one(self):
        hours = self.cleaned_data["hours"]
        if not 1 <= hours < 8:
            raise ValidationError(check.HOURS)
        return hours

    def clean_desk_by_hand(self):
        data = super(forms.ModelForm, self).clean()
        if desk_booking.objects.filter(desk=data.get("desk"), day=data.get("day")).exists():
            self.add_error(None, check.DESK_TAKEN)
        return data

    cases = [
        (form(desk_booking, error_messages={}, clean_hours=clean_hours), ["taken code", "Desk booking with this Code already exists.", "`unique`"]),
        (
            form(desk_booking, error_messages={NON_FIELD_ERRORS: {"unique": check.CODE_TAKEN, "unique_together": check.DESK_TAKEN}}, clean_hours=clean_hours),
            ["taken code", "already exists", "keyed by field name"],
        ),
        (
            form(desk_booking, error_messages={"code": {"unique": check.CODE_TAKEN}, "desk": {"unique_together": check.DESK_TAKEN}}, clean_hours=clean_hours),
            ["desk already booked that day", "Desk and Day already exists", "unique_together"],
        ),
        (form(desk_booking), ["9 hours", "Constraint “desk_booking_1_to_8_hours” is violated.", "clean_hours"]),
        (form(desk_booking, clean=clean), ["9 hours", "under '__all__', expected under 'hours'"]),
        (form(desk_booking, clean_hours=clean_hours_off_by_one), ["valid booking of 8 hour(s) was rejected"]),
        (
            form(desk_booking, error_messages={"code": {"unique": check.CODE_TAKEN}}, clean=clean_desk_by_hand, clean_hours=clean_hours),
            ["desk already booked that day", "more than the friendly message"],
        ),
        (form(desk_booking, fields=("code", "desk", "hours"), clean_hours=clean_hours), ["leaves out day", "skipped"]),
    ]
    for answer, words in cases:
        assert_fails(check.ex2, answer, *words)

    def clean_hours_crashes(self):
        return self.cleaned_data["hours"] / 0

    assert_fails(check.ex2, form(desk_booking, clean_hours=clean_hours_crashes), "your code raised ZeroDivisionError")


def test_ex2_runs_the_system_checks_on_the_model():
    registry = Apps()
    meta = type("Meta", (), {"app_label": "playground", "apps": registry, "constraints": check.desk_booking_constraints()})
    model = type(
        "DeskBooking",
        (models.Model,),
        {
            "__module__": __name__,
            "Meta": meta,
            "code": models.CharField(max_length=8),
            "desk": models.PositiveSmallIntegerField(),
            "day": models.DateField(),
            "hours": models.PositiveSmallIntegerField(),
            "notes": models.CharField(),  # no max_length: fields.E120
        },
    )
    answer = form(model, clean_hours=clean_hours)
    assert_fails(check.ex2, answer, "Django's system checks reject the DeskBooking model", "fields.E120")


def test_ex2_rejects_other_models_and_non_forms(desk_booking):
    from library.models import Book

    class BookForm(forms.ModelForm):
        class Meta:
            model = Book
            fields = "__all__"

    assert_fails(check.ex2, BookForm, "not the DeskBooking model")
    assert_fails(check.ex2, lambda: None, "not a ModelForm class")


# ------------------------------------------------------------------ 3.3 ---




@pytest.fixture(scope="module", autouse=True)
def stop_postgres_at_the_end():
    was_running = postgres.is_running()
    yield
    if not was_running:
        postgres.stop()


def test_ex3_stub_is_not_attempted_without_touching_postgresql(monkeypatch):
    def no_postgres(*args, **kwargs):
        raise AssertionError("the stub must be recognised before PostgreSQL is needed")

    monkeypatch.setattr(postgres, "start", no_postgres)
    monkeypatch.setattr(postgres, "unavailable_reason", no_postgres)
    assert check.ex3.evaluate(stub).status == NOT_ATTEMPTED


def test_ex3_says_in_one_line_when_postgresql_is_unavailable(monkeypatch, capsys):
    reason = "the embedded PostgreSQL (pgserver) is not installed"

    def start(alias="postgres"):
        print(f"PostgreSQL is not available here: {reason}.")
        return None

    monkeypatch.setattr(postgres, "start", start)
    monkeypatch.setattr(postgres, "unavailable_reason", lambda: reason)
    check.ex3(lambda: [models.CheckConstraint(check=Q(cancelled=False), name="x")])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("❌ FAILED · Exercise 3.3: this exercise needs PostgreSQL"), lines
    assert f"{reason}. Hint:" in lines[0]

    socket = f"{tempfile.gettempdir()}/django41-course-pg-abc123/.s.PGSQL.5432"
    monkeypatch.setattr(postgres, "unavailable_reason", lambda: f'the server failed (no socket "{socket}")')
    outcome = check.ex3.evaluate(lambda: [models.CheckConstraint(check=Q(cancelled=False), name="x")])
    assert outcome.status == FAIL and 'no socket "<path>"' in outcome.message, outcome.line
    assert "django41-course-pg" not in outcome.message and tempfile.gettempdir() not in outcome.message

    def needs_psycopg2():
        raise ModuleNotFoundError("No module named 'psycopg2'")

    outcome = check.ex3.evaluate(needs_psycopg2)
    assert outcome.status == FAIL and "needs PostgreSQL" in outcome.message


def exclusion(*expressions, **options):
    from django.contrib.postgres.constraints import ExclusionConstraint

    return ExclusionConstraint(name="no_overlap", expressions=list(expressions), **options)


def test_ex3_accepts_different_correct_answers():
    postgres_or_skip()
    from django.contrib.postgres.fields import RangeOperators

    answers = [
        lambda: [exclusion(("during", RangeOperators.OVERLAPS), condition=Q(cancelled=False))],
        lambda: (
            exclusion(
                (F("during"), "&&"),
                condition=~Q(cancelled=True),
                index_type="SPGIST",
                violation_error_message="The seminar room is taken then.",
            ),
        ),
    ]
    for answer in answers:
        outcome = check.ex3.evaluate(answer)
        assert outcome.status == PASS, outcome.line


def test_ex3_rejects_wrong_answers():
    postgres_or_skip()
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import RangeOperators

    class OnlyAtSave(ExclusionConstraint):
        def validate(self, *args, **kwargs):
            return None

    cancelled = Q(cancelled=False)
    cases = [
        ([exclusion(("during", RangeOperators.OVERLAPS))], ["cancelled booking", "was rejected", "condition"]),
        ([exclusion(("during", RangeOperators.EQUAL), condition=cancelled)], ["11:00 to 13:00", "was accepted", "OVERLAPS"]),
        ([exclusion(("during", RangeOperators.ADJACENT_TO), condition=cancelled)], ["was accepted"]),
        ([models.UniqueConstraint(fields=["during"], condition=cancelled, name="u")], ["11:00 to 13:00", "was accepted"]),
        (
            [exclusion(("during", RangeOperators.OVERLAPS)), exclusion(("during", RangeOperators.ADJACENT_TO), condition=cancelled)],
            ["Django's system checks reject", "models.E031: constraint name 'no_overlap' is not unique for model playground.SeminarBooking"],
        ),
        (  # the system checks pass; PostgreSQL has no GiST operator class for varchar without btree_gist
            [exclusion(("title", RangeOperators.EQUAL), ("during", RangeOperators.OVERLAPS), condition=cancelled)],
            ["could not create a table", "ProgrammingError", "gist"],
        ),
        (
            [OnlyAtSave(name="o", expressions=[("during", RangeOperators.OVERLAPS)], condition=cancelled)],
            ["only stopped by the database at save()"],
        ),
    ]
    for constraints, words in cases:
        assert_fails(check.ex3, lambda constraints=constraints: constraints, *words)


def test_ex3_rejects_touching_bookings_being_refused():
    postgres_or_skip()
    from django.contrib.postgres.constraints import ExclusionConstraint

    closed = ExclusionConstraint(
        name="closed_ranges",
        expressions=[
            (models.Func(models.Func(F("during"), function="lower"), models.Func(F("during"), function="upper"),
                         models.Value("[]"), function="tstzrange", output_field=models.Field()), "&&"),
        ],
        condition=Q(cancelled=False),
    )
    assert_fails(check.ex3, lambda: [closed], "right after 10:00-12:00", "only touch")


def test_seminar_booking_model_builds_the_model_for_experiments_and_checks_clean_up():
    postgres_or_skip()
    from django.contrib.postgres.fields import RangeOperators
    from django.db import connections
    from psycopg2.extras import DateTimeTZRange

    Booking = check.seminar_booking_model([exclusion(("during", RangeOperators.OVERLAPS))])
    try:
        start = datetime.datetime(2022, 8, 3, 10, tzinfo=datetime.timezone.utc)
        Booking.objects.create(title="a", during=DateTimeTZRange(start, start + datetime.timedelta(hours=2)))
        clash = Booking(title="b", during=DateTimeTZRange(start, start + datetime.timedelta(hours=1)))
        with pytest.raises(ValidationError):
            clash.full_clean()
    finally:
        cells.drop_table(Booking, using="postgres")
    check.ex3.evaluate(lambda: [exclusion(("during", RangeOperators.OVERLAPS), condition=Q(cancelled=False))])
    tables = connections["postgres"].introspection.table_names()
    assert not [name for name in tables if name.startswith("lesson03_checked_")]
