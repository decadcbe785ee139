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


def test_settings_lock_out_a_name_at_an_address_after_five_and_an_address_after_twenty(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    assert settings.AXES_COOLOFF_TIME * 60 == 15
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]


def test_a_right_password_signs_in_and_a_wrong_one_says_so(client):
    editor("ana", password=PASSWORD)
    wrong = sign_in(client, "ana", "guess")
    assert wrong.status_code == 200
    assert b"Please enter the correct username and password" in wrong.content
    assert sign_in(client, "ana", PASSWORD).status_code == 302


def test_five_failures_for_one_user_at_one_address_lock_that_pair_out_only(client):
    editor("ana", password=PASSWORD)
    for _ in range(4):
        assert sign_in(client, "ana", "guess", address="198.51.100.1").status_code == 200
    locked = sign_in(client, "ana", "guess", address="198.51.100.1")
    assert locked.status_code == 429
    # Even the right password is refused there now.
    again = sign_in(client, "ana", PASSWORD, address="198.51.100.1")
    assert again.status_code == 429
    html = again.content.decode()
    assert "Sign-in temporarily locked" in html
    assert "Too many failed sign-in attempts (5)" in html
    assert "15 minutes" in html
    assert "Tracker editors" in html
    # Whoever guessed at her name cannot lock her out elsewhere.
    assert sign_in(client, "ana", PASSWORD, address="192.0.2.99").status_code == 302


def test_twenty_failures_from_one_address_lock_out_that_address_whatever_the_user(client):
    editor("ana", password=PASSWORD)
    for n in range(20):
        sign_in(client, f"guess-{n}", "guess", address="203.0.113.50")
    assert sign_in(client, "ana", PASSWORD, address="203.0.113.50").status_code == 429
    assert sign_in(client, "ana", PASSWORD, address="203.0.113.51").status_code == 302


def test_behind_a_proxy_each_client_is_counted_by_its_own_address(client, settings):
    # One proxy appends the client's address to X-Forwarded-For; every request reaches the app from
    # the proxy's own address. A client forging the header gets only its own entry counted.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    editor("ana", password=PASSWORD)

    def through_proxy(username, password, client_address, forged=""):
        forwarded = f"{forged}, {client_address}" if forged else client_address
        return client.post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": reverse("admin:index")},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for n in range(20):
        through_proxy(f"made-up-{n}", "guess", "198.51.100.66", forged=f"192.0.2.{n}")
    assert through_proxy("ana", PASSWORD, "198.51.100.66").status_code == 429  # the guesser's address
    assert through_proxy("ana", PASSWORD, "198.51.100.77").status_code == 302  # the real editor's


def test_trying_during_a_lockout_does_not_prolong_it_and_the_right_password_gets_in_after(client, monkeypatch):
    import datetime

    from django.utils import timezone

    editor("ana", password=PASSWORD)
    now = timezone.now()
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: now)  # the time axes gives each attempt
    for _ in range(5):
        sign_in(client, "ana", "guess")
    for _minute in range(14):  # a failure every minute of the lockout, and the right password too
        now += datetime.timedelta(minutes=1)
        assert sign_in(client, "ana", "guess").status_code == 429
        assert sign_in(client, "ana", PASSWORD).status_code == 429
    now += datetime.timedelta(minutes=1, seconds=1)  # 15 minutes after the last failure that counted
    assert sign_in(client, "ana", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client):
    editor("ana", password=PASSWORD)
    for _ in range(4):
        sign_in(client, "ana", "guess")
    assert sign_in(client, "ana", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "ana", "guess").status_code == 200
    assert sign_in(client, "ana", PASSWORD).status_code == 302
