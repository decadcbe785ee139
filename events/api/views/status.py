"""/api/v1/status/: what was in force against which app in which country on a day (events/status.py)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from events.models import App, Event
from events.status_query import REGIONS, ChangesQuery, StatusQuery
from events.status_steps import STEP_COLUMNS, changes_between, stored_pairs, with_events

from ..base import ApiView, BodyETag, raise_if
from ..export import BATCH, keyset_batches, stream_csv
from ..pagination import CURSOR, PAGE_SIZE, Keyset, KeysetPagination, csv_paging_errors
from ..renderers import CSVRenderer, ORJSONRenderer
from ..schema import CODE_LIST, COMMON_ERRORS, CSV, DATE, SLUG_LIST, choice_list, common_parameters, page_parameters

CSV_HEADER = ["country", "country_name", "app", "app_name", "kind", "features", "since", "since_precision", "scope",
              "authorities", "events", "confirmation_overdue"]  # fmt: skip


class StatusOut(serializers.Serializer):
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, upper case.")
    country_name = serializers.CharField()
    app = serializers.CharField(
        allow_null=True, help_text="App slug; null for a network shutdown, a state of the country."
    )
    app_name = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(choices=Event.Kind.choices, help_text="The strongest measure in force.")
    features = serializers.ListField(child=serializers.ChoiceField(choices=Event.Feature.choices))
    since = serializers.DateField(help_text="The start of the earliest measure of that kind in force.")
    since_precision = serializers.CharField()
    scope = serializers.CharField(allow_blank=True, help_text="Blank: nationwide; else the regions or networks named.")
    authorities = serializers.ListField(child=serializers.DictField(), help_text="Who ordered the strongest measures.")
    events = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of every measure in force.")
    confirmation_overdue = serializers.BooleanField(
        help_text="No source has confirmed any of the strongest measures for CONFIRMATION_MAX_AGE_DAYS (12 months): "
        "in force by the records, but unconfirmed."
    )


class StatusListOut(serializers.Serializer):
    on = serializers.DateField(help_text="The day the records describe.")
    count = serializers.IntegerField(help_text="How many records match, on all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last one.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, or null on the first one.")
    results = StatusOut(many=True)


BY_COUNTRY = Keyset("country_id", pk="id")  # pages in country code order; a country's pairs in a stable order


def record(pair):
    since, precision = pair.since
    return {
        "country": pair.country,
        "country_name": pair.country_name,
        "app": pair.app,
        "app_name": pair.app_name,
        "kind": pair.kind,
        "features": [str(feature) for feature in pair.features],
        "since": since.isoformat(),
        "since_precision": precision,
        "scope": pair.scope,
        "authorities": pair.authorities,
        "events": pair.event_ids,
        "confirmation_overdue": pair.overdue,
    }


@extend_schema(
    tags=["status"],
    summary="What was in force where, on a day",
    description="One record per country and app with a published measure in force on `on` (today by "
    "default): the strongest measure's kind (full_block > partial_block > feature_restriction > "
    "app_store_removal > legal_designation > other), its features, since when, its scope and authorities, "
    "and the ids of every measure in force. A measure of unknown status counts only up to its "
    "last_confirmed_on. Network shutdowns are a state of the country: records with `app` null. "
    "Pages of `page_size` records (100 by default, up to 1,000) by country code, with `next` and "
    "`previous` links; `format=csv` gives every record at once.",
    parameters=[
        OpenApiParameter("on", DATE, description="The day (YYYY-MM-DD); today by default."),
        OpenApiParameter(
            "country", {"type": "string", "pattern": CODE_LIST}, description="ISO codes, comma-separated."
        ),
        OpenApiParameter("app", {"type": "string", "pattern": SLUG_LIST}, description="App slugs, comma-separated."),
        OpenApiParameter("region", choice_list([r.lower() for r in REGIONS]), description="Regions."),
        OpenApiParameter("category", choice_list(App.Category.values), description="App categories."),
        OpenApiParameter("kind", choice_list(Event.Kind.values), description="The strongest kinds."),
        *page_parameters(),
        *common_parameters("json", "csv"),
    ],
    responses={(200, "application/json"): StatusListOut, (200, "text/csv"): CSV, **COMMON_ERRORS},
)
class StatusList(BodyETag, ApiView):
    """The status of every pair on a day, a page at a time, read from the pairs' steps: a count, a
    page of steps with their authorities, and the page's events (five queries whatever the page
    size). The answer depends on the date, so the ETag is the body's."""

    renderer_classes = [ORJSONRenderer, CSVRenderer]
    accepted_params = frozenset([*StatusQuery.parameters(), CURSOR, PAGE_SIZE])
    conditional = False
    pagination_class = KeysetPagination

    def respond(self, request):
        self.check_params(request)
        csv = request.accepted_renderer.format == "csv"
        size, cursor, errors = self.paginator.clean(request)
        if csv:
            errors.update(csv_paging_errors(request.query_params, "record"))
        query = StatusQuery.of(request.query_params)
        if not query.is_valid():
            errors.update(query.form_errors())
        raise_if(errors)
        if csv:
            return stream_csv(f"tracker-status-{query.day.isoformat()}.csv", CSV_HEADER, self.csv_batches(query))
        page = self.paginator.paginate(request, query.steps(), BY_COUNTRY, STEP_COLUMNS, size, cursor)
        pairs = with_events(query.day, stored_pairs(page.rows))
        return Response({"on": query.day.isoformat(), **self.paginator.response_data(page, [record(p) for p in pairs])})

    def csv_batches(self, query):
        """Every record, BATCH pairs at a time (each batch: its steps, authorities and events)."""
        for rows in keyset_batches(query.steps(), BY_COUNTRY, STEP_COLUMNS, BATCH):
            yield [csv_row(record(pair)) for pair in with_events(query.day, stored_pairs(rows))]


