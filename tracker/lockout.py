"""Admin sign-in lockout (django-axes), with two limits instead of one.

- AXES_FAILURE_LIMIT (5) failures for one user name *from one address* lock that pair out, so that
  nobody can lock a real editor out from everywhere by guessing at their name;
- AXES_ADDRESS_FAILURE_LIMIT (20) failures from one address, whatever the names, lock that
  address out, so that guessing many names from one place is stopped too.

Either lasts AXES_COOLOFF_MINUTES from the last failure that counted. Attempts made while locked
out are refused without counting (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so a lockout
cannot be kept up forever by trying every few seconds, and the right password gets in once the
cool-off is over. Behind proxies the client's address is the one the API's rate limit counts:
the NUM_PROXIES-th from the right of X-Forwarded-For (client_address).
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from rest_framework.throttling import BaseThrottle


def client_address(request):
    """The client's address behind NUM_PROXIES proxies, exactly as DRF's throttles read it."""
    return BaseThrottle().get_ident(request)


# In the order of settings.AXES_LOCKOUT_PARAMETERS.
LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        limits = [settings.AXES_FAILURE_LIMIT, settings.AXES_ADDRESS_FAILURE_LIMIT]
        for attempts, limit in zip(self.get_user_attempts(request, credentials), limits, strict=True):
            if (attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0) >= limit:
                return True
        return False
