"""Only published events exist, and a record that only a hidden event names does not exist either.

One leak test over every public surface (events/models/visibility.py): pages, feeds, the API in
JSON and CSV, its filters, and the dataset export. A draft, in-review or retracted event names an
app, its owner, an authority, a promoted alternative, a source and a statement that nothing
published refers to; none of them may show anywhere, and asking for one by its key must get the
very answer that a key nobody ever used gets.
"""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command

from events.models import Event
from tests.factories import AppFactory, AuthorityFactory, EventFactory, OwnerFactory, SourceFactory, StatementFactory

HIDDEN_STATES = [Event.ReviewState.DRAFT, Event.ReviewState.IN_REVIEW, Event.ReviewState.RETRACTED]
MARK = "hushhush"  # in every hidden record's words, and nowhere else (searches use other words of theirs)


@pytest.fixture(params=HIDDEN_STATES)
def hidden(request, db):
    """A published event, and a hidden one with the same country, app, owner, authority and words,
    in force on the same day and linked from the published one, naming records of its own too."""
    owner = OwnerFactory(slug="meta", name="Meta")
    app = AppFactory(slug="whatsapp", name="WhatsApp", owner=owner)
    authority = AuthorityFactory(slug="roskomnadzor", name="Roskomnadzor")
    own_owner = OwnerFactory(slug=f"{MARK}-corp", name=f"{MARK} Corp")
    own_app = AppFactory(slug=f"{MARK}-app", name=f"{MARK} app", owner=own_owner)
    alternative = AppFactory(slug=f"{MARK}-alt", name=f"{MARK} alternative", owner=own_owner)
    own_authority = AuthorityFactory(slug=f"{MARK}-court", name=f"{MARK} court")
    dataset = SourceFactory(url=f"https://example.org/{MARK}-dataset", kind="dataset", title=f"{MARK} dataset")
    public = EventFactory(title="Public block", apps=[app], owner=owner, authority=authority, kind="full_block")
    secret = EventFactory(
        title=f"{MARK} block",
        summary=f"The {MARK} summary.",
        apps=[app, own_app],
        owner=owner,
        authority=own_authority,
        promoted_alternative=alternative,
        kind="partial_block",
        started_on=date(2019, 5, 5),
        review_state=request.param,
        sources=[dataset],
    )
    StatementFactory(event=secret, speaker=f"{MARK} speaker", source=dataset)
    public.related.add(secret)
    return public, secret


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def public_urls(public):
    return [
        "/",
        "/timeline/",
        "/timeline/?search=summary",
        "/timeline/?year=2019",
        "/countries/",
        "/countries/ru/",
        "/apps/",
        "/apps/whatsapp/",
        "/owners/meta/",
        "/authorities/roskomnadzor/",
        f"/events/{public.pk}/",
        "/search/?q=summary",
        "/search/?q=corp",
        "/search/?q=court",
        "/search/?q=alternative",
        "/search/?q=block",
        "/about/",
        "/status/",
        "/status/?on=2026-03-01",
        "/status/changes/?from=2020-01-01",
        "/countries/ru/apps/whatsapp/",
        "/feeds/events/",
        "/feeds/countries/ru/",
        "/feeds/apps/whatsapp/",
        "/api/v1/",
        "/api/v1/events/",
        "/api/v1/events/?format=csv",
        "/api/v1/events/?search=summary",
        "/api/v1/events/?app=whatsapp&active_on=2026-03-01",
        "/api/v1/events/?ordering=updated_at&format=csv",
        f"/api/v1/events/{public.pk}/",
        "/api/v1/countries/",
        "/api/v1/countries/ru/",
        "/api/v1/apps/",
        "/api/v1/apps/?search=alternative",
        "/api/v1/apps/whatsapp/",
        "/api/v1/owners/",
        "/api/v1/owners/?search=corp",
        "/api/v1/owners/meta/",
        "/api/v1/authorities/",
        "/api/v1/authorities/?search=court",
        "/api/v1/authorities/roskomnadzor/",
        "/api/v1/measurements/",
        *(f"/api/v1/stats/?by={by}" for by in ("country", "year", "kind", "app", "owner")),
        "/api/v1/status/",
        "/api/v1/status/?on=2026-03-01&format=csv",
        "/api/v1/status/changes/?from=2020-01-01",
    ]


def test_no_public_url_shows_a_hidden_record_or_anything_only_it_names(client, hidden):
    public, _secret = hidden
    for url in public_urls(public):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARK not in body_of(response).lower(), url


def test_every_key_of_a_hidden_record_is_a_404(client, hidden):
    _public, secret = hidden
    urls = [
        f"/events/{secret.pk}/",
        f"/api/v1/events/{secret.pk}/",
        *(f"/apps/{MARK}-{kind}/" for kind in ("app", "alt")),
        *(f"/api/v1/apps/{MARK}-{kind}/" for kind in ("app", "alt")),
        f"/feeds/apps/{MARK}-app/",
        f"/owners/{MARK}-corp/",
        f"/api/v1/owners/{MARK}-corp/",
        f"/authorities/{MARK}-court/",
        f"/api/v1/authorities/{MARK}-court/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "path",
    ["/api/v1/events/", "/api/v1/events/?format=csv&", "/api/v1/stats/?by=app&", "/api/v1/measurements/", "/timeline/"],
)
@pytest.mark.parametrize("parameter,key", [("app", "app"), ("app", "alt"), ("owner", "corp"), ("authority", "court")])
def test_filtering_by_a_hidden_key_answers_as_for_a_key_that_never_existed(client, hidden, path, parameter, key):
    if path == "/api/v1/measurements/" and parameter != "app":
        return  # measurements filter by app only
    separator = "" if path.endswith("&") else "?"

    def ask(value):
        response = client.get(f"{path}{separator}{parameter}={value}")
        return response.status_code, body_of(response).replace(value, "<key>")

    assert ask(f"{MARK}-{key}") == ask(f"never-{key}")
    assert ask(f"{MARK}-{key}")[0] == 400


def test_hidden_events_count_nowhere(client, hidden):
    public, _secret = hidden
    ru = client.get("/api/v1/countries/ru/").json()
    assert ru["event_count"] == 1
    assert [a["slug"] for a in ru["apps_restricted_now"]] == ["whatsapp"]
    assert client.get("/api/v1/countries/?search=russia").json()["results"][0]["event_count"] == 1
    assert client.get("/api/v1/apps/whatsapp/").json()["event_count"] == 1
    assert client.get("/api/v1/authorities/roskomnadzor/").json()["event_count"] == 1
    assert client.get(f"/api/v1/events/{public.pk}/").json()["related"] == []
    for by in ("country", "year", "kind", "app", "owner"):
        stats = client.get(f"/api/v1/stats/?by={by}").json()
        assert stats["total"] == 1, by
        assert sum(row["count"] for row in stats["results"]) == 1, by
    rows = list(csv.DictReader(io.StringIO(body_of(client.get("/api/v1/events/?format=csv")))))
    assert [row["id"] for row in rows] == [str(public.pk)]


def test_the_dataset_export_holds_nothing_hidden(hidden, tmp_path):
    call_command("export_dataset", str(tmp_path), stdout=io.StringIO())
    for path in sorted(tmp_path.iterdir()):
        assert MARK not in path.read_text(encoding="utf-8").lower(), path.name
