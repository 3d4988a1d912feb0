"""Checks for the exercises of 05_secret_key_rotation.

Every check makes real signed values under one key (a logged-in session, a
signed cookie, a cookie-stored message, a password-reset token and a
``signing.dumps()`` link), applies the learner's settings or signer with
``override_settings``, and looks at what Django accepts. The keys are random
for every run, so no answer can hard-code them. Users and sessions made by a
check are deleted afterwards, and Django's "Session data corrupted" warnings
are collected instead of reaching stderr.
"""
import copy
from contextlib import contextmanager
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.management.utils import get_random_secret_key
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.utils.encoding import force_str

from course.checks.framework import Fail, call, exercise, expect, question
from course.lessons.lesson05 import captured_logs, keys

USER_PREFIX = "lesson05-check-"
PASSWORD = "lesson05-check-password"
COOKIE_SALT = "lesson05.check.theme"
LINK_SALT = "lesson05.check.share"
MESSAGE = "Checked by lesson 05"
EMAIL = "ada@example.com"

SESSION = "session"
KINDS = (SESSION, "signed cookie", "message cookie", "password-reset token", "signed link")


@contextmanager
def scratch():
    """Delete the check's users and sessions afterwards; keep Django's security warnings quiet."""
    sessions_before = set(Session.objects.values_list("pk", flat=True))
    User.objects.filter(username__startswith=USER_PREFIX).delete()
    try:
        with captured_logs("django.security"):
            yield
    finally:
        User.objects.filter(username__startswith=USER_PREFIX).delete()
        Session.objects.exclude(pk__in=sessions_before).delete()


class Signed:
    """One of each value SECRET_KEY signs, made under the settings in force."""

    count = 0

    def __init__(self):
        Signed.count += 1
        username = f"{USER_PREFIX}{Signed.count}"
        # One user per bundle: logging in changes a user's reset tokens.
        self.user = User.objects.create_user(username, EMAIL, PASSWORD)
        client = Client()
        if not client.login(username=username, password=PASSWORD):
            raise RuntimeError("the check could not log its user in")
        self.session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.user.refresh_from_db()
        self.token = default_token_generator.make_token(self.user)

        response = HttpResponse()
        response.set_signed_cookie("theme", "dark", salt=COOKIE_SALT)
        self.cookie = response.cookies["theme"].value

        storage = CookieStorage(RequestFactory().get("/"))
        storage.add(constants.INFO, MESSAGE)
        response = HttpResponse()
        storage.update(response)
        self.messages = response.cookies[CookieStorage.cookie_name].value

        self.link = signing.dumps({"user": username}, salt=LINK_SALT)

    def accepted(self):
        """For each kind of value: does Django accept it under the settings in force?

        Reading the session is what AuthenticationMiddleware does on a request.
        Call this once per bundle: a session accepted through a fallback key
        moves to a new session key, and a rejected one may be flushed.
        """
        request = RequestFactory().get("/")
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(self.session_key)
        request.COOKIES["theme"] = self.cookie
        request.COOKIES[CookieStorage.cookie_name] = self.messages
        try:
            link_ok = signing.loads(self.link, salt=LINK_SALT) == {"user": self.user.username}
        except signing.BadSignature:
            link_ok = False
        results = (
            get_user(request).pk == self.user.pk,
            request.get_signed_cookie("theme", default=None, salt=COOKIE_SALT) == "dark",
            [str(message) for message in CookieStorage(request)] == [MESSAGE],
            default_token_generator.check_token(User.objects.get(pk=self.user.pk), self.token),
            link_ok,
        )
        return dict(zip(KINDS, results))


class SignedLink:
    """A lighter bundle: a ``signing.dumps()`` link and a ``Signer`` value (both honour the fallbacks)."""

    def __init__(self):
        self.link = signing.dumps({"user": EMAIL}, salt=LINK_SALT)
        self.value = signing.Signer(salt=COOKIE_SALT).sign(EMAIL)

    def accepted(self):
        try:
            link_ok = signing.loads(self.link, salt=LINK_SALT) == {"user": EMAIL}
        except signing.BadSignature:
            link_ok = False
        try:
            value_ok = signing.Signer(salt=COOKIE_SALT).unsign(self.value) == EMAIL
        except signing.BadSignature:
            value_ok = False
        return {"signed link": link_ok, "signed value": value_ok}


