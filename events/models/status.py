"""What the status rule says about one (country, app) pair over a stretch of days, kept in a table.

The rule (events/status.py) reads every measure of a pair; at a million events the measures in
force on one day are about a million rows, too many to read for each request. So the rule's
answer is kept instead, as steps: from `starts_on` to `ends_on` (open while null) the pair's state
was this one. /status/, /api/v1/status/ and the changes between two days read the steps, one row
a pair; events/status_steps.py rewrites a pair's steps whenever one of its measures changes.
"""

from django.db import models


class PairStep(models.Model):
    """The state of one pair from `starts_on` to `ends_on`: kind, features, since, scope and who ordered it
    (the events behind it are read when needed: status_steps.with_events)."""

    country = models.ForeignKey("events.Country", on_delete=models.CASCADE, related_name="+")
    app = models.ForeignKey(
        "events.App", null=True, on_delete=models.CASCADE, related_name="+", help_text="Null: the network."
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, help_text="The last day of the step; null while it lasts.")
    kind = models.CharField(max_length=30, help_text="The strongest measure in force.")
    rank = models.PositiveSmallIntegerField(help_text="Its place in status.STRENGTH: 0 is the strongest.")
    features = models.JSONField(default=list)
    since = models.DateField(help_text="The start of the earliest measure of that kind in force.")
    since_precision = models.CharField(max_length=10)
    scope = models.TextField(blank=True, help_text="Blank: nationwide; else the regions or networks named.")
    authority_ids = models.JSONField(default=list, help_text="Who ordered the strongest measures.")
    overdue = models.BooleanField(
        default=False, help_text="No source has confirmed any of the strongest measures for too long."
    )

    class Meta:
        indexes = [
            # A pair's steps, to rewrite them and to read its changes.
            models.Index(fields=["country", "app", "starts_on"], name="pairstep_pair_idx"),
            # The steps in force on a day, on SQLite (PostgreSQL uses a GiST index on the range: migration 0009).
            models.Index(fields=["starts_on", "ends_on"], name="pairstep_days_idx"),
            # A country's strongest steps first (status_picture: the list by country).
            models.Index(fields=["country", "rank", "since"], name="pairstep_strongest_idx"),
            # The next and previous change (status_steps.neighbouring_changes).
            models.Index(fields=["ends_on"], name="pairstep_ends_idx"),
        ]

    def __str__(self):
        return f"{self.country_id} {self.app_id or 'network'} {self.kind} from {self.starts_on}"
