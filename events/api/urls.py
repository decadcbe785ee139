"""API v1 URLs (DESIGN.md): filled in by the API issue."""

urlpatterns = []
