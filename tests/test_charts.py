"""The SVG charts: time axis arithmetic, bars and lanes, OONI weekly rates with events marked,
and the markup that makes them readable without sight (title, desc, aria, a table)."""

import datetime

import lxml.html
import pytest

from events.charts import measurement_chart, restriction_chart
from events.charts.axis import TimeAxis
from events.charts.restrictions import rows_by_app, rows_by_country
from events.models import Event, Measurement
from tests.factories import AppFactory, EventFactory, OwnerFactory, country

D = datetime.date
TODAY = D(2026, 11, 30)


def test_axis_maps_dates_to_percent_and_clamps_outside_dates():
    axis = TimeAxis(D(2020, 1, 1), D(2022, 1, 1))
    assert axis.x(D(2020, 1, 1)) == 0
    assert axis.x(D(2022, 1, 1)) == 100
    assert 49.9 < axis.x(D(2021, 1, 1)) < 50.1
    assert axis.x(D(1999, 1, 1)) == 0 and axis.x(D(2030, 1, 1)) == 100
    assert axis.width(D(2020, 5, 1), D(2020, 5, 1)) == 0.6  # a one-day event stays visible


def test_year_ticks_label_each_year_in_its_middle_and_thin_out_long_spans():
    ticks = TimeAxis.whole_years(D(2022, 3, 4), D(2026, 2, 12)).year_ticks()
    assert [t.label for t in ticks] == ["2022", "2023", "2024", "2025", "2026"]
    assert ticks[0].x == 0 and ticks[0].label_x == pytest.approx(10, abs=0.01)
    long = TimeAxis.whole_years(D(1995, 1, 1), D(2026, 1, 1)).year_ticks()
    assert len(long) == 32 and 0 < len([t for t in long if t.label]) <= 8


def test_month_ticks_name_the_year_at_january_and_at_the_start():
    ticks = TimeAxis(D(2023, 6, 26), D(2024, 7, 8)).month_ticks(3)
    assert [t.label for t in ticks] == ["Jul 2023", "Oct", "Jan 2024", "Apr", "Jul"]
    assert {t.anchor for t in ticks} == {"start"}  # labels run right of their line, never off the left edge


@pytest.mark.django_db
def test_overlapping_measures_in_one_row_get_their_own_lanes(seed):
    events = list(Event.objects.public().for_listing().for_apps(["whatsapp"]).order_by("started_on"))
    chart = restriction_chart(events, chart_id="c", title="t", rows_of=rows_by_country, today=TODAY)
    (row,) = chart.rows
    assert row.label == "Russia" and row.lanes == 2
    calls, block = row.segments
    assert calls.open_ended and calls.end == TODAY and calls.x < block.x
    assert {calls.lane, block.lane} == {0, 1}
    assert chart.today_x == round(100 * (TODAY - D(2025, 1, 1)).days / (D(2027, 1, 1) - D(2025, 1, 1)).days, 3)
    assert [label for label, _colour in chart.legend] == [
        "Full block",
        "Feature restriction (e.g. calls only)",
    ]


@pytest.mark.django_db
def test_bars_end_at_the_end_date_and_announced_measures_are_dashed(db):
    ended = EventFactory(
        started_on=D(2021, 1, 1), ended_on=D(2021, 7, 1), ended_precision="day", status=Event.Status.LIFTED
    )
    announced = EventFactory(started_on=D(2027, 3, 1), status=Event.Status.ANNOUNCED)
    events = list(Event.objects.for_listing().order_by("started_on"))
    chart = restriction_chart(events, chart_id="c", title="t", today=TODAY)
    segments = {s.event.pk: s for row in chart.rows for s in row.segments}
    assert segments[ended.pk].end == D(2021, 7, 1) and not segments[ended.pk].open_ended
    assert segments[announced.pk].dashed and not segments[ended.pk].dashed
    assert [t.label for t in chart.ticks][-1] == "2027"  # the axis reaches the announced date


@pytest.mark.django_db
def test_rows_name_the_company_or_the_network_when_no_app_is_named(db):
    meta = OwnerFactory(slug="meta-x", name="Meta X")
    designation = EventFactory(apps=[], owner=meta, kind=Event.Kind.LEGAL_DESIGNATION)
    shutdown = EventFactory(apps=[], kind=Event.Kind.NETWORK_SHUTDOWN)
    assert rows_by_app(designation) == [("Meta X (the company)", "/owners/meta-x/")]
    assert rows_by_app(shutdown) == [("Whole network (shutdown)", "")]


def test_no_events_means_no_chart():
    assert restriction_chart([], chart_id="c", title="t") is None


def measure(app, day, measured, anomalies, failed=0, code="RU"):
    return Measurement.objects.create(
        country=country(code),
        app=app,
        test_name=app.slug,
        day=day,
        measurement_count=measured,
        anomaly_count=anomalies,
        confirmed_count=0,
        failure_count=failed,
        dataset="OONI test data",
    )