def listed(names):
    return ", ".join(names)


def rejected(bundle):
    return [kind for kind, ok in bundle.accepted().items() if not ok]


def still_accepted(bundle):
    return [kind for kind, ok in bundle.accepted().items() if ok]


def applied(result, name):
    """The two settings of ``result``, a dict a settings file could hold; Fail if it is not one."""
    expect(
        isinstance(result, dict),
        f"{name} returned {type(result).__name__}, not a dict of settings.",
        'return a dict such as {"SECRET_KEY": ..., "SECRET_KEY_FALLBACKS": [...]}.',
    )
    expect("SECRET_KEY" in result, f"the dict {name} returned has no SECRET_KEY.", "Django always needs a SECRET_KEY.")
    secret = result["SECRET_KEY"]
    expect(
        isinstance(secret, (str, bytes)) and len(secret) > 0,
        f"SECRET_KEY is {secret!r}, not a key.",
        "use one of the keys the function was given.",
    )
    fallbacks = result.get("SECRET_KEY_FALLBACKS", [])
    expect(
        not isinstance(fallbacks, (str, bytes)),
        "SECRET_KEY_FALLBACKS is a single string: Django would try each of its characters as a key.",
        "make it a list of keys, even when it holds only one.",
    )
    expect(
        isinstance(fallbacks, (list, tuple)),
        f"SECRET_KEY_FALLBACKS is {type(fallbacks).__name__}, not a list of keys.",
        "make it a list.",
    )
    expect(
        all(isinstance(key, (str, bytes)) and key for key in fallbacks),
        "SECRET_KEY_FALLBACKS holds something that is not a key.",
        "put only keys (strings) in the list.",
    )
    return {"SECRET_KEY": secret, "SECRET_KEY_FALLBACKS": list(fallbacks)}


def new_values_use(settings_dict, key, label, name, bundle=Signed):
    """Values signed under ``settings_dict`` must validate with ``key`` alone."""
    with override_settings(**settings_dict):
        fresh = bundle()
    with keys(key):
        not_new = rejected(fresh)
    expect(
        not not_new,
        f"under the settings {name} returned, new values are not signed with {label} "
        f"(with that key alone, these failed: {listed(not_new)}).",
        "Django signs with SECRET_KEY only; the fallbacks are only tried when checking.",
    )


@exercise("5.1", "start_rotation")
def ex1(start_rotation):
    """``start_rotation(old_key, new_key)`` returns the settings of the rotation's first day."""
    old, new = get_random_secret_key(), get_random_secret_key()
    result = call(start_rotation, old, new)
    rotation = applied(result, "start_rotation")
    with scratch():
        with keys(old):
            before = Signed()
        with override_settings(**rotation):
            lost = rejected(before)
        logged_out = " (the user was logged out)" if SESSION in lost else ""
        expect(
            not lost,
            f"after the rotation, values signed with the old key were rejected: {listed(lost)}{logged_out}.",
            "Django only accepts old signatures from keys listed in SECRET_KEY_FALLBACKS.",
        )
        expect(
            rotation["SECRET_KEY"] != old,
            "SECRET_KEY is still the old key, so every new signature is made with it.",
            "the new key is the one Django should sign with; the old one only needs to be accepted.",
        )
        new_values_use(rotation, new, "the new key", "start_rotation")
        first = rotation["SECRET_KEY_FALLBACKS"][0]
        expect(
            force_str(first) == old,
            "the old key is in SECRET_KEY_FALLBACKS but not first: the fallbacks are listed most recent first, "
            "so expiring all but the most recent one would keep the wrong key and log everyone out.",
            "put the old key at the beginning of SECRET_KEY_FALLBACKS, as the docs say.",
        )
    return "old sessions, cookies, messages, tokens and links survive, and new ones use the new key."


def _ordered_keys():
    """Three random keys as (low, middle, high): sorting them either way never gives the asked order."""
    return sorted(get_random_secret_key() for _ in range(3))


