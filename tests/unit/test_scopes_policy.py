"""The policy's scopes beyond domains: an area covers the areas under it, empty means
not narrowed, the roles that watch the province are never narrowed, and a scope
applies only to data that carries it."""

from __future__ import annotations

import pytest

import province
from security import policy
from store.accounts import Principal


def _who(roles=("staff",), domains=("environment",), departments=(), areas=()):
    return Principal(
        0,
        "t",
        "t",
        "user",
        frozenset(roles),
        frozenset(domains),
        frozenset(departments),
        frozenset(areas),
    )


def test_a_region_covers_its_wards_and_a_ward_only_itself():
    profile = province.current()
    wards = {a.code for a in profile.areas.values() if a.parent == "tp-bac-ninh"}
    assert "kinh-bac" in wards
    assert policy.visible_areas(_who(areas=("tp-bac-ninh",))) == wards | {"tp-bac-ninh"}
    assert policy.visible_areas(_who(areas=("kinh-bac",))) == {"kinh-bac"}
    assert policy.visible_areas(_who(areas=("bac-ninh",))) == set(profile.areas)


def test_empty_scopes_do_not_narrow():
    who = _who()
    assert policy.visible_areas(who) is None
    assert policy.visible_departments(who) is None
    assert policy.visible_services(who) is None
    assert policy.sees(who, "environment", "", "")


@pytest.mark.parametrize("role", ["leader", "duty_officer", "admin"])
def test_watching_roles_are_never_narrowed(role):
    who = _who((role, "staff"), (), ("so-xd",), ("kinh-bac",))
    assert policy.visible_areas(who) is None
    assert policy.visible_departments(who) is None
    assert policy.sees(who, "economy", "w-tu-son", "ca-tinh")


def test_a_row_is_seen_only_inside_every_scope_that_applies_to_it():
    who = _who(departments=("so-xd",), areas=("tp-bac-ninh",))
    assert policy.sees(who, "environment", "kinh-bac", "so-xd")
    assert not policy.sees(who, "economy", "kinh-bac", "so-xd")
    assert not policy.sees(who, "environment", "w-tu-son", "so-xd")
    assert not policy.sees(who, "environment", "kinh-bac", "so-yt")
    # A row that carries an area but names none is outside an area scope...
    assert not policy.sees(who, "environment", "", "so-xd")
    # ...while data that carries no department (a sensor) is judged without it.
    assert policy.sees(who, "environment", "kinh-bac")
    assert policy.reads_sensor(who, "air", "kinh-bac")
    assert not policy.reads_sensor(who, "air", "w-tu-son")
    assert not policy.sees(None, "environment")


def test_a_department_reads_the_reports_of_the_services_it_handles():
    who = _who(("staff",), ("citizens",), ("so-xd",))
    services = policy.visible_services(who)
    assert "o-ga" in services and "rac-thai" not in services
    agencies = {province.current().service(s).agency for s in services}
    assert agencies == {"so-xd"}


def test_a_report_is_placed_in_the_ward_nearest_its_coordinates():
    profile = province.current()
    assert profile.area_at(21.186, 106.076) == "kinh-bac"
    assert profile.area_at(10.0, 106.0) == ""
