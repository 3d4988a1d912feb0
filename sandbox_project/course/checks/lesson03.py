"""Checks for the exercises of 03_constraint_validation.

Exercises 3.1 and 3.3 hand in a function that returns a list of constraints.
The check attaches copies of them (renamed ``lesson03chk_<name>``, so they never
collide with indexes the learner created while experimenting) to a fresh model
of its own, in a private app registry, runs Django's system checks on it (as
``manage.py check`` would: ``models.E031``/``E032`` for a constraint name used
twice, ``models.E012`` for a field that does not exist, the ``models.W0xx``
warnings for what the database would not enforce), creates its table, and then
puts rows through ``full_clean()`` and ``save()``, rows chosen so that near
misses (a bound off by one, a condition on the wrong rule, an extra field in a
unique constraint) fail too. Exercise 3.2 hands in a ModelForm for
the ``DeskBooking`` model defined in the notebook and is checked with real
form submissions. Every check leaves the data as it found it.

``hold_model(constraints)`` and ``seminar_booking_model(constraints)`` build the
same models the checks use, for trying constraints out by hand.
"""
import contextlib
import copy
import datetime
import io
import os
import re
import sys
import tempfile

from django import forms
from django.apps.registry import Apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.db.models.constraints import BaseConstraint

from course import cells, postgres
from course.checks.framework import Fail, NotAttempted, call, exercise, expect, question

PLACED = datetime.date(2022, 8, 3)
EXPIRES = PLACED + datetime.timedelta(days=7)
KINDRED, SOWER, CITIES = "9780807083697", "9781538732182", "9780156453806"
PREFIX = "lesson03chk_"  # the check renames the learner's constraints with it


# ---------------------------------------------------------------- models ---


def _hold_fields():
    return {
        "code": models.CharField(max_length=8),
        "member": models.CharField(max_length=100),
        "isbn": models.CharField(max_length=13),
        "placed_on": models.DateField(),
        "expires_on": models.DateField(),
        "collected": models.BooleanField(default=False),
    }


def _seminar_booking_fields():
    from django.contrib.postgres.fields import DateTimeRangeField

    return {
        "title": models.CharField(max_length=100),
        "during": DateTimeRangeField(),
        "cancelled": models.BooleanField(default=False),
    }


def _model_class(name, fields, constraints, db_table=None):
    """A model of its own, in a private app registry (nothing is re-registered); no table yet."""
    options = {"app_label": "playground", "apps": Apps(), "constraints": list(constraints), "ordering": ["pk"]}
    if db_table:
        options["db_table"] = db_table
    meta = type("Meta", (), options)
    return type(name, (models.Model,), {"__module__": __name__, "Meta": meta, **fields})


def _build(name, fields, constraints, using="default", db_table=None):
    """A model of its own (private app registry: nothing is re-registered), with a fresh table."""
    return cells.table(_model_class(name, fields, constraints, db_table), using=using)


def hold_model(constraints):
    """The ``Hold`` model of exercise 3.1 with ``constraints``, on an empty table."""
    return _build("Hold", _hold_fields(), constraints)


def seminar_booking_model(constraints):
    """The ``SeminarBooking`` model of exercise 3.3 with ``constraints``, on PostgreSQL (None without it)."""
    alias = postgres.start()
    if alias is None:
        return None
    return _build("SeminarBooking", _seminar_booking_fields(), constraints, using=alias)


def desk_booking_constraints():
    """The constraints of the ``DeskBooking`` model of exercise 3.2, as the notebook defines them."""
    return [
        models.UniqueConstraint(fields=["code"], name="desk_booking_code_unique"),
        models.UniqueConstraint(fields=["desk", "day"], name="one_booking_per_desk_and_day"),
        models.CheckConstraint(check=Q(hours__gte=1, hours__lte=8), name="desk_booking_1_to_8_hours"),
    ]


# --------------------------------------------------------------- helpers ---


