"""Repeated failed admin logins lock out the user name, and separately the address (django-axes)."""

import pytest
from django.urls import reverse

from tests.test_admin_helpers import editor

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Each attempt hashes a password; the deliberately slow default would make this file take 20 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def test_settings_lock_out_after_five_failures_for_fifteen_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME * 60 == 15
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_a_right_password_signs_in_and_a_wrong_one_says_so(client):
    editor("ana", password=PASSWORD)
    wrong = sign_in(client, "ana", "guess")
    assert wrong.status_code == 200
    assert b"Please enter the correct username and password" in wrong.content
    assert sign_in(client, "ana", PASSWORD).status_code == 302


def test_five_failures_for_one_user_lock_that_user_out_from_any_address(client):
    editor("ana", password=PASSWORD)
    for attempt in range(4):
        assert sign_in(client, "ana", "guess", address=f"198.51.100.{attempt}").status_code == 200
    locked = sign_in(client, "ana", "guess", address="198.51.100.4")
    assert locked.status_code == 429
    # Even the right password from yet another address is refused now.
    again = sign_in(client, "ana", PASSWORD, address="192.0.2.99")
    assert again.status_code == 429
    html = again.content.decode()
    assert "Sign-in temporarily locked" in html
    assert "Too many failed sign-in attempts (5)" in html
    assert "15 minutes" in html
    assert "Tracker editors" in html
    # Another user at another address is not affected.
    editor("ben", password=PASSWORD)
    assert sign_in(client, "ben", PASSWORD, address="192.0.2.100").status_code == 302


def test_five_failures_from_one_address_lock_out_that_address_whatever_the_user(client):
    editor("ana", password=PASSWORD)
    for n in range(5):
        sign_in(client, f"guess-{n}", "guess", address="203.0.113.50")
    assert sign_in(client, "ana", PASSWORD, address="203.0.113.50").status_code == 429
    assert sign_in(client, "ana", PASSWORD, address="203.0.113.51").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client):
    editor("ana", password=PASSWORD)
    for _ in range(4):
        sign_in(client, "ana", "guess")
    assert sign_in(client, "ana", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "ana", "guess").status_code == 200
    assert sign_in(client, "ana", PASSWORD).status_code == 302
