"""Config (docs/design.md §8): defaults, validation, the person's keys in the file (atomic writes
that keep other keys), desk settings never taken from the file, broken files."""

from __future__ import annotations

import os
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from deskctl import config as cfgmod
from deskctl.errors import ConfigError, ExitCode, InvalidInput


def _load(path: Path) -> cfgmod.Config:
    return cfgmod.load(path)


def test_load_missing_file_gives_defaults(tmp_path):
    cfg = _load(tmp_path / "none.toml")
    assert cfg.exists is False
    assert cfg.get("confirm_window") == "72h"
    assert cfg.get("sla.calendar.mode") == "24x7"
    assert cfg.get("limits.text_max") == 65536
    assert cfg.sla_targets()["P1"] == (timedelta(minutes=15), timedelta(hours=4))
    assert cfg.sla_targets()["P4"] == (timedelta(hours=8), timedelta(days=5))
    assert cfg.priority_for("high", "high") == "P1"
    assert cfg.priority_for("low", "low") == "P4"
    assert not (tmp_path / "none.toml").exists()


def test_effective_lists_every_key(tmp_path):
    eff = _load(tmp_path / "c.toml").effective()
    assert set(eff) == set(cfgmod.SCHEMA)
    for p in ("P1", "P2", "P3", "P4"):
        assert f"sla.{p}.response" in eff and f"sla.{p}.resolution" in eff
    assert "priority_matrix.medium.low" in eff
    assert "sla.calendar.holidays" in eff


def test_set_local_writes_and_keeps_other_keys(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('database = "/srv/desk.db"\nuser = "zhang"\n', encoding="utf-8")
    cfg = _load(path)
    assert cfg.set_local("user", " wang ") == "wang"
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"database": "/srv/desk.db", "user": "wang"}
    assert _load(path).get("user") == "wang"


def test_set_local_refuses_desk_settings_and_leaves_the_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('user = "zhang"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="desk setting"):
        _load(path).set_local("sla.P1.response", "5m")
    assert path.read_text(encoding="utf-8") == 'user = "zhang"\n'


def test_desk_settings_come_from_the_desk_never_from_the_file(tmp_path):
    """An officer editing their own file cannot change the desk's rules (docs/design.md §8)."""
    path = tmp_path / "c.toml"
    path.write_text('[sla.P1]\nresponse = "99h"\n[auth]\nrequire = "none"\n', encoding="utf-8")
    cfg = _load(path)
    assert cfg.get("sla.P1.response") == "15m" and cfg.source("sla.P1.response") == "default"
    assert cfg.ignored == ["auth.require", "sla.P1.response"]
    assert cfg.file_settings() == {"auth.require": "none", "sla.P1.response": "99h"}
    desk = cfg.with_desk({"auth.require": "all", "sla.P1.response": "10m"})
    assert desk.get("auth.require") == "all" and desk.source("auth.require") == "desk"
    assert desk.get("sla.P1.response") == "10m"
    assert desk.sla_targets()["P1"][0] == timedelta(minutes=10)


@pytest.mark.parametrize(
    ("key", "raw", "stored"),
    [
        ("timezone", "Europe/Berlin", "Europe/Berlin"),
        ("confirm_window", "48h", "48h"),
        ("sla.calendar.mode", "Business", "business"),
        ("sla.calendar.hours", "8:30-17:00", "08:30-17:00"),
        ("sla.calendar.days", "Mon,Tue,wed", ["mon", "tue", "wed"]),
        ("sla.calendar.holidays", "2026-10-01, 2026-01-01,2026-10-01", ["2026-01-01", "2026-10-01"]),
        ("limits.text_max", "1000", 1000),
        ("sla.at_risk", "0.5", 0.5),
        ("priority_matrix.low.low", "p3", "P3"),
        ("auth.require", "ALL", "all"),
        ("clock.override", "yes", True),
        ("clock.override", "false", False),
        ("auth.session", "8h", "8h"),
    ],
)
def test_validate_normalises(key, raw, stored):
    assert cfgmod.validate(key, raw) == stored


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("timezone", "Mars/Base"),
        ("confirm_window", "soon"),
        ("sla.calendar.mode", "sometimes"),
        ("sla.calendar.hours", "18:00-09:00"),
        ("sla.calendar.hours", "9-18"),
        ("sla.calendar.days", "funday"),
        ("sla.calendar.holidays", "2026-02-30"),
        ("limits.text_max", "0"),
        ("limits.text_max", "many"),
        ("sla.at_risk", "1.5"),
        ("priority_matrix.high.high", "P9"),
        ("sla.P1.response", ""),
        ("auth.require", "everybody"),
        ("clock.override", "maybe"),
        ("auth.session", "10s"),
    ],
)
def test_validate_bad_value_exits_2_naming_the_key(key, raw):
    with pytest.raises(InvalidInput) as info:
        cfgmod.validate(key, raw)
    assert info.value.exit_code == 2
    assert key in info.value.message