@pytest.mark.django_db
def test_weekly_rate_sums_the_days_and_ignores_failed_measurements(db):
    app = AppFactory(slug="whatsapp", name="WhatsApp")
    measure(app, D(2026, 2, 9), 10, 2)  # Monday
    measure(app, D(2026, 2, 11), 10, 8, failed=0)
    measure(app, D(2026, 2, 16), 10, 3, failed=4)  # next week: 3 of 6 usable
    measure(app, D(2026, 2, 23), 5, 0, failed=5)  # a week with nothing usable has no bar
    chart = measurement_chart(
        Measurement.objects.all(), [], series="app", chart_id="o", title="t", marks_for=lambda k, e: [], today=TODAY
    )
    (panel,) = chart.panels
    assert [(w.start, w.measured, w.usable, w.anomalies) for w in panel.weeks] == [
        (D(2026, 2, 9), 20, 20, 10),
        (D(2026, 2, 16), 10, 6, 3),
        (D(2026, 2, 23), 5, 0, 0),
    ]
    assert [w.rate for w in panel.weeks] == [0.5, 0.5, None]
    assert panel.weeks[2].height == 0
    assert panel.peak.start == D(2026, 2, 9) and panel.overall_rate == 13 / 26
    assert chart.credits == ["OONI test data"]


@pytest.mark.django_db
def test_events_that_begin_in_the_period_are_numbered_and_earlier_ones_listed(seed):
    whatsapp = Event.objects.get(title__startswith="Russia fully blocks WhatsApp").apps.get()
    for week in range(30):
        measure(whatsapp, D(2025, 11, 3) + datetime.timedelta(weeks=week), 20, 2 if week < 14 else 18)
    events = list(Event.objects.public().for_listing().for_apps(["whatsapp"]).order_by("started_on"))
    chart = measurement_chart(
        Measurement.objects.filter(app=whatsapp),
        events,
        series="country",
        chart_id="o",
        title="t",
        marks_for=lambda code, evs: [e for e in evs if e.country_id == code],
        today=TODAY,
    )
    (panel,) = chart.panels
    assert panel.label == "Russia"
    assert [(n, e.title) for n, e in chart.marked_events] == [
        (1, "Russia fully blocks WhatsApp and promotes the state messenger MAX")
    ]
    assert [e.title for e in chart.throughout] == ["Russia restricts WhatsApp and Telegram calls"]
    (mark,) = panel.marks
    assert 0 < mark.x < 92 and mark.x + mark.width == pytest.approx(92, abs=0.01)  # in force to the end


@pytest.mark.django_db
def test_no_measurements_means_no_measurement_chart(db):
    chart = measurement_chart(
        Measurement.objects.none(), [], series="app", chart_id="o", title="t", marks_for=lambda k, e: []
    )
    assert chart is None


@pytest.mark.django_db
def test_country_page_charts_have_text_alternatives(client, seed):
    whatsapp = Event.objects.get(title__startswith="Russia fully blocks WhatsApp").apps.get()
    for week in range(10):
        measure(whatsapp, D(2026, 1, 5) + datetime.timedelta(weeks=week), 20, 15)
    doc = lxml.html.fromstring(client.get("/countries/ru/").content)
    for chart_id in ("history-chart", "ooni-chart"):
        (svg,) = doc.xpath(f"//svg[title/@id='{chart_id}-title']")
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        assert svg.xpath(f"desc[@id='{chart_id}-desc']")[0].text_content().strip()
        figure = svg.xpath("ancestor::figure")[0]
        assert figure.xpath(".//figcaption") and figure.xpath(".//details/table|.//details//table")
    ooni = doc.xpath("//section[@aria-labelledby='ooni-heading']")[0].text_content()
    assert "Measurements: OONI test data." in ooni
    assert "Russia fully blocks WhatsApp and promotes the state messenger MAX" in ooni
    rows = doc.xpath("//section[@aria-labelledby='ooni-heading']//tbody/tr")
    assert [[" ".join(c.text_content().split()) for c in r.xpath("th|td")] for r in rows] == [
        ["WhatsApp", "10", "200", "75%", "75%, week of 5 January 2026"]  # the first of equal weeks
    ]
    assert [t.text for t in doc.xpath("//svg[title/@id='history-chart-title']//text[@class='axis-label']")] == [
        "2022",
        "2023",
        "2024",
        "2025",
        "2026",
    ]


@pytest.mark.django_db
def test_app_page_without_measurements_has_no_measurement_chart(client, seed):
    doc = lxml.html.fromstring(client.get("/apps/snapchat/").content)
    assert doc.xpath("//svg[title/@id='history-chart-title']")
    assert not doc.xpath("//section[@aria-labelledby='ooni-heading']")


@pytest.mark.django_db
def test_too_many_series_keep_the_most_measured_and_say_how_many_are_left_out(db):
    for n in range(13):
        measure(AppFactory(slug=f"tool-{n:02}", name=f"Tool {n:02}"), D(2024, 1, 1), 10 + n, 1)
    chart = measurement_chart(
        Measurement.objects.all(), [], series="app", chart_id="o", title="t", marks_for=lambda k, e: [], today=TODAY
    )
    assert len(chart.panels) == 12 and chart.left_out == 1
    assert "Tool 00" not in [p.label for p in chart.panels]  # the least measured
    assert [p.label for p in chart.panels] == sorted(p.label for p in chart.panels)
