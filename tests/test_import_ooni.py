"""`import_ooni` on small aggregation files the tests write, and on the real iMAP file when it is there."""

import csv
import time
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from events.importers.ooni import DEFAULT_CREDIT
from events.models import App, Measurement

pytestmark = pytest.mark.django_db

COLUMNS = [
    "anomaly_count",
    "confirmed_count",
    "failure_count",
    "measurement_count",
    "measurement_start_day",
    "ok_count",
    "test_name",
    "probe_cc",
    "test_category",
    "discard",
    "likely_blocked_rate",
]
REAL_FILE = settings.SHARED_DATA_DIR / "ooni_imap_2023-2024_im_circumvention.csv"


def line(test="signal", cc="MM", day="2023-07-01", measurements=19, anomalies=7, failures=4, ok=8, **changes):
    return {
        "anomaly_count": anomalies,
        "confirmed_count": 0,
        "failure_count": failures,
        "measurement_count": measurements,
        "measurement_start_day": day,
        "ok_count": ok,
        "test_name": test,
        "probe_cc": cc,
        "test_category": "instant_messaging",
        "discard": "no",
        "likely_blocked_rate": 0.4666666667,
        **changes,
    }


def write(path, rows, columns=COLUMNS):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(*args):
    out = StringIO()
    call_command("import_ooni", *map(str, args), stdout=out)
    return out.getvalue()


def test_each_row_becomes_one_measurement_linked_to_the_tested_app(tmp_path):
    run(write(tmp_path / "ooni.csv", [line(), line(test="vanilla_tor", cc="VN", anomalies=0, ok=15)]))
    signal = Measurement.objects.get(test_name="signal")
    assert (signal.country_id, signal.day, signal.app.slug) == ("MM", date(2023, 7, 1), "signal")
    assert (signal.measurement_count, signal.anomaly_count, signal.failure_count, signal.ok_count) == (19, 7, 4, 8)
    assert signal.likely_blocked_rate == pytest.approx(7 / 15)
    assert signal.dataset == DEFAULT_CREDIT
    tor = Measurement.objects.get(test_name="vanilla_tor")
    assert (tor.app.slug, tor.app.category, tor.app.owner.slug) == ("tor", "vpn", "tor-project")


def test_apps_from_the_seed_are_reused(tmp_path, seed_each):
    whatsapp = App.objects.get(slug="whatsapp")
    run(write(tmp_path / "ooni.csv", [line(test="whatsapp")]))
    assert Measurement.objects.get().app == whatsapp
    assert App.objects.filter(slug="whatsapp").count() == 1


def test_a_second_run_changes_nothing_and_a_corrected_file_updates_only_the_changed_day(tmp_path):
    rows = [line(day=f"2023-07-0{n}") for n in range(1, 5)]
    run(write(tmp_path / "ooni.csv", rows))
    ids = dict(Measurement.objects.values_list("day", "pk"))
    assert "measurements unchanged 4." in run(write(tmp_path / "ooni.csv", rows))
    rows[2] = line(day="2023-07-03", anomalies=9, ok=6)
    out = run(write(tmp_path / "fixed.csv", rows))
    assert "measurements unchanged 3, measurements updated 1." in out
    assert Measurement.objects.get(day=date(2023, 7, 3)).anomaly_count == 9
    assert dict(Measurement.objects.values_list("day", "pk")) == ids


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"cc": "XX"}, "unknown country code 'XX'"),
        ({"test": "web_connectivity"}, "test_name 'web_connectivity' is not one of whatsapp, telegram"),
        ({"day": "01/07/2023"}, "measurement_start_day: unreadable date '01/07/2023'"),
        ({"anomalies": -1}, "anomaly_count '-1' is not a whole number of at least 0"),
        ({"ok": "many"}, "ok_count 'many' is not a whole number of at least 0"),
        ({"failures": 20}, "failure_count 20 is more than measurement_count 19"),
        ({"confirmed_count": 8}, "confirmed_count 8 is more than anomaly_count"),
        ({"day": "2023-07-02"}, "a second row for MM, signal on 2023-07-02"),
    ],
)
def test_each_kind_of_bad_row_is_reported_with_its_row_number_and_nothing_is_written(tmp_path, changes, reason):
    path = write(tmp_path / "ooni.csv", [line(day="2023-07-02"), line(**changes)])
    with pytest.raises(CommandError) as raised:
        run(path)
    assert f"ooni.csv, row 3: {reason}" in str(raised.value)
    assert not Measurement.objects.exists()


