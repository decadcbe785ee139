"""What helps editors in the admin: countries found by the names people use, the review queue on the
home page, warnings on save, whole values in history, and a clear answer to a non-staff sign-in."""

import re
from datetime import timedelta

import pycountry
import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.countries import ALIASES, code_for_name, country_rows, search_countries
from events.importers.common import CountryNames
from events.models import Event
from tests.factories import EventFactory
from tests.test_admin_helpers import editor, form_data, publisher

pytestmark = pytest.mark.django_db

State = Event.ReviewState
AUTOCOMPLETE = "/admin/autocomplete/?app_label=events&model_name=event&field_name=country&term="


def autocomplete(client, term):
    response = client.get(AUTOCOMPLETE + term)
    assert response.status_code == 200
    return [result["id"] for result in response.json()["results"]]


# (what an editor types, the country it must find first)
NAMES = [
    ("Turkey", "TR"),
    ("Türkiye", "TR"),
    ("turkiye", "TR"),
    ("Burma", "MM"),
    ("Myanmar", "MM"),
    ("Ivory Coast", "CI"),
    ("Côte d'Ivoire", "CI"),
    ("cote d’ivoire", "CI"),
    ("Russia", "RU"),
    ("Russian Federation", "RU"),
    ("UK", "GB"),
    ("Britain", "GB"),
    ("Great Britain", "GB"),
    ("United Kingdom", "GB"),
    ("USA", "US"),
    ("US", "US"),
    ("America", "US"),
    ("United States", "US"),
    ("Iran", "IR"),
    ("South Korea", "KR"),
    ("Korea", "KR"),
    ("North Korea", "KP"),
    ("Syria", "SY"),
    ("Vietnam", "VN"),
    ("Viet Nam", "VN"),
    ("Laos", "LA"),
    ("Czechia", "CZ"),
    ("Czech Republic", "CZ"),
    ("DRC", "CD"),
    ("Democratic Republic of Congo", "CD"),
    ("Republic of Congo", "CG"),
    ("Palestine", "PS"),
    ("Taiwan", "TW"),
    ("Macedonia", "MK"),
    ("North Macedonia", "MK"),
    ("Eswatini", "SZ"),
    ("Swaziland", "SZ"),
    ("Cape Verde", "CV"),
    ("Cabo Verde", "CV"),
    ("Holland", "NL"),
    ("Netherlands", "NL"),
    ("UAE", "AE"),
    ("ru", "RU"),
    ("RUS", "RU"),
]


@pytest.mark.parametrize(("term", "code"), NAMES)
def test_the_country_autocomplete_finds_common_names_and_aliases_first(client, term, code):
    client.force_login(editor())
    assert autocomplete(client, term)[0] == code


def test_the_country_autocomplete_offers_both_countries_a_name_could_mean(client):
    client.force_login(editor())
    assert set(autocomplete(client, "Congo")[:2]) == {"CG", "CD"}
    assert autocomplete(client, "Korea")[:2] == ["KR", "KP"]
    # And what Django's own search found, a name containing the letters typed, is still found.
    assert "RU" in autocomplete(client, "ssia")
    assert autocomplete(client, "Atlantis") == []


def test_the_country_list_search_finds_aliases_too(client):
    client.force_login(editor())
    response = client.get(reverse("admin:events_country_changelist"), {"q": "Burma"})
    assert [country.code for country in response.context["cl"].result_list] == ["MM"]


def iso_code(name):
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return None


def test_every_name_and_alias_leads_to_its_own_country_and_iso_does_not_contradict_it():
    # The importers try these names before pycountry's: where pycountry knows one, it must agree.
    for row in country_rows():
        names = (row["fields"]["name"], row["fields"]["official_name"], *ALIASES.get(row["pk"], ()))
        for name in filter(None, names):
            assert code_for_name(name) == row["pk"], name
            assert search_countries(name)[0] == row["pk"], name
            assert iso_code(name) in (None, row["pk"]), name
    assert set(ALIASES) <= {row["pk"] for row in country_rows()}


