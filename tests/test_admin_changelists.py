"""Change lists answer questions (columns, filters, search) at a cost that does not grow with the rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.dates import Precision
from events.models import Event
from tests.factories import AppFactory, AuthorityFactory, EventFactory, OwnerFactory, SourceFactory, country
from tests.test_admin_helpers import editor

pytestmark = pytest.mark.django_db

State = Event.ReviewState


def events(count):
    for n in range(count):
        EventFactory(
            title=f"Event {n}",
            review_state=State.DRAFT if n % 2 else State.PUBLISHED,
            owner=OwnerFactory(),
            authority=AuthorityFactory(),
            apps=[AppFactory(), AppFactory()],
            sources=[SourceFactory()],
        )


# Every admin page starts with the same four queries: the session, the user, and the user's own and
# their groups' permissions.
@pytest.mark.parametrize(
    ("url_name", "make", "expected"),
    [
        # 4 + the distinct countries, apps and owners the filters offer (3), the years filter, the
        # filtered and the total COUNT (2), the page of rows with their country joined, the apps of
        # those rows (one prefetch), and the date hierarchy's range and its dates (2).
        ("admin:events_event_changelist", events, 14),
        # 4 + the owners (or countries) the filter offers, COUNT and total COUNT, and the page with the
        # owner joined and the event count as a subquery of the same query.
        ("admin:events_app_changelist", lambda n: [AppFactory() for _ in range(n)], 8),
        ("admin:events_owner_changelist", lambda n: [OwnerFactory() for _ in range(n)], 8),
        ("admin:events_authority_changelist", lambda n: [AuthorityFactory() for _ in range(n)], 8),
        # 4 + COUNT and total COUNT, the page, the date hierarchy's range and dates (2), the languages.
        ("admin:events_source_changelist", lambda n: [SourceFactory() for _ in range(n)], 10),
    ],
)
def test_change_list_costs_the_same_for_one_row_and_fifty(client, url_name, make, expected):
    client.force_login(editor())
    url = reverse(url_name)
    make(1)
    with CaptureQueriesContext(connection) as one:
        first = client.get(url)
    assert first.context["cl"].result_count == 1
    make(49)
    with CaptureQueriesContext(connection) as fifty:
        second = client.get(url)
    assert second.context["cl"].result_count == 50
    assert len(second.context["cl"].result_list) == 50
    assert len(one) == expected, [q["sql"] for q in one]
    assert len(fifty) == expected, [q["sql"] for q in fifty]


def test_country_list_costs_the_same_whatever_the_events(client, django_assert_num_queries):
    client.force_login(editor())
    url = reverse("admin:events_country_changelist")
    # 4 + COUNT and total COUNT, the page of countries with their event counts, the regions filter.
    with django_assert_num_queries(8):
        client.get(url)
    events(5)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.context["cl"].result_count == 249


def test_event_list_shows_the_columns_an_editor_needs(client):
    client.force_login(editor())
    event = EventFactory(
        title="Russia phases out Telegram",
        apps=[AppFactory(name="Telegram"), AppFactory(name="MAX")],
        kind=Event.Kind.PARTIAL_BLOCK,
        started_on=date(2026, 2, 1),
        started_precision=Precision.MONTH,
        review_state=State.IN_REVIEW,
    )
    html = client.get(reverse("admin:events_event_changelist")).content.decode()
    updated = f"{event.updated_at.day} {event.updated_at:%b %Y}"
    for text in ("Russia phases out Telegram", "Russia", "MAX, Telegram", "In force", "February 2026", "In review"):
        assert f">{text}<" in html, text
    assert '<td class="field-kind_short">Partial block</td>' in html
    assert f'<td class="field-updated">{updated}</td>' in html


def test_event_search_finds_apps_and_sources(client):
    client.force_login(editor())
    EventFactory(title="Block one", apps=[AppFactory(name="Signal")])
    EventFactory(title="Block two", sources=[SourceFactory(url="https://rkn.example/decree-42", title="Decree")])
    EventFactory(title="Block three", summary="Throttled to a crawl")
    url = reverse("admin:events_event_changelist")

    def found(term):
        return sorted(e.title for e in client.get(url, {"q": term}).context["cl"].result_list)

    assert found("signal") == ["Block one"]
    assert found("decree-42") == ["Block two"]
    assert found("Decree") == ["Block two"]
    assert found("crawl") == ["Block three"]


def test_event_filters_narrow_the_list(client):
    client.force_login(editor())
    whatsapp = AppFactory(slug="whatsapp", name="WhatsApp")
    EventFactory(title="RU 2025", apps=[whatsapp], started_on=date(2025, 8, 13), review_state=State.DRAFT)
    EventFactory(title="IR 2022", country=country("IR"), started_on=date(2022, 9, 21))
    url = reverse("admin:events_event_changelist")

    def titles(**params):
        return sorted(e.title for e in client.get(url, params).context["cl"].result_list)

    assert titles(country__code__exact="IR") == ["IR 2022"]
    assert titles(apps__id__exact=whatsapp.pk) == ["RU 2025"]
    assert titles(review_state__exact="draft") == ["RU 2025"]
    assert titles(year="2022") == ["IR 2022"]
    assert titles(started_on__year="2025") == ["RU 2025"]
