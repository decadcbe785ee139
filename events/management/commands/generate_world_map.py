"""Derive the world map's shapes (events/fixtures/world-map.json) from Natural Earth's countries.

The source is the `world-atlas` package (Natural Earth 1:110m Cultural Vectors as TopoJSON, by Mike
Bostock; the data are in the public domain): `npm pack world-atlas@2`, unpack, and run

    python manage.py generate_world_map package/countries-110m.json --atlas-version 2.0.2

The TopoJSON arcs are decoded, projected with the Natural Earth projection (Šavrič et al., 2015),
scaled to a 1000-unit-wide plane and written as one SVG path per ISO 3166-1 alpha-2 code, with the
source, licence and version recorded beside them. Nothing is fetched at run time: pages draw the map
from this file.
"""

import json
import math
from pathlib import Path

import pycountry
from django.core.management.base import BaseCommand

OUTPUT = Path(__file__).resolve().parents[2] / "fixtures" / "world-map.json"
WIDTH = 1000
SKIPPED = {"010"}  # Antarctica: no measure there, and a fifth of the map's height


def natural_earth(longitude, latitude):
    """The Natural Earth projection of a point in degrees, in radians-scale plane units."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


def decode_arcs(topology):
    """Absolute [longitude, latitude] points of every arc (TopoJSON quantised, delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring, arcs):
    """The ring's points, its longitudes made continuous: a ring that crosses the antimeridian
    (Russia's Chukotka, Fiji) runs past ±180° instead of streaking across the whole map; the part
    past the edge is cut off by the drawing's frame."""
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    continuous, shift = [], 0
    for number, (longitude, latitude) in enumerate(points):
        if number:
            step = longitude + shift - continuous[-1][0]
            if step > 180:
                shift -= 360
            elif step < -180:
                shift += 360
        continuous.append((longitude + shift, latitude))
    return continuous


class Command(BaseCommand):
    help = "Derive events/fixtures/world-map.json from world-atlas's countries-110m.json (Natural Earth)."

    def add_arguments(self, parser):
        parser.add_argument("topojson", help="countries-110m.json from the world-atlas package")
        parser.add_argument("--atlas-version", dest="atlas_version", default="2.0.2", help="the world-atlas version")

    def handle(self, *args, topojson, atlas_version, **options):
        topology = json.loads(Path(topojson).read_text())
        arcs = decode_arcs(topology)
        left, top = natural_earth(-180, 0)[0], natural_earth(0, 90)[1]  # widest at the equator
        scale = WIDTH / (2 * -left)
        shapes = {}
        for geometry in topology["objects"]["countries"]["geometries"]:
            numeric = geometry.get("id")
            country = pycountry.countries.get(numeric=numeric) if numeric else None
            if numeric in SKIPPED or country is None:
                continue
            polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
            path = []
            for polygon in polygons:
                for ring in polygon:
                    projected = [natural_earth(lon, lat) for lon, lat in ring_points(ring, arcs)]
                    coords = [(round((x - left) * scale, 1), round((top - y) * scale, 1)) for x, y in projected]
                    path.append("M" + "L".join(f"{x:g},{y:g}" for x, y in coords) + "Z")
            shapes[country.alpha_2] = "".join(path)
        bottom = (top - natural_earth(0, -60)[1]) * scale  # the map stops at 60°S without Antarctica
        data = {
            "source": "Natural Earth 1:110m Cultural Vectors, via the world-atlas package (countries-110m.json)",
            "source_url": "https://github.com/topojson/world-atlas",
            "licence": "Public domain (Natural Earth); world-atlas is ISC-licensed",
            "version": atlas_version,
            "projection": "Natural Earth",
            "width": WIDTH,
            "height": round(bottom),
            "shapes": dict(sorted(shapes.items())),
        }
        OUTPUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
        self.stdout.write(f"Wrote {len(shapes)} countries to {OUTPUT} ({OUTPUT.stat().st_size:,} bytes).")
