"""Reference data: the countries, owners, apps and authorities that events point at."""

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.urls import reverse
from simple_history.models import HistoricalRecords

from events.text import CleanText, web_address

from .visibility import AppQuerySet, AuthorityQuerySet, CountryQuerySet, OwnerQuerySet

# Slugs are matched case-insensitively by the API, so they are stored in lower case only.
lowercase_slug = RegexValidator(
    r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$",
    "Use lower-case letters, digits and single hyphens or underscores only, e.g. whatsapp or snap-inc.",
)
UNIQUE_SLUG = "%(model_name)s with this slug already exists: choose a different slug."


class Named(CleanText):
    """What owners, apps and authorities share: a stable slug for URLs and filters, a name, a
    website and a short description; ordered and shown by name, with a page at /<kind>s/<slug>/."""

    url_name = None  # the public page's URL name

    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[lowercase_slug],
        help_text="Stable lower-case identifier used in URLs and filters, e.g. whatsapp, meta or roskomnadzor.",
        error_messages={"unique": UNIQUE_SLUG},
    )
    name = models.CharField(max_length=200, help_text="Name as commonly written, e.g. WhatsApp or Meta Platforms.")
    website = models.URLField(max_length=500, blank=True, validators=[web_address], help_text="Official website.")
    description = models.TextField(blank=True, help_text="A sentence or two on who or what this is.")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(self.url_name, args=[self.slug])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.stored_slug = instance.__dict__.get("slug")
        return instance

    stored_slug = None  # the slug in the database, to notice a change (events/redirects.py)

    def save(self, *args, **kwargs):
        """Keep the old slug as a FormerSlug when it changes, so that old addresses redirect; a
        record that takes a slug someone once had is the live one, so that FormerSlug goes.

        Here rather than in the admin so that every path that renames records it: the admin's form,
        the shell, an import, django-simple-history's revert. Older slugs of the record lead to it
        already (A, then B, then C: A and B both lead to C), so none needs rewriting.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "slug" not in update_fields:
            return super().save(*args, **kwargs)
        if self.stored_slug is None and self.pk is not None:
            # Not read from the database (a history revert builds the record anew): ask it.
            self.stored_slug = type(self)._default_manager.filter(pk=self.pk).values_list("slug", flat=True).first()
        old, kind = self.stored_slug, self._meta.model_name
        if old == self.slug:
            super().save(*args, **kwargs)
        elif old is None:  # a new record: the live one, should another once have had its slug
            super().save(*args, **kwargs)
            FormerSlug.objects.filter(kind=kind, slug=self.slug).delete()
        else:
            # Renamed: the new slug and the old one's redirect are saved together or not at all.
            # Only an address the public could have known is kept: a draft-only record's old slug
            # must stay a plain 404, or a redirect would tell that it existed.
            was_public = type(self).objects.public().filter(pk=self.pk).exists()
            with transaction.atomic(using=kwargs.get("using")):
                super().save(*args, **kwargs)
                FormerSlug.objects.filter(kind=kind, slug=self.slug).delete()
                if was_public:
                    FormerSlug.objects.update_or_create(kind=kind, slug=old, defaults={"target_id": self.pk})
        self.stored_slug = self.slug
        return None


class Country(models.Model):
    """An ISO 3166-1 country. All 249 are loaded by a migration; editors never create one."""

    code = models.CharField(
        primary_key=True,
        max_length=2,
        help_text="ISO 3166-1 alpha-2 code in upper case, e.g. RU. Used as the key, so an event's "
        "country_id is its code and needs no join.",
    )
    alpha3 = models.CharField(max_length=3, unique=True, help_text="ISO 3166-1 alpha-3 code, e.g. RUS.")
    name = models.CharField(max_length=100, help_text="Common English short name, e.g. Russia.")
    official_name = models.CharField(
        max_length=200, blank=True, help_text="ISO name where it differs, e.g. Russian Federation."
    )
    region = models.CharField(
        max_length=40,
        blank=True,
        help_text="Continent or ocean, from the IANA time-zone area of the country's main zone.",
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        indexes = [
            # Country list and search order by, and match on, the name.
            models.Index(fields=["name"], name="country_name_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("country-detail", args=[self.code.lower()])


class Owner(Named):
    """A company, state body or person behind apps, and sometimes itself the target of a measure."""

    url_name = "owner-detail"

    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        STATE_OWNED = "state_owned", "State-owned company"
        STATE_BODY = "state_body", "State body"
        NONPROFIT = "nonprofit", "Non-profit"
        OTHER = "other", "Other"

    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.COMPANY, help_text="What sort of body it is."
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owners_seated",
        help_text="Where it has its seat.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidiaries",
        help_text="The owner that controls this one, if any.",
    )
    history = HistoricalRecords()

    objects = OwnerQuerySet.as_manager()


class App(Named):
    """An app or online service that measures target."""

    url_name = "app-detail"

    class Category(models.TextChoices):
        MESSAGING = "messaging", "Messaging"
        SOCIAL = "social", "Social network"
        VIDEO_CALLING = "video_calling", "Video calling"
        VIDEO = "video", "Video"
        APP_STORE = "app_store", "App store"
        VPN = "vpn", "VPN or circumvention"
        SEARCH = "search", "Search"
        OTHER = "other", "Other"

    owner = models.ForeignKey(
        Owner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="apps",
        help_text="Who runs it; blank when unknown.",
    )
    category = models.CharField(
        max_length=20, choices=Category.choices, default=Category.OTHER, help_text="What sort of service it is."
    )
    history = HistoricalRecords()

    objects = AppQuerySet.as_manager()


class Authority(Named):
    """A body that ordered or carried out a measure: a regulator, a court, a ministry, an operator."""

    url_name = "authority-detail"

    class Kind(models.TextChoices):
        REGULATOR = "regulator", "Regulator"
        COURT = "court", "Court"
        EXECUTIVE = "executive", "Executive"
        PROSECUTOR = "prosecutor", "Prosecutor"
        LEGISLATURE = "legislature", "Legislature"
        OPERATOR = "operator", "Network operator"
        OTHER = "other", "Other"

    slug = models.SlugField(  # longer than the others': authorities' names are long
        max_length=120,
        unique=True,
        validators=[lowercase_slug],
        help_text=Named._meta.get_field("slug").help_text,
        error_messages={"unique": UNIQUE_SLUG},
    )
    name = models.CharField(max_length=300, help_text="Full name, e.g. Tverskoy District Court of Moscow.")
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.OTHER, help_text="What sort of body it is."
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authorities",
        help_text="The country whose body this is.",
    )
    history = HistoricalRecords()

    objects = AuthorityQuerySet.as_manager()

    class Meta(Named.Meta):
        verbose_name_plural = "authorities"


class FormerSlug(models.Model):
    """A slug an app, owner or authority once had, or that of a duplicate merged into it: its old
    addresses (pages, feeds, API details) answer with a permanent redirect to the record's new one."""

    class Kind(models.TextChoices):
        APP = "app", "App"
        OWNER = "owner", "Owner"
        AUTHORITY = "authority", "Authority"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    slug = models.CharField(max_length=120)
    target_id = models.PositiveBigIntegerField(help_text="The id of the record the old slug now leads to.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "slug"], name="former_slug_unique")]

    def __str__(self):
        return f"{self.kind} {self.slug}"
