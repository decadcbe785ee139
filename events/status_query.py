"""The parameters of a status question (which day, which countries, regions, apps, categories and
strongest kinds; or which two days to compare), checked as strictly as the event filters, and the
answer narrowed to them: one form each for the API and the pages, so that both read a question alike."""

from django import forms
from django.utils import timezone

from events.countries import country_codes
from events.dates import shifted
from events.filters import ChoiceListField, ReferenceListField, parameter_errors
from events.models import App, Country, Event, PairStep
from events.status_steps import STEP_COLUMNS, neighbouring_changes, steps_on, stored_pairs

REGIONS = ["Africa", "Americas", "Antarctica", "Arctic", "Asia", "Atlantic Ocean", "Europe", "Indian Ocean", "Oceania"]
DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD, e.g. 2025-12-31."}


class StatusQuery(forms.Form):
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

    def status(self):
        """(day, [StoredPair]) for a valid query, by country name then app name (the network last),
        without their events (status_steps.with_events adds them): two queries."""
        pairs = stored_pairs(list(self.steps().values_list(*STEP_COLUMNS)))
        return self.day, sorted(pairs, key=lambda p: (p.country_name, p.app is None, (p.app_name or "").casefold()))

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


class ChangesQuery(forms.Form):
    """Two days to compare: `to` today and `from` a year before it by default. `from` and `to` are
    Python keywords, hence `start` and `end` inside; errors() names them as the address does."""

    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    country = ReferenceListField(required=False, model=Country, key="code", example="RU", known=country_codes)

    ACCEPTED = frozenset(["from", "to", "country"])

    @classmethod
    def of(cls, params):
        return cls({"start": params.get("from"), "end": params.get("to"), "country": params.get("country")})

    @classmethod
    def read(cls, params):
        """(cleaned data or None, {parameter: [message]}) for the query string of a page or feed:
        unknown, repeated and empty parameters are errors too (events/filters.py)."""
        errors = parameter_errors(params, cls.ACCEPTED)
        query = cls.of({name: params[name].strip() for name in cls.ACCEPTED if name in params})
        if not errors and not query.is_valid():
            errors = query.parameter_errors()
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

    def parameter_errors(self):
        names = {"start": "from", "end": "to"}
        return {names.get(name, name): list(messages) for name, messages in self.errors.items()}
