"""errors.quote and shorten_values: error lines echo at most ~60 characters of a user's value."""

from __future__ import annotations

import pytest

from deskctl.errors import LINE_MAX, QUOTE_MAX, quote, shorten_values


def test_quote_short_value_is_its_repr():
    assert quote("vpn") == "'vpn'"
    assert quote("it's") == '"it\'s"'
    assert quote(42) == "'42'"


def test_quote_long_value_is_cut_with_its_length():
    assert quote("a" * 120_000) == f"'{'a' * QUOTE_MAX}…' (120000 characters)"
    assert quote("中" * 61) == f"'{'中' * 60}…' (61 characters)"


def test_quote_exactly_at_the_limit_is_whole():
    assert quote("b" * QUOTE_MAX) == repr("b" * QUOTE_MAX)


@pytest.mark.parametrize("message", [
    "cannot resolve ticket 1: it is already resolved",
    "'lead' is the last active supervisor; add another supervisor first, then deactivate 'lead' again",
    "title is 5001 characters; the limit is 5000 (the field's limit), see 'deskctl config show' for more",
])
def test_shorten_values_leaves_ordinary_messages_alone(message):
    assert shorten_values(message) == message


def test_shorten_values_cuts_each_long_quoted_value():
    long = "x" * 500
    message = f"unknown key {long!r} and {'y' * 70!r} but 'ok'"
    assert shorten_values(message) == (f"unknown key {quote(long)} and {quote('y' * 70)} but 'ok'")


def test_shorten_values_cuts_a_long_unquoted_run_and_the_line():
    assert "(1000 characters)" in shorten_values("the number is too large: " + "9" * 1000)
    many = " ".join(["word"] * 1000)
    assert len(shorten_values(many)) == LINE_MAX