def _constraints_from(function, name):
    constraints = call(function)
    expect(
        isinstance(constraints, (list, tuple)),
        f"{name}() returned {type(constraints).__name__}, not a list of constraints.",
        "return a list, e.g. `return [models.CheckConstraint(...), ...]`.",
    )
    expect(len(constraints) > 0, f"{name}() returned an empty list.", "return one constraint per rule.")
    for item in constraints:
        expect(
            isinstance(item, BaseConstraint),
            f"{name}() returned a list holding {type(item).__name__}, which is not a constraint.",
            "put constraint objects in the list (CheckConstraint, UniqueConstraint, ExclusionConstraint).",
        )
    renamed = []
    for constraint in constraints:
        constraint = copy.copy(constraint)
        constraint.name = f"{PREFIX}{constraint.name}"
        renamed.append(constraint)
    return renamed


def system_check_messages(model, using="default"):
    """What Django's system checks (``manage.py check``, run before ``migrate``) say about ``model``.

    ``Model.check()`` covers the fields and, through ``_check_constraints``, the
    fields each constraint refers to (``models.E012``) and what the database cannot
    enforce (``models.W027``, ``W036``, ``W038``, ``W039``, ``W044``, ``W045``).
    Constraint names are checked across models by ``check_all_models``
    (``models.E031`` within one model, ``E032`` among models): that part is done here,
    for a model kept out of the project's registry, against the project's registered
    models (not the ``playground`` models of notebook cells, which may be the learner's
    own trial of the same constraints).
    Returns the ``CheckMessage``s of level WARNING and above, but ``models.W042``
    (about DEFAULT_AUTO_FIELD, not about the learner's answer).
    """
    from django.apps import apps
    from django.core import checks

    found = [m for m in model.check(databases=[using]) if m.level >= checks.WARNING and m.id != "models.W042"]
    label = model._meta.label
    elsewhere = {}
    for other in apps.get_models():
        # The project's models; not the notebook's own playground models, where a learner may
        # have tried the very same constraints out.
        if other._meta.app_label != "playground":
            for constraint in other._meta.constraints:
                elsewhere.setdefault(constraint.name, set()).add(other._meta.label)
    counted = {}
    for constraint in model._meta.constraints:
        counted[constraint.name] = counted.get(constraint.name, 0) + 1
    for name, count in counted.items():
        plain = _plain(name)
        labels = elsewhere.get(plain, set()) | elsewhere.get(name, set())
        if labels:
            found.append(
                checks.Error(
                    f"constraint name '{name}' is not unique among models: {', '.join(sorted(labels | {label}))}.",
                    id="models.E032",
                )
            )
        elif count > 1:
            found.append(checks.Error(f"constraint name '{name}' is not unique for model {label}.", id="models.E031"))
    return found


_CHECK_HINTS = {
    "models.E031": "give every constraint a name of its own.",
    "models.E032": "constraint names are unique across all the project's models: give yours a name of its own.",
    "models.E012": "every field a constraint names must be a field of the model; check the spelling.",
    "models.W045": "write the condition with Q() and F() instead of RawSQL(), so that full_clean() can evaluate it.",
}
_UNSUPPORTED_HINT = "the database will not create that constraint: leave out the option the message names."


def _run_system_checks(model, using, fields, what="your constraints"):
    """Fail with the system checks' messages, Django's ids and words, before any table is created."""
    found = system_check_messages(model, using)
    if not found:
        return
    listed = "; ".join(f"{m.id}: {_plain(m.msg).rstrip('.')}" for m in found)
    first = found[0]
    hint = _CHECK_HINTS.get(first.id) or (_UNSUPPORTED_HINT if first.id.startswith("models.W") else "fix what it names.")
    if first.id == "models.E012":
        hint += f" The model's fields are {', '.join(fields)}."
    raise Fail(f"Django's system checks reject {what} ({listed}).", hint)


def _checked_model(name, fields, constraints, using="default"):
    model = _model_class(name, fields, constraints, db_table=f"lesson03_checked_{name.lower()}")
    _run_system_checks(model, using, list(fields))
    try:
        return cells.table(model, using=using)
    except Exception as error:  # noqa: BLE001 - whatever the database says about the learner's constraints
        text = _plain(error).splitlines()[0] if _plain(error) else ""
        raise Fail(
            f"the database could not create a table with your constraints ({type(error).__name__}: {text}).",
            "check the field names and lookups in each constraint, and give every constraint its own name.",
        ) from None