def test_skip_invalid_imports_the_rest_and_writes_the_rejects(tmp_path):
    path = write(tmp_path / "ooni.csv", [line(), line(cc="XX"), line(test="telegram")])
    out = run(path, "--skip-invalid", "--rejects", tmp_path / "rejects.csv")
    assert Measurement.objects.count() == 2
    assert "Rejected rows written to" in out
    with (tmp_path / "rejects.csv").open(newline="", encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["row"], r["probe_cc"], r["reasons"]) for r in rejected] == [("3", "XX", "unknown country code 'XX'")]


def test_skip_invalid_writes_the_rejects_beside_the_file_by_default(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)
    out = run(write(tmp_path / "data" / "ooni.csv", [line(), line(cc="XX")]), "--skip-invalid")
    assert f"Rejected rows written to {tmp_path / 'data' / 'ooni.rejects.csv'}" in out
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data"]


def test_rows_the_file_marks_discard_are_left_out(tmp_path):
    out = run(write(tmp_path / "ooni.csv", [line(), line(test="telegram", discard="yes")]))
    assert Measurement.objects.count() == 1
    assert "1 marked discard by the file" in out


def test_dry_run_writes_nothing(tmp_path):
    out = run(write(tmp_path / "ooni.csv", [line()]), "--dry-run")
    assert "Dry run, nothing written. Would have: apps created 1, measurements created 1" in out
    assert not Measurement.objects.exists() and not App.objects.exists()


def test_missing_columns_are_named(tmp_path):
    columns = [c for c in COLUMNS if c not in ("probe_cc", "ok_count")]
    with pytest.raises(CommandError, match="missing columns: probe_cc, ok_count"):
        run(write(tmp_path / "ooni.csv", [line()], columns=columns))


@pytest.mark.skipif(not REAL_FILE.exists(), reason=f"the real OONI file is not at {REAL_FILE}")
def test_the_real_imap_file_imports_every_row_quickly_and_a_second_run_changes_nothing(seed_each):
    started = time.monotonic()
    out = run(REAL_FILE)
    seconds = time.monotonic() - started
    assert "Read 26201 rows: 26201 measurements, 0 rejected" in out
    assert Measurement.objects.count() == 26201
    assert set(Measurement.objects.values_list("country_id", flat=True).distinct()) == {
        "HK", "ID", "IN", "KH", "MM", "MY", "PH", "TH", "VN",
    }  # fmt: skip
    by_app = {slug: n for slug, n in Measurement.objects.values_list("app__slug").annotate(n=Count("id"))}
    assert by_app == {
        "facebook_messenger": 3294,
        "signal": 3294,
        "telegram": 3294,
        "whatsapp": 3294,
        "psiphon": 3293,
        "tor": 3293 + 3286 + 3153,  # tor, vanilla_tor and torsf
    }
    # The file's first data row, checked by hand: Myanmar, Facebook Messenger, 1 July 2023.
    first = Measurement.objects.get(country_id="MM", test_name="facebook_messenger", day=date(2023, 7, 1))
    assert (first.anomaly_count, first.measurement_count, first.ok_count) == (15, 26, 11)
    assert first.likely_blocked_rate == pytest.approx(0.5769230769)
    assert seconds < 30, f"import took {seconds:.1f} s"
    assert "measurements unchanged 26201." in run(REAL_FILE)


def test_the_status_steps_follow_the_apps_measurements_make_public(tmp_path):
    """An owner-level measure applies to its owner's public apps, and measurements make an app
    public: an import that moves an app's measurements to another rewrites both pairs' steps."""
    from events.models import Event, Owner, PairStep
    from tests.factories import EventFactory, country

    signal_foundation = Owner.objects.create(slug="signal-foundation", name="Signal Foundation")
    stray = App.objects.create(slug="stray", name="Stray", owner=signal_foundation, category="messaging")
    Measurement.objects.create(country=country("MM"), app=stray, test_name="signal", day=date(2023, 7, 1),
                               measurement_count=1, anomaly_count=0, confirmed_count=0, failure_count=0,
                               dataset="test")  # fmt: skip
    EventFactory(apps=[], owner=signal_foundation, kind=Event.Kind.LEGAL_DESIGNATION, country=country("MM"))
    assert PairStep.objects.filter(app=stray).exists()  # public through its measurement
    run(write(tmp_path / "ooni.csv", [line()]))  # the signal test's measurement now belongs to Signal
    assert not PairStep.objects.filter(app=stray).exists()
    signal = App.objects.get(slug="signal")  # the catalogue's, of the same owner, now measured
    assert PairStep.objects.filter(app=signal, country="MM", kind=Event.Kind.LEGAL_DESIGNATION).exists()
