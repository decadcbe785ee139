"""Access Now's #KeepItOn STOP dataset: read its rows, check them, and map them to event plans.

Reading and checking write nothing: `plan_file` returns every valid row mapped to an `EventPlan`
(rows that describe the same shutdown merged into one) and every invalid row with its reasons, so
the command can refuse the whole file, or import the rest, before a single record is written.
The mapping decisions are explained in docs/importing.md; this module is their single home.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.core.management.base import CommandError
from django.utils.text import slugify

from events.dates import Precision
from events.models import Authority, Event, Source

from .catalogue import APPS, app_names
from .common import CountryNames, RowError, cell_text, missing_columns, parse_date, read_table

DATASET_URL = "https://www.accessnow.org/campaign/keepiton/"
DATASET_TITLE = "Access Now #KeepItOn STOP dataset"
DATASET_PUBLISHER = "Access Now"
KEY_PREFIX = "stop:"

PLATFORM_COLUMNS = {
    "facebook_affected": "facebook",
    "twitter_affected": "twitter",
    "whatsapp_affected": "whatsapp",
    "instagram_affected": "instagram",
    "telegram_affected": "telegram",
}

# The columns of the 2020-2022 layout that the import reads. A sheet lacking any is not that layout.
REQUIRED_COLUMNS = [
    "start_date_type",
    "start_date",
    "country",
    "geo_scope",
    "area_name",
    "shutdown_type",
    "affected_network",
    "shutdown_extent",
    "ordered_by",
    "decision_maker",
    "actual_cause",
    "actual_cause_details",
    "info_source_link",
    "shutdown_status",
    "end_date",
    "gov_justification",
    "gov_just_details",
    "legal_just",
    "legal_method",
    "gov_ack_source",
    "gov_ack_quote",
    *PLATFORM_COLUMNS,
    "other_affected",
    "sms_affected",
    "phonecall_affected",
    "telcos_involved",
    "telco_ack_source",
    "telco_ack_quote",
    "event",
    "an_link",
]

STATUSES = {"ended": Event.Status.LIFTED, "ongoing": Event.Status.IN_FORCE, "unknown": Event.Status.UNKNOWN}
PRECISIONS = {"actual": Precision.DAY, "estimated": Precision.ESTIMATED}
YES, NO = {"yes", "true", "1"}, {"no", "false", "0", "unknown", ""}

# Areas that mean "the whole country". Later sheets rewrite "Entire country" as "Nationwide" or
# blank it when they re-list an event, so for the identity of an event they are one value.
NATIONWIDE = {"", "national", "nationwide", "nation wide", "nationwde", "entire country", "whole country"}

# geo_scope answers that mean a part of one region: a service block there is partial, not full.
LOCAL_SCOPES = ("it only affected one city", "it affected more than one city in the same state")

# ordered_by -> authority kind, used when the decision maker's name says nothing more precise.
ORDERED_BY_KINDS = {
    "executive government": Authority.Kind.EXECUTIVE,
    "state government": Authority.Kind.EXECUTIVE,
    "local government": Authority.Kind.EXECUTIVE,
    "judiciary": Authority.Kind.COURT,
    "law enforcement": Authority.Kind.OTHER,
    "military": Authority.Kind.OTHER,
    "non-government": Authority.Kind.OTHER,
}
# Decision makers whose name says what they are; checked in order, first match wins.
NAME_KINDS = [
    (r"\bcourt\b|\bjudge\b", Authority.Kind.COURT),
    (r"attorney general|prosecutor", Authority.Kind.PROSECUTOR),
    (
        r"regulat|communications? commission|telecommunications? authority|roskomnadzor|uzkomnazorat|\(btk\)",
        Authority.Kind.REGULATOR,
    ),
    (r"etecsa|telecommunications provider|internet provider", Authority.Kind.OPERATOR),
]
# decision_maker cells that hold something other than a body (a reason, a place, an event).
NOT_AUTHORITIES = {
    "nationwide",
    "baramula",
    "security forces operations",
    "communications networks were bombed",
    "prevent a law and order situation during and after security forces operation",
    "unknown groups vandalised telecom infrastructure in the city",
}
# Bodies of another state than the one where the shutdown happened (Russia's army in Ukraine).
AUTHORITY_COUNTRIES = {
    "military of the russian federation": "RU",
    "russian federation": "RU",
    "military of the state of israel": "IL",
}
# Authorities that already exist under another slug (the seed's Roskomnadzor).
AUTHORITY_SLUGS = {"ru-roskomnadzor": "roskomnadzor"}


@dataclass
class AuthoritySpec:
    slug: str
    name: str
    kind: str
    country: str


@dataclass
class Listing:
    """One valid row, mapped."""

    sheet: str
    row: int
    key: str
    values: dict  # Event field values, minus relations
    country: str
    authority: AuthoritySpec | None
    apps: list  # [(slug, written name)]
    urls: list  # [(url, kind)]
    statements: list  # [dict(speaker, role, organisation, text, source_url)]
    text: dict  # the free text the title, summary and description are made from


@dataclass
class EventPlan:
    """What one event should look like after the import, from all the rows that list it."""

    key: str
    listings: list = field(default_factory=list)

    @property
    def latest(self):
        return self.listings[-1]

    @property
    def locations(self):
        return ", ".join(f"{listing.sheet} row {listing.row}" for listing in self.listings)

    @property
    def apps(self):
        seen = {}
        for listing in self.listings:
            for slug, name in listing.apps:
                seen.setdefault(slug, name)
        return list(seen.items())

    @property
    def urls(self):
        seen = {}
        for listing in self.listings:
            for url, kind in listing.urls:
                seen.setdefault(url, kind)
        return list(seen.items())

    @property
    def statements(self):
        seen = {}
        for listing in self.listings:
            for statement in listing.statements:
                seen.setdefault(statement["text"], statement)
        return list(seen.values())


def sheet_order(name, position):
    """Older sheets first, so that a later sheet's view of an event wins: "2021 Data" before "2022 Data"."""
    match = re.search(r"(19|20)\d\d", name)
    return (int(match.group()) if match else 9999, position)


