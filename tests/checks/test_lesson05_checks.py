"""The checks of 05_secret_key_rotation accept right answers and reject wrong ones."""
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import signing

from course.checks.framework import FAIL, NOT_ATTEMPTED, PASS
from course.checks import lesson05 as check
from tests.helpers import assert_fails



@pytest.fixture(autouse=True)
def leaves_no_trace():
    sessions = Session.objects.count()
    yield
    assert not User.objects.filter(username__startswith=check.USER_PREFIX).exists()
    assert Session.objects.count() == sessions


# Exercise 5.1 ------------------------------------------------------------------


def test_ex1_stub_is_not_attempted():
    def start_rotation(old_key, new_key):
        raise NotImplementedError()

    assert check.ex1.evaluate(start_rotation).status == NOT_ATTEMPTED


def test_ex1_accepts_different_correct_answers():
    def literal(old_key, new_key):
        return {"SECRET_KEY": new_key, "SECRET_KEY_FALLBACKS": [old_key]}

    def built(old_key, new_key):
        rotation = dict(SECRET_KEY=new_key)
        rotation["SECRET_KEY_FALLBACKS"] = (old_key,)
        return rotation

    def redundant_but_working(old_key, new_key):
        return {"SECRET_KEY": new_key, "SECRET_KEY_FALLBACKS": [old_key, new_key]}

    def as_bytes(old_key, new_key):
        return {"SECRET_KEY": new_key.encode(), "SECRET_KEY_FALLBACKS": [old_key.encode()]}

    for answer in (literal, built, redundant_but_working, as_bytes):
        outcome = check.ex1.evaluate(answer)
        assert outcome.status == PASS, (answer.__name__, outcome.line)


def test_ex1_rejects_wrong_answers():
    cases = {
        # the old key is not in the fallbacks: everyone is logged out
        "no fallbacks": (lambda old, new: {"SECRET_KEY": new}, ["logged out", "old key"]),
        "empty fallbacks": (lambda old, new: {"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": []}, ["logged out"]),
        "new key in fallbacks": (
            lambda old, new: {"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": [new]},
            ["logged out"],
        ),
        # the new key in the fallbacks instead of SECRET_KEY: new values signed with the old key
        "swapped": (
            lambda old, new: {"SECRET_KEY": old, "SECRET_KEY_FALLBACKS": [new]},
            ["still the old key"],
        ),
        "unrelated key": (
            lambda old, new: {"SECRET_KEY": "x" * 50 + new[:5], "SECRET_KEY_FALLBACKS": [old]},
            ["not signed with the new key"],
        ),
        "string": (
            lambda old, new: {"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": old},
            ["single string"],
        ),
        "set": (lambda old, new: {"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": {old}}, ["not a list"]),
        "no secret key": (lambda old, new: {"SECRET_KEY_FALLBACKS": [old]}, ["no SECRET_KEY"]),
        "empty secret key": (lambda old, new: {"SECRET_KEY": "", "SECRET_KEY_FALLBACKS": [old]}, ["not a key"]),
        "not a dict": (lambda old, new: [new, old], ["not a dict"]),
        "tuple of settings": (lambda old, new: (new, [old]), ["not a dict"]),
        "new key first in the fallbacks": (
            lambda old, new: {"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": [new, old]},
            ["not first", "most recent first"],
        ),
        "old key after another one": (
            lambda old, new: {"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": ["x" * 50, old]},
            ["not first"],
        ),
    }
    for name, (answer, words) in cases.items():
        assert_fails(check.ex1, answer, *words)


def test_ex1_reports_learner_exceptions_in_one_line():
    def broken(old_key, new_key):
        return {"SECRET_KEY": new_key, "SECRET_KEY_FALLBACKS": [old_key]}["missing"]

    outcome = check.ex1.evaluate(broken)
    assert outcome.status == FAIL and "your code raised KeyError" in outcome.message


# Exercise 5.2 ------------------------------------------------------------------


def test_ex2_stub_is_not_attempted():
    def expire_old_keys(current, keep=0):
        raise NotImplementedError()

    assert check.ex2.evaluate(expire_old_keys).status == NOT_ATTEMPTED


