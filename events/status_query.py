"""The parameters of a status question (which day, which countries, regions, apps, categories and
strongest kinds; or which two days to compare), checked as strictly as the event filters, and the
answer narrowed to them: one form each for the API and the pages, so that both read a question alike."""

from django import forms
from django.utils import timezone

from events.countries import country_codes
from events.dates import shifted
from events.filters import ChoiceListField, ReferenceListField, parameter_errors
from events.models import App, Country, Event, PairStep
from events.status_steps import neighbouring_changes, steps_on

REGIONS = ["Africa", "Americas", "Antarctica", "Arctic", "Asia", "Atlantic Ocean", "Europe", "Indian Ocean", "Oceania"]
DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD, e.g. 2025-12-31."}


class AddressQuery(forms.Form):
    """A form over a page's query string, a parameter a field. address_errors() are {parameter:
    [message]}: unknown, repeated and empty parameters first (events/filters.py), then the form's
    own, named as the address names them (NAMES: the fields whose name the address cannot use)."""

    NAMES = {}

    @classmethod
    def parameters(cls):
        return [cls.NAMES.get(name, name) for name in cls.base_fields]

    @classmethod
    def of(cls, params):
        fields = dict(zip(cls.parameters(), cls.base_fields, strict=True))
        return cls({field: params[name].strip() for name, field in fields.items() if name in params})

    def address_errors(self, params):
        errors = parameter_errors(params, set(self.parameters()))
        return errors or ({} if self.is_valid() else self.form_errors())

    def form_errors(self):
        return {self.NAMES.get(name, name): list(messages) for name, messages in self.errors.items()}


class StatusQuery(AddressQuery):
    on = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    country = ReferenceListField(required=False, model=Country, key="code", example="RU", known=country_codes)
    app = ReferenceListField(required=False, model=App, key="slug", example="whatsapp")
    region = ChoiceListField(required=False, choices=[(region.lower(), region) for region in REGIONS])
    category = ChoiceListField(required=False, choices=App.Category.choices)
    kind = ChoiceListField(required=False, choices=Event.Kind.choices)

    @property
    def day(self):
        return self.cleaned_data["on"] or timezone.localdate()

    def steps(self):
        """The pairs' steps in force on the day (events/status_steps.py), narrowed as asked."""
        return self.narrowed(steps_on(self.day))

    def narrowed(self, steps):
        """`steps` narrowed by country and region, by app and category (which leaves out the
        network), by strongest kind."""
        wanted = self.cleaned_data
        if wanted["country"]:
            steps = steps.filter(country_id__in=wanted["country"])
        if wanted["region"]:
            steps = steps.filter(country__region__in=[region.title() for region in wanted["region"]])
        if self._apps() is not None:
            steps = steps.filter(app__in=self._apps())
        if wanted["kind"]:
            steps = steps.filter(kind__in=wanted["kind"])
        return steps

    def neighbours(self):
        """(previous, next) days on which the state of a pair asked for changes."""
        return neighbouring_changes(self.day, self.narrowed(PairStep.objects.all()))

    def _apps(self):
        """The public apps asked for, by slug or category; None when the query names none."""
        wanted = self.cleaned_data
        if not (wanted["app"] or wanted["category"]):
            return None
        apps = App.objects.public()
        if wanted["app"]:
            apps = apps.filter(slug__in=wanted["app"])
        if wanted["category"]:
            apps = apps.filter(category__in=wanted["category"])
        return apps


class ChangesQuery(AddressQuery):
    """Two days to compare: `to` today and `from` a year before it by default. `from` and `to` are
    Python keywords, hence `start` and `end` inside; the errors name them as the address does."""

    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    country = ReferenceListField(required=False, model=Country, key="code", example="RU", known=country_codes)

    NAMES = {"start": "from", "end": "to"}

    @classmethod
    def read(cls, params):
        """(cleaned data or None, {parameter: [message]}) for the query string of a page or feed."""
        query = cls.of(params)
        errors = query.address_errors(params)
        return (None if errors else query.cleaned_data), errors

    def clean(self):
        cleaned = super().clean()
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        cleaned["end"] = cleaned.get("end") or timezone.localdate()
        cleaned["start"] = cleaned.get("start") or shifted(cleaned["end"], years=-1) or cleaned["end"]
        if cleaned["start"] > cleaned["end"]:
            self.add_error("start", "from is later than to: give the earlier day first.")
        return cleaned


class PairQuery(AddressQuery):
    """A pair's page: `before`, the day its earlier steps end (status.pair_history)."""

    before = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
