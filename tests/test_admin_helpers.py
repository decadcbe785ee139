"""Helpers shared by the admin tests (this module holds no tests): editorial users, and the POST data
a browser would send back for an admin form it was shown."""

import datetime
import importlib

from django import forms
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission, User
from django.db.models import Model

from events.models import Country

REVIEW_GROUPS = importlib.import_module("events.migrations.0003_review_groups")


def restore_migration_data():
    """Browser tests run in transactions that are flushed afterwards, emptying what migrations
    loaded; put back what the admin tests need: Russia, and the Editors and Publishers groups with
    the permissions migration 0003 gives them."""
    create_permissions(apps.get_app_config("events"), verbosity=0)  # and their content types
    Country.objects.get_or_create(code="RU", defaults={"alpha3": "RUS", "name": "Russia", "region": "Europe"})
    codenames = [f"{action}_{model}" for model in REVIEW_GROUPS.EDITED_MODELS for action in ("add", "change", "view")]
    codenames += ["view_country", "view_measurement", "delete_source", "delete_statement"]
    editing = list(Permission.objects.filter(content_type__app_label="events", codename__in=codenames))
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(editing)
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.set([*editing, Permission.objects.get(codename="publish_event")])


def make_user(username, group=None, password=None, **extra):
    """A staff user in the Editors or Publishers group (created by migration 0003), or a superuser.

    Tests log in with force_login; a password (slow to hash on purpose) only where they sign in.
    """
    if group is None:
        return User.objects.create_superuser(username, password=password, **extra)
    user = User.objects.create_user(username, password=password, is_staff=True, **extra)
    user.groups.add(Group.objects.get(name=group))
    return user


def editor(username="ana", password=None):
    return make_user(username, "Editors", password)


def publisher(username="pia", password=None):
    return make_user(username, "Publishers", password)


def _as_post(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(item.pk if isinstance(item, Model) else item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _form_fields(form, data):
    for name in form.fields:
        bound = form[name]
        value = _as_post(bound.value())
        if value == "" and isinstance(bound.value(), bool):
            continue  # an unticked checkbox sends nothing
        if value == "" and isinstance(form.fields[name], forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            value = []  # nor does a multiple choice with nothing chosen
        data[bound.html_name] = value


def form_data(response, **changes):
    """What submitting the admin change form in `response` sends, with `changes` applied.

    The main form and every inline formset (with its management form) are included, as a browser
    would post them; `changes` are given by field name, e.g. title="New", sources=[source.pk].
    """
    data = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _form_fields(formset.management_form, data)
        for form in formset.forms:
            _form_fields(form, data)
    for name, value in changes.items():
        data[name] = _as_post(value)
    return data
