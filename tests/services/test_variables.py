"""Variables in post text: filled per account, unknown names refused in plain words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from socialmuse.services import variables
from socialmuse.services.errors import ValidationError

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))


def test_every_known_variable_is_filled() -> None:
    text = "{brand} on {network} as {account}: {link} ({date}, {weekday} {month} {year})"
    out = variables.render(
        text,
        brand="Acme",
        account="acme",
        link="https://s.example/l/abc",
        now=NOW,
        network="Mastodon",
    )
    assert out == (
        "Acme on Mastodon as @acme: https://s.example/l/abc (2026-03-02, Monday March 2026)"
    )


def test_names_are_case_insensitive_and_braces_can_be_escaped() -> None:
    out = variables.render("{{not}} {Brand}", brand="Acme", now=NOW)
    assert out == "{not} Acme"


def test_unknown_variable_is_refused_with_the_known_ones_listed() -> None:
    with pytest.raises(ValidationError) as err:
        variables.render("Read {linc} now", brand="Acme", now=NOW)
    assert err.value.field == "text"
    assert "{linc} is not a variable" in err.value.message
    assert "{link}" in err.value.message


def test_link_variable_without_a_link_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        variables.render("More: {link}", brand="Acme", now=NOW)
    assert "shorten a link first" in err.value.message


def test_find_separates_known_and_unknown() -> None:
    found = variables.find("{brand} {foo} {brand} {date} {bar}")
    assert found.known == ("brand", "date")
    assert found.unknown == ("foo", "bar")
    assert variables.uses_variables("plain text") is False
    # Braces that are not a variable name (JSON, emoticons) are left alone.
    assert variables.render('{"a": 1} :-{ }', brand="A", now=NOW) == '{"a": 1} :-{ }'
