"""Old addresses keep working: a former slug of an app, owner or authority leads to its record.

A slug is recorded as a FormerSlug when a record's slug changes (Named.save) or when a duplicate is
merged into it (events/merging.py). A view that finds no record for a slug calls raise_if_moved():
when the slug was another public record's, it raises Moved, which MovedMiddleware answers with a
permanent redirect to the same address under the new slug, query string kept: pages, feeds and
API details alike. The API's filters (`?app=`, `?owner=`, `?authority=`) take a former slug as its
record's (moved_to(), in events/filters.py), so a shared timeline link keeps working too.

A former slug that leads to no public record stays a plain 404, exactly like a slug that never
existed, so a draft's old name reveals nothing.
"""

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from events.models import FormerSlug


class Moved(Exception):
    def __init__(self, url):
        super().__init__(url)
        self.url = url


def moved_to(model, slugs):
    """{former slug: (current slug, pk)} for those of `slugs` that lead to a public `model` record (one query)."""
    current = model.objects.public().filter(pk=OuterRef("target_id")).values("slug")[:1]
    rows = (
        FormerSlug.objects.filter(kind=model._meta.model_name, slug__in=slugs)
        .annotate(current=Subquery(current))
        .filter(current__isnull=False)
        .values_list("slug", "current", "target_id")
    )
    return {slug: (new, pk) for slug, new, pk in rows if new != slug}


def raise_if_moved(model, slug, request):
    """Raise Moved when `slug` is a former slug of a public `model` record; return otherwise."""
    found = moved_to(model, [slug]).get(slug)
    if found is None:
        return
    # The same route with the new slug: built by reverse(), not by editing the path, so that a slug
    # in another case (the API folds it) or percent-encoded cannot make a redirect to itself.
    match = request.resolver_match
    url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "slug": found[0]})
    query = request.META.get("QUERY_STRING", "")
    raise Moved(url + (f"?{query}" if query else ""))


class MovedMiddleware:
    """Answers Moved, from any view (DRF re-raises what it does not know), with a 301."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Moved):
            return HttpResponsePermanentRedirect(exception.url)
        return None


def record_or_moved(queryset, slug, request):
    """The record of `queryset` with `slug`; else Moved when it is a former slug; else 404."""
    record = queryset.filter(slug=slug).first()
    if record is None:
        raise_if_moved(queryset.model, slug, request)
        raise Http404(f"No {queryset.model._meta.verbose_name} has this slug.")
    return record
