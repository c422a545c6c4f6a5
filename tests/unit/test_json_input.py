"""JSON from people and scripts: every malformed document is InvalidInput (exit 2), never a crash."""

from __future__ import annotations

import pytest

from deskctl.errors import InvalidInput
from deskctl.services.inputs import parse_json


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"items": [1,', "invalid JSON at line 1"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"n": ' + "9" * 5000 + "}", "invalid JSON"),
        ('{"title": "\\ud800"}', "lone surrogate"),
    ],
    ids=["truncated", "deep", "huge-int", "surrogate"],
)
def test_parse_json_malformed_is_invalid_input(text, says):
    with pytest.raises(InvalidInput, match=says) as info:
        parse_json(text, "results")
    assert info.value.message.startswith("results: ")


def test_parse_json_keeps_cjk_and_numbers():
    assert parse_json('{"title": "打印机", "n": 3}', "x") == {"title": "打印机", "n": 3}
