"""Full-text search of events: what a query means, and how each database answers it.

An event is found by its own words and by the names around it: its title, country, owner and apps
weigh most, then its summary, scope and authority, then its stated reason and legal basis, then
its description. The document that holds them is kept by the database itself (events/search_index.py):
PostgreSQL keeps a weighted `tsvector` per event with English stemming behind a GIN index, SQLite
an FTS5 table with Porter stemming, so that `make run` searches the way production does.

The query language is the web's (PostgreSQL's `websearch_to_tsquery`): every word must appear,
"quoted words" appear as a phrase, -word must not appear, and `or` offers an alternative. It is
parsed here, once, into the same shape for both databases, so that the same text finds the same
events on both. A word that matches nothing published but is close to the name of an app, country
or owner (trigrams: pg_trgm's `<%` on PostgreSQL's GIN indexes) also matches that name, so
'whatsap' finds WhatsApp; the corrections are said on the search page.
"""

import re
from dataclasses import dataclass, field

from django.db import connection, connections
from django.db.models import Q
from django.db.models.expressions import RawSQL

TABLE = "events_event_search"
# FTS5's bm25() weights for its columns, in the order of search_index.SQLITE_COLUMNS: the same
# ranking of fields as PostgreSQL's weights A, B, C and D.
SQLITE_WEIGHTS = "10.0, 4.0, 2.0, 1.0"
FEW = 10_000  # matches read once and given as ids (see matching)
MAX_TERMS = 16  # bounds the SQL a 200-character query can make
MAX_CORRECTED = 5  # words looked up among the names
# pg_trgm's similarity of a word and a name's word to count as a typo of it: its own default
# threshold, low enough for swapped letters ('telegarm' and 'telegram' share 0.38), and safe
# because only a word no published record uses is corrected.
SIMILAR = 0.3
# English words too common to search for: PostgreSQL's english stop words (Snowball's list),
# left out of a query on both databases alike (SQLite's FTS5 would otherwise require them).
STOP_WORDS = (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she "
    "her hers herself it its itself they them their theirs themselves what which who whom this that "
    "these those am is are was were be been being have has had having do does did doing a an the "
    "and but if or because as until while of at by for with about against between into through "
    "during before after above below to from up down in out on off over under again further then "
    "once here there when where why how all any both each few more most other some such no nor not "
    "only own same so than too very s t can will just don should now"
)
COMMON = frozenset(STOP_WORDS.split())
TOKENS = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# Letters and digits: what both databases' parsers keep as a word (an underscore is neither).
WORDS = re.compile(r"[^\W_]+")


class SearchError(ValueError):
    """A query with nothing to look for (only punctuation, only excluded words)."""


@dataclass
class Clause:
    """Terms that must all match (each one a phrase or any of its alternatives), and phrases that
    must not; a query is clauses joined by `or`."""

    required: list = field(default_factory=list)  # [[phrase, alternative, ...], ...]
    excluded: list = field(default_factory=list)  # [phrase, ...]


@dataclass
class Search:
    clauses: list
    corrections: dict = field(default_factory=dict)  # word -> the name's word it may have meant

    def words(self):
        return [alternatives[0] for clause in self.clauses for alternatives in clause.required]


def parse(text):
    """The query's clauses; a phrase is its words joined by spaces, each word letters or digits."""
    clauses, clause, terms = [], Clause(), 0
    for match in TOKENS.finditer(text):
        minus, quoted, bare = match.groups()
        if bare is not None and bare.casefold() == "or":
            clauses.append(clause)
            clause = Clause()
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            minus, bare = "-", bare[1:]
        words = WORDS.findall((quoted if bare is None else bare).lower())  # as both databases lower
        phrase = " ".join(words)
        if not phrase or COMMON.issuperset(words) or terms == MAX_TERMS:
            continue
        terms += 1
        if minus:
            clause.excluded.append(phrase)
        else:
            clause.required.append([phrase])
    clauses.append(clause)
    # A clause of excluded words alone would match nearly everything, which no index serves.
    clauses = [clause for clause in clauses if clause.required]
    if not clauses:
        raise SearchError("Give at least one word to find (a -word only excludes).")
    return Search(clauses=clauses)


