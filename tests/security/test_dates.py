"""Dates and times at the calendar's edges are bad input (400 with a message), never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path, field, value",
    [
        ("/api/audit/events/", "after", "0001-01-01T00:00:00+14:00"),
        ("/api/audit/events/", "before", "9999-12-31T23:59:59-14:00"),
        ("/api/audit/events/", "before", "9999-12-31"),
        ("/api/audit/events/", "after", "0001-01-01"),
        ("/api/audit/sanctions/", "in_force_on", "9999-12-31"),
        ("/api/audit/sanctions/", "imposed_after", "0001-01-01"),
        ("/api/audit/sanctions/", "imposed_before", "9999-12-31"),
    ],
)
def test_a_filter_at_the_calendars_edge_is_400_naming_the_filter(auditor_client, path, field, value):
    response = auditor_client.get(path, {field: value})
    assert response.status_code == 400
    assert response.json() == {field: ["Must be between 0001-01-02 and 9999-12-30."]}


@pytest.mark.parametrize("params", [{"format": "csv"}, {}])
def test_the_csv_export_refuses_them_too(auditor_client, params):
    response = auditor_client.get("/api/audit/events/", {"after": "0001-01-01T00:00:00+14:00", **params})
    assert response.status_code == 400


@pytest.mark.parametrize("query", [{"to": "9999-12-31"}, {"from": "0001-01-01", "to": "9999-12-31"}])
def test_stats_at_the_calendars_edge_is_400(auditor_client, query):
    response = auditor_client.get("/api/audit/stats/", query)
    assert response.status_code == 400
    assert response.json() == {"detail": "A date or time is out of range."}


@pytest.mark.parametrize(
    "path, query",
    [
        ("/api/audit/events/", {"after": "0001-01-02T00:00:00+00:00", "before": "9999-12-30T12:00:00+00:00"}),
        ("/api/audit/sanctions/", {"imposed_after": "0001-01-02", "imposed_before": "9999-12-30"}),
        ("/api/audit/sanctions/", {"in_force_on": "9999-12-30"}),
    ],
)
def test_the_widest_accepted_range_still_answers(auditor_client, path, query):
    assert auditor_client.get(path, query).status_code == 200
