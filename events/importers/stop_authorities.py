"""Who ordered a shutdown, under the short name an editor would give it.

The STOP sheets' decision_maker cells are free text: one body is written a dozen ways ("Government
of Jammu & Kashmir, Home Department", "Principal Secretary to the Government of J&K", ...), and some
cells are sentences ("Uganda Communications Commission issued the order to the ISPs"). NAMES maps
each way of writing a body, per country, to one short name and kind, so that each body has one
page; the cell as written is kept on the event (Event.authority_note) wherever it says more.
A cell no pattern knows is tidied (no leading "The", no trailing full stop) and kept as it is.
"""

import re

from django.utils.text import slugify

from events.models import Authority

K = Authority.Kind

# (country, pattern of the cell, short name, kind, the body's own country when another state's)
NAMES = [
    ("AF", r"telecom regulat", "Afghanistan Telecom Regulatory Authority", K.REGULATOR, None),
    ("AF", r"taliban|islamic emirate", "Taliban government", K.EXECUTIVE, None),
    ("AZ", r"state security service", "State Security Service", K.OTHER, None),
    (
        "BD",
        r"telecommunication regulatory commission",
        "Bangladesh Telecommunication Regulatory Commission",
        K.REGULATOR,
        None,
    ),
    ("BR", r"moraes|supreme court", "Supreme Federal Court", K.COURT, None),
    ("CU", r"etecsa", "ETECSA", K.OPERATOR, None),
    ("SZ", r"prime minister", "Prime Minister of Eswatini", K.EXECUTIVE, None),
    ("ET", r"national security coun", "National Security Council", K.EXECUTIVE, None),
    ("ID", r"communication|kominfo", "Ministry of Communication and Informatics", K.EXECUTIVE, None),
    ("IQ", r"educat", "Ministry of Education", K.EXECUTIVE, None),
    ("DZ", r"educat", "Ministry of National Education", K.EXECUTIVE, None),
    (
        "IR",
        r"\bict\b|communications? ministry",
        "Ministry of Information and Communications Technology",
        K.EXECUTIVE,
        None,
    ),
    (
        "JO",
        r"telecommunications regulatory commission|\btrc\b",
        "Telecommunications Regulatory Commission",
        K.REGULATOR,
        None,
    ),
    ("JO", r"ministry of education", "Ministry of Education", K.EXECUTIVE, None),
    ("JO", r"jordanian officials", "Government of Jordan", K.EXECUTIVE, None),
    ("KZ", r"government", "Government of Kazakhstan", K.EXECUTIVE, None),
    ("KE", r"shabaa?b", "Al-Shabaab", K.OTHER, None),
    ("KE", r"somali(a)? national army", "Somali National Army", K.OTHER, "SO"),
    (
        "MM",
        r"junta|state administration council|military",
        "Military junta (State Administration Council)",
        K.EXECUTIVE,
        None,
    ),
    ("MM", r"transport and communications", "Ministry of Transport and Communications", K.EXECUTIVE, None),
    ("NG", r"information and culture", "Ministry of Information and Culture", K.EXECUTIVE, None),
    ("NG", r"communications commission", "Nigerian Communications Commission", K.REGULATOR, None),
    ("OM", r"telecommunications regulatory authority", "Telecommunications Regulatory Authority", K.REGULATOR, None),
    (
        "PK",
        r"telecommunication a(u)?thority|autority|\bpta\b",
        "Pakistan Telecommunication Authority",
        K.REGULATOR,
        None,
    ),
    ("PK", r"ministry of interior", "Ministry of Interior", K.EXECUTIVE, None),
    ("PS", r"israel", "Israeli military", K.OTHER, "IL"),
    ("RU", r"roskomnadzor", "Roskomnadzor", K.REGULATOR, None),
    ("SD", r"attorney general", "Attorney General", K.PROSECUTOR, None),
    ("SD", r"ministry of education", "Ministry of Education", K.EXECUTIVE, None),
    ("SD", r"military|junta|coup", "Military government", K.EXECUTIVE, None),
    ("SY", r"educat", "Ministry of Education", K.EXECUTIVE, None),
    ("TZ", r"communications regulatory authority", "Tanzania Communications Regulatory Authority", K.REGULATOR, None),
    ("TN", r"president|saied", "President of Tunisia", K.EXECUTIVE, None),
    (
        "TR",
        r"\bbtk\b|\bicta\b|information (technologies )?and communications? (technologies )?authority",
        "Information and Communication Technologies Authority (BTK)",
        K.REGULATOR,
        None,
    ),
    ("TM", r"government|berdimuhamedow", "Government of Turkmenistan", K.EXECUTIVE, None),
    ("UG", r"communications commission", "Uganda Communications Commission", K.REGULATOR, None),
    ("UA", r"russia", "Russian military", K.OTHER, "RU"),
    ("UZ", r"uzkomnazorat", "Uzkomnazorat", K.REGULATOR, None),
    ("YE", r"houthi", "Houthi movement", K.OTHER, None),
    ("YE", r"saudi", "Saudi-led coalition", K.OTHER, None),
    ("YE", r"minist(er|ry) of communications", "Ministry of Telecommunications", K.EXECUTIVE, None),
    # India: the Union, the states' home departments, and the district and police officers.
    ("IN", r"inspector general|\bigp\b", "Inspector General of Police, Kashmir Zone", K.OTHER, None),
    ("IN", r"jammu|j\s*&\s*k\b|kashmir", "Government of Jammu and Kashmir, Home Department", K.EXECUTIVE, None),
    ("IN", r"union home|ministry of home affairs", "Ministry of Home Affairs", K.EXECUTIVE, None),
    ("IN", r"haryana", "Government of Haryana, Home Department", K.EXECUTIVE, None),
    ("IN", r"west bengal", "Government of West Bengal, Home and Hill Affairs Department", K.EXECUTIVE, None),
    ("IN", r"meghalaya|diengdoh", "Government of Meghalaya, Home (Police) Department", K.EXECUTIVE, None),
    ("IN", r"rajasthan.*home|usha sharma", "Government of Rajasthan", K.EXECUTIVE, None),
    ("IN", r"\bkota\b", "Divisional Commissioner of Kota", K.EXECUTIVE, None),
    ("IN", r"jaipur", "Divisional Commissioner of Jaipur", K.EXECUTIVE, None),
    ("IN", r"jodhpur", "Divisional Commissioner of Jodhpur", K.EXECUTIVE, None),
    ("IN", r"bharatpur", "Divisional Commissioner of Bharatpur", K.EXECUTIVE, None),
    ("IN", r"assam", "Government of Assam", K.EXECUTIVE, None),
    ("IN", r"bihar", "Government of Bihar, Home Department", K.EXECUTIVE, None),
    ("IN", r"manipur|gyan prakash", "Government of Manipur, Home Department", K.EXECUTIVE, None),
    ("IN", r"nagaland", "Government of Nagaland, Home Department", K.EXECUTIVE, None),
    ("IN", r"arunachal|kaling tayeng", "Government of Arunachal Pradesh", K.EXECUTIVE, None),
    ("IN", r"maharashtra", "Government of Maharashtra", K.EXECUTIVE, None),
    ("IN", r"superintendent of police", "District police", K.OTHER, None),
    ("IN", r"district|divisional commissioner|authorities at", "District administration", K.EXECUTIVE, None),
]
COMPILED = [(code, re.compile(pattern, re.IGNORECASE), name, kind, seat) for code, pattern, name, kind, seat in NAMES]