@pytest.mark.parametrize("key", ["colour", "sla.P5.response", "sla", "sla.P1"])
def test_unknown_key_exits_2(tmp_path, key):
    with pytest.raises(InvalidInput, match="unknown config key"):
        cfgmod.validate(key, "x")
    path = tmp_path / "c.toml"
    with pytest.raises(InvalidInput, match="unknown config key"):
        _load(path).set_local(key, "x")
    assert not path.exists()


def test_unknown_prefix_suggests_keys():
    with pytest.raises(InvalidInput, match="did you mean.*sla.P1.re"):
        cfgmod.validate("sla.P1", "1h")
    with pytest.raises(InvalidInput, match="did you mean timezone"):
        cfgmod.validate("timezon", "UTC")


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ("sla = 5\n", "sla must be a table"),
        ('timezon = "UTC"\n', "did you mean timezone"),
        ("[auth]\nrequire = 3\n", "auth.require"),
        ('colour = "red"\n', "unknown config key 'colour'"),
    ],
)
def test_load_refuses_unknown_keys_and_wrong_types(tmp_path, toml, says):
    """A typo or a wrong type in the file is never silently ignored: exit 6 naming the key."""
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=says) as info:
        _load(path)
    assert info.value.exit_code == 6


def test_get_unknown_key_exits_2(tmp_path):
    with pytest.raises(InvalidInput):
        _load(tmp_path / "c.toml").get("nope")


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "conf" / "c.toml"
    cfg = _load(path)
    for i in range(5):
        cfg.set_local("user", f"u{i}")
    assert sorted(p.name for p in path.parent.iterdir()) == ["c.toml"]
    assert _load(path).get("user") == "u4"


def test_save_keeps_the_file_mode(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('user = "a"\n', encoding="utf-8")
    path.chmod(0o600)
    _load(path).set_local("user", "b")
    assert path.stat().st_mode & 0o777 == 0o600


def test_save_failure_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "c.toml"
    path.write_text('user = "a"\n', encoding="utf-8")
    before = path.read_bytes()

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        _load(path).set_local("user", "b")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.toml"]


def test_load_broken_toml_names_the_line(tmp_path):
    path = tmp_path / "c.toml"
    text = 'timezone = "Asia/Shanghai"\nuser = "zhang"\nconfirm_window = = 3\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        _load(path)
    assert info.value.exit_code == ExitCode.STORAGE == 6
    assert str(path) in info.value.message
    assert "line 3" in info.value.message
    assert path.read_text(encoding="utf-8") == text


def test_load_wrong_value_in_file_is_a_config_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[sla.P1]\nresponse = "whenever"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="sla.P1.response"):
        _load(path)


def test_load_non_utf8_is_a_config_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_bytes(b'user = "\xff\xfe"\n')
    with pytest.raises(ConfigError, match="UTF-8"):
        _load(path)


def test_config_path_from_environment(tmp_path):
    assert cfgmod.config_path({"DESKCTL_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    assert cfgmod.config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "deskctl" / "config.toml"
    assert cfgmod.default_db_path({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "deskctl" / "deskctl.db"


def test_priority_matrix_is_configurable(tmp_path):
    cfg = _load(tmp_path / "c.toml").with_desk({"priority_matrix.low.low": "P2"})
    assert cfg.priority_for("low", "low") == "P2"
    assert cfg.priority_for("high", "high") == "P1"


@pytest.mark.parametrize(
    ("toml", "key", "expected"),
    [
        ('[limits]\ntext_max = "100"\n', "limits.text_max", 100),
        ('[sla.calendar]\nmode = "Business"\n', "sla.calendar.mode", "business"),
        ('[sla.calendar]\ndays = "mon,tue"\n', "sla.calendar.days", ["mon", "tue"]),
        ('[sla]\nat_risk = "0.5"\n', "sla.at_risk", 0.5),
        ('[clock]\noverride = "yes"\n', "clock.override", True),
    ],
)
def test_load_normalises_hand_written_values(tmp_path, toml, key, expected):
    """What a new desk would take from the file is validated as it is read."""
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    assert _load(path).file_settings()[key] == expected
