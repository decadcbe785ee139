"""The parameters of a status question (which day, which countries, regions, apps, categories and
strongest kinds; or which two days to compare), checked as strictly as the event filters, and the
answer narrowed to them: one form each for the API and the pages, so that both read a question alike."""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from events.countries import country_codes
from events.dates import shifted
from events.filters import ChoiceListField, ReferenceListField, parameter_errors
from events.models import App, Country, Event
from events.status import neighbouring_changes, status_on

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

    def status(self):
        """(day, [PairStatus]) for a valid query: countries and regions narrow the events read, apps,
        categories and kinds the pairs (an owner-level measure names no app, so apps cannot)."""
        wanted = self.cleaned_data
        pairs = status_on(self.day, self._events())
        if self._apps() is not None:
            slugs = set(self._apps().values_list("slug", flat=True))
            pairs = [pair for pair in pairs if pair.app in slugs]
        if wanted["kind"]:
            pairs = [pair for pair in pairs if pair.kind in wanted["kind"]]
        return self.day, pairs

    def neighbours(self):
        """(previous, next) days on which a measure of the countries, regions and apps asked for
        starts or stops being in force (status.neighbouring_changes)."""
        events = self._events()
        apps = self._apps()
        if apps is not None:
            named = Event.apps.through.objects.filter(event_id=OuterRef("pk"))
            events = events.filter(
                Exists(named.filter(app__in=apps)) | (Q(owner__apps__in=apps) & ~Exists(named))
            ).exclude(kind=Event.Kind.NETWORK_SHUTDOWN)
        return neighbouring_changes(self.day, events)

    def _events(self):
        wanted = self.cleaned_data
        events = Event.objects.public()
        if wanted["country"]:
            events = events.filter(country_id__in=wanted["country"])
        if wanted["region"]:
            events = events.filter(country__region__in=[region.title() for region in wanted["region"]])
        return events

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
