"""The editors' admin: a newsroom tool for entering, reviewing and publishing events.

One module per concern: events.py (the event page and list), forms.py (the event form),
actions.py (bulk review, on the model's workflow in events/models/review.py), locking.py (no lost
edits), history.py (who changed what), resources.py (CSV/XLSX import and export), reference.py and
evidence.py (the other records).
"""

from django.contrib import admin

from . import events, evidence, reference  # noqa: F401 - importing registers the model admins

admin.site.site_header = "Tracker editors"
admin.site.site_title = "Tracker editors"
admin.site.index_title = "Events, evidence and reference data"
# The side menu repeats the home page and takes a fifth of the width that the event list (eight
# columns beside its filters) and the event form need; the breadcrumbs lead home in one click.
admin.site.enable_nav_sidebar = False
