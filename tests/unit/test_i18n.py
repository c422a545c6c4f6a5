"""The zh-CN catalog and the language choice (docs/i18n.md, docs/design.md §14).

The catalog is complete (every message the program can show has a translation whose
placeholders are the original's), the committed .mo is what the .po compiles to, and the
language follows --lang, then config `language`, then LC_ALL / LC_MESSAGES / LANG, then en.
"""

from __future__ import annotations

import gettext
import io
import re
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from deskctl import i18n

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import i18n as tool  # noqa: E402  (tools/i18n.py)

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def _catalog():
    with tool.PO.open("rb") as fh:
        return read_po(fh, locale="zh_CN")


def _messages():
    return [m for m in _catalog() if m.id]


def test_every_message_has_a_translation():
    assert tool.missing() == []
    assert len(_messages()) > 600


def test_translations_keep_the_placeholders():
    for message in _messages():
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        want = sorted(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            assert sorted(PLACEHOLDER.findall(text)) == want, f"{ids[0]!r} → {text!r}"


def test_the_placeholder_check_sees_a_wrong_translation():
    assert sorted(PLACEHOLDER.findall("工单 {id}")) != sorted(PLACEHOLDER.findall("ticket {ticket_id}"))
    assert PLACEHOLDER.findall("{handle!r} and %(n)d and %s") == ["{handle!r}", "%(n)d", "%s"]


def test_the_catalog_holds_every_message_of_the_program():
    """A new command, option, column or `_()` string without an entry fails here (run
    `python tools/i18n.py all` and translate)."""
    from babel.messages.extract import extract_from_dir

    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _messages()}
    wanted = {(None, text) for _where, text in [*tool.help_texts(), *tool.column_headers()]}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(tool.SRC), method_map=[("**.py", "python")], keywords=tool.KEYWORDS
    ):
        wanted.add((context, message if isinstance(message, str) else message[0]))
    assert sorted(wanted - known, key=str) == []


def test_the_committed_mo_is_the_compiled_po():
    with tool.MO.open("rb") as fh:
        shipped = {(m.context, m.id): m.string for m in read_mo(fh) if m.id}
    fresh = {(m.context, m.id): m.string for m in read_mo(io.BytesIO(tool.compiled())) if m.id}
    assert shipped == fresh, "src/deskctl/locale/zh_CN/LC_MESSAGES/deskctl.mo is stale: python tools/i18n.py compile"


def test_the_mo_is_package_data():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*/LC_MESSAGES/*.mo"' in text
    translation = gettext.translation(i18n.DOMAIN, str(i18n.LOCALEDIR), languages=["zh_CN"])
    assert translation.gettext("Usage: ") == "用法: "


# --- which language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "zh_TW.UTF-8"}, "zh-CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh-CN"),
        ({"LC_ALL": "C.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.GB18030"}, "zh-CN"),
        ({"LC_ALL": "", "LANG": "zh_CN"}, "zh-CN"),
    ],
)
def test_language_from_the_locale_variables(tmp_path, env, expected):
    env = {"DESKCTL_CONFIG": str(tmp_path / "none.toml"), **env}
    assert i18n.choose(None, env) == expected


def test_config_language_wins_over_the_locale_and_lang_wins_over_both(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    env = {"DESKCTL_CONFIG": str(config), "LANG": "zh_CN.UTF-8"}
    assert i18n.choose(None, env) == "en"
    assert i18n.choose("zh-CN", env) == "zh-CN"
    config.write_text('language = "zh-CN"\n', encoding="utf-8")
    assert i18n.choose(None, {"DESKCTL_CONFIG": str(config), "LANG": "en_US.UTF-8"}) == "zh-CN"


def test_a_broken_config_file_says_nothing_about_the_language(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("user = \n", encoding="utf-8")
    assert i18n.choose(None, {"DESKCTL_CONFIG": str(config), "LANG": "zh_CN.UTF-8"}) == "zh-CN"


def test_lang_option_is_read_before_the_command():
    assert i18n.lang_option(["--lang", "zh-CN", "status"]) == "zh-CN"
    assert i18n.lang_option(["--lang=en", "status"]) == "en"
    assert i18n.lang_option(["ticket", "note", "1", "--", "--lang", "zh-CN"]) is None


def test_config_key_language_is_a_personal_setting(tmp_path):
    from deskctl import config as cfgmod
    from deskctl.errors import InvalidInput

    assert cfgmod.SCHEMA["language"].local
    assert cfgmod.validate("language", "zh_CN") == "zh-CN"
    assert cfgmod.validate("language", "en") == "en"
    with pytest.raises(InvalidInput):
        cfgmod.validate("language", "fr")


# --- translating --------------------------------------------------------------------------------


@pytest.fixture
def chinese():
    i18n.set_language("zh-CN")
    yield
    i18n.set_language("en")


def test_english_is_the_message_itself():
    assert i18n._("Usage: ") == "Usage: "
    assert i18n.value_name("in_progress") == "in_progress"
    assert i18n.value_name("late, early leave") == "late, early leave"
    assert i18n.click_message("Missing option '--to'.") == "Missing option '--to'."


def test_state_names_and_click_messages_in_chinese(chinese):
    assert i18n.value_name("in_progress") == "处理中"
    assert i18n.value_name("P1") == "P1"
    assert i18n.value_name("late, early leave") == "迟到、早退"
    assert i18n.value_name("on duty") == "在岗"
    assert i18n.click_message("Missing option '--to'.") == "缺少选项 '--to'。"
    assert i18n.click_message("No such command 'opn'. Did you mean 'open'?") == "没有命令 'opn'。 是否要用 'open'？"
    assert i18n.click_message("Got unexpected extra argument (x)") == "多余的参数（x）"
    assert i18n.click_message("something new") == "something new"


def test_a_refused_transition_in_chinese(chinese):
    from deskctl.domain.ticket_states import check_transition
    from deskctl.errors import Conflict

    with pytest.raises(Conflict) as err:
        check_transition("resolve", 7, "closed")
    assert err.value.message.startswith("无法解决工单 7：它当前已关闭；")


def test_by_shape_names_the_values_it_is_told_of():
    import re as re_

    shapes = [(re_.compile(r"tier (?P<tier>\d+), assignee (?P<assignee>.+?); (?P<picked>.*)"),
               "tier {tier}, assignee {assignee}; {picked}")]
    text = "tier 2, assignee zhou; on call"
    i18n.set_language("zh-CN")
    try:
        assert i18n.by_shape(text, shapes, values=("picked",)) == "第 2 线，处理人 zhou；待命"
        assert i18n.by_shape(text, shapes).endswith("；on call")  # not named: as written
    finally:
        i18n.set_language("en")
    assert i18n.by_shape(text, shapes, values=("picked",)) == text
