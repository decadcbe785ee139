"""Helpers shared by the admin tests (this module holds no tests): editorial users, and the POST data
a browser would send back for an admin form it was shown."""

import datetime

from django import forms
from django.contrib.auth.models import Group, User
from django.db.models import Model


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
