"""Who is public: the one rule, model by model, for every page, feed, API answer, export and filter.

Only published events are public. Every other editable record is public only through them:

- an app that a published event names or promotes instead, or that published measurements cover;
- an owner that a published event targets, that owns a public app, or that is the parent (or
  grandparent) of such an owner, so that every owner link on a public page leads somewhere;
- an authority that ordered a published event;
- a source that a published event, or a statement about one, cites; a statement about a published
  event.

A record that only a draft names is therefore indistinguishable from one that does not exist: an
app page, an API detail, a filter value or a search hit would otherwise tell the world that a
record about it is being prepared. Countries (ISO 3166-1, loaded by a migration) and measurements
(imported from OONI) are reference data, public as a whole.

Each model's manager has `public()`; `is_public(prefix)` is the same rule for an event seen
through a relation (`Event.apps.through.objects.filter(is_public("event__"))`) and for the
partial indexes' conditions.
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from .review import ReviewState


def is_public(prefix=""):
    """The condition an event meets to be public, seen from a relation when `prefix` is given."""
    return Q(**{f"{prefix}review_state": ReviewState.PUBLISHED})


def _public_events():
    return apps.get_model("events", "Event").objects.public()


def _event_apps():
    return apps.get_model("events", "Event").apps.through.objects


class CountryQuerySet(models.QuerySet):
    def public(self):
        """Every country: ISO reference data, never written by editors."""
        return self.all()


class AppQuerySet(models.QuerySet):
    def named_by_public_events(self):
        """Apps that a published event names: the apps the `app` filter can find."""
        return self.filter(Exists(_event_apps().filter(is_public("event__"), app_id=OuterRef("pk"))))

    def public(self):
        named = _event_apps().filter(is_public("event__"), app_id=OuterRef("pk"))
        promoted = _public_events().filter(promoted_alternative_id=OuterRef("pk"))
        measured = apps.get_model("events", "Measurement").objects.filter(app_id=OuterRef("pk"))
        return self.filter(Exists(named) | Exists(promoted) | Exists(measured))


class OwnerQuerySet(models.QuerySet):
    def with_public_events(self):
        """Owners that a published event targets or whose app it names: the ones the `owner` filter can find.

        Per app, not per owner: the first published event naming an app is found by the app's
        index, where joining every app of an owner to its events read the whole table.
        """
        App = apps.get_model("events", "App")
        targeted = _public_events().filter(owner_id=OuterRef("pk"))
        owns_named_app = App.objects.named_by_public_events().filter(owner_id=OuterRef("pk"))
        return self.filter(Exists(targeted) | Exists(owns_named_app))

    def public(self):
        App = apps.get_model("events", "App")

        def footprint(outer):
            targeted = _public_events().filter(owner_id=OuterRef(outer))
            owns_public_app = App.objects.public().filter(owner_id=OuterRef(outer))
            return Exists(targeted) | Exists(owns_public_app)

        Owner = self.model
        child = Owner.objects.filter(footprint("pk"), parent_id=OuterRef("pk"))
        grandchild = Owner.objects.filter(footprint("pk"), parent__parent_id=OuterRef("pk"))
        return self.filter(footprint("pk") | Exists(child) | Exists(grandchild))


class AuthorityQuerySet(models.QuerySet):
    def public(self):
        return self.filter(Exists(_public_events().filter(authority_id=OuterRef("pk"))))


class SourceQuerySet(models.QuerySet):
    def public(self):
        Event = apps.get_model("events", "Event")
        cited = Event.sources.through.objects.filter(is_public("event__"), source_id=OuterRef("pk"))
        quoted = apps.get_model("events", "Statement").objects.public().filter(source_id=OuterRef("pk"))
        return self.filter(Exists(cited) | Exists(quoted))


class StatementQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public("event__"))


class MeasurementQuerySet(models.QuerySet):
    def public(self):
        """Every measurement: imported from OONI as a whole, never written by editors."""
        return self.all()