def _fallback_name(position, count):
    name = f"SECRET_KEY_FALLBACKS[{position}]"
    if position == 0:
        return f"{name} (the most recent old key)"
    if position == count - 1:
        return f"{name} (the oldest key)"
    return name


def _expire_and_check(expire_old_keys, current_key, fallbacks, keep, pass_keep=True, bundle=Signed):
    """Call ``expire_old_keys`` on fresh settings and check, with real signed values, what it kept."""
    current = {"SECRET_KEY": current_key, "SECRET_KEY_FALLBACKS": list(fallbacks)}
    pristine = copy.deepcopy(current)
    shown = f"expire_old_keys(current, keep={keep})" if pass_keep else "expire_old_keys(current)"
    label = f"keep={keep}" if pass_keep else "expire_old_keys(current), keep left at its default (0)"
    result = call(expire_old_keys, current, keep=keep) if pass_keep else call(expire_old_keys, current)
    expect(
        current == pristine,
        f"{shown} changed the settings dict it was given.",
        "build a new dict (and a new list) instead of changing the one passed in.",
    )
    after = applied(result, shown)
    made = {}
    for key in (current_key, *fallbacks):
        with keys(key):
            made[key] = bundle()
    with override_settings(**after):
        lost = rejected(made[current_key])
        expect(
            not lost,
            f"with {label}, values signed with the current SECRET_KEY were rejected: {listed(lost)}.",
            "expiring old keys leaves SECRET_KEY as it is.",
        )
        for position, key in enumerate(fallbacks):
            name = _fallback_name(position, len(fallbacks))
            if position < keep:
                lost = rejected(made[key])
                expect(
                    not lost,
                    f"with {label}, values signed with {name} were rejected, although that "
                    f"key should be kept: {listed(lost)}.",
                    "the most recent old keys come first in SECRET_KEY_FALLBACKS; remove old keys "
                    "from the end of the list.",
                )
            else:
                kept = still_accepted(made[key])
                expect(
                    not kept,
                    f"with {label}, values signed with {name} were still accepted after "
                    f"expiry: {listed(kept)}.",
                    "an expired key must not stay in SECRET_KEY_FALLBACKS; keep only the first "
                    "`keep` entries.",
                )
    expect(
        result is not current and (
            not isinstance(result, dict)
            or result.get("SECRET_KEY_FALLBACKS") is not current["SECRET_KEY_FALLBACKS"]
        ),
        f"{shown} returned the settings it was given (or their list of fallbacks) instead of new ones: "
        "changing the result would change the running settings.",
        "build a new dict (and a new list) instead of returning the one passed in.",
    )
    new_values_use(after, current_key, "the current key", shown, bundle)
    expect(
        after["SECRET_KEY_FALLBACKS"] == list(fallbacks[:keep]),
        f"{shown} kept the right keys, but not in their order (the most recent first): the next expiry "
        "would then remove a recent key and keep an old one.",
        "keep the first `keep` entries as they are, in the same order (a slice does that).",
    )


@exercise("5.2", "expire_old_keys", time_limit=45)
def ex2(expire_old_keys):
    """``expire_old_keys(current, keep=0)`` keeps only the ``keep`` most recent fallbacks."""
    with scratch():
        # Two fallbacks, the most recent one sorting after the oldest one.
        low, middle, high = _ordered_keys()
        for keep in (1, 0, 2):
            _expire_and_check(expire_old_keys, middle, [high, low], keep)
        _expire_and_check(expire_old_keys, middle, [high, low], 0, pass_keep=False, bundle=SignedLink)
        # Three fallbacks in an order that neither sorting nor reversing gives back.
        current_key = get_random_secret_key()
        low, middle, high = _ordered_keys()
        for keep in (1, 2, 3):
            _expire_and_check(expire_old_keys, current_key, [middle, high, low], keep, bundle=SignedLink)
    return "values signed with expired keys are rejected; the current key and the kept ones still work, in order."


def _refuses(signer, value):
    try:
        call(signer.unsign, value)
    except signing.BadSignature:
        return True
    return False


