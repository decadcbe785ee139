"""Full-text search (events/search.py, events/search_index.py) on the database the suite runs on:
the query language, the documents the triggers keep through every kind of write, the ranking, the
forgiven typos, and what it never shows."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from events import search, search_index
from events.models import App, Authority, Country, Event, Owner
from tests.concurrency import at_once
from tests.factories import AppFactory, AuthorityFactory, EventFactory, OwnerFactory
from tests.migration_data import restore_migration_data

pytestmark = pytest.mark.django_db


def found(text, queryset=None):
    return set((queryset or Event.objects.all()).search(text).values_list("title", flat=True))


def api_titles(client, text):
    response = client.get("/api/v1/events/", {"search": text})
    assert response.status_code == 200, response.content
    return {event["title"] for event in response.json()["results"]}


@pytest.fixture
def stories():
    whatsapp = AppFactory(name="WhatsApp", slug="whatsapp")
    EventFactory(title="Russia fully blocks WhatsApp", apps=[whatsapp], summary="Blocked on every network.")
    EventFactory(title="Iran throttles Instagram", country=Country.objects.get(code="IR"), apps=[AppFactory()])
    EventFactory(title="A block, fully enforced", description="Calls were blocked first.")
    EventFactory(title="Elections", stated_reason="during the presidential election")


def test_english_words_match_their_other_forms(stories):
    assert found("blocking") == {"Russia fully blocks WhatsApp", "A block, fully enforced"}
    assert found("throttled") == {"Iran throttles Instagram"}
    assert found("ELECTION") == {"Elections"}


def test_every_word_must_match_and_quotes_make_a_phrase(stories):
    assert found("fully block") == {"Russia fully blocks WhatsApp", "A block, fully enforced"}
    assert found('"fully blocks"') == {"Russia fully blocks WhatsApp"}
    assert found('"fully blocks') == {"Russia fully blocks WhatsApp"}  # an unclosed quote runs to the end


def test_minus_excludes_and_or_offers_alternatives(stories):
    assert found("block -whatsapp") == {"A block, fully enforced"}
    assert found('block -"fully blocks"') == {"A block, fully enforced"}
    assert found("instagram or election") == {"Iran throttles Instagram", "Elections"}
    assert found("instagram OR whatsapp fully") == {"Iran throttles Instagram", "Russia fully blocks WhatsApp"}


def test_the_names_around_an_event_find_it(stories):
    meta = OwnerFactory(name="Meta Platforms")
    regulator = AuthorityFactory(name="Roskomnadzor")
    EventFactory(title="Designation", owner=meta, apps=[], authority=regulator, scope="Chechnya", legal_basis="272-FZ")
    assert found("iran") == {"Iran throttles Instagram"}  # its country
    assert found("whatsapp") == {"Russia fully blocks WhatsApp"}  # its app
    assert found("meta platforms") == found("roskomnadzor") == found("chechnya") == {"Designation"}
    assert found("272-FZ") == {"Designation"}


def test_operators_and_punctuation_are_words_or_nothing(stories):
    operators = ["whatsapp*", "^whatsapp", "whatsapp:", "AND whatsapp NOT", "'whatsapp'", "(whatsapp)", "the whatsapp"]
    for text in operators:
        assert "Russia fully blocks WhatsApp" in found(text), text


def test_a_query_with_nothing_to_find_is_a_clear_400(client, stories):
    for text in ["-whatsapp", "!!!", "or", '""', "the of"]:
        response = client.get("/api/v1/events/", {"search": text})
        assert response.status_code == 400, text
        assert "Give at least one word" in response.json()["search"][0]
        page = client.get("/search/", {"q": text})
        assert page.status_code == 400 and "Give at least one word" in page.content.decode()


def test_a_misspelt_app_name_finds_the_app_and_the_page_says_so(client, stories):
    assert api_titles(client, "whatsap") == {"Russia fully blocks WhatsApp"}
    assert api_titles(client, "whatsap russia") == {"Russia fully blocks WhatsApp"}
    assert api_titles(client, "whatsapp") == api_titles(client, "whtasapp")  # letters swapped
    page = client.get("/search/", {"q": "whatsap"}).content.decode()
    assert "Also matching “whatsapp” for “whatsap”" in page
    assert "Russia fully blocks WhatsApp" in page


def test_a_word_the_records_use_is_not_taken_for_a_typo(stories):
    AppFactory(name="Blockr")  # close to 'blocks', which the records use
    assert search.understand("blocks").corrections == {}
    assert search.understand("whatsap").corrections == {"whatsap": "whatsapp"}


def test_no_unpublished_name_or_record_is_offered_or_found(client, stories):
    secret_app = AppFactory(name="Zanzibarphone")
    EventFactory(title="Draft about Zanzibarphone", review_state="draft", apps=[secret_app])
    assert not App.objects.public().filter(pk=secret_app.pk).exists()  # only a draft names it
    assert search.understand("zanzibarfone").corrections == {}
    assert api_titles(client, "zanzibarphone") == set()
    page = client.get("/search/", {"q": "zanzibarfone"}).content.decode()
    assert "Zanzibarphone" not in page


def test_the_search_page_puts_the_best_match_first(client):
    EventFactory(title="Other news", description="Later the telegram was read aloud.", started_on="2026-03-01")
    EventFactory(title="Telegram blocked", started_on="2020-01-01")
    page = client.get("/search/", {"q": "telegram"}).content.decode()
    assert page.index("Telegram blocked") < page.index("Other news")


class TestTheDocumentsFollowEveryWrite:
    def test_an_edit_of_the_event(self, stories):
        event = Event.objects.get(title="Elections")
        event.title, event.stated_reason = "Referendum", ""
        event.save()
        assert found("election") == set() and found("referendum") == {"Referendum"}

    def test_an_update_in_bulk(self, stories):
        Event.objects.filter(title="Elections").update(description="Shutdown in Zanzibar")
        assert found("zanzibar") == {"Elections"}

    def test_a_change_of_apps(self, stories):
        event = Event.objects.get(title="Elections")
        event.apps.add(AppFactory(name="Signal"))
        assert found("signal") == {"Elections"}
        event.apps.clear()
        assert found("signal") == set()

    def test_a_rename_of_what_an_event_names(self, stories):
        owner, authority = OwnerFactory(name="Facebook Inc"), AuthorityFactory(name="Roskomnadzor")
        iran = Country.objects.get(code="IR")
        EventFactory(title="Named", country=iran, owner=owner, authority=authority, apps=[AppFactory(name="Signal")])
        App.objects.filter(name="Signal").update(name="Session")
        Owner.objects.filter(pk=owner.pk).update(name="Meta Platforms")
        Authority.objects.filter(pk=authority.pk).update(name="Mincifry")
        Country.objects.filter(pk=iran.pk).update(name="Persia")
        assert found("session") == found('"meta platforms"') == found("mincifry") == {"Named"}
        assert found("persia") == {"Named", "Iran throttles Instagram"}
        assert found("signal") == found("facebook") == found("roskomnadzor") == set()
        assert found("iran") == {"Iran throttles Instagram"}  # its title says Iran

    def test_a_name_written_after_the_rows_that_name_it(self, stories):
        """Foreign keys are checked at commit: an import may link an app it writes afterwards."""
        event = Event.objects.get(title="Elections")
        with transaction.atomic(), connection.constraint_checks_disabled():
            Event.apps.through.objects.create(event=event, app_id=987654)
            owner = OwnerFactory()
            App.objects.create(pk=987654, slug="late", name="Latecomer", owner=owner, category="messaging")
        assert found("latecomer") == {"Elections"}

    def test_a_bulk_import_and_a_deletion(self, stories):
        app = AppFactory(name="Viber")
        events = Event.objects.bulk_create(
            Event(title=f"Imported {n}", country_id="RU", kind="full_block", started_on="2024-01-01") for n in range(3)
        )
        Event.apps.through.objects.bulk_create([Event.apps.through(event=event, app=app) for event in events])
        assert found("viber") == {"Imported 0", "Imported 1", "Imported 2"}
        Event.objects.filter(title="Imported 1").delete()
        assert found("viber") == {"Imported 0", "Imported 2"}


def document_count():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events_event_search")
        return cursor.fetchone()[0]


def test_rebuild_search_writes_every_document_again(stories):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM events_event_search")
    assert found("whatsapp") == set()
    call_command("rebuild_search", stdout=io.StringIO())
    assert found("whatsapp") == {"Russia fully blocks WhatsApp"}
    assert document_count() == Event.objects.count()


def test_migrate_puts_back_triggers_a_table_rebuild_dropped(stories):
    on = " ON events_event" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER events_search_event_insert{on}")
    EventFactory(title="Written while the trigger was gone", apps=[])
    search_index.install()  # what post_migrate runs
    assert found("gone") == {"Written while the trigger was gone"}
    EventFactory(title="Written later", apps=[])
    assert found("later") == {"Written later"}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # see tests/browser/test_admin_e2e.py
def test_a_rename_and_a_link_made_at_once_leave_the_new_name():
    """One editor adds an app to an event while another renames the app, each in a transaction
    that stays open while the other starts: whichever commits first, the event is found by the
    new name. Without the share lock the triggers take, the link's transaction would write the old
    name, and the rename's would not see the uncommitted link. (Both orders in one test: two
    transactional tests in a row would restore the migrations' rows twice.)"""
    restore_migration_data()
    for first in ["link", "rename"]:
        app = AppFactory(name=f"Oldname{first}")
        event = EventFactory(title=f"Linked {first}", apps=[])

        def link(app=app, event=event):
            event.apps.add(app)

        def rename(app=app, first=first):
            App.objects.filter(pk=app.pk).update(name=f"Newname{first}")

        at_once(link, rename) if first == "link" else at_once(rename, link)
        assert found(f"newname{first}") == {f"Linked {first}"}, first
        # parsed without forgiving typos, which would take the old name for one of the new
        assert not search.matching(Event.objects.all(), search.parse(f"oldname{first}")).exists(), first

    # An edit of the event and a link to it made at once keep both.
    for first in ["edit", "link"]:
        app = AppFactory(name=f"Zeta{first}")
        event = EventFactory(title="Untitled", apps=[])

        def edit(event=event, first=first):
            Event.objects.filter(pk=event.pk).update(title=f"Retitled{first}")

        def link(app=app, event=event):
            event.apps.add(app)

        at_once(edit, link) if first == "edit" else at_once(link, edit)
        assert found(f"retitled{first}") == found(f"zeta{first}") == {f"Retitled{first}"}, first


def test_many_matches_give_the_same_answer_as_few(stories, monkeypatch, client):
    """Up to search.FEW matches go to the query as ids, more as the documents' subquery: the two
    ways must agree, in the API's count and page alike."""
    few = api_titles(client, "block"), client.get("/api/v1/events/", {"search": "block"}).json()["count"]
    monkeypatch.setattr(search, "FEW", 1)
    many = api_titles(client, "block"), client.get("/api/v1/events/", {"search": "block"}).json()["count"]
    assert few == many == ({"Russia fully blocks WhatsApp", "A block, fully enforced"}, 2)