def read_sheets(path):
    """The sheets of the STOP layout, and the others with the reason they are skipped."""
    sheets = read_table(path, sheet_column="source_sheet")
    usable, skipped = [], []
    for sheet in sheets:
        missing = missing_columns(sheet.columns, REQUIRED_COLUMNS)
        if not missing:
            usable.append(sheet)
        elif len(sheets) == 1 or str(path).lower().endswith(".csv"):
            raise CommandError(f"{path}: not the STOP 2020-2022 layout; missing columns: {', '.join(missing)}.")
        else:
            skipped.append(
                (
                    sheet.name,
                    f"not the 2020-2022 layout (lacks {len(missing)} of its columns, e.g. "
                    f"{', '.join(missing[:4])}); see docs/importing.md for the sheets that are imported",
                )
            )
    if not usable:
        raise CommandError(
            f"{path}: no sheet has the STOP 2020-2022 columns. "
            + " ".join(f"Sheet {name!r}: {reason}." for name, reason in skipped)
        )
    ordered = sorted(enumerate(usable), key=lambda pair: sheet_order(pair[1].name, pair[0]))
    return [sheet for _, sheet in ordered], skipped


@dataclass
class StopFile:
    """A checked file: the events it describes, the rows it rejects, the sheets it skips."""

    plans: dict  # import key -> EventPlan, in the order first seen
    errors: list
    skipped: list
    rows: int
    columns: list


def plan_file(path, known_countries, wrap=lambda rows: rows):
    """Read and check the whole file; `wrap` may put a progress bar around the rows."""
    sheets, skipped = read_sheets(path)
    countries = CountryNames(known_countries)
    rows = [row for sheet in sheets for row in sheet.rows]
    plans, errors = {}, []
    for row in wrap(rows):
        result = parse_row(row, countries, known_countries)
        if isinstance(result, RowError):
            errors.append(result)
        else:
            plans.setdefault(result.key, EventPlan(result.key)).listings.append(result)
    return StopFile(plans, errors, skipped, len(rows), sheets[0].columns)