def test_ex2_accepts_different_correct_answers():
    def sliced(current, keep=0):
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": current["SECRET_KEY_FALLBACKS"][:keep]}

    def copied(current, keep=0):
        result = dict(current)
        fallbacks = list(current.get("SECRET_KEY_FALLBACKS", []))
        while len(fallbacks) > keep:
            fallbacks.pop()
        result["SECRET_KEY_FALLBACKS"] = fallbacks
        return result

    def omit_when_empty(current, keep=0):
        result = {"SECRET_KEY": current["SECRET_KEY"]}
        if keep:
            result["SECRET_KEY_FALLBACKS"] = tuple(current["SECRET_KEY_FALLBACKS"][:keep])
        return result

    for answer in (sliced, copied, omit_when_empty):
        outcome = check.ex2.evaluate(answer)
        assert outcome.status == PASS, (answer.__name__, outcome.line)


def test_ex2_rejects_wrong_answers():
    def unchanged(current, keep=0):
        return dict(current)

    def from_the_front(current, keep=0):
        fallbacks = current["SECRET_KEY_FALLBACKS"]
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": fallbacks[len(fallbacks) - keep :]}

    def always_drop_one(current, keep=0):
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": current["SECRET_KEY_FALLBACKS"][:-1]}

    def drops_everything(current, keep=0):
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": []}

    def mutates(current, keep=0):
        del current["SECRET_KEY_FALLBACKS"][keep:]
        return current

    def promotes_fallback(current, keep=0):
        fallbacks = current["SECRET_KEY_FALLBACKS"]
        return {"SECRET_KEY": fallbacks[0], "SECRET_KEY_FALLBACKS": [current["SECRET_KEY"], *fallbacks[1:keep]]}

    def demotes_current(current, keep=0):
        fallbacks = current["SECRET_KEY_FALLBACKS"]
        return {"SECRET_KEY": fallbacks[0], "SECRET_KEY_FALLBACKS": fallbacks[:keep]}

    def no_secret_key(current, keep=0):
        return {"SECRET_KEY_FALLBACKS": current["SECRET_KEY_FALLBACKS"][:keep]}

    def string_fallback(current, keep=0):
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": current["SECRET_KEY_FALLBACKS"][0]}

    def sorted_first(current, keep=0):
        fallbacks = sorted(current["SECRET_KEY_FALLBACKS"])
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": fallbacks[:keep]}

    def reversed_sort(current, keep=0):
        fallbacks = sorted(current["SECRET_KEY_FALLBACKS"], reverse=True)
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": fallbacks[:keep]}

    def right_keys_sorted(current, keep=0):
        kept = current["SECRET_KEY_FALLBACKS"][:keep]
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": sorted(kept)}

    def reversed_order(current, keep=0):
        kept = current["SECRET_KEY_FALLBACKS"][:keep]
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": kept[::-1]}

    def keeps_one_more(current, keep=0):
        fallbacks = current["SECRET_KEY_FALLBACKS"]
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": fallbacks[: keep + 1]}

    def keeps_one_less(current, keep=0):
        fallbacks = current["SECRET_KEY_FALLBACKS"]
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": fallbacks[: max(keep - 1, 0)]}

    def default_keeps_one(current, keep=1):
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": current["SECRET_KEY_FALLBACKS"][:keep]}

    def returns_current_when_all_kept(current, keep=0):
        if keep >= len(current["SECRET_KEY_FALLBACKS"]):
            return current
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": current["SECRET_KEY_FALLBACKS"][:keep]}

    def shares_the_list(current, keep=0):
        fallbacks = current["SECRET_KEY_FALLBACKS"]
        kept = fallbacks if keep >= len(fallbacks) else fallbacks[:keep]
        return {"SECRET_KEY": current["SECRET_KEY"], "SECRET_KEY_FALLBACKS": kept}

    expected = {
        unchanged: ["still accepted after expiry", "SECRET_KEY_FALLBACKS[1]"],
        from_the_front: ["most recent old key", "were rejected"],
        always_drop_one: ["keep=0", "still accepted after expiry"],
        drops_everything: ["keep=1", "most recent old key", "were rejected"],
        mutates: ["changed the settings dict"],
        promotes_fallback: ["not signed with the current key"],
        demotes_current: ["signed with the current SECRET_KEY were rejected"],
        no_secret_key: ["no SECRET_KEY"],
        string_fallback: ["single string"],
        sorted_first: ["keep=1", "most recent old key", "were rejected"],
        reversed_sort: ["most recent old key", "were rejected"],
        right_keys_sorted: ["not in their order"],
        reversed_order: ["not in their order"],
        keeps_one_more: ["keep=1", "still accepted after expiry"],
        keeps_one_less: ["keep=1", "most recent old key", "were rejected"],
        default_keeps_one: ["expire_old_keys(current)", "still accepted after expiry"],
        returns_current_when_all_kept: ["returned the settings it was given"],
        shares_the_list: ["returned the settings it was given"],
    }
    for answer, words in expected.items():
        assert_fails(check.ex2, answer, *words)


