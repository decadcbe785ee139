"""API v1 URLs, as the shared contract (../shared/DESIGN.md) names them.

Codes and slugs in paths are case-insensitive."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("", views.Root.as_view(), name="api-root"),
    path("events/", views.EventList.as_view(), name="api-event-list"),
    # Any text, so that a malformed id is the API's JSON 404 rather than the site's HTML page.
    path("events/<str:pk>/", views.EventDetail.as_view(), name="api-event-detail"),
    path("countries/", views.CountryList.as_view(), name="api-country-list"),
    path("countries/<str:code>/", views.CountryDetail.as_view(), name="api-country-detail"),
    path("apps/", views.AppList.as_view(), name="api-app-list"),
    path("apps/<str:slug>/", views.AppDetail.as_view(), name="api-app-detail"),
    path("owners/", views.OwnerList.as_view(), name="api-owner-list"),
    path("owners/<str:slug>/", views.OwnerDetail.as_view(), name="api-owner-detail"),
    path("authorities/", views.AuthorityList.as_view(), name="api-authority-list"),
    path("authorities/<str:slug>/", views.AuthorityDetail.as_view(), name="api-authority-detail"),
    path("measurements/", views.MeasurementList.as_view(), name="api-measurement-list"),
    path("statements/", views.StatementList.as_view(), name="api-statement-list"),
    path("stats/", views.Stats.as_view(), name="api-stats"),
    path("status/", views.StatusList.as_view(), name="api-status"),
    path("status/changes/", views.StatusChanges.as_view(), name="api-status-changes"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from our own static files (drf-spectacular-sidecar), its script in a file of its
    # own rather than inline, so the page works offline and under a strict Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/v1/ is a JSON 404 too: scripts parse API answers as JSON.
    re_path(r"^.+/$", views.NotFound.as_view(), name="api-not-found"),
]
