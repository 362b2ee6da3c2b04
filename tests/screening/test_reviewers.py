"""Reviewer accounts: salted slow hashes, sign-in, roles."""

import pytest

from review.errors import ReviewError
from review.screening.reviewers import add_reviewer, check_password, hash_password, sign_in
from review.store import open_store


def test_passwords_are_salted_slow_hashes():
    one, two = hash_password("correct horse"), hash_password("correct horse")
    assert one != two and one.startswith("scrypt$16384$8$1$")
    assert check_password("correct horse", one) and not check_password("wrong horse", one)
    assert not check_password("correct horse", "garbage")


def test_sign_in_with_name_and_password(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        add_reviewer(store, "ann", "lead", "s3cret-pass")
        assert "s3cret" not in str(store.query("SELECT * FROM reviewers"))
        assert sign_in(store, "ann", "s3cret-pass").is_lead
        assert sign_in(store, "ann", "wrong-pass") is None
        assert sign_in(store, "nobody", "s3cret-pass") is None
        with pytest.raises(ReviewError, match="at least 8"):
            add_reviewer(store, "bob", "reviewer", "short")
        with pytest.raises(ReviewError, match="Unknown role"):
            add_reviewer(store, "bob", "boss", "long enough")
