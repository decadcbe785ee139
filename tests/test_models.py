"""The data model refuses what an editor must not save, with a message that says why."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from events.dates import Precision, format_date
from events.models import App, Country, Event, Owner, review
from tests.factories import AppFactory, EventFactory, OwnerFactory, SourceFactory, country

pytestmark = pytest.mark.django_db


def errors_of(obj):
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def draft(**fields):
    values = {
        "title": "Test block",
        "country": country("RU"),
        "kind": Event.Kind.FULL_BLOCK,
        "started_on": date(2026, 2, 12),
        "review_state": Event.ReviewState.DRAFT,
    }
    return Event(**{**values, **fields})


def test_all_iso_countries_are_loaded_by_the_migration():
    assert Country.objects.count() == 249
    russia = Country.objects.get(code="RU")
    assert (russia.name, russia.alpha3, russia.official_name, russia.region) == (
        "Russia",
        "RUS",
        "Russian Federation",
        "Europe",
    )
    assert Country.objects.get(code="IR").official_name == "Islamic Republic of Iran"


def test_a_valid_draft_passes_validation():
    draft().full_clean()


def test_end_date_before_start_date_is_refused():
    errors = errors_of(draft(ended_on=date(2026, 2, 1), status=Event.Status.LIFTED))
    assert errors["ended_on"] == ["The end date (2026-02-01) is before the start date (2026-02-12)."]


def test_lifted_event_without_end_date_is_refused():
    errors = errors_of(draft(status=Event.Status.LIFTED))
    assert "needs the date it was lifted" in errors["ended_on"][0]


def test_month_precision_on_a_day_other_than_the_first_is_refused():
    errors = errors_of(draft(started_on=date(2025, 12, 4), started_precision=Precision.MONTH))
    assert "use 2025-12-01 for December 2025" in errors["started_on"][0]


def test_year_precision_on_a_date_other_than_first_january_is_refused():
    errors = errors_of(draft(started_on=date(2022, 3, 1), started_precision=Precision.YEAR))
    assert "use 2022-01-01 for 2022" in errors["started_on"][0]


def test_precisions_that_agree_with_their_dates_pass():
    draft(started_on=date(2025, 12, 1), started_precision=Precision.MONTH).full_clean()
    draft(started_on=date(2022, 1, 1), started_precision=Precision.YEAR).full_clean()


def test_unknown_feature_is_refused():
    errors = errors_of(draft(features=["calls"]))
    assert "Unknown feature(s) calls" in errors["features"][0]


def test_published_event_without_a_source_is_refused():
    event = EventFactory(sources=[])
    errors = errors_of(event)
    assert errors["sources"] == [review.KEEP_A_SOURCE]


def test_publishing_a_new_event_with_no_sources_pending_is_refused():
    event = draft(review_state=Event.ReviewState.PUBLISHED)
    event.pending_sources = []
    assert errors_of(event)["review_state"] == [review.NO_SOURCE]


def test_publishing_through_the_workflow_needs_a_source():
    event = EventFactory(review_state=Event.ReviewState.IN_REVIEW, sources=[])
    with pytest.raises(ValidationError, match="cannot be published without a source"):
        event.move_to(Event.ReviewState.PUBLISHED)
    event.sources.add(SourceFactory())
    event.move_to(Event.ReviewState.PUBLISHED)
    assert event.review_state == Event.ReviewState.PUBLISHED


def test_workflow_refuses_a_jump_from_draft_to_published():
    event = EventFactory(review_state=Event.ReviewState.DRAFT)
    with pytest.raises(ValidationError, match="cannot go from draft to published"):
        event.move_to(Event.ReviewState.PUBLISHED)


def test_duplicate_app_slug_is_refused_with_a_clear_message():
    AppFactory(slug="whatsapp")
    errors = errors_of(App(slug="whatsapp", name="WhatsApp again", category=App.Category.MESSAGING))
    assert errors["slug"] == ["App with this slug already exists: choose a different slug."]


def test_upper_case_slug_is_refused():
    errors = errors_of(Owner(slug="Meta", name="Meta", kind=Owner.Kind.COMPANY))
    assert "lower-case" in errors["slug"][0]


def test_reference_data_in_use_cannot_be_deleted():
    from django.db.models import ProtectedError

    owner = OwnerFactory()
    AppFactory(owner=owner)
    with pytest.raises(ProtectedError):
        owner.delete()


@pytest.mark.parametrize(
    ("value", "precision", "shown"),
    [
        (date(2026, 2, 12), Precision.DAY, "12 February 2026"),
        (date(2021, 6, 4), Precision.ESTIMATED, "about 4 June 2021"),
        (date(2025, 12, 1), Precision.MONTH, "December 2025"),
        (date(2022, 1, 1), Precision.YEAR, "2022"),
        (None, Precision.DAY, ""),
    ],
)
def test_dates_are_shown_with_their_precision(value, precision, shown):
    assert format_date(value, precision) == shown


def test_every_save_raises_the_revision():
    event = EventFactory()
    first = event.revision
    event.title = "Changed"
    event.save()
    assert event.revision == first + 1