def _machine_paths():
    roots = {tempfile.gettempdir(), sys.prefix, sys.base_prefix, os.path.expanduser("~"), "/tmp", "/root", "/home"}
    roots = sorted((root.rstrip(os.sep) for root in roots if root.strip(os.sep)), key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(root) for root in roots) + r")(?![\w.-])(?:/[^\s\"'()]*)?")


_MACHINE_PATH = _machine_paths()


def _plain(text):
    """Error text with the learner's own constraint names (the check renamed them), and no machine paths.

    PostgreSQL's messages may name its socket, in a temporary directory; the line
    a learner reads (and a notebook stores) shows ``<path>`` instead.
    """
    return _MACHINE_PATH.sub("<path>", str(text).strip().replace(PREFIX, ""))


def _summary(error):
    return _plain("; ".join(f"{key}: {' '.join(messages)}" for key, messages in sorted(error.message_dict.items())))


def _validate(instance):
    """The ValidationError full_clean() raises, or None."""
    try:
        instance.full_clean()
    except ValidationError as error:
        return error
    except Exception as error:  # noqa: BLE001 - e.g. a constraint class written for Django 4.0
        raise Fail(
            f"full_clean() raised {type(error).__name__}: {_plain(error) or 'no message'}.",
            "since Django 4.1 every constraint needs a validate() method: use CheckConstraint, "
            "UniqueConstraint or ExclusionConstraint.",
        ) from None
    return None


def _save(instance):
    """Save in a savepoint; the error the database raised (IntegrityError, usually), or None."""
    alias = cells.database_for(type(instance)) or "default"
    try:
        with transaction.atomic(using=alias):
            instance.save()
    except DatabaseError as error:
        return error
    return None


def _accept(model, what, hint, **values):
    """``what`` is valid: full_clean() passes and the database stores it."""
    instance = model(**values)
    error = _validate(instance)
    if error is not None:
        raise Fail(f"{what} was rejected by full_clean() ({_summary(error)}).", hint)
    refused = _save(instance)
    if refused is not None:
        raise Fail(f"{what} passed full_clean() but the database refused it ({_plain(refused)}).", hint)
    return instance


def _reject(model, what, hint, **values):
    """``what`` breaks a rule: full_clean() reports it, and the database refuses it too."""
    instance = model(**values)
    error = _validate(instance)
    refused = _save(instance)
    if refused is None:
        instance.delete()
    if error is None and refused is not None:
        raise Fail(
            f"{what} passed full_clean() and was only stopped by the database at save() ({_plain(refused)}).",
            "use constraints that Django 4.1 validates: CheckConstraint, UniqueConstraint, ExclusionConstraint.",
        )
    if error is None:
        raise Fail(f"{what} was accepted.", hint)
    if refused is None:
        raise Fail(
            f"full_clean() rejected {what}, but the database accepted it at save().",
            "the rule must be a database constraint (listed in Meta.constraints), not only Python code.",
        )
    return error


# ----------------------------------------------------------- exercise 3.1 ---


@exercise("3.1", "hold_constraints")
def ex1(hold_constraints):
    """``hold_constraints()`` returns the constraints of ``Hold``: a check, a conditional and a case-insensitive unique."""
    constraints = _constraints_from(hold_constraints, "hold_constraints")
    model = _checked_model("Hold", _hold_fields(), constraints)
    try:
        _run_holds(model)
    finally:
        cells.drop_table(model)
    return "full_clean() reports all three rules, and the database enforces them too."