def test_the_importers_read_the_same_aliases():
    names = CountryNames(row["pk"] for row in country_rows())
    assert names.resolve("Burma") == ("MM", "")
    assert names.resolve("Turkey") == ("TR", "")
    assert names.resolve("Russia") == ("RU", "")
    assert names.resolve("Ivory Coast") == ("CI", "")
    assert names.resolve("Democratic Republic of the Congo") == ("CD", "")
    assert names.resolve("Somaliland") == ("SO", "Somaliland")
    assert names.resolve("Russian Federation") == ("RU", "")


# The review queue on the admin's home page


def queue_on(page):
    """{label: (count, link)} from the home page's review queue."""
    html = page.content.decode()
    rows = re.findall(r'<a href="([^"]+)">([^<]+)</a></th>\s*<td class="review-count">(\d+)</td>', html)
    return {label: (int(count), link.replace("&amp;", "&")) for link, label, count in rows}


def test_the_admin_home_page_shows_the_review_queue_with_links_to_each_list(client):
    today = timezone.localdate()
    client.force_login(editor())
    EventFactory.create_batch(2, review_state=State.IN_REVIEW)
    EventFactory(review_state=State.IN_REVIEW, sources=[])
    EventFactory.create_batch(3, review_state=State.DRAFT, sources=[])
    EventFactory(review_state=State.RETRACTED)
    EventFactory(ended_on=today - timedelta(days=3))  # published, said to be in force, ended
    EventFactory(review_state=State.DRAFT, started_on=today + timedelta(days=10), sources=[])
    queue = queue_on(client.get(reverse("admin:index")))
    counts = {label: count for label, (count, _link) in queue.items()}
    assert counts == {
        "In review": 3,
        "In review without a source": 1,
        "Drafts": 4,
        "Published": 1,
        "Retracted": 1,
        "In force with an end date in the past": 1,
        "In force with a start date in the future": 1,
    }
    for label, (count, link) in queue.items():
        assert link.startswith(reverse("admin:events_event_changelist") + "?")
        listed = client.get(link)
        assert listed.status_code == 200, label
        assert listed.context["cl"].result_count == count, label
    assert queue["In review"][1].endswith("?review_state__exact=in_review")


def test_the_review_queue_costs_one_query_however_many_events(client):
    client.force_login(editor())
    url = reverse("admin:index")
    client.get(url)  # the session and the content types are cached from here on
    EventFactory(review_state=State.IN_REVIEW)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    EventFactory.create_batch(20, review_state=State.DRAFT)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(one) == len(many), [q["sql"] for q in many]
    assert queue_on(page)["Drafts"][0] == 20
    assert sum("events_event" in q["sql"] for q in many) == 1


def test_staff_who_may_not_see_events_get_no_review_queue(client):
    client.force_login(User.objects.create_user("guest", is_staff=True))
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert "review-queue" not in page.content.decode()


# Warnings on save: saved, and told what looks wrong


def change(client, event, **changes):
    url = reverse("admin:events_event_change", args=[event.pk])
    return client.post(url, form_data(client.get(url), **changes))


def warnings_of(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_submitting_for_review_without_a_source_saves_and_warns_that_publishing_needs_one(client):
    client.force_login(editor())
    event = EventFactory(review_state=State.DRAFT, sources=[], title="Chad blocks WhatsApp")
    response = change(client, event, review_state=State.IN_REVIEW)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.review_state == State.IN_REVIEW
    assert warnings_of(response) == [
        "“Chad blocks WhatsApp” is in review without a source: publishing it will need at least one, so add one."
    ]


def test_publishing_without_a_source_is_still_refused(client):
    client.force_login(publisher())
    event = EventFactory(review_state=State.IN_REVIEW, sources=[])
    response = change(client, event, review_state=State.PUBLISHED)
    assert response.status_code == 200
    assert "cannot be published without a source" in str(response.context["adminform"].form.errors)
    event.refresh_from_db()
    assert event.review_state == State.IN_REVIEW


def test_the_bulk_submit_warns_about_each_event_without_a_source(client):
    client.force_login(editor())
    bare = EventFactory(review_state=State.DRAFT, sources=[], title="Bare")
    sourced = EventFactory(review_state=State.DRAFT, title="Sourced")
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "submit_for_review", "_selected_action": [bare.pk, sourced.pk]},
    )
    assert response.status_code == 302
    assert warnings_of(response) == [
        "“Bare” is in review without a source: publishing it will need at least one, so add one."
    ]


