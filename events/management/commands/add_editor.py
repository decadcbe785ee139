"""`manage.py add_editor NAME [--publisher] [--email E]`: an account for the editors' admin.

Creates the user, or updates one of that name, as staff in the Editors group (migration 0003), and
in Publishers too with --publisher. The password is asked for twice on the terminal and never
shown; scripts and tests give --no-input and the password in DJANGO_EDITOR_PASSWORD, as Django's
createsuperuser reads DJANGO_SUPERUSER_PASSWORD. Django's password validators
(AUTH_PASSWORD_VALIDATORS) refuse weak passwords either way.
"""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"  # noqa: S105 - the variable's name, not a password
TRIES = 3


class Command(BaseCommand):
    help = (
        "Create an editor's account for the admin (staff, in the Editors group; --publisher adds Publishers), "
        "or update the one of that name. Asks for the password twice; with --no-input it is read from "
        f"{PASSWORD_VARIABLE}. Never removes a group: take publishing rights away in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="NAME", help="The user name to sign in with.")
        parser.add_argument("--publisher", action="store_true", help="Also in Publishers: may publish and retract.")
        parser.add_argument("--email", default=None, help="The editor's e-mail address.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=f"Ask nothing: the password comes from {PASSWORD_VARIABLE} (an existing account keeps its "
            "password when it is unset).",
        )

    def handle(self, *args, username, publisher, email, interactive, **options):
        User = get_user_model()
        try:
            User.username_validator(username)
        except ValidationError as error:
            raise CommandError(f"{username!r} is not a valid user name: {' '.join(error.messages)}") from error
        if email is not None:
            try:
                validate_email(email)
            except ValidationError as error:
                raise CommandError(f"{email!r} is not a valid e-mail address.") from error
        names = ["Editors", "Publishers"] if publisher else ["Editors"]
        groups = list(Group.objects.filter(name__in=names))
        if len(groups) != len(names):
            raise CommandError(f"The {' and '.join(names)} group(s) do not exist: run `manage.py migrate` first.")

        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username)
        if email is not None:
            user.email = email
        password = self.password(user, created, interactive)

        with transaction.atomic():
            user.is_staff = True
            user.is_active = True
            if password is not None:
                user.set_password(password)
            user.save()
            user.groups.add(*groups)
        in_groups = ", ".join(sorted(user.groups.values_list("name", flat=True)))
        action = "Created" if created else "Updated"
        kept = "" if created or password is not None else ", password unchanged"
        self.stdout.write(f"{action} {username} (staff; groups: {in_groups}{kept}). Sign in at /admin/.")

    def password(self, user, created, interactive):
        """The new password, validated; None to keep an existing account's password."""
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE)
            if not password:
                if created:
                    raise CommandError(f"--no-input needs the new account's password in {PASSWORD_VARIABLE}.")
                return None
            problems = self.weaknesses(password, user)
            if problems:
                raise CommandError(f"{PASSWORD_VARIABLE} is refused: {problems}")
            return password
        keep = "" if created else " (leave empty to keep the current one)"
        for _ in range(TRIES):
            try:
                password = getpass.getpass(f"Password{keep}: ")
                if not password and not created:
                    return None
                again = getpass.getpass("Password (again): ")
            except (EOFError, KeyboardInterrupt) as error:
                raise CommandError("No password given: nothing was changed.") from error
            if not password:
                self.stderr.write("A new account needs a password.")
            elif password != again:
                self.stderr.write("The two passwords differ; try again.")
            elif problems := self.weaknesses(password, user):
                self.stderr.write(f"This password is refused: {problems}")
            else:
                return password
        raise CommandError(f"No acceptable password after {TRIES} tries: nothing was changed.")

    @staticmethod
    def weaknesses(password, user):
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            return " ".join(error.messages)
        return ""
