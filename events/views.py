"""Public pages. Placeholder until the pages issue: each answers with the record's name only."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import App, Authority, Country, Event, Owner


def _text(value):
    return HttpResponse(str(value), content_type="text/plain; charset=utf-8")


def home(request):
    return _text("The tracker")


def timeline(request):
    return _text("Timeline")


def country_list(request):
    return _text("Countries")


def country_detail(request, code):
    return _text(get_object_or_404(Country, code=code.upper()))


def app_list(request):
    return _text("Apps")


def app_detail(request, slug):
    return _text(get_object_or_404(App, slug=slug.lower()))


def owner_detail(request, slug):
    return _text(get_object_or_404(Owner, slug=slug.lower()))


def authority_detail(request, slug):
    return _text(get_object_or_404(Authority, slug=slug.lower()))


def event_detail(request, pk):
    return _text(get_object_or_404(Event.objects.public(), pk=pk))


def search(request):
    return _text("Search")


def about(request):
    return _text("About")