def test_in_force_with_a_past_end_date_saves_and_warns(client):
    client.force_login(editor())
    today = timezone.localdate()
    event = EventFactory(review_state=State.DRAFT, title="Long over", started_on=today - timedelta(days=100))
    ended = today - timedelta(days=5)
    response = change(client, event, ended_on=ended, ended_precision="day")
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.ended_on == ended
    [warning] = warnings_of(response)
    assert warning.startswith(f"“Long over” is marked in force, but its end date ({event.ended_display}) is past")
    assert "set the status to Lifted" in warning


def test_in_force_with_a_future_start_saves_and_asks_whether_it_is_announced(client):
    client.force_login(editor())
    start = timezone.localdate() + timedelta(days=30)
    event = EventFactory(review_state=State.DRAFT, title="Coming")
    response = change(client, event, started_on=start)
    assert response.status_code == 302
    event.refresh_from_db()
    [warning] = warnings_of(response)
    assert warning == (
        f"“Coming” is marked in force, but it starts on {event.started_display}, in the future: "
        "should the status be Announced?"
    )
    # Announced, it is what it should be: no warning.
    assert warnings_of(change(client, event, status=Event.Status.ANNOUNCED)) == []


def test_a_sound_save_has_no_warnings(client):
    client.force_login(editor())
    event = EventFactory(review_state=State.DRAFT, started_on=timezone.localdate() - timedelta(days=3))
    assert warnings_of(change(client, event, review_state=State.IN_REVIEW)) == []


# History: whole values


def test_the_history_shows_long_old_and_new_values_whole(client):
    client.force_login(editor())
    before = "The regulator said that " + "calls were slowed in every region of the country, " * 12 + "then."
    after = before.replace("then.", "and then blocked them outright.")
    event = EventFactory(review_state=State.DRAFT, description=before)
    response = change(client, event, description=after)
    assert response.status_code == 302
    page = client.get(reverse("admin:events_event_history", args=[event.pk]))
    html = page.content.decode()
    changes = {c["field"]: (c["old"], c["new"]) for c in page.context["page_obj"].object_list[0].history_delta_changes}
    assert changes["Description"] == (before, after)
    assert f'<span class="history-value history-old">{before}</span>' in html
    assert f'<span class="history-value history-new">{after}</span>' in html
    assert "chars]" not in html
    assert "events/admin/history.css" in html


# Signing in with an account that is not an editor's

PASSWORD = "correct horse battery staple"


@pytest.fixture
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, username, password, address="203.0.113.8"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


@pytest.mark.usefixtures("fast_password_hashing")
def test_a_non_staff_account_with_its_right_password_is_told_it_is_not_an_editors(client):
    User.objects.create_user("reader", password=PASSWORD)
    refused = sign_in(client, "reader", PASSWORD)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "This account is not an editor&#x27;s account: ask an administrator for access." in html
    assert "Please enter the correct username and password" not in html
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("fast_password_hashing")
def test_a_wrong_password_says_nothing_about_the_account(client):
    User.objects.create_user("reader", password=PASSWORD)
    editor("ana", password=PASSWORD)
    for username in ("reader", "ana", "nobody"):
        wrong = sign_in(client, username, "guess").content.decode()
        assert "Please enter the correct username and password for a staff account" in wrong
        assert "not an editor" not in wrong
    assert sign_in(client, "ana", PASSWORD).status_code == 302


@pytest.mark.usefixtures("fast_password_hashing")
def test_the_lockout_still_applies_to_non_staff_accounts(client):
    User.objects.create_user("reader", password=PASSWORD)
    for _ in range(5):
        sign_in(client, "reader", "guess", address="198.51.100.9")
    locked = sign_in(client, "reader", PASSWORD, address="198.51.100.9")
    assert locked.status_code == 429
    assert "not an editor" not in locked.content.decode()
