"""Reviewer accounts: salted slow hashes, sign-in and its throttling, role changes, password
resets and removals as events, and sessions that follow the account."""

import pytest

from review.errors import PermissionDenied, ReviewError
from review.screening import reviewers as accounts
from review.screening.model import Reviewer
from review.screening.reviewers import (
    FREE_TRIES,
    MAX_WAIT,
    SignInWait,
    account_history,
    acting,
    active_reviewers,
    add_reviewer,
    check_password,
    hash_password,
    open_session,
    remove_reviewer,
    reset_password,
    session_reviewer,
    set_reviewer_role,
    sign_in,
    wait_before_try,
)
from review.store import open_store
from tests.screening.clock import Clock

OWNER = Reviewer("owner", "lead")  # the file's owner on the command line


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "r.db") as s:
        add_reviewer(s, "lee", "lead", "lee-password", by=OWNER)
        add_reviewer(s, "ann", "reviewer", "ann-password", by=Reviewer("lee", "lead"))
        yield s


def test_passwords_are_salted_slow_hashes():
    one, two = hash_password("correct horse"), hash_password("correct horse")
    assert one != two and one.startswith("scrypt$16384$8$1$")
    assert check_password("correct horse", one) and not check_password("wrong horse", one)
    assert not check_password("correct horse", "garbage")


def test_sign_in_with_name_and_password(store):
    assert "lee-password" not in str(store.query("SELECT * FROM reviewers"))
    assert sign_in(store, "lee", "lee-password") == Reviewer("lee", "lead")
    assert sign_in(store, " ann ", "ann-password") == Reviewer("ann", "reviewer")
    assert sign_in(store, "lee", "wrong-password") is None
    assert sign_in(store, "nobody", "lee-password") is None
    with pytest.raises(ReviewError, match="Unknown role"):
        add_reviewer(store, "bob", "boss", "long enough", by=OWNER)


def test_passwords_under_ten_characters_are_refused_on_add_and_reset(store):
    with pytest.raises(ReviewError, match="at least 10 characters"):
        add_reviewer(store, "bob", "reviewer", "nine-char", by=OWNER)
    assert "bob" not in [r.name for r in active_reviewers(store)]
    add_reviewer(store, "bob", "reviewer", "ten-chars!", by=OWNER)  # exactly 10 is enough
    with pytest.raises(ReviewError, match="at least 10 characters"):
        reset_password(store, "bob", "short-one", by=OWNER)
    assert sign_in(store, "bob", "ten-chars!") is not None  # unchanged


def test_a_name_is_given_once(store):
    with pytest.raises(ReviewError, match="already has an account.*set-role.*password"):
        add_reviewer(store, "ann", "lead", "another-password", by=OWNER)
    assert sign_in(store, "ann", "ann-password") == Reviewer("ann", "reviewer")


# -- sessions follow the account ------------------------------------------------------------------


def test_a_session_sees_a_role_change_and_stays_signed_in(store):
    session = open_session(store, "lee", "lee-password")
    add_reviewer(store, "kim", "lead", "kim-password", by=OWNER)
    set_reviewer_role(store, "lee", "reviewer", by=Reviewer("kim", "lead"))
    assert session_reviewer(store, session) == Reviewer("lee", "reviewer")
    set_reviewer_role(store, "lee", "lead", by=Reviewer("kim", "lead"))
    assert session_reviewer(store, session) == Reviewer("lee", "lead")


def test_a_password_reset_ends_the_sessions_signed_in_with_the_old_one(store):
    before = open_session(store, "ann", "ann-password")
    reset_password(store, "ann", "new-ann-password", by=Reviewer("lee", "lead"))
    assert session_reviewer(store, before) is None
    assert sign_in(store, "ann", "ann-password") is None
    after = open_session(store, "ann", "new-ann-password")
    assert session_reviewer(store, after) == Reviewer("ann", "reviewer")


def test_a_removed_reviewer_is_signed_out_unlisted_and_keeps_their_history(store):
    session = open_session(store, "ann", "ann-password")
    remove_reviewer(store, "ann", by=Reviewer("lee", "lead"))
    assert session_reviewer(store, session) is None
    assert sign_in(store, "ann", "ann-password") is None
    assert [r.name for r in active_reviewers(store)] == ["lee"]
    # The row stays (their decisions keep a known author) and the name stays theirs.
    assert [r.name for r in accounts.all_accounts(store) if not r.active] == ["ann"]
    with pytest.raises(ReviewError, match="was removed.*cannot be given again"):
        add_reviewer(store, "ann", "reviewer", "ann-password-2", by=OWNER)
    with pytest.raises(ReviewError, match="removed from this review"):
        acting(store, "ann")  # nor can the command line act under the removed name
    with pytest.raises(ReviewError, match="no reviewer 'ann'"):
        set_reviewer_role(store, "ann", "lead", by=OWNER)


def test_every_account_change_is_an_event_with_who_and_when(store):
    lee = Reviewer("lee", "lead")
    add_reviewer(store, "bob", "reviewer", "bob-password", by=lee)
    set_reviewer_role(store, "bob", "lead", by=lee)
    reset_password(store, "bob", "bob-password-2", by=lee)
    remove_reviewer(store, "bob", by=Reviewer("bob", "lead"))
    events = account_history(store, "bob")
    assert [(e.actor, e.action, e.detail) for e in events] == [
        ("lee", "add", {"role": "reviewer"}),
        ("lee", "set_role", {"role": "lead", "was": "reviewer"}),
        ("lee", "password", {}),
        ("bob", "remove", {"role": "lead"}),
    ]
    assert all(e.at for e in events)
    assert "bob-password" not in str(events)
    assert [e.actor for e in account_history(store, "lee")] == ["owner"]


