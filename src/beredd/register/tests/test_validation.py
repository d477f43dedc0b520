"""Input validation: personnummer, coordinates, areas (no database needed for most)."""

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from beredd.orgs.validators import parse_postcode
from beredd.register import crypto, geo
from beredd.register.selectors import SECONDARY, SMALL, suppress
from beredd.register.services.validation import PnrError, normalise_pnr
from beredd.register.testdata import make_pnr


def test_a_valid_personnummer_is_normalised_to_twelve_digits() -> None:
    assert normalise_pnr("19121212-1212") == ("191212121212", False, 1912)
    assert normalise_pnr(make_pnr(dt.date(1945, 7, 6), 981, coordination=True))[1] is True


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("19121212-1213", "check digit"),
        ("19450230-1234", "does not exist"),
        ("abc", "Not a personnummer"),
        ("", "Not a personnummer"),
    ],
)
def test_bad_personnummer_are_refused_with_the_reason(value: str, message: str) -> None:
    with translation.override("en"), pytest.raises(PnrError, match=message):
        normalise_pnr(value)


def test_postcodes_are_normalised() -> None:
    assert parse_postcode("80250") == "802 50"
    assert parse_postcode("802 50") == "802 50"
    assert parse_postcode("0250") is None


def test_sweref_99_tm_is_converted_and_outside_sweden_refused() -> None:
    lat, lon = geo.to_wgs84(northing=6729000, easting=617000)
    assert abs(lat - 60.6795) < 0.001 and abs(lon - 17.1419) < 0.001
    with pytest.raises(geo.GeoError):
        geo.to_wgs84(lat=59.91, lon=10.75)  # Oslo
    with pytest.raises(geo.GeoError):
        geo.to_wgs84(lat=60.17, lon=24.94)  # Helsinki
    with pytest.raises(geo.GeoError):
        geo.to_wgs84(lat=60.0, lon=None)


@pytest.mark.parametrize(
    "area",
    [
        {"type": "Point", "coordinates": [17.1, 60.6]},
        {"type": "Polygon", "coordinates": [[[17.1, 60.6], [17.2]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[17.1, 60.6], [17.2, 60.7], [17.2, 60.6], [17.1, 60.7], [17.1, 60.6]]]},
        "not json",
    ],
)
def test_malformed_or_foreign_areas_are_refused(area: Any) -> None:
    with pytest.raises(geo.GeoError):
        geo.parse_area(area)


def test_a_feature_collection_is_accepted() -> None:
    ring = [[17.1, 60.6], [17.2, 60.6], [17.2, 60.7], [17.1, 60.7], [17.1, 60.6]]
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    area = geo.parse_area(fc)
    assert geo.points_inside(area, [60.65, 60.8], [17.15, 17.15]).tolist() == [True, False]


def test_small_numbers_are_suppressed_with_a_complementary_cell() -> None:
    rows = [{"n": 3}, {"n": 12}, {"n": 40}, {"n": 0}]
    table, totals = suppress(rows, ["n"])
    shown = [r["n"].shown for r in table]
    assert shown == [SMALL, SECONDARY, "40", "0"]
    assert totals["n"].shown == "55"


def test_a_lone_small_number_hides_the_total_when_no_other_cell_can() -> None:
    table, totals = suppress([{"n": 2}, {"n": 0}], ["n"])
    assert [r["n"].shown for r in table] == [SMALL, "0"] and totals["n"].shown == SMALL
    table, totals = suppress([{"n": 2}, {"n": 3}, {"n": 9}], ["n"])
    assert [r["n"].shown for r in table] == [SMALL, SMALL, "9"] and totals["n"].shown == "14"


def test_encryption_uses_the_newest_key_and_every_key_decrypts(settings: Any) -> None:
    old = crypto.encrypt("191212121212")
    old_hash = crypto.search_hash("191212121212")
    settings.REGISTER_KEYS = ["bmV3LXJlZ2lzdGVyLWtleS0wMTIzNDU2Nzg5YWJjZGU=", *settings.REGISTER_KEYS]
    assert crypto.decrypt(old) == "191212121212"
    assert crypto.search_hash("191212121212") != old_hash
    assert old_hash in crypto.search_hashes("191212121212")
    settings.REGISTER_KEYS = settings.REGISTER_KEYS[:1]
    rotated_key_only = crypto.encrypt("191212121212")
    assert crypto.decrypt(rotated_key_only) == "191212121212"
