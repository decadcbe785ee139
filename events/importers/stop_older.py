"""The older STOP layouts, the "2019" sheet and the "2016+2017+2018" sheet, read as the 2020-2022 one.

Each older row is translated into the cells of the 2020-2022 layout, so that one parser
(stop.parse_row) checks and maps every row of every sheet. What an older layout does not record is
filled in the same way for all its rows, and said in the import report and in docs/importing.md
(LACKS): a reader must be able to tell a fact of the dataset from a default of ours.
"""

import re

from .common import cell_text

# Columns that only each older layout has: how a sheet is recognised.
SIGNATURES = {
    "2019": {"shutdown_type_new", "full or service-based"},
    "2016-2018": {"shutdown_type_group", "services_affected"},
}

# The cell that marks a translated row, so that the parser knows its free text is prose.
OLDER_LAYOUT = "older_layout"

STATUS = (
    "no shutdown_status (an end date means ended; 'Ongoing' or 'Unknown' written in the end date's cell "
    "means in force as of the sheet's year, or unknown; a row with neither has status unknown, "
    "confirmed on its start day only)"
)
LACKS = {
    "2019": (
        f"no start_date_type (every date is taken as exact), {STATUS}, platforms as TRUE/FALSE, other "
        "services in prose (only apps the catalogue knows are linked), geo_scope as Level 1/2/3 (read as "
        "one city / several cities of one region / several regions)"
    ),
    "2016-2018": (
        f"no start_date_type (every date is taken as exact), {STATUS}, no decision_maker (the authority "
        "is the ordering level of government only), no per-platform columns (the apps the catalogue knows "
        "are read from service_details of service-based rows), no statements"
    ),
}

GEO_SCOPES = {
    "level 1": "It only affected one city, county, or village",
    "level 2": "It affected more than one city in the same state, province, or region",
    "level 3": "It affected locations in more than one state, province, or region",
    "local": "It only affected one city, county, or village",
    "regional": "It affected more than one city in the same state, province, or region",
    "multi-regional": "It affected locations in more than one state, province, or region",
    "national": "It affected locations in more than one state, province, or region",
}
# Misspellings the 2019 sheet's ordered_by column carries.
ORDERED_BY = {"law enforcemnet": "Law enforcement", "uknown": "Unknown", "none": ""}
END_WORDS = {"ongoing": "Ongoing", "unknown": "Unknown", "unkown": "Unknown"}
URL = re.compile(r"^\s*https?://", re.IGNORECASE)


def layout_of(columns):
    """'2019', '2016-2018' or None for a sheet's (cleaned) column names."""
    present = set(columns)
    return next((name for name, signature in SIGNATURES.items() if signature <= present), None)


def as_current(layout, cells):
    """The cells of an older row as the 2020-2022 layout names and writes them."""
    text = {name: _text(value) for name, value in cells.items()}
    translated = _from_2019(text) if layout == "2019" else _from_2016(text)
    translated["start_date"], translated["end_date"] = cells.get("start_date"), cells.get("end_date")
    # The older sheets write a status in the end date's cell: "Ongoing", "Unknown" (or "Unkown").
    written_end = text.get("end_date", "").casefold()
    if written_end in END_WORDS:
        translated["end_date"] = None
        translated["shutdown_status"] = END_WORDS[written_end]
    else:
        translated["shutdown_status"] = "Ended" if translated["end_date"] not in (None, "") else "Unknown"
    translated["start_date_type"] = "Actual"
    translated["geo_scope"] = GEO_SCOPES.get(re.sub(r"\s+", " ", text.get("geo_scope", "")).casefold(), "")
    translated["country"] = text.get("country", "")
    translated["area_name"] = text.get("area_name", "")
    translated["an_link"] = text.get("an_link", "")
    translated[OLDER_LAYOUT] = layout
    translated["event"] = "\n\n".join(part for part in (text.get("event", ""), _labelled("Notes", text)) if part)
    return translated


def _text(value):
    text = cell_text(value)
    return "" if text.casefold() in {"none", "na", "n/a"} else text


def _labelled(name, text):
    value = text.get(name.casefold(), "")
    return f"{name}: {value}" if value else ""


