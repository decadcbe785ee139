"""Top-level URLs: the public pages, the API, and the editors' admin."""

from django.contrib import admin
from django.urls import include, path

from tracker import health

urlpatterns = [
    # Probes for load balancers (tracker/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("events.api.urls")),
    path("", include("events.urls")),
]

# A database outage that surfaces outside a view still answers 503, not 500 (tracker/outage.py).
handler500 = "tracker.outage.server_error"
handler404 = "tracker.outage.not_found"