# Cells that hold something other than a body: a reason, a place, an event.
NOT_AUTHORITIES = {
    "nationwide",
    "baramula",
    "unknown",
    "security forces operations",
    "communications networks were bombed",
    "prevent a law and order situation during and after security forces operation",
    "unknown groups vandalised telecom infrastructure in the city",
}
# The ordering level (ordered_by), when the sheet names no body: kind, and how the body is called.
ORDERED_BY = {
    "executive government": (K.EXECUTIVE, "National government of {country}"),
    "state government": (K.EXECUTIVE, "State authorities in {country}"),
    "local government": (K.EXECUTIVE, "Local authorities in {country}"),
    "judiciary": (K.COURT, "Courts of {country}"),
    "law enforcement": (K.OTHER, "Law enforcement in {country}"),
    "military": (K.OTHER, "Military of {country}"),
    "non-government": (K.OTHER, "Non-state actors in {country}"),
}
# decision_maker cells that only repeat an ordering level, sometimes misspelt.
LEVELS = {
    "executive government": "executive government",
    "state government": "state government",
    "state governmenta": "state government",
    "local government": "local government",
}
# Offices that need their country to be a name: "President" -> "President of Chad".
OFFICES = re.compile(r"^(president|prime minister)\b", re.IGNORECASE)
# Names that say what a body is, for cells no pattern knows; checked in order, first match wins.
NAME_KINDS = [
    (r"\bcourt\b|\bjudge\b", K.COURT),
    (r"attorney general|prosecutor", K.PROSECUTOR),
    (r"regulat|communications? commission|telecommunications? authority", K.REGULATOR),
    (r"telecommunications provider|internet provider|telecom\b", K.OPERATOR),
    (r"ministry|minister|government|president|governor|magistrate|commissioner", K.EXECUTIVE),
]
# Authorities that already exist under another slug (the seed's Roskomnadzor).
SLUGS = {"ru-roskomnadzor": "roskomnadzor"}


def authority(code, country_name, ordered_by, decision_maker):
    """(slug, short name, kind, the body's country, note) for a row, or None when it names no one.

    The note is the sheet's own words when they say more than the short name does.
    """
    written = re.sub(r"\s+", " ", decision_maker).strip(" .")
    written = re.sub(r"^the\s+", "", written, flags=re.IGNORECASE)
    if written.casefold() in NOT_AUTHORITIES:
        written = ""
    if written.casefold() in LEVELS:
        ordered_by, written = LEVELS[written.casefold()], ""
    level = ORDERED_BY.get(ordered_by.casefold())
    if not written and not level and ordered_by.casefold() not in ("", "unknown"):
        written = ordered_by.strip(" .")  # the 2019 sheet names some bodies in ordered_by
    if written:
        name, kind, seat = _known(code, written) or (_tidy(written), _kind_of(written, level), code)
        office = OFFICES.match(name)
        if office:
            name = f"{office.group(1).capitalize()} of {country_name}"
    elif level:
        kind, label = level
        name, seat = label.format(country=country_name), code
    else:
        return None
    slug = slugify(f"{code} {name}")[:120].strip("-")
    note = written if written and written.casefold() != name.casefold() else ""
    return SLUGS.get(slug, slug), name[:300], kind, seat, note


def _known(code, written):
    for country, pattern, name, kind, seat in COMPILED:
        if country == code and pattern.search(written):
            return name, kind, seat or code
    return None


def _tidy(written):
    name = written.replace("&", "and")
    return name[:1].upper() + name[1:]


def _kind_of(written, level):
    for pattern, kind in NAME_KINDS:
        if re.search(pattern, written, flags=re.IGNORECASE):
            return kind
    return level[0] if level else K.OTHER
