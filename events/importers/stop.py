"""Access Now's #KeepItOn STOP dataset: read its rows, check them, and map them to event plans.

Reading and checking write nothing: `plan_file` returns every valid row mapped to an `EventPlan`
(rows that describe the same shutdown merged into one) and every invalid row with its reasons, so
the command can refuse the whole file, or import the rest, before a single record is written.
The mapping decisions are explained in docs/importing.md; this module is their single home.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.text import slugify

from events.dates import Precision
from events.models import Event, Source

from .catalogue import APPS, app_names
from .common import CountryNames, RowError, cell_text, missing_columns, parse_date, read_table
from .stop_authorities import authority
from .stop_older import LACKS, OLDER_LAYOUT, as_current, layout_of

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


@dataclass
class AuthoritySpec:
    slug: str
    name: str
    kind: str
    country: str
    note: str = ""  # the sheet's own words, where they say more than the name


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
    def last_confirmed_on(self):
        """The last day the dataset confirms the event (docs/importing.md). A year's sheet lists the
        shutdowns of that year: "Ongoing" in the latest sheet that lists it confirms the event to the
        end of that year; "Unknown" only that it went on into the year (or its start day)."""
        values = self.latest.values
        year = sheet_year(self.latest.sheet)
        if values["status"] == Event.Status.IN_FORCE and year < 9999:
            return min(date(year, 12, 31), timezone.localdate())
        if values["status"] == Event.Status.UNKNOWN:
            return max(values["started_on"], date(year, 1, 1)) if year < 9999 else values["started_on"]
        return None

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


def sheet_year(name):
    """The last year a sheet covers: 2022 for "2022 Data", 2018 for "2016+2017+2018"; 9999 for none."""
    years = [int(match.group()) for match in re.finditer(r"(19|20)\d\d", name)]
    return max(years) if years else 9999


def sheet_order(name, position):
    """Older sheets first, so that a later sheet's view of an event wins: "2021 Data" before "2022 Data"."""
    match = re.search(r"(19|20)\d\d", name)
    return (int(match.group()) if match else 9999, position)


def read_sheets(path):
    """The sheets the import reads (the 2020-2022 layout, and the older 2019 and 2016-2018 ones with
    their rows translated to it), the sheets it skips with the reason, and what older ones lack."""
    sheets = read_table(path, sheet_column="source_sheet")
    usable, skipped, lacking = [], [], []
    for sheet in sheets:
        missing = missing_columns(sheet.columns, REQUIRED_COLUMNS)
        layout = layout_of(sheet.columns) if missing else None
        if not missing:
            usable.append(sheet)
        elif layout:
            for row in sheet.rows:
                row.cells = as_current(layout, row.cells)
            usable.append(sheet)
            lacking.append((sheet.name, f"the {layout} layout: {LACKS[layout]}"))
        elif len(sheets) == 1 or str(path).lower().endswith(".csv"):
            raise CommandError(f"{path}: not a STOP layout; missing columns: {', '.join(missing)}.")
        else:
            skipped.append(
                (
                    sheet.name,
                    f"not a STOP layout (lacks {len(missing)} of the 2020-2022 columns, e.g. "
                    f"{', '.join(missing[:4])}, and is not the 2019 or 2016-2018 layout); see docs/importing.md",
                )
            )
    if not usable:
        raise CommandError(
            f"{path}: no sheet has the STOP columns. "
            + " ".join(f"Sheet {name!r}: {reason}." for name, reason in skipped)
        )
    ordered = sorted(enumerate(usable), key=lambda pair: sheet_order(pair[1].name, pair[0]))
    return [sheet for _, sheet in ordered], skipped, lacking


@dataclass
class StopFile:
    """A checked file: the events it describes, the rows it rejects, the sheets it skips."""

    plans: dict  # import key -> EventPlan, in the order first seen
    errors: list
    skipped: list
    rows: int
    columns: list
    lacking: list = field(default_factory=list)  # (sheet, what its older layout does not record)


