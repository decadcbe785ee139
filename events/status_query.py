"""The parameters of a status question (which day, which countries, regions, apps, categories and
strongest kinds; or which two days to compare), checked as strictly as the event filters, and the
answer narrowed to them: one form each for the API and the pages, so that both read a question alike."""

from django import forms
from django.utils import timezone

from events.countries import country_codes
from events.dates import shifted
from events.filters import ChoiceListField, ReferenceListField
from events.models import App, Country, Event
from events.status import status_on

REGIONS = ["Africa", "Americas", "Antarctica", "Arctic", "Asia", "Atlantic Ocean", "Europe", "Indian Ocean", "Oceania"]
DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD, e.g. 2025-12-31."}


class StatusQuery(forms.Form):
    on = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    country = ReferenceListField(required=False, model=Country, key="code", example="RU", known=country_codes)
    app = ReferenceListField(required=False, model=App, key="slug", example="whatsapp")
    region = ChoiceListField(required=False, choices=[(region.lower(), region) for region in REGIONS])
    category = ChoiceListField(required=False, choices=App.Category.choices)
    kind = ChoiceListField(required=False, choices=Event.Kind.choices)

    def status(self):
        """(day, [PairStatus]) for a valid query: countries and regions narrow the events read, apps,
        categories and kinds the pairs (an owner-level measure names no app, so apps cannot)."""
        wanted = self.cleaned_data
        day = wanted["on"] or timezone.localdate()
        events = Event.objects.public()
        if wanted["country"]:
            events = events.filter(country_id__in=wanted["country"])
        if wanted["region"]:
            events = events.filter(country__region__in=[region.title() for region in wanted["region"]])
        pairs = status_on(day, events)
        if wanted["app"] or wanted["category"]:
            apps = App.objects.public()
            if wanted["app"]:
                apps = apps.filter(slug__in=wanted["app"])
            if wanted["category"]:
                apps = apps.filter(category__in=wanted["category"])
            slugs = set(apps.values_list("slug", flat=True))
            pairs = [pair for pair in pairs if pair.app in slugs]
        if wanted["kind"]:
            pairs = [pair for pair in pairs if pair.kind in wanted["kind"]]
        return day, pairs


class ChangesQuery(forms.Form):
    """Two days to compare: `to` today and `from` a year before it by default. `from` and `to` are
    Python keywords, hence `start` and `end` inside; errors() names them as the address does."""

    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    country = ReferenceListField(required=False, model=Country, key="code", example="RU", known=country_codes)

    @classmethod
    def of(cls, params):
        return cls({"start": params.get("from"), "end": params.get("to"), "country": params.get("country")})

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