def _run_holds(Hold):
    ada = dict(member="Ada", isbn=KINDRED, placed_on=PLACED, expires_on=EXPIRES)
    not_too_strict = "a rule is stricter than asked: re-read which holds may coexist."
    first = _accept(Hold, "a valid hold (Ada, Kindred, code 'AB12')", not_too_strict, code="AB12", **ada)

    dates_hint = 'add a CheckConstraint comparing `expires_on` with `F("placed_on")` (strictly later).'
    for days, when in ((0, "the day it is placed"), (-1, "before it is placed")):
        _reject(
            Hold,
            f"a hold that expires {when}",
            dates_hint,
            code="CD34",
            member="Grace",
            isbn=SOWER,
            placed_on=PLACED,
            expires_on=PLACED + datetime.timedelta(days=days),
        )
    _reject(
        Hold,
        "a collected hold that expires the day it is placed",
        "the dates rule holds for every hold, collected or not: give the CheckConstraint no exception for them.",
        code="CD34",
        member="Grace",
        isbn=SOWER,
        placed_on=PLACED,
        expires_on=PLACED,
        collected=True,
    )
    _accept(
        Hold,
        "a hold that expires the day after it is placed",
        dates_hint,
        code="CD34",
        member="Grace",
        isbn=SOWER,
        placed_on=PLACED,
        expires_on=PLACED + datetime.timedelta(days=1),
    )

    per_member_and_book = (
        "one uncollected hold per member *and* book: a UniqueConstraint on both fields, "
        "counting only uncollected holds."
    )
    _reject(Hold, "a second uncollected hold by Ada on Kindred", per_member_and_book, code="EF56", **ada)
    _reject(
        Hold,
        "a second uncollected hold by Ada on Kindred placed a day later",
        "the rule is on the member and the book only: the dates must not be part of the unique constraint.",
        code="MN34",
        member="Ada",
        isbn=KINDRED,
        placed_on=PLACED + datetime.timedelta(days=1),
        expires_on=EXPIRES + datetime.timedelta(days=1),
    )
    _accept(
        Hold,
        "a hold by Lin on Kindred, which Ada also holds",
        "the rule is per member and book: other members may hold the same book.",
        code="EF56",
        member="Lin",
        isbn=KINDRED,
        placed_on=PLACED,
        expires_on=EXPIRES,
    )
    _accept(
        Hold,
        "a hold by Ada on a second book",
        "the rule is per member and book: a member may hold several books.",
        code="GH78",
        member="Ada",
        isbn=CITIES,
        placed_on=PLACED,
        expires_on=EXPIRES,
    )

    grace = dict(member="Grace", isbn=CITIES, placed_on=PLACED, expires_on=EXPIRES)
    _reject(
        Hold,
        "a second hold with the code 'AB12'",
        "pickup codes must be unique: add a UniqueConstraint for `code`.",
        code="AB12",
        **grace,
    )
    _reject(
        Hold,
        "a hold with the code 'ab12' while 'AB12' exists (the uniqueness is case-sensitive)",
        'a UniqueConstraint can take an expression instead of field names: compare the codes case-insensitively.',
        code="ab12",
        **grace,
    )

    first.collected = True
    error = _validate(first)
    if error is not None:
        raise Fail(f"marking Ada's first hold as collected was rejected by full_clean() ({_summary(error)}).", not_too_strict)
    first.save()
    collected_hint = "only uncollected holds count: give the unique constraint a `condition` on `collected`."
    _accept(Hold, "a new hold by Ada on Kindred after her first hold was collected", collected_hint, code="IJ90", **ada)
    _accept(
        Hold,
        "a second collected hold by Ada on Kindred (collected holds do not count)",
        collected_hint,
        code="KL12",
        collected=True,
        **ada,
    )
    _reject(
        Hold,
        "a hold reusing the code of a collected hold ('Ab12')",
        "pickup codes are unique across all holds, collected or not: no condition on the code's constraint.",
        code="Ab12",
        **grace,
    )


# ----------------------------------------------------------- exercise 3.2 ---

DESK_FIELDS = ("code", "desk", "day", "hours")
CODE_TAKEN = "This booking code is already in use."
DESK_TAKEN = "This desk is already booked on that day."
HOURS = "Book a desk for 1 to 8 hours."


