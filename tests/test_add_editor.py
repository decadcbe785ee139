"""`manage.py add_editor`: an editor's or publisher's account, with a password that is asked for,
checked by Django's validators and never shown."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from events.management.commands import add_editor

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("add_editor", *args, stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def groups(username):
    return sorted(User.objects.get(username=username).groups.values_list("name", flat=True))


def typed(monkeypatch, *answers):
    """Answers typed at the password prompts, in order; the prompts are recorded."""
    prompts, remaining = [], list(answers)

    def getpass(prompt):
        prompts.append(prompt)
        return remaining.pop(0)

    monkeypatch.setattr(add_editor.getpass, "getpass", getpass)
    return prompts


def test_no_input_creates_a_staff_editor_with_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", PASSWORD)
    out = run("ana", "--email", "ana@example.org", "--no-input")
    user = User.objects.get(username="ana")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert user.email == "ana@example.org"
    assert user.check_password(PASSWORD)
    assert groups("ana") == ["Editors"]
    assert out.strip() == "Created ana (staff; groups: Editors). Sign in at /admin/."
    assert PASSWORD not in out


def test_publisher_adds_the_publishers_group_to_an_existing_editor_and_keeps_the_password(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", PASSWORD)
    run("ana", "--no-input")
    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD")
    out = run("ana", "--publisher", "--no-input")
    assert groups("ana") == ["Editors", "Publishers"]
    assert User.objects.get(username="ana").check_password(PASSWORD)
    assert "Updated ana (staff; groups: Editors, Publishers, password unchanged)" in out
    assert User.objects.count() == 1


def test_the_password_is_asked_twice_and_a_mismatch_is_asked_again(monkeypatch):
    prompts = typed(monkeypatch, PASSWORD, "something else", PASSWORD, PASSWORD)
    out = run("pia", "--publisher")
    assert prompts == ["Password: ", "Password (again): ", "Password: ", "Password (again): "]
    assert "The two passwords differ; try again." in out
    assert User.objects.get(username="pia").check_password(PASSWORD)
    assert groups("pia") == ["Editors", "Publishers"]
    assert PASSWORD not in out


def test_a_weak_password_is_refused_with_the_validators_reasons(monkeypatch):
    typed(monkeypatch, "password", "password", "12345678", "12345678", "ana", "ana")
    with pytest.raises(CommandError, match="No acceptable password after 3 tries: nothing was changed"):
        run("ana")
    assert not User.objects.filter(username="ana").exists()

    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "qwertyuiop")
    with pytest.raises(CommandError) as refused:
        run("ana", "--no-input")
    assert "DJANGO_EDITOR_PASSWORD is refused: This password is too common." in str(refused.value)
    assert "qwertyuiop" not in str(refused.value)
    assert not User.objects.filter(username="ana").exists()


def test_the_validators_reasons_are_shown_at_the_prompt(monkeypatch):
    typed(monkeypatch, "12345678", "12345678", PASSWORD, PASSWORD)
    out = run("ana")
    assert "This password is refused: This password is too common. This password is entirely numeric." in out
    assert User.objects.get(username="ana").check_password(PASSWORD)


def test_an_existing_account_keeps_its_password_when_the_prompt_is_left_empty(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", PASSWORD)
    run("ana", "--no-input")
    prompts = typed(monkeypatch, "")
    out = run("ana", "--email", "ana@example.net")
    assert prompts == ["Password (leave empty to keep the current one): "]
    user = User.objects.get(username="ana")
    assert user.check_password(PASSWORD) and user.email == "ana@example.net"
    assert "password unchanged" in out


def test_a_new_account_needs_a_password(monkeypatch):
    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="--no-input needs the new account's password in DJANGO_EDITOR_PASSWORD"):
        run("ana", "--no-input")
    typed(monkeypatch, "", "", "", "", "", "")
    with pytest.raises(CommandError, match="No acceptable password"):
        run("ana")
    assert not User.objects.exists()


def test_bad_names_and_addresses_are_refused_before_any_password_is_asked(monkeypatch):
    prompts = typed(monkeypatch)
    with pytest.raises(CommandError, match="'ana smith' is not a valid user name"):
        run("ana smith")
    with pytest.raises(CommandError, match="'ana@' is not a valid e-mail address"):
        run("ana", "--email", "ana@")
    assert prompts == []
    assert not User.objects.exists()
