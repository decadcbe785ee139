"""The few allowances third-party pages need under our Content-Security-Policy, and only there.

The site-wide policy (settings.CONTENT_SECURITY_POLICY) allows no inline script or style. Some
pages we do not write carry a fixed inline snippet; rather than allow `'unsafe-inline'` they get
the hash of exactly that snippet, on their own URLs only. If a package upgrade changes a snippet,
tests/browser/test_production_csp.py fails with the browser's message, which names the new hash.
"""

import base64
import hashlib

from csp.middleware import CSPMiddleware as BaseCSPMiddleware


def sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# drf-spectacular's swagger_ui.html: one <style> element (an element's hash needs no more).
SWAGGER_STYLE = """
      html { box-sizing: border-box; overflow-y: scroll; }
      *, *:after, *:before { box-sizing: inherit; }
      body { background: #fafafa; margin: 0; }
    """

# django-simple-history's and django-import-export's admin templates: style attributes and one
# inline event handler. Attributes need 'unsafe-hashes' besides their hashes (CSP level 3).
ADMIN_STYLE_ATTRIBUTES = [
    "border-top: 0",  # simple_history/object_history_list.html
    "padding: 0;",  # import_export/export.html
    "font-weight: bold;",  # import_export/export.html
]
ADMIN_EVENT_HANDLERS = [
    "onSelectToggleChange(event)",  # import_export/export.html, "Select all" fields
]

ALLOWANCES = [
    ("/api/v1/docs/", {"style-src": [sha256(SWAGGER_STYLE)]}),
    (
        "/admin/",
        {
            "style-src": ["'unsafe-hashes'", *map(sha256, ADMIN_STYLE_ATTRIBUTES)],
            "script-src": ["'unsafe-hashes'", *map(sha256, ADMIN_EVENT_HANDLERS)],
        },
    ),
]


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, adding the allowances above to the policy of their URLs."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        for prefix, update in ALLOWANCES:
            if request.path_info.startswith(prefix):
                merged = dict(parts.update or {})
                for directive, sources in update.items():
                    existing = merged.get(directive) or []
                    merged[directive] = [*([existing] if isinstance(existing, str) else existing), *sources]
                parts.update = merged
        return parts
