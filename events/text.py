"""Text that is safe to store, to put in a feed and to open in a spreadsheet.

- **Control characters** (as a word processor pastes them: a vertical tab for a line break, a form
  feed...) have no place in a record, and XML 1.0 cannot hold them at all, so one of them made every
  Atom feed and the admin's XLSX export fail. Every model cleans its text fields when it is
  validated or saved (CleanText): in one-line fields every control character becomes a space; in
  long text a vertical tab or form feed becomes a line break and the rest go, tabs and line breaks
  staying. The feeds clean again what they print (`clean_text`), for anything stored before.
- **Formulae**: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
  return before one) as a formula: `=HYPERLINK(...)` in a title would become a live link in
  whoever opens the CSV. Every spreadsheet-bound export (the API's CSV, export_dataset's CSVs, the
  admin's CSV and XLSX) writes such a value with a `'` in front, as OWASP advises, which
  spreadsheets show as text; JSON is left exactly as stored. The admin's import takes the `'` off
  again, so an exported file imports unchanged.
"""

import re

from django.core.validators import RegexValidator
from django.db import models

ONE_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
PARAGRAPH_BREAKS = re.compile(r"[\x0b\x0c]")
OTHER_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# RFC 3986 leaves these out of URIs; Django's URLValidator lets some through in paths
# (`https://ok.example/"onmouseover=...`). Letters beyond ASCII stay allowed: news sites use them.
web_address = RegexValidator(
    r"[\s\"<>\\^`{|}]",
    "A web address cannot hold spaces, quotes, <, >, \\, ^, `, {, | or }: percent-encode them (a space is %%20).",
    inverse_match=True,
)


def clean_line(value):
    return ONE_LINE_CONTROLS.sub(" ", value)


def clean_text(value):
    """Long text without control characters other than tabs and line breaks."""
    return OTHER_CONTROLS.sub("", PARAGRAPH_BREAKS.sub("\n", value))


def spreadsheet_safe(value):
    """A cell a spreadsheet shows as text, never runs (see the module docstring)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def from_spreadsheet(value):
    """The value an export neutralised with spreadsheet_safe, as it was stored."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class CleanText(models.Model):
    """A model whose text fields are cleaned of control characters on validation and on save."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.clean_text_fields()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.clean_text_fields()
        super().clean_fields(exclude)

    def clean_text_fields(self):
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, clean_value(field, getattr(self, field.attname)))


def clean_value(field, value):
    """`value` as the model field `field` stores it (see CleanText)."""
    if not isinstance(value, str):
        return value
    if isinstance(field, models.TextField):
        return clean_text(value)
    if isinstance(field, models.CharField):
        return clean_line(value)
    return value


def cleaned(model, values):
    """{field name: value} as `model` will store them: for importers that compare before saving."""
    return {name: clean_value(model._meta.get_field(name), value) for name, value in values.items()}