def parse_row(row, countries, country_names):
    """Map one row to a Listing, or return a RowError listing every reason it cannot be imported."""
    cells = {
        name: value if name in ("start_date", "end_date") else _blank_if_na(cell_text(value))
        for name, value in row.cells.items()
    }
    reasons = []

    def fail(reason):
        reasons.append(reason)

    code, area_note = None, ""
    try:
        code, area_note = countries.resolve(cells["country"])
    except LookupError as error:
        fail(str(error))
    started_on = ended_on = None
    try:
        started_on = parse_date(cells["start_date"])
        if started_on is None:
            fail("no start_date")
    except ValueError as error:
        fail(f"start_date: {error}")
    end_readable = True
    try:
        ended_on = parse_date(cells["end_date"])
    except ValueError as error:
        end_readable = False
        fail(f"end_date: {error}")
    precision = PRECISIONS.get(cells["start_date_type"].casefold())
    if precision is None:
        fail(f"start_date_type {cells['start_date_type']!r} is not Actual or Estimated")
    status = STATUSES.get(cells["shutdown_status"].casefold())
    if status is None:
        fail(f"shutdown_status {cells['shutdown_status']!r} is not Ended, Ongoing or Unknown")
    if started_on and ended_on and ended_on < started_on:
        fail(f"end_date {ended_on} is before start_date {started_on}")
    if status == Event.Status.LIFTED and end_readable and not ended_on:
        fail("shutdown_status is Ended but there is no end_date")
    if status == Event.Status.IN_FORCE and ended_on:
        fail(f"shutdown_status is Ongoing but end_date is {ended_on}")

    extent_text = cells["shutdown_extent"].casefold()
    network, service = "full network" in extent_text, "service-based" in extent_text
    if not (network or service):
        fail(f"shutdown_extent {cells['shutdown_extent']!r} is neither Full network nor Service-based")

    apps = []
    for column, slug in PLATFORM_COLUMNS.items():
        answer = cells[column].casefold()
        if answer in YES:
            apps.append((slug, APPS[slug][0]))
        elif answer not in NO:
            fail(f"{column} {cells[column]!r} is not Yes, No or Unknown")
    named, uncertain = app_names(cells["other_affected"])
    apps += [(slug, name) for slug, name in named if slug not in [s for s, _ in apps]]
    if reasons:
        return RowError(row.sheet, row.number, reasons, row.cells)

    area = cells["area_name"]
    if area_note and area_note.casefold() not in area.casefold():
        area = f"{area_note}: {area}" if area else area_note
    kind = _kind(network, cells)
    key = _key(code, started_on, network, area)
    authority = _authority(cells, code, country_names)
    values = {
        "country_id": code,
        "kind": kind,
        "features": [Event.Feature.ALL] if apps else [],
        "status": status,
        "started_on": started_on,
        "started_precision": precision,
        "ended_on": ended_on,
        "ended_precision": Precision.DAY if ended_on else "",
        "legal_basis": _legal_basis(cells),
        "stated_reason": joined(cells["gov_justification"], cells["gov_just_details"]),
    }
    text = {
        "country_name": country_names.get(code, code),
        "area": area,
        "uncertain": uncertain,
        **{
            name: cells[name]
            for name in (
                "event",
                "geo_scope",
                "affected_network",
                "shutdown_type",
                "ordered_by",
                "decision_maker",
                "actual_cause",
                "actual_cause_details",
                "other_affected",
                "sms_affected",
                "phonecall_affected",
                "telcos_involved",
                "legal_method",
            )
        },
    }
    statements = _statements(cells, authority, text["country_name"])
    urls = []
    for column in ("info_source_link", "an_link", "gov_ack_source", "telco_ack_source"):
        urls += [(url, source_kind(url)) for url in extract_urls(cells[column])]
    return Listing(row.sheet, row.number, key, values, code, authority, apps, urls, statements, text)


def _blank_if_na(text):
    """'NA' and 'N/A' mean "not available": blank, as the stacked CSV (written by pandas) has them."""
    return "" if text.casefold() in {"na", "n/a", "none", "-"} else text


def _kind(network, cells):
    """Full network -> network_shutdown; a service block is partial when throttled only or local."""
    if network:
        return Event.Kind.NETWORK_SHUTDOWN
    shutdown_type = cells["shutdown_type"].casefold()
    throttle_only = "throttle" in shutdown_type and "shutdown" not in shutdown_type
    local = cells["geo_scope"].casefold().startswith(LOCAL_SCOPES)
    return Event.Kind.PARTIAL_BLOCK if throttle_only or local else Event.Kind.FULL_BLOCK


