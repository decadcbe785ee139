"""Small factories for tests: each makes a valid record with the fewest fields that matter."""

from datetime import date

import factory

from events.models import App, Authority, Country, Event, Owner, Source, Statement


def country(code="RU"):
    """Countries come from the migration; tests only look them up."""
    return Country.objects.get(code=code)


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Owner
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"owner-{n}")
    name = factory.Sequence(lambda n: f"Owner {n}")
    kind = Owner.Kind.COMPANY


class AppFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = App
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"app-{n}")
    name = factory.Sequence(lambda n: f"App {n}")
    owner = factory.SubFactory(OwnerFactory)
    category = App.Category.MESSAGING


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"authority-{n}")
    name = factory.Sequence(lambda n: f"Authority {n}")
    kind = Authority.Kind.REGULATOR
    country = factory.LazyFunction(country)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("url",)

    url = factory.Sequence(lambda n: f"https://news.example.org/story-{n}")
    title = factory.Sequence(lambda n: f"Story {n}")
    publisher = "Example News"
    published_on = date(2026, 2, 12)
    kind = Source.Kind.NEWS


class EventFactory(factory.django.DjangoModelFactory):
    """A published, sourced full block of one app in Russia that started on 2026-02-12.

    Pass review_state=... for other states, apps=[...] / sources=[...] to choose them (sources=[]
    for none).
    """

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Event {n}")
    country = factory.LazyFunction(country)
    kind = Event.Kind.FULL_BLOCK
    features = factory.LazyFunction(lambda: ["all"])
    status = Event.Status.IN_FORCE
    started_on = date(2026, 2, 12)
    review_state = Event.ReviewState.PUBLISHED

    @factory.post_generation
    def apps(self, create, extracted, **kwargs):
        if create:
            self.apps.set(extracted if extracted is not None else [AppFactory()])

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            self.sources.set(extracted if extracted is not None else [SourceFactory()])


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    event = factory.SubFactory(EventFactory)
    speaker = "Dmitry Peskov"
    role = "Kremlin spokesman"
    text = "Such a decision was indeed made and implemented."
    said_on = date(2026, 2, 12)
    source = factory.SubFactory(SourceFactory)
