"""The words of an imported STOP event: its title, summary and description, made from its rows.

Kept apart from the mapping of facts (stop.py) because it is only presentation: the same facts,
written the same way on every run, so that a re-import compares equal and saves nothing.
"""

from events.dates import format_date
from events.models import Event

from .stop import DATASET_TITLE, is_nationwide, joined


def event_values(plan, app_names_by_slug):
    """The Event field values for a plan: the latest listing's facts, with text made from them."""
    listing = plan.latest
    values = dict(listing.values)
    values["last_confirmed_on"] = plan.last_confirmed_on
    names = [app_names_by_slug.get(slug, name) for slug, name in plan.apps]
    values["title"] = _title(values["kind"], listing.text, names)[:300]
    values["summary"] = _summary(listing.text, values["title"], values)
    values["description"] = _description(plan, listing.text)
    return values


def _names(names):
    shown = names if len(names) <= 3 else [*names[:3], f"{len(names) - 3} more"]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _is_nationwide(area):
    """For titles: 'Nationwide except for HK SAR' reads as nationwide too."""
    return is_nationwide(area) or area.casefold().startswith("nationwide")


def _where(text):
    """' in Srinagar, India', ' across Nigeria' (nationwide) or ' in parts of India' (a long list)."""
    area, country = text["area"], text["country_name"]
    if area and _is_nationwide(area):
        return f" across {country}"
    if not area:
        return f" in {country}"
    if len(area) > 60:
        return f" in parts of {country}"
    return f" in {area}, {country}"


def _title(kind, text, names):
    shutdown_type = text["shutdown_type"].casefold()
    if kind == Event.Kind.NETWORK_SHUTDOWN:
        network = text["affected_network"].casefold()
        what = "Mobile internet" if network == "mobile" else "Broadband" if network == "broadband" else "Internet"
        action = "throttling" if "shutdown" not in shutdown_type and "throttle" in shutdown_type else "shutdown"
        title = f"{what} {action}{_where(text)}"
        return f"{title}, with {_names(names)} blocked" if names else title
    if "shutdown" not in shutdown_type:
        verb = "throttles"
    else:
        verb = "blocks and throttles" if "throttle" in shutdown_type else "blocks"
    area = text["area"]
    local = not _is_nationwide(area) and len(area) <= 60
    # A service block whose platforms are all "Unknown" (Algeria's exam-day throttling) is still
    # a record of one; it links no app rather than guessing.
    what = _names(names) if names else "online platforms (not named)"
    return f"{text['country_name']} {verb} {what}{f' in {area}' if local else ''}"


def _summary(text, title, values):
    """The dataset's own account of the event (cut at a word past 1,000 characters), or a sentence."""
    summary = text["event"]
    if not summary:
        started = format_date(values["started_on"], values["started_precision"])
        ended = format_date(values["ended_on"], values["ended_precision"])
        period = f"from {started} to {ended}" if ended else f"since {started}"
        return f"{title}, {period}, as recorded in Access Now's #KeepItOn STOP dataset."
    if len(summary) > 1000:
        summary = summary[:997].rsplit(" ", 1)[0] + "…"
    return summary


def _labelled(label, value):
    return f"{label}: {value}" if value else ""


def _description(plan, text):
    """Everything else the dataset says, labelled, in a fixed order so that re-imports compare equal."""
    lines = []
    if len(text["event"]) > 1000:
        lines.append(text["event"])
    lines.append(_labelled("Area", "; ".join(p for p in (text["area"], text["geo_scope"]) if p)))
    lines.append(_labelled("Networks", text["affected_network"]))
    lines.append(_labelled("Type", text["shutdown_type"]))
    also = [
        name
        for name, column in (("SMS", "sms_affected"), ("phone calls", "phonecall_affected"))
        if text[column].casefold() == "yes"
    ]
    lines.append(_labelled("Also cut", ", ".join(also)))
    lines.append(_labelled("Other services named", text["other_affected"]))
    if text["uncertain"]:
        lines.append(f"Named as uncertain, so not linked: {', '.join(text['uncertain'])}.")
    lines.append(_labelled("Ordered by", "; ".join(p for p in (text["ordered_by"], text["decision_maker"]) if p)))
    lines.append(
        _labelled("Actual cause (Access Now's assessment)", joined(text["actual_cause"], text["actual_cause_details"]))
    )
    lines.append(_labelled("Operators involved", text["telcos_involved"]))
    if len(text["legal_method"]) > 500:
        lines.append(_labelled("Legal method", text["legal_method"]))
    sheets = sorted({listing.sheet for listing in plan.listings})
    lines.append(f"Imported from the {DATASET_TITLE} (listed in: {', '.join(sheets)}).")
    return "\n\n".join(line for line in lines if line)
