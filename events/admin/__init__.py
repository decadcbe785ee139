"""The editors' admin: a newsroom tool for entering, reviewing and publishing events.

One module per concern: events.py (the event page and list), forms.py (the event form),
actions.py (bulk review, on the model's workflow in events/models/review.py), locking.py (no lost
edits), history.py (who changed what), resources.py (CSV/XLSX import and export), reference.py and
evidence.py (the other records), site.py (the sign-in form and the home page's review queue).
"""

from django.contrib import admin

from . import events, evidence, reference  # noqa: F401 - importing registers the model admins
from .site import EditorAuthenticationForm

admin.site.site_header = "Tracker editors"
admin.site.site_title = "Tracker editors"
admin.site.index_title = "Events, evidence and reference data"
# The side menu repeats the home page and takes a fifth of the width that the event list (eight
# columns beside its filters) and the event form need; the breadcrumbs lead home in one click.
admin.site.enable_nav_sidebar = False
# A right password for an account that is not staff is told so (site.py); the home page shows the
# review queue (templates/admin/index.html).
admin.site.login_form = EditorAuthenticationForm