# Exercise 5.3 ------------------------------------------------------------------


def test_ex3_stub_is_not_attempted():
    def make_unsubscribe_signer():
        raise NotImplementedError()

    assert check.ex3.evaluate(make_unsubscribe_signer).status == NOT_ATTEMPTED


def test_ex3_accepts_different_correct_answers():
    def plain():
        return signing.Signer(salt="newsletter.unsubscribe", fallback_keys=[])

    def timestamped():
        return signing.TimestampSigner(key=settings.SECRET_KEY, salt="library:unsubscribe", fallback_keys=())

    class UnsubscribeSigner(signing.Signer):
        def __init__(self):
            super().__init__(salt="unsubscribe-links", fallback_keys=[])

    def subclass():
        return UnsubscribeSigner()

    def sha512():
        return signing.Signer(salt="unsubscribe", algorithm="sha512", fallback_keys=[])

    for answer in (plain, timestamped, subclass, sha512):
        outcome = check.ex3.evaluate(answer)
        assert outcome.status == PASS, (answer.__name__, outcome.line)


def test_ex3_rejects_wrong_answers():
    built_too_early = signing.Signer(salt="unsubscribe", fallback_keys=[])

    def captured_at_import():
        return built_too_early

    def accepts_fallbacks():
        return signing.Signer(salt="newsletter.unsubscribe")

    def own_key_accepts_fallbacks():
        return signing.Signer(key=settings.SECRET_KEY, salt="newsletter.unsubscribe")

    def no_salt():
        return signing.Signer(fallback_keys=[])

    def timestamp_no_salt():
        return signing.TimestampSigner(fallback_keys=[])

    def dumps_salt():
        return signing.TimestampSigner(salt="django.core.signing", fallback_keys=[])

    def fixed_key():
        return signing.Signer(key="a-fixed-unsubscribe-key-" + "x" * 30, salt="unsubscribe", fallback_keys=[])

    def not_a_signer():
        return "newsletter.unsubscribe"

    def returns_class():
        return signing.Signer

    def salt_changes_every_call():
        import uuid

        return signing.Signer(salt=f"unsubscribe-{uuid.uuid4()}", fallback_keys=[])

    def share_links_salt():
        return signing.Signer(salt="lesson05.share", fallback_keys=[])

    def session_salt():
        return signing.Signer(salt="django.contrib.sessions.SessionStore", fallback_keys=[])

    def default_salt_spelled_out():
        return signing.Signer(salt="django.core.signing.Signer", fallback_keys=[])

    def none_means_the_setting():
        return signing.Signer(salt="newsletter.unsubscribe", fallback_keys=None)

    expected = {
        captured_at_import: ["not sign with the current SECRET_KEY"],
        accepts_fallbacks: ["accepted a link signed before the rotation", "old key"],
        own_key_accepts_fallbacks: ["accepted a link signed before the rotation"],
        no_salt: ["plain Signer()", "another purpose"],
        timestamp_no_salt: ["plain TimestampSigner()", "another purpose"],
        dumps_salt: ["signing.dumps()", "another purpose"],
        fixed_key: ["not sign with the current SECRET_KEY"],
        not_a_signer: ["returned str, not a Signer"],
        returns_class: ["returned type, not a Signer"],
        salt_changes_every_call: ["refused by the next one", "fixed salt"],
        share_links_salt: ["lesson's share links", "another purpose"],
        session_salt: ["session store", "another purpose"],
        default_salt_spelled_out: ["plain Signer()", "another purpose"],
        none_means_the_setting: ["accepted a link signed before the rotation"],
    }
    for answer, words in expected.items():
        assert_fails(check.ex3, answer, *words)


def test_checks_restore_the_settings():
    key, fallbacks = settings.SECRET_KEY, list(settings.SECRET_KEY_FALLBACKS)
    check.ex1.evaluate(lambda old, new: {"SECRET_KEY": new, "SECRET_KEY_FALLBACKS": [old]})
    check.ex2.evaluate(lambda current, keep=0: 1 / 0)
    check.ex3.evaluate(lambda: signing.Signer(salt="x", fallback_keys=[]))
    assert (settings.SECRET_KEY, list(settings.SECRET_KEY_FALLBACKS)) == (key, fallbacks)