def _key(code, started_on, network, area):
    """Country, start day, extent and area: what stays the same when a later sheet re-lists an event."""
    area_key = "nationwide" if area.casefold().strip(" .") in NATIONWIDE else slugify(area) or "unnamed"
    if len(area_key) > 120:
        area_key = f"{area_key[:110]}-{hashlib.sha1(area_key.encode()).hexdigest()[:8]}"  # noqa: S324 (a name, not a secret)
    return f"{KEY_PREFIX}{code}:{started_on.isoformat()}:{'network' if network else 'service'}:{area_key}"


def _authority(cells, code, country_names):
    ordered_by = cells["ordered_by"]
    name = re.sub(r"\s+", " ", cells["decision_maker"]).strip(" .")
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE).replace("&", "and")
    if name.casefold() in NOT_AUTHORITIES:
        name = ""
    kind = ORDERED_BY_KINDS.get(ordered_by.casefold(), Authority.Kind.OTHER)
    if not name:
        if ordered_by.casefold() in ("", "unknown"):
            return None
        name = f"{ordered_by} ({country_names.get(code, code)})"
    for pattern, name_kind in NAME_KINDS:
        if re.search(pattern, name, flags=re.IGNORECASE):
            kind = name_kind
            break
    slug = slugify(f"{code} {name}")[:120].strip("-")
    slug = AUTHORITY_SLUGS.get(slug, slug)
    country = AUTHORITY_COUNTRIES.get(name.casefold(), code)
    return AuthoritySpec(slug=slug, name=name[:300], kind=kind, country=country)


def _legal_basis(cells):
    method, answer = cells["legal_method"], cells["legal_just"].casefold()
    if method:
        return method if len(method) <= 500 else method[:497].rsplit(" ", 1)[0] + "…"
    if answer == "no":
        return "None given (the dataset records no legal justification)."
    return ""


def joined(category, details):
    """'National security/ Counter-terrorism: <details>', leaving out an 'Unknown' category."""
    category = "" if category.casefold() in ("", "unknown") else category
    return ": ".join(part for part in (category, details) if part)


def _statements(cells, authority, country_name):
    statements = []
    if cells["gov_ack_quote"]:
        speaker = authority.name if authority and cells["decision_maker"] else f"Government of {country_name}"
        statements.append(
            {
                "speaker": speaker[:200],
                "role": "Government",
                "organisation": "",
                "text": cells["gov_ack_quote"],
                "source_url": next(iter(extract_urls(cells["gov_ack_source"])), None),
            }
        )
    if cells["telco_ack_quote"]:
        telcos = cells["telcos_involved"]
        statements.append(
            {
                "speaker": "Telecom operator",
                "role": "Network operator",
                "organisation": telcos if len(telcos) <= 200 else "",
                "text": cells["telco_ack_quote"],
                "source_url": next(iter(extract_urls(cells["telco_ack_source"])), None),
            }
        )
    return statements


URL_START = re.compile(r"https?://", re.IGNORECASE)


def extract_urls(text):
    """The web addresses in a cell of links: split at each 'http', tidy the ends, keep the valid ones.

    Cells separate links with ';', ',' or line breaks, and some links contain ';' themselves
    (Google's transparency report), so a link runs to the next 'http' or white space. Browser
    text fragments (#:~:text=...) are dropped; stray words and quotes are not links and are ignored.
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    validate = URLValidator(schemes=["http", "https"])
    urls = []
    starts = [match.start() for match in URL_START.finditer(text or "")]
    for start, end in zip(starts, [*starts[1:], None], strict=False):
        url = re.split(r"\s", text[start:end].strip(), maxsplit=1)[0]
        url = re.sub(r"#:~:text=.*$", "", url).rstrip(";,.\"')")
        try:
            validate(url)
        except ValidationError:
            continue
        if len(url) <= 1000 and url not in urls:
            urls.append(url)
    return urls


def source_kind(url):
    """news unless the address says otherwise: government domains, measurement platforms."""
    host = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).split("/")[0].split(":")[0].casefold()
    if re.search(r"(^|\.)(gov|gob|gouv|govt|go|mil)(\.[a-z]{2})?$", host):
        return Source.Kind.OFFICIAL
    if host.endswith(
        (
            "ooni.org",
            "ooni.io",
            "transparency.fb.com",
            "transparency.facebook.com",
            "transparencyreport.google.com",
            "netblocks.org",
        )
    ):
        return Source.Kind.MEASUREMENT
    return Source.Kind.NEWS
