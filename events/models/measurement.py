"""Network measurements that show, day by day, whether an app was reachable in a country."""

from django.db import models

from events.text import CleanText

from .visibility import MeasurementQuerySet


class Measurement(CleanText):
    """Counts of OONI tests for one app (or circumvention tool) in one country on one day."""

    country = models.ForeignKey(
        "events.Country", on_delete=models.PROTECT, related_name="measurements", help_text="Where the probes ran."
    )
    app = models.ForeignKey(
        "events.App", on_delete=models.PROTECT, related_name="measurements", help_text="The app the test checks."
    )
    test_name = models.CharField(max_length=60, help_text="OONI test name, e.g. whatsapp or psiphon.")
    day = models.DateField(help_text="The UTC day the measurements started.")
    measurement_count = models.PositiveIntegerField(help_text="Measurements taken that day.")
    anomaly_count = models.PositiveIntegerField(help_text="Measurements showing signs of blocking.")
    confirmed_count = models.PositiveIntegerField(help_text="Measurements with confirmed blocking.")
    failure_count = models.PositiveIntegerField(help_text="Measurements that failed and say nothing.")
    ok_count = models.PositiveIntegerField(default=0, help_text="Measurements with no sign of blocking.")
    dataset = models.CharField(max_length=200, help_text="Where the figures come from, with credit to the publisher.")

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["day", "country_id", "test_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "test_name", "day"],
                name="measurement_unique_day",
                violation_error_message="There is already a measurement for this country, test and day.",
            )
        ]
        indexes = [
            # /api/v1/measurements/?app=...&country=... and the app page's chart, by day.
            models.Index(fields=["app", "country", "day"], name="measurement_app_country_idx"),
            # ?country=... alone and the country page's chart, by day.
            models.Index(fields=["country", "day"], name="measurement_country_idx"),
        ]

    def __str__(self):
        return f"{self.test_name} in {self.country_id} on {self.day}"

    @property
    def likely_blocked_rate(self):
        """Share of usable measurements that showed an anomaly (OONI's own definition)."""
        usable = self.measurement_count - self.failure_count
        return self.anomaly_count / usable if usable > 0 else None