@exercise("3.2", "DeskBookingForm")
def ex2(form_class):
    """``DeskBookingForm`` shows friendly messages, each on the right key, for the DeskBooking constraints."""
    expect(
        isinstance(form_class, type) and issubclass(form_class, forms.ModelForm),
        f"DeskBookingForm is {type(form_class).__name__}, not a ModelForm class.",
        "define it with `class DeskBookingForm(forms.ModelForm):`.",
    )
    model = form_class._meta.model
    if model is None:
        raise NotAttempted("give `DeskBookingForm` a `Meta` class with `model = DeskBooking`")
    names = {field.name for field in model._meta.get_fields()}
    expect(
        set(DESK_FIELDS) <= names and list(model._meta.constraints) == desk_booking_constraints(),
        f"the form's model is {model.__name__}, not the DeskBooking model of this exercise (or its constraints were changed).",
        "set `model = DeskBooking` in Meta, and run the model's cell again unchanged.",
    )
    _run_system_checks(model, cells.database_for(model) or "default", DESK_FIELDS, what=f"the {model.__name__} model")
    missing = [name for name in DESK_FIELDS if name not in form_class.base_fields]
    expect(
        not missing,
        f"the form leaves out {', '.join(missing)}, so the constraints on it are skipped during validation.",
        "fields left off a ModelForm are excluded from model validation: list all four in `Meta.fields`.",
    )
    saved = list(model._base_manager.all())
    model._base_manager.all().delete()
    try:
        model._base_manager.create(code="AB12", desk=3, day=datetime.date(2022, 8, 3), hours=4)
        _run_desk_bookings(form_class, model)
    finally:
        model._base_manager.all().delete()
        model._base_manager.bulk_create(saved)
    return "every rule shows its friendly message, on the right key, before the database is involved."


def _submit(form_class, **data):
    """The learner's form, bound to ``data`` and validated (through ``call``: errors are theirs)."""
    form = call(form_class, data={key: str(value) for key, value in data.items()})
    call(form.is_valid)
    return form


def _errors(form):
    return {key: [str(message) for message in messages] for key, messages in form.errors.items()}


def _run_desk_bookings(form_class, model):
    for hours, day in ((8, "2022-08-03"), (1, "2022-08-04")):
        form = _submit(form_class, code=f"OK{hours}", desk=4, day=day, hours=hours)
        expect(
            form.is_valid(),
            f"a valid booking of {hours} hour(s) was rejected ({_errors(form)}).",
            "only reject what the three rules forbid.",
        )
        call(form.save)
    expect(
        model._base_manager.filter(desk=4).count() == 2,
        "form.save() did not store the valid booking.",
        "keep the ModelForm's own save().",
    )
    model._base_manager.filter(desk=4).delete()

    cases = [
        (
            "a taken code",
            dict(code="AB12", desk=5, day="2022-08-04", hours=2),
            "code",
            CODE_TAKEN,
            "a single-field unique constraint reports on the field with the error code `unique`: "
            "`Meta.error_messages` can replace it, keyed by field name and then by code.",
        ),
        (
            "a desk already booked that day",
            dict(code="CD34", desk=3, day="2022-08-03", hours=2),
            NON_FIELD_ERRORS,
            DESK_TAKEN,
            "a unique constraint on two fields reports under NON_FIELD_ERRORS with the code `unique_together`: "
            "`Meta.error_messages` can replace it there.",
        ),
        (
            "9 hours",
            dict(code="EF56", desk=6, day="2022-08-05", hours=9),
            "hours",
            HOURS,
            "the check constraint's own message goes to `__all__`; validate `hours` on the form "
            "(a `clean_hours()` method, or a form field with limits and messages) so the message sits on the field.",
        ),
        (
            "0 hours",
            dict(code="GH78", desk=6, day="2022-08-05", hours=0),
            "hours",
            HOURS,
            "reject every value outside 1 to 8 on the `hours` field, with the same message.",
        ),
    ]
    for what, data, key, message, hint in cases:
        form = _submit(form_class, **data)
        expect(not form.is_valid(), f"a booking with {what} was accepted by the form.", hint)
        errors = _errors(form)
        shown = f"{'__all__' if key == NON_FIELD_ERRORS else key!r}"
        where = [name for name, messages in errors.items() if message in messages]
        expect(
            where,
            f"a booking with {what} shows {errors}, not {message!r}.",
            hint,
        )
        expect(
            where == [key],
            f"a booking with {what} shows {message!r} under {where[0]!r}, expected under {shown}.",
            hint,
        )
        expect(
            errors == {key: [message]},
            f"a booking with {what} shows more than the friendly message: {errors}.",
            hint,
        )


# ----------------------------------------------------------- exercise 3.3 ---


