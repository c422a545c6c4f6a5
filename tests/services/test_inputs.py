"""One rule for every free-text field: trimmed, no NUL, within its limit (services.inputs)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from deskctl.config import Config
from deskctl.errors import InvalidInput
from deskctl.services.inputs import SHORT_TEXT, choice, clean_text
from deskctl.services.inspections import plans
from deskctl.services.people import improvements, records, reviews, staff, training
from deskctl.services.tickets import lifecycle

NO_FILE = Config(path=Path("unused.toml"))  # the defaults


def test_clean_text_trims_and_keeps_inner_text():
    assert clean_text("  VPN 无法连接 \n", "title", Config(path=None)) == "VPN 无法连接"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("", {"required": True}, "must not be empty"),
        ("   ", {"required": True}, "must not be empty"),
        ("a\x00b", {}, "NUL"),
        ("two\nlines", {"one_line": True}, "one line"),
        ("x" * 11, {"limit": 10}, "11 characters; the limit is 10"),
    ],
)
def test_clean_text_refusals(value, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        clean_text(value, "field", NO_FILE, **kwargs)


def test_clean_text_default_limit_is_the_config_key():
    config = Config(path=Path("unused.toml"), desk={"limits.text_max": 5})
    assert clean_text("12345", "note", config) == "12345"
    with pytest.raises(InvalidInput, match=r"limits\.text_max"):
        clean_text("123456", "note", config)


def test_choice_is_case_insensitive_and_names_the_values():
    assert choice(" Pass ", ("pass", "fail"), "--result") == "pass"
    with pytest.raises(InvalidInput, match="use one of pass, fail"):
        choice("maybe", ("pass", "fail"), "--result")


def _ticket(desk):
    return desk.write(lifecycle.open_ticket, actor="zhang", title="t", reporter="r")["id"]


# Every free-text field a service takes, each given a NUL character: all refused, nothing written.
NUL_CASES = {
    "ticket title": lambda d, v: d.write(lifecycle.open_ticket, actor="zhang", title=v, reporter="r"),
    "ticket reporter": lambda d, v: d.write(lifecycle.open_ticket, actor="zhang", title="t", reporter=v),
    "ticket note": lambda d, v: d.write(lifecycle.add_note, actor="zhang", ticket_id=_ticket(d), text=v),
    "staff name": lambda d, v: d.write(staff.add_staff, handle="zhao", name=v, role="officer"),
    "staff phone": lambda d, v: d.write(staff.add_staff, handle="zhao", name="Z", role="officer", phone=v),
    "plan target": lambda d, v: d.write(plans.add_plan, name="core", target=v, every="daily 09:00",
                                        items=["ping"]),
    "plan item": lambda d, v: d.write(plans.add_plan, name="core", target="sw", every="daily 09:00",
                                      items=["ping", v]),
    "training topic": lambda d, v: d.write(training.add_training, handle="zhang", topic=v, on=date(2026, 11, 1)),
    "record note": lambda d, v: d.write(records.add_record, handle="zhang", kind="late", note=v),
    "review finding": lambda d, v: d.write(reviews.add_review, area="workflow", score=3, finding=v),
    "improvement problem": lambda d, v: d.write(improvements.add_improvement, title="t", problem=v, action="a",
                                                owner="zhang", due=date(2026, 12, 1)),
}


@pytest.mark.parametrize("field", sorted(NUL_CASES))
def test_every_free_text_field_refuses_nul(staffed, field):
    with pytest.raises(InvalidInput, match="NUL"):
        NUL_CASES[field](staffed, "bad\x00text")


def test_staff_name_and_phone_have_a_short_limit(staffed):
    staffed.write(staff.add_staff, handle="zhao", name="x" * SHORT_TEXT, role="officer", phone="1" * SHORT_TEXT)
    with pytest.raises(InvalidInput, match=f"the limit is {SHORT_TEXT}"):
        staffed.write(staff.add_staff, handle="zhou", name="x" * (SHORT_TEXT + 1), role="officer")
    with pytest.raises(InvalidInput, match=f"the limit is {SHORT_TEXT}"):
        staffed.write(staff.add_staff, handle="zhou", name="Z", role="officer", phone="1" * (SHORT_TEXT + 1))
