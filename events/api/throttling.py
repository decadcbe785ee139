"""Good citizenship: a per-address limit on anonymous clients, with a clear 429."""

import math

from rest_framework import exceptions, throttling
from rest_framework.settings import api_settings


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's anonymous throttle, reading its rate when a request comes rather than at import.

    DRF binds `THROTTLE_RATES` once when the class is defined, so a changed setting (API_ANON_RATE,
    a test's override) would be ignored; reading it here keeps the setting authoritative. The
    counters live in the default cache, which deployments share through REDIS_URL.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class Throttled(exceptions.Throttled):
    """429 with Retry-After (set by DRF from `wait`) and a message that says what to do instead."""

    def __init__(self, wait, rate):
        seconds = max(1, math.ceil(wait or 1))
        # DRF would append its own "Expected available in N seconds"; this message says it already.
        super().__init__(
            detail=f"Too many requests from your address: anonymous clients may make {rate} requests. "
            f"Retry after {seconds} seconds (see the Retry-After header), or fetch every matching event "
            "at once with format=csv on /api/v1/events/.",
        )
        self.wait = seconds