def matching(queryset, search):
    """The events of `queryset` whose document matches `search`.

    A query with few matches (up to FEW: a word in under 1% of a million events) reads them once
    and gives them to the queryset as ids, so that the count and the page each find their rows by
    id in the index of public events. Given the documents' subquery instead, PostgreSQL walks the
    newest-first index and checks events' documents one by one until it has a page: at a million
    events, 29,752 checks for a page of 100 of 7,149 matches (130 ms, against 15 by id). Many
    matches stay a subquery, which that walk serves well.
    """
    sql, params = _match(search)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {FEW + 1}", params)
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) > FEW:
        return queryset.filter(pk__in=RawSQL(sql, params))
    if connection.vendor == "postgresql":
        # One array parameter rather than thousands; unnest() tells the planner how many.
        return queryset.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return queryset.filter(pk__in=ids)


def by_relevance(queryset, search):
    """`queryset` (already matching) best match first, then newest first."""
    if connection.vendor == "postgresql":
        query, params = _tsquery(search)
        relevance = RawSQL(
            f"SELECT ts_rank_cd(document, {query}) FROM {TABLE} WHERE event_id = events_event.id", params
        )
    else:
        relevance = RawSQL(
            f"SELECT -bm25({TABLE}, {SQLITE_WEIGHTS}) FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid = events_event.id",
            [_fts5(search)],
        )
    return queryset.annotate(relevance=relevance).order_by("-relevance", "-started_on", "-pk")


def understand(text):
    """The query `text` as the tracker reads it: parsed, and a word that matches no published event
    but is close to the name of a public app, owner or country also matching that name's word."""
    search = parse(text)
    words = [word for word in dict.fromkeys(search.words()) if " " not in word and len(word) >= 4]
    if not words:
        return search
    known = {}
    for name in _names_like(words[:MAX_CORRECTED]):
        for word in WORDS.findall(name.lower()):
            known.setdefault(word, name)
    for word in words[:MAX_CORRECTED]:
        if word in known:
            continue
        best = max(known, key=lambda candidate: similarity(word, candidate), default=None)
        if best is None or similarity(word, best) < SIMILAR or _used(word):
            continue
        search.corrections[word] = best
        for clause in search.clauses:
            for alternatives in clause.required:
                if alternatives[0] == word:
                    alternatives.append(best)
    return search


def _names_like(words):
    """Public names that may be close to one of `words`: on PostgreSQL those the trigram indexes
    find (`name % word` for a name of one word, `word <% name` for a word within a name); on
    SQLite, whose tables are the small ones of `make run`, all of them."""
    from events.models import App, Country, Owner

    names = [App.objects.public(), Owner.objects.public(), Country.objects.public()]
    if connection.vendor == "postgresql":
        close = Q()
        for word in words:
            close |= Q(name__trigram_similar=word) | Q(name__trigram_word_similar=word)
        names = [queryset.filter(close) for queryset in names]
    first, *rest = [queryset.values_list("name", flat=True).order_by() for queryset in names]
    return first.union(*rest)


def _used(word):
    """Whether a published event's document has the word (then it is no typo)."""
    from events.models import Event

    sql, params = _match(parse(word))
    return Event.objects.public().filter(pk__in=RawSQL(sql, params)).exists()


def similarity(a, b):
    """pg_trgm's similarity() of two words: the share of their three-letter groups in common,
    each word padded as pg_trgm pads it."""
    mine, theirs = _trigrams(a), _trigrams(b)
    return len(mine & theirs) / len(mine | theirs)


def _trigrams(word):
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _match(search):
    if connection.vendor == "postgresql":
        query, params = _tsquery(search)
        return f"SELECT event_id FROM {TABLE} WHERE document @@ ({query})", params
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [_fts5(search)]


def _tsquery(search):
    """The query as PostgreSQL tsquery operators over phraseto_tsquery() of each phrase: the
    phrases are parameters, never SQL."""
    ors, params = [], []
    for clause in search.clauses:
        ands = []
        for alternatives in clause.required:
            ands.append("(" + " || ".join(["phraseto_tsquery('english', %s)"] * len(alternatives)) + ")")
            params += alternatives
        for phrase in clause.excluded:
            ands.append("!! phraseto_tsquery('english', %s)")
            params.append(phrase)
        ors.append("(" + " && ".join(ands) + ")")
    return "(" + " || ".join(ors) + ")", params


def _fts5(search):
    """The query in FTS5's syntax; every phrase is quoted and holds only letters, digits and
    spaces, so no word of it can be read as an operator."""
    ors = []
    for clause in search.clauses:
        ands = " AND ".join(
            "(" + " OR ".join(f'"{phrase}"' for phrase in alternatives) + ")" for alternatives in clause.required
        )
        expression = f"({ands})"
        for phrase in clause.excluded:
            expression = f'({expression} NOT "{phrase}")'
        ors.append(expression)
    return " OR ".join(ors)
