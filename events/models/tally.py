"""Counts of published events kept ready for /api/v1/stats/, written by database triggers.

A GROUP BY over a million events takes half a second; the counts it would give are kept instead,
per cell, and a request sums a few hundred cells (events/tallies.py keeps them, events/api/views/
stats.py reads them). Both tables are written only by the triggers: never save them from Python.

- `TallyPart`: what each published event counts for, one row per thing it is counted under: the
  event itself (app 0, owner 0), each of its apps (owner 0), each distinct owner it targets or hits
  through an app (app 0), with the event's country, kind, status and start year. It is the memory
  that lets a change take back exactly what the event counted before.
- `Tally`: the parts added up per cell: for every part, the cells where at most two of its country,
  kind, status and year are given and the others are "any" ('' or year 0), so that a request that
  filters or groups on up to two of them reads the cells of exactly that mix.
"""

from django.db import models

ANY = ""  # a cell's country, kind or status that counts every value
ANY_YEAR = 0


class Tally(models.Model):
    """How many published events fall in one cell: counted under app `app_id` (0: not by app) or
    owner `owner_id` (0: not by owner), in one country, kind, status and start year, or in any."""

    # Key orders that put a request's grouping last, so that its cells are one range of an index:
    # by country, year or kind for one subject (the key), by app or owner (the indexes below).
    pk = models.CompositePrimaryKey("app_id", "owner_id", "status", "kind", "year", "country")
    app_id = models.IntegerField()
    owner_id = models.IntegerField()
    country = models.CharField(max_length=2)
    kind = models.CharField(max_length=30)
    status = models.CharField(max_length=20)
    year = models.SmallIntegerField()
    events = models.IntegerField()

    class Meta:
        # The cells of every app (or owner) for given dimensions, as one range: by=app, by=owner.
        # Not covering `events`: a count's update then changes no index (a HOT update), which at
        # a million events halves the cost of counting an import.
        indexes = [
            models.Index(
                fields=["country", "status", "kind", "year", "app_id"],
                condition=models.Q(owner_id=0, app_id__gt=0),
                name="tally_by_app_idx",
            ),
            models.Index(
                fields=["country", "status", "kind", "year", "owner_id"],
                condition=models.Q(app_id=0, owner_id__gt=0),
                name="tally_by_owner_idx",
            ),
        ]

    def __str__(self):
        return (
            f"{self.app_id}/{self.owner_id} {self.country or '*'} {self.kind or '*'} {self.year or '*'}: {self.events}"
        )


class TallyPart(models.Model):
    """One thing a published event is counted under (see the module's docstring)."""

    pk = models.CompositePrimaryKey("event_id", "app_id", "owner_id")
    event_id = models.BigIntegerField()
    app_id = models.IntegerField()
    owner_id = models.IntegerField()
    country = models.CharField(max_length=2)
    kind = models.CharField(max_length=30)
    status = models.CharField(max_length=20)
    year = models.SmallIntegerField()

    def __str__(self):
        return f"event {self.event_id} under app {self.app_id} owner {self.owner_id}"
