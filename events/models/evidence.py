"""The evidence behind events: the documents they cite and what people said."""

from django.db import models
from simple_history.models import HistoricalRecords

from events.text import CleanText, web_address

from .visibility import SourceQuerySet, StatementQuerySet


class Source(CleanText):
    """A document that events cite. One article can back several events."""

    class Kind(models.TextChoices):
        NEWS = "news", "News report"
        OFFICIAL = "official", "Official statement or document"
        COURT = "court", "Court decision"
        COMPANY = "company", "Company statement"
        MEASUREMENT = "measurement", "Network measurement"
        DATASET = "dataset", "Dataset"

    url = models.URLField(
        max_length=1000,
        unique=True,
        validators=[web_address],
        help_text="Where the document is published. One source per URL; events share it.",
        error_messages={"unique": "A source with this URL already exists; attach that one instead."},
    )
    title = models.CharField(max_length=500, help_text="The document's headline or title.")
    publisher = models.CharField(max_length=200, blank=True, help_text="Who published it, e.g. Reuters.")
    published_on = models.DateField(null=True, blank=True, help_text="Date of publication, if known.")
    archived_url = models.URLField(
        max_length=1000,
        blank=True,
        validators=[web_address],
        help_text="A copy in a web archive, in case the original disappears.",
    )
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.NEWS, help_text="What sort of document it is."
    )
    language = models.CharField(
        max_length=16, blank=True, help_text="Language of the document, as a BCP 47 tag (en, ru)."
    )
    history = HistoricalRecords()

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["published_on", "id"]

    def __str__(self):
        return f"{self.publisher}: {self.title}" if self.publisher else self.title


class Statement(CleanText):
    """Who said what about one event, with the source that reports it."""

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="statements",
        help_text="The event the statement is about.",
    )
    speaker = models.CharField(max_length=200, help_text="Who said it: a person, or an organisation speaking as one.")
    role = models.CharField(max_length=200, blank=True, help_text="The speaker's role, e.g. Kremlin spokesman.")
    organisation = models.CharField(max_length=200, blank=True, help_text="Who the speaker speaks for.")
    text = models.TextField(help_text="What was said, quoted as reported.")
    said_on = models.DateField(null=True, blank=True, help_text="When it was said, if known.")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text="The document that reports the statement.",
    )
    history = HistoricalRecords()

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["said_on", "id"]

    def __str__(self):
        return f"{self.speaker}: {self.text[:60]}"