def plan_file(path, known_countries, wrap=lambda rows: rows):
    """Read and check the whole file; `wrap` may put a progress bar around the rows."""
    sheets, skipped, lacking = read_sheets(path)
    countries = CountryNames(known_countries)
    rows = [row for sheet in sheets for row in sheet.rows]
    plans, errors = {}, []
    for row in wrap(rows):
        result = parse_row(row, countries, known_countries)
        if isinstance(result, RowError):
            errors.append(result)
        else:
            plans.setdefault(result.key, EventPlan(result.key)).listings.append(result)
    older = {name for name, _ in lacking}
    merge_older_listings(plans, older)
    columns = next((sheet.columns for sheet in sheets if sheet.name not in older), REQUIRED_COLUMNS)
    return StopFile(plans, errors, skipped, len(rows), columns, lacking)


def merge_older_listings(plans, older_sheets):
    """An event an older sheet lists and a 2020-2022 sheet lists again becomes one record.

    The layouts name areas differently ("Rakhine" and "Buthidaung, ... Townships in Rakhine State"),
    so an older listing joins the one newer event with the same country, start day and extent; with
    none, or several (two areas shut the same day), it stays an event of its own.
    """
    newer = {}
    for key, plan in plans.items():
        if any(listing.sheet not in older_sheets for listing in plan.listings):
            newer.setdefault(key.rsplit(":", 1)[0], []).append(plan)
    for key, plan in list(plans.items()):
        if all(listing.sheet in older_sheets for listing in plan.listings):
            matches = newer.get(key.rsplit(":", 1)[0], [])
            if len(matches) == 1:
                matches[0].listings[:0] = plan.listings  # older first: the newer sheet's view wins
                del plans[key]


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
    if cells.get(OLDER_LAYOUT):
        # The older sheets describe services in prose ("Social media", "Public Wifi"): only the
        # apps the catalogue knows are linked; the text stays in the description.
        named = [(slug, name) for slug, name in named if slug in APPS]
    apps += [(slug, name) for slug, name in named if slug not in [s for s, _ in apps]]
    if reasons:
        return RowError(row.sheet, row.number, reasons, row.cells)

    area = cells["area_name"]
    if area_note and area_note.casefold() not in area.casefold():
        area = f"{area_note}: {area}" if area else area_note
    kind = _kind(network, service, apps, cells)
    key = _key(code, started_on, network, area)
    authority = _authority(cells, code, country_names)
    values = {
        "country_id": code,
        "scope": "" if is_nationwide(area) else area[:500],
        "authority_note": authority.note[:1000] if authority else "",
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


def _kind(network, service, apps, cells):
    """Full network -> network_shutdown, unless only named platforms were throttled (Russia's 2021
    throttling of Twitter is listed as both extents); a service block is partial when throttled
    only or local."""
    shutdown_type = cells["shutdown_type"].casefold()
    throttle_only = "throttle" in shutdown_type and "shutdown" not in shutdown_type
    if network and not (service and apps and throttle_only):
        return Event.Kind.NETWORK_SHUTDOWN
    local = cells["geo_scope"].casefold().startswith(LOCAL_SCOPES)
    return Event.Kind.PARTIAL_BLOCK if throttle_only or local else Event.Kind.FULL_BLOCK


def is_nationwide(area):
    """'Entire South Sudan', 'Countrywide shutdown' too; 'Nationwide except for HK SAR' is a scope."""
    text = area.casefold().strip(" .")
    if "except" in text:
        return False
    return text in NATIONWIDE or text.startswith(("nationwide", "national", "entire", "whole", "countrywide"))


def _key(code, started_on, network, area):
    """Country, start day, extent and area: what stays the same when a later sheet re-lists an event."""
    area_key = "nationwide" if area.casefold().strip(" .") in NATIONWIDE else slugify(area) or "unnamed"
    if len(area_key) > 120:
        area_key = f"{area_key[:110]}-{hashlib.sha1(area_key.encode()).hexdigest()[:8]}"  # noqa: S324 (a name, not a secret)
    return f"{KEY_PREFIX}{code}:{started_on.isoformat()}:{'network' if network else 'service'}:{area_key}"


def _authority(cells, code, country_names):
    found = authority(code, country_names.get(code, code), cells["ordered_by"], cells["decision_maker"])
    return AuthoritySpec(*found) if found else None


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
