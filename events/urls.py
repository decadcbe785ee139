"""Public pages and feeds. The URLs are part of the public contract (../shared/DESIGN.md): keep
them stable."""

from django.urls import path

from . import feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("timeline/", views.timeline, name="timeline"),
    path("status/", views.status_page, name="status"),
    path("status/changes/", views.status_changes, name="status-changes"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("countries/<str:code>/apps/<slug:slug>/", views.pair_page, name="pair-detail"),
    path("apps/", views.app_list, name="app-list"),
    path("apps/<slug:slug>/", views.app_detail, name="app-detail"),
    path("owners/<slug:slug>/", views.owner_detail, name="owner-detail"),
    path("authorities/<slug:slug>/", views.authority_detail, name="authority-detail"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("search/", views.search, name="search"),
    path("about/", views.about, name="about"),
    path("feeds/events/", feeds.EventFeed(), name="feed-events"),
    path("feeds/countries/<str:code>/", feeds.CountryEventFeed(), name="feed-country"),
    path("feeds/apps/<slug:slug>/", feeds.AppEventFeed(), name="feed-app"),
    path("status/changes/feed/", feeds.StatusChangesFeed(), name="feed-status-changes"),
]