def csv_row(r):
    return [*(r[name] for name in CSV_HEADER[:5]), ";".join(r["features"]), r["since"], r["since_precision"],
            r["scope"], ";".join(a["slug"] for a in r["authorities"]), ";".join(map(str, r["events"])),
            r["confirmation_overdue"]]  # fmt: skip


class CorrectionOut(serializers.Serializer):
    field = serializers.CharField(help_text="The field as the event page labels it, e.g. 'Started on'.")
    before = serializers.CharField(allow_blank=True)
    after = serializers.CharField(allow_blank=True)


class ChangeOut(serializers.Serializer):
    change = serializers.ChoiceField(choices=["imposed", "lifted", "escalated", "eased", "corrected"])
    on = serializers.DateField(help_text="The day it took effect (`corrected`: the day the correction was published).")
    on_precision = serializers.CharField(help_text="How much of `on` is known (day, month, year, estimated).")
    country = serializers.CharField()
    country_name = serializers.CharField()
    app = serializers.CharField(allow_null=True)
    app_name = serializers.CharField(allow_null=True)
    before = StatusOut(allow_null=True, help_text="The state the day before; null when imposed or for `corrected`.")
    after = StatusOut(allow_null=True, help_text="The state from `on`; null when lifted or for `corrected`.")
    events = serializers.ListField(child=serializers.IntegerField(), help_text="The events behind the change.")
    corrections = CorrectionOut(many=True, help_text="For `corrected`: the fields changed; otherwise empty.")


# `from` and `to` are the parameters' names and the answer's keys: no class attribute can be `from`.
ChangesOut = inline_serializer(
    "ChangesOut",
    {
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "count": serializers.IntegerField(),
        "results": ChangeOut(many=True),
    },
)


def change_record(change):
    return {
        "change": change.change,
        "country": change.country,
        "country_name": change.country_name,
        "app": change.app,
        "app_name": change.app_name,
        "before": record(change.before) if change.before else None,
        "after": record(change.after) if change.after else None,
        "on": change.on.isoformat(),
        "on_precision": change.on_precision,
        "events": change.event_ids,
        "corrections": [{"field": label, "before": old, "after": new} for label, old, new in change.corrections],
    }


@extend_schema(
    tags=["status"],
    summary="What changed between two days",
    description="Every change of a country and app's strongest measure (by the rule of /api/v1/status/) "
    "on the days after `from` up to `to`, by country, app and day: `imposed` (no measure the day before), "
    "`lifted` (none from that day), `escalated` (a stronger kind) or `eased` (a weaker one), with the states "
    "before and after and the day (`on`); a measure imposed and lifted in between shows as both. And `corrected`: a "
    "published correction, made between the two days, to a field of a measure that bears on a status "
    "(country, apps, owner, kind, features, status, dates, scope, authority), one record per pair the "
    "measure applies to, with the fields changed. `to` defaults to today, `from` to a year before it.",
    parameters=[
        OpenApiParameter("from", DATE, description="The earlier day (YYYY-MM-DD); a year before `to` by default."),
        OpenApiParameter("to", DATE, description="The later day (YYYY-MM-DD); today by default."),
        OpenApiParameter("country", {"type": "string", "pattern": CODE_LIST}, description="ISO codes."),
        *common_parameters("json", "csv"),
    ],
    responses={(200, "application/json"): ChangesOut, (200, "text/csv"): CSV, **COMMON_ERRORS},
)
class StatusChanges(BodyETag, ApiView):
    """The pairs whose state changed between two days; two status computations."""

    renderer_classes = [ORJSONRenderer, CSVRenderer]
    accepted_params = frozenset(ChangesQuery.parameters())
    conditional = False

    def respond(self, request):
        self.check_params(request)
        params = request.query_params
        query = ChangesQuery.of(params)
        raise_if({} if query.is_valid() else query.form_errors())
        wanted = query.cleaned_data
        records = [change_record(c) for c in changes_between(wanted["start"], wanted["end"], wanted["country"])]
        if request.accepted_renderer.format == "csv":
            name = f"tracker-status-changes-{wanted['start']}-{wanted['end']}.csv"
            return stream_csv(name, CHANGES_HEADER, [[change_csv_row(r) for r in records]])
        body = {"from": wanted["start"].isoformat(), "to": wanted["end"].isoformat(), "count": len(records)}
        return Response({**body, "results": records})


CHANGES_HEADER = ["change", "country", "country_name", "app", "app_name", "kind_before", "kind_after", "events",
                  "on", "corrections"]  # fmt: skip


def change_csv_row(r):
    before, after = r["before"] or {}, r["after"] or {}
    events = sorted({*before.get("events", []), *after.get("events", []), *r["events"]})
    corrections = "; ".join(f"{c['field']}: {c['before']} -> {c['after']}" for c in r["corrections"])
    return [*(r[name] for name in CHANGES_HEADER[:5]), before.get("kind", ""), after.get("kind", ""),
            ";".join(map(str, events)), r["on"] or "", corrections]  # fmt: skip
