"""Old addresses keep working: a former slug of an app, owner or authority redirects to its record.

A slug is recorded as a FormerSlug when a record's slug changes (Named.save) or when a duplicate is
merged into it (events/merging.py). A view that finds no record for a slug calls raise_if_moved():
when the slug was another public record's, it raises Moved, which MovedMiddleware answers with a
permanent redirect to the same address under the new slug, query string kept: pages, feeds and
API details alike. A slug that leads to no public record stays a plain 404, exactly like a slug
that never existed, so a draft's old name reveals nothing.
"""

from django.http import Http404, HttpResponsePermanentRedirect

from events.models import FormerSlug


class Moved(Exception):
    def __init__(self, url):
        super().__init__(url)
        self.url = url


def raise_if_moved(model, slug, request):
    """Raise Moved when `slug` is a former slug of a public `model` record; return otherwise."""
    target = FormerSlug.objects.filter(kind=model._meta.model_name, slug=slug).values_list("target_id", flat=True)
    new = model.objects.public().filter(pk__in=target).values_list("slug", flat=True).first()
    if new and new != slug:
        raise Moved(request.get_full_path().replace(f"/{slug}/", f"/{new}/", 1))


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