def test_the_last_lead_cannot_be_demoted_or_removed(store):
    with pytest.raises(ReviewError, match="last lead"):
        set_reviewer_role(store, "lee", "reviewer", by=OWNER)
    with pytest.raises(ReviewError, match="last lead"):
        remove_reviewer(store, "lee", by=OWNER)
    assert active_reviewers(store) == [Reviewer("ann", "reviewer"), Reviewer("lee", "lead")]
    set_reviewer_role(store, "ann", "lead", by=OWNER)
    remove_reviewer(store, "lee", by=OWNER)  # ann leads now
    assert active_reviewers(store) == [Reviewer("ann", "lead")]
    assert [e.action for e in account_history(store, "lee")] == ["add", "remove"]


def test_only_a_lead_manages_reviewers(store):
    ann = Reviewer("ann", "reviewer")
    for change in (
        lambda: add_reviewer(store, "bob", "lead", "bob-password", by=ann),
        lambda: set_reviewer_role(store, "ann", "lead", by=ann),
        lambda: reset_password(store, "lee", "taken-over!", by=ann),
        lambda: remove_reviewer(store, "lee", by=ann),
    ):
        with pytest.raises(PermissionDenied, match="only leads may add reviewers"):
            change()
    assert active_reviewers(store) == [Reviewer("ann", "reviewer"), Reviewer("lee", "lead")]
    assert sign_in(store, "lee", "lee-password") is not None
    assert [e.action for e in account_history(store)] == ["add", "add"]


def test_acting_on_the_command_line(store):
    assert acting(store, "ann") == Reviewer("ann", "reviewer")
    assert acting(store, "lee") == Reviewer("lee", "lead")
    assert acting(store, "someone") == Reviewer("someone", "lead")  # the file's owner


# -- sign-in throttling ---------------------------------------------------------------------------


def test_after_five_wrong_passwords_each_try_waits_twice_as_long_up_to_a_cap(store):
    clock = Clock()
    for _ in range(FREE_TRIES):
        assert wait_before_try(store, "lee", clock=clock) == 0
        assert open_session(store, "lee", "wrong-password", clock=clock) is None
    waits = []
    for _ in range(10):
        wait = wait_before_try(store, "lee", clock=clock)
        assert wait > 0
        with pytest.raises(SignInWait):  # even the right password must wait
            open_session(store, "lee", "lee-password", clock=clock)
        waits.append(wait)
        clock.at += wait  # then the try is allowed, and is wrong again
        assert open_session(store, "lee", "wrong-password", clock=clock) is None
    assert waits == [1, 2, 4, 8, 16, 32, MAX_WAIT, MAX_WAIT, MAX_WAIT, MAX_WAIT]
    assert MAX_WAIT == 60
    assert store.sign_in_failures("lee")[0] == FREE_TRIES + 10  # refused tries are not counted


def test_a_successful_sign_in_resets_the_count(store):
    clock = Clock()
    for _ in range(FREE_TRIES + 2):
        clock.at += 100
        open_session(store, "lee", "wrong-password", clock=clock)
    clock.at += 100
    assert open_session(store, "lee", "lee-password", clock=clock) is not None
    assert store.sign_in_failures("lee") == (0, 0.0)
    assert open_session(store, "lee", "wrong-password", clock=clock) is None
    assert wait_before_try(store, "lee", clock=clock) == 0  # one wrong password: no wait


def test_the_wait_holds_across_connections_and_for_one_name_only(tmp_path, store):
    clock = Clock()
    for _ in range(FREE_TRIES + 1):
        clock.at += 100
        open_session(store, "ann", "wrong-password", clock=clock)
    with open_store(store.path) as other:  # another process, or another app session
        assert wait_before_try(other, "ann", clock=clock) == 2
        with pytest.raises(SignInWait, match="wait 2 s"):
            open_session(other, "ann", "ann-password", clock=clock)
        assert open_session(other, "lee", "lee-password", clock=clock) is not None


def test_an_unknown_name_takes_the_same_steps_as_a_wrong_password(store, monkeypatch):
    checked = []
    real = accounts.check_password

    def counting(password, stored):
        checked.append(stored)
        return real(password, stored)

    monkeypatch.setattr(accounts, "check_password", counting)
    clock = Clock()
    assert open_session(store, "lee", "wrong-password", clock=clock) is None
    assert open_session(store, "nobody", "wrong-password", clock=clock) is None
    assert open_session(store, "ann", "ann-password", clock=clock) is not None
    # A full scrypt check each time, of a hash with the same cost, also for the unknown name.
    assert len(checked) == 3
    assert {s.split("$")[:4] == ["scrypt", "16384", "8", "1"] for s in checked} == {True}
    # And the unknown name is throttled exactly like a known one.
    for name in ("nobody", "lee"):
        for _ in range(FREE_TRIES - 1):
            clock.at += 100
            open_session(store, name, "wrong-password", clock=clock)
        assert store.sign_in_failures(name)[0] == FREE_TRIES
        assert wait_before_try(store, name, clock=clock) == 1


def test_a_removed_name_is_answered_like_an_unknown_one(store):
    remove_reviewer(store, "ann", by=OWNER)
    assert open_session(store, "ann", "ann-password") is None
    assert store.sign_in_failures("ann")[0] == 1