def _links(*values):
    return "; ".join(value for value in values if URL.match(value))


def _quote(value):
    return "" if URL.match(value) else value


def _from_2019(text):
    extent = text.get("full or service-based", "").casefold()
    shutdown_type = text.get("shutdown_type_new", "").casefold()
    network = text.get("affected_network", "").casefold()
    calls = text.get("sms_and_phone_call_affected", "").casefold()
    return {
        "shutdown_extent": ", ".join(
            name
            for name, present in (("Full network", "full" in extent), ("Service-based", "service" in extent))
            if present
        ),
        "shutdown_type": ", ".join(
            name
            for name, present in (("Shutdown", "shutdown" in shutdown_type), ("Throttle", "throttl" in shutdown_type))
            if present
        ),
        "affected_network": _networks("broadband" in network, "mobile" in network),
        "ordered_by": ORDERED_BY.get(text.get("ordered_by", "").casefold(), text.get("ordered_by", "")),
        "decision_maker": ""
        if text.get("decision_maker", "").casefold() == "unknown"
        else text.get("decision_maker", ""),
        "actual_cause": text.get("actual_cause", ""),
        "actual_cause_details": text.get("other_cause_details", ""),
        "info_source_link": _links(
            text.get("news_link", ""), text.get("off_statement", ""), text.get("legal_method", "")
        )
        or text.get("news_link", ""),
        "gov_justification": text.get("official_just", ""),
        "gov_just_details": _quote(text.get("other_just_details", "")),
        "legal_just": text.get("legal_justif", ""),
        "legal_method": _quote(text.get("legal_method", "")),
        "gov_ack_source": "",
        "gov_ack_quote": _quote(text.get("off_statement", "")),
        **{
            f"{platform}_affected": text.get(f"{platform}_affected", "")
            for platform in ("facebook", "twitter", "whatsapp", "instagram", "telegram")
        },
        "other_affected": text.get("other_service_details (specify)", ""),
        "sms_affected": "Yes" if "sms" in calls else "No",
        "phonecall_affected": "Yes" if "phone" in calls else "No",
        "telcos_involved": text.get("telcos_involved", ""),
        "telco_ack_source": _links(text.get("telco_ ack", "")),
        "telco_ack_quote": _quote(text.get("telco_ ack", "")),
    }


def _from_2016(text):
    group = text.get("shutdown_type_group", "").casefold()
    kinds = f"{text.get('shutdown_type', '')}, {text.get('services_affected', '')}".casefold()
    service = group == "service-based" or "service" in kinds
    network = group != "service-based"
    throttled = "throttl" in group or "throttl" in kinds
    cut = group != "throttling" and bool(re.search(r"internet|network|sms|telephony|service", kinds))
    return {
        "shutdown_extent": _listed(("Full network", network), ("Service-based", service)),
        "shutdown_type": _listed(("Shutdown", cut), ("Throttle", throttled)),
        "affected_network": _networks("broadband" in kinds, "mobile" in kinds),
        "ordered_by": text.get("ordered_by", ""),
        "decision_maker": "",
        "actual_cause": text.get("actual_cause", ""),
        "actual_cause_details": "",
        "info_source_link": text.get("news_link", ""),
        "gov_justification": text.get("official_just", ""),
        "gov_just_details": "",
        "legal_just": "",
        "legal_method": "",
        "gov_ack_source": "",
        "gov_ack_quote": "",
        **{f"{platform}_affected": "" for platform in ("facebook", "twitter", "whatsapp", "instagram", "telegram")},
        "other_affected": text.get("service_details", "") if service else "",
        "sms_affected": "Yes" if "sms" in kinds else "No",
        "phonecall_affected": "Yes" if "telephony" in kinds else "No",
        "telcos_involved": "",
        "telco_ack_source": "",
        "telco_ack_quote": "",
    }


def _listed(*pairs):
    """'Full network, Service-based' from (name, present) pairs, as the 2020-2022 cells list them."""
    return ", ".join(name for name, present in pairs if present)


def _networks(broadband, mobile):
    return _listed(("Broadband", broadband), ("Mobile", mobile)) or "Unknown"
