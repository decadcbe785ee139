"""The ISO 3166-1 countries, committed with the code as events/fixtures/countries.json.

Migration 0002 loads the file and nothing else writes countries, so the valid codes are known
without asking the database: the `country` filters check against country_codes(). `manage.py
generate_countries` regenerates the file from maintained packages.

The names people write besides the ISO ones ("Turkey", "Burma", "UK") are in ALIASES, here only:
the admin's country search (search_countries) and the importers (code_for_name) both read it.
"""

import functools
import json
import re
import unicodedata
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "countries.json"


def country_rows():
    """The fixture's rows: [{"model": "events.country", "pk": code, "fields": {...}}]."""
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@functools.cache  # the file is part of the release: it cannot change while the process runs
def country_codes():
    return frozenset(row["pk"] for row in country_rows())


# Names editors and datasets use that the ISO names in the fixture (name and official_name) do
# not hold: common, former and short names. Each names one country only, so the importers may
# trust it as well as the admin's search; a name that could mean two ("Congo", "Korea") is left
# to the search, which offers both.
ALIASES = {
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "BS": ("The Bahamas",),
    "CD": (
        "DRC",
        "DR Congo",
        "D.R. Congo",
        "Democratic Republic of Congo",
        "Congo-Kinshasa",
        "Congo (Kinshasa)",
    ),
    "CG": ("Republic of Congo", "Congo-Brazzaville", "Congo (Brazzaville)"),
    "CI": ("Ivory Coast",),
    "CN": ("PRC",),
    "CV": ("Cape Verde",),
    "CZ": ("Czech Republic",),
    "FM": ("Federated States of Micronesia",),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "GM": ("The Gambia",),
    "KP": ("DPRK",),
    "KR": ("Republic of Korea", "ROK"),
    "LA": ("Lao PDR",),
    "MK": ("Macedonia", "FYROM"),
    "MM": ("Burma",),
    "NL": ("Holland", "The Netherlands"),
    "NR": ("Nauru",),
    "PS": ("Palestinian Territories", "Occupied Palestinian Territory", "State of Palestine"),
    "SZ": ("Swaziland",),
    "TL": ("East Timor",),
    "TR": ("Turkey",),
    "US": ("USA", "U.S.A.", "US", "U.S.", "America", "United States"),
    "VA": ("Holy See", "Vatican"),
    "VN": ("Viet Nam",),
}


def normalized(text):
    """A name as the search compares it: case, accents and dots dropped, other punctuation a space.

    'Côte d’Ivoire' -> 'cote divoire', 'U.S.A.' -> 'usa', 'Guinea-Bissau' -> 'guinea bissau'.
    """
    decomposed = unicodedata.normalize("NFKD", str(text)).casefold()
    text = "".join(char for char in decomposed if not unicodedata.combining(char))
    text = re.sub(r"[.'’‘`ʼ]", "", text)
    return " ".join(re.split(r"[\W_]+", text)).strip()


@functools.cache
def country_names():
    """{code: (normalized code, alpha-3, name, official name and aliases)}, from the fixture."""
    names = {}
    for row in country_rows():
        fields = row["fields"]
        written = (row["pk"], fields["alpha3"], fields["name"], fields["official_name"], *ALIASES.get(row["pk"], ()))
        names[row["pk"]] = tuple(dict.fromkeys(normalized(name) for name in written if name))
    return names


@functools.cache
def _codes_by_name():
    codes = {}
    for row in country_rows():
        fields = row["fields"]
        for name in (fields["name"], fields["official_name"], *ALIASES.get(row["pk"], ())):
            if name:
                key = normalized(name)
                assert codes.setdefault(key, row["pk"]) == row["pk"], f"{name!r} names two countries"
    return codes


def code_for_name(name):
    """The code of the one country whose name, official name or alias is `name`, case and
    accents aside ('Burma' -> 'MM', 'cote d'ivoire' -> 'CI'), or None."""
    return _codes_by_name().get(normalized(name))


def _rank(names, wanted, compact):
    """0: a whole code, name or alias; 1: a name starting with the term; 2: a word starting with
    it; 3: the term anywhere, spaces aside; None: no match."""
    best = None
    for name in names:
        if name == wanted:
            return 0
        if name.startswith(wanted):
            rank = 1
        elif f" {wanted}" in f" {name}":
            rank = 2
        elif compact in name.replace(" ", ""):
            rank = 3
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def search_countries(term):
    """The codes of the countries whose code, alpha-3, name, official name or an alias matches
    `term` (case and accents aside), best first: 'Turkey' finds TR, 'Korea' KR then KP, 'us' US
    first and then the names with 'us' in them. None for an empty term (no search)."""
    wanted = normalized(term)
    if not wanted:
        return None
    compact = wanted.replace(" ", "")
    ranked = []
    for code, names in country_names().items():
        rank = _rank(names, wanted, compact)
        if rank is not None:
            ranked.append((rank, names[2], code))  # within a rank, by name (after code and alpha-3)
    return [code for _rank_, _name, code in sorted(ranked)]
