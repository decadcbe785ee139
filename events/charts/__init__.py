"""Server-rendered SVG charts for the public pages: no JavaScript, text alternatives included.

`restrictions` draws where and when measures were in force (one row per app or per country);
`ooni` draws the OONI likely-blocked rate week by week with the events marked on the same axis.
Both return plain data that `templates/events/charts/*.html` turn into inline SVG, so every label
goes through Django's auto-escaping.
"""

from .ooni import MeasurementChart, measurement_chart
from .restrictions import RestrictionChart, restriction_chart

__all__ = ["MeasurementChart", "RestrictionChart", "measurement_chart", "restriction_chart"]