@exercise("5.3", "make_unsubscribe_signer")
def ex3(make_unsubscribe_signer):
    """``make_unsubscribe_signer()`` returns a Signer for unsubscribe links."""
    old, new = get_random_secret_key(), get_random_secret_key()
    with keys(old):
        before = call(make_unsubscribe_signer)
        expect(
            isinstance(before, signing.Signer),
            f"make_unsubscribe_signer() returned {type(before).__name__}, not a Signer.",
            "return a `django.core.signing.Signer` (or a `TimestampSigner`).",
        )
        old_link = call(before.sign, EMAIL)
    with keys(new, old):
        signer = call(make_unsubscribe_signer)
        link = call(signer.sign, EMAIL)
        try:
            value = call(signer.unsign, link)
        except signing.BadSignature:
            raise Fail(
                "the signer refused a link it had just signed.",
                "sign and check with the same Signer settings.",
            ) from None
        expect(value == EMAIL, f"unsign() gave back {value!r}, not {EMAIL!r}.", "return the Signer itself, unchanged.")
        tomorrow = call(make_unsubscribe_signer)
        try:
            value = call(tomorrow.unsign, link)
        except signing.BadSignature:
            raise Fail(
                "a link signed by one make_unsubscribe_signer() signer was refused by the next one, made under "
                "the same settings: every link in a sent newsletter would break when the site restarts.",
                "give the signer a fixed salt (a constant string), not one that changes from call to call.",
            ) from None
        expect(value == EMAIL, f"unsign() gave back {value!r}, not {EMAIL!r}.", "return the Signer itself, unchanged.")
        reference = copy.copy(signer)
        reference.key, reference.fallback_keys = new, []
        expect(
            not _refuses(reference, link),
            "the signer does not sign with the current SECRET_KEY.",
            "build the Signer inside the function, so it reads the settings in force when it is called.",
        )
        expect(
            _refuses(signer, old_link),
            "the signer accepted a link signed before the rotation, with the old key that is still in "
            "SECRET_KEY_FALLBACKS.",
            "a Signer also checks the keys of SECRET_KEY_FALLBACKS unless it is told which fallback keys to use.",
        )
        others = [
            ("a plain Signer()", signing.Signer()),
            ("a plain TimestampSigner()", signing.TimestampSigner()),
            ("signing.dumps()'s TimestampSigner", signing.TimestampSigner(salt="django.core.signing")),
            ("the lesson's share links (salt 'lesson05.share')", signing.TimestampSigner(salt="lesson05.share")),
            ("the lesson's share links (salt 'lesson05.share')", signing.Signer(salt="lesson05.share")),
            (
                "the session store (salt 'django.contrib.sessions.SessionStore')",
                signing.TimestampSigner(salt="django.contrib.sessions.SessionStore"),
            ),
        ]
        for label, other in others:
            expect(
                _refuses(signer, other.sign(EMAIL)),
                f"the signer accepted a value that {label} signed with the current key for another purpose.",
                "give the signer a salt of its own, used nowhere else.",
            )
    return "links use the current key and a salt of their own, and old keys are refused at once."


# ---------------------------------------------------------------- self-check questions

q1 = question(
    "5.Q1",
    answer="b",
    choices="abcd",
    explanation="Django signs with SECRET_KEY only; the fallbacks are only tried when checking a signature, which is "
    "why the lesson's day-1 link validates with the new key alone.",
)
q2 = question(
    "5.Q2",
    answer={"a", "c"},
    choices="abcde",
    explanation="whatever is still signed with the removed key is refused: a session not used since the rotation "
    "and a token made before it; a session used on day 1 was moved to the new key, a link made on day 1 was signed "
    "with it, and password hashes never involve SECRET_KEY.",
)
q3 = question(
    "5.Q3",
    answer="b",
    choices="abc",
    explanation="4.0 has no such setting (global_settings has no default for it), so setting it raises nothing and "
    "nothing reads it: the session signed with the old key is lost, as the side-by-side run on 4.0.10 shows.",
)

# What a notebook uses, and all that `check.<Tab>` offers.
__all__ = ["ex1", "ex2", "ex3", "q1", "q2", "q3"]


def __dir__():
    return __all__