def _utc(hour, minute=0):
    return datetime.datetime(2022, 8, 3, hour, minute, tzinfo=datetime.timezone.utc)


@exercise("3.3", "booking_constraints", time_limit=60)
def ex3(booking_constraints):
    """``booking_constraints()``: non-cancelled seminar-room bookings never overlap (PostgreSQL)."""
    try:
        constraints = _constraints_from(booking_constraints, "booking_constraints")
    except (ImportError, NameError):
        reason = postgres.unavailable_reason()
        if reason:
            raise Fail(
                f"this exercise needs PostgreSQL, which is not available here: {_plain(reason).rstrip('.')}.",
                "see the PostgreSQL section of lesson 03.",
            ) from None
        raise
    with contextlib.redirect_stdout(io.StringIO()):
        alias = postgres.start()
    if alias is None:
        raise Fail(
            f"this exercise needs PostgreSQL, which is not available here: {_plain(postgres.unavailable_reason()).rstrip('.')}.",
            "see the PostgreSQL section of lesson 03.",
        )
    model = _checked_model("SeminarBooking", _seminar_booking_fields(), constraints, using=alias)
    try:
        _run_bookings(model)
    finally:
        cells.drop_table(model, using=alias)
    return "overlapping bookings are rejected by full_clean() and by PostgreSQL; touching and cancelled ones are not."


def _run_bookings(Booking):
    from psycopg2.extras import DateTimeTZRange

    def during(start, end):
        return DateTimeTZRange(start, end)  # '[)': the end is not part of the booking

    overlap_hint = (
        "an ExclusionConstraint with `RangeOperators.OVERLAPS` on `during` rejects any two bookings that share a moment."
    )
    first = _accept(
        Booking,
        "a first booking (10:00-12:00)",
        "a rule is stricter than asked.",
        title="Reading group",
        during=during(_utc(10), _utc(12)),
    )
    for start, end in ((_utc(11), _utc(13)), (_utc(9), _utc(15)), (_utc(10, 30), _utc(11, 30)), (_utc(10), _utc(12))):
        _reject(
            Booking,
            f"a booking from {start:%H:%M} to {end:%H:%M}, overlapping 10:00-12:00",
            overlap_hint,
            title="Clash",
            during=during(start, end),
        )
    _accept(
        Booking,
        "a booking from 12:00 to 14:00, right after 10:00-12:00",
        "bookings that only touch do not overlap: use OVERLAPS (&&), not ADJACENT_TO or a test on the bounds.",
        title="Seminar",
        during=during(_utc(12), _utc(14)),
    )
    cancelled_hint = "cancelled bookings do not count: give the ExclusionConstraint a `condition` on `cancelled`."
    _accept(
        Booking,
        "a cancelled booking from 10:30 to 11:30",
        cancelled_hint,
        title="Cancelled talk",
        during=during(_utc(10, 30), _utc(11, 30)),
        cancelled=True,
    )
    first.cancelled = True
    error = _validate(first)
    if error is not None:
        raise Fail(f"cancelling the first booking was rejected by full_clean() ({_summary(error)}).", cancelled_hint)
    first.save()
    _accept(
        Booking,
        "a booking from 10:00 to 11:00 after the 10:00-12:00 booking was cancelled",
        cancelled_hint,
        title="Workshop",
        during=during(_utc(10), _utc(11)),
    )


# What a notebook uses, and all that `check.<Tab>` offers.
# ---------------------------------------------------------------- self-check questions

q1 = question(
    "3.Q1",
    answer="d",
    choices="abcde",
    explanation="since 4.1, full_clean() runs validate_constraints() after clean_fields(), clean() and "
    "validate_unique(); that last step asks each constraint, the check constraint included (4.0 left it to save()).",
)
q2 = question(
    "3.Q2",
    answer="a",
    choices="abcd",
    explanation="only a UniqueConstraint on one field with no condition reports under that field (with the unique "
    "message); several fields, expressions and check constraints report under __all__ (NON_FIELD_ERRORS).",
)

__all__ = ["ex1", "ex2", "ex3", "q1", "q2", "hold_model", "seminar_booking_model"]


def __dir__():
    return __all__
