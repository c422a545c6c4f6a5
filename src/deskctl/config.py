"""TOML configuration: read with tomllib, written with tomli-w, atomically (docs/design.md §8).

Every known key lives in `SCHEMA` with its default and its validator, so `config set`
refuses unknown keys and bad values, and readers never see a value of the wrong type.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from deskctl.domain.ticket_states import PRIORITIES, check_priority
from deskctl.errors import ConfigError, InvalidInput, quote
from deskctl.i18n import N_, _, by_shape, value_name
from deskctl.timeparse import get_zone, parse_duration, parse_time_of_day

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- validators: take what a person typed (or what TOML holds), return the stored value ---


def _duration(value: Any) -> str:
    parse_duration(str(value))
    return str(value)


def _zone(value: Any) -> str:
    get_zone(str(value))
    return str(value)


def _text(value: Any) -> str:
    text = str(value).strip()
    if not text:
        raise InvalidInput(_("value must not be empty"))
    return text


def _positive_int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("{value} is not a whole number").format(value=quote(value))) from None
    if number <= 0 or isinstance(value, bool):
        raise InvalidInput(_("{value} must be a positive whole number").format(value=quote(value)))
    return number


def _weight(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("{value} is not a number").format(value=quote(value))) from None
    if not 0 <= number <= 100:
        raise InvalidInput(_("{value} must be between 0 and 100").format(value=quote(value)))
    return number


def _ratio(value: Any) -> float:
    number = _weight(value)
    if not 0 < number < 1:
        raise InvalidInput(_("{value} must be between 0 and 1 (exclusive)").format(value=quote(value)))
    return number


def _calendar_mode(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in ("24x7", "business"):
        raise InvalidInput(_("{value} is not a calendar mode (use 24x7 or business)").format(value=quote(value)))
    return text


def _hours_range(value: Any) -> str:
    text = str(value).strip()
    m = re.fullmatch(r"(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})", text)
    if not m:
        raise InvalidInput(_("{value} is not an hours range (use HH:MM-HH:MM, e.g. 09:00-18:00)").format(
            value=quote(value)))
    start, end = parse_time_of_day(m.group(1)), parse_time_of_day(m.group(2))
    if end <= start:
        raise InvalidInput(_("{value}: business hours must end after they start on the same day").format(
            value=quote(value)))
    return f"{start:%H:%M}-{end:%H:%M}"


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _weekdays(value: Any) -> list[str]:
    days = [d.lower()[:3] for d in _as_list(value)]
    bad = [d for d in days if d not in WEEKDAYS]
    if bad or not days:
        raise InvalidInput(_("{value}: use weekday names like mon,tue,wed,thu,fri").format(value=quote(value)))
    return days


def _holidays(value: Any) -> list[str]:
    out = []
    for item in _as_list(value):
        try:
            out.append(date.fromisoformat(item).isoformat())
        except ValueError:
            raise InvalidInput(_("holiday {value} is not a date (use YYYY-MM-DD)").format(value=quote(item))) from None
    return sorted(set(out))


def _language(value: Any) -> str:
    from deskctl.i18n import LANGUAGES, normalize

    chosen = normalize(str(value)) if isinstance(value, str) else None
    if chosen is None:
        raise InvalidInput(_("{value} is not a language: {languages}").format(
            value=quote(value), languages=_(" or ").join(LANGUAGES)))
    return chosen


def _optional_text(value: Any) -> str:
    return str(value).strip()


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise InvalidInput(_("{value!r} is not true or false").format(value=value))


AUTH_POLICIES = ("none", "supervisor", "all")


def _auth_policy(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in AUTH_POLICIES:
        raise InvalidInput(_("{value!r} is not an auth policy (use none, supervisor or all)").format(value=value))
    return text


def _session_length(value: Any) -> str:
    text = _duration(value)
    if parse_duration(text) < timedelta(minutes=1):
        raise InvalidInput(_("{value!r} is shorter than a minute").format(value=value))
    return text

def quiet_hours(value: Any) -> str:
    """HH:MM-HH:MM in the desk zone (may cross midnight: 22:00-07:00), or empty for none."""
    text = str(value).strip()
    if not text:
        return ""
    m = re.fullmatch(r"(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})", text)
    if not m:
        raise InvalidInput(_("{value!r} is not a quiet-hours range (use HH:MM-HH:MM, e.g. 22:00-07:00)").format(
            value=value))
    start, end = parse_time_of_day(m.group(1)), parse_time_of_day(m.group(2))
    if start == end:
        raise InvalidInput(_("{value!r}: quiet hours must not start and end at the same time").format(value=value))
    return f"{start:%H:%M}-{end:%H:%M}"


@dataclass(frozen=True)
class Key:
    """One setting. `local` ones belong to a person's config file (who they are, which desk);
    every other key is a desk setting, kept in the desk's database (docs/design.md §8)."""

    default: Any
    validate: Callable[[Any], Any]
    help: str
    local: bool = False


_SLA_DEFAULTS = {
    "P1": ("15m", "4h"),
    "P2": ("30m", "8h"),
    "P3": ("2h", "3d"),
    "P4": ("8h", "5d"),
}
_MATRIX_DEFAULTS = {
    ("high", "high"): "P1",
    ("high", "medium"): "P2",
    ("high", "low"): "P3",
    ("medium", "high"): "P2",
    ("medium", "medium"): "P3",
    ("medium", "low"): "P3",
    ("low", "high"): "P3",
    ("low", "medium"): "P4",
    ("low", "low"): "P4",
}

SCHEMA: dict[str, Key] = {
    "timezone": Key("", _zone, N_("desk time zone (IANA name); empty = the system's")),
    "user": Key("", _optional_text, N_("acting user when neither --as nor $DESKCTL_USER is given"), local=True),
    "database": Key("", _optional_text, N_("database file (or URL) when $DESKCTL_DB is not set"), local=True),
    "database_timeout": Key("5s", _duration, N_("PostgreSQL (team mode): give up connecting after this"), local=True),
    "language": Key("", lambda v: _language(v) if v else "", N_("zh-CN or en; empty = from LC_ALL/LC_MESSAGES/LANG"),
                    local=True),
    "auth.require": Key("none", _auth_policy,
                        N_("who must log in: none, supervisor (supervisors' actions) or all (every write)")),
    "auth.session": Key("12h", _session_length, N_("how long a login lasts")),
    "clock.override": Key(False, _bool, N_("honour $DESKCTL_NOW (drill and test desks only)")),
    "confirm_window": Key("72h", _duration, N_("resolved tickets close unconfirmed after this")),
    "sla.at_risk": Key(0.8, _ratio, N_("share of a target used up that counts as 'at risk'")),
    "sla.calendar.mode": Key("24x7", _calendar_mode, N_("24x7, or business (hours, days, holidays)")),
    "sla.calendar.hours": Key("09:00-18:00", _hours_range, N_("business hours, HH:MM-HH:MM")),
    "sla.calendar.days": Key(["mon", "tue", "wed", "thu", "fri"], _weekdays, N_("business days")),
    "sla.calendar.holidays": Key([], _holidays, N_("dates with no business hours, YYYY-MM-DD")),
    "limits.text_max": Key(65536, _positive_int, N_("longest accepted title/description/note, in characters")),
    "shift.rest": Key("11h", _duration, N_("minimum rest between a person's shifts")),
    "shift.grace": Key("5m", _duration, N_("lateness and early leave within this are not recorded")),
    "shift.clock_window": Key("2h", _duration, N_("clock-in accepted this long before a shift starts")),
    "shift.handover_window": Key("1h", _duration, N_("a handover not taken over within this is flagged")),
    "training.interval": Key("180d", _duration, N_("staff are overdue for training after this")),
    "assessment.weights.efficiency": Key(40.0, _weight, N_("weight of efficiency in the score")),
    "assessment.weights.quality": Key(40.0, _weight, N_("weight of service quality in the score")),
    "assessment.weights.discipline": Key(20.0, _weight, N_("weight of discipline in the score")),
    "assessment.min_tickets": Key(5, _positive_int, N_("fewer handled tickets = 'insufficient data'")),
    "recurring.threshold": Key(3, _positive_int, N_("faults in a period that make a recurring fault")),
    "notify.max_tries": Key(5, _positive_int, N_("delivery attempts before a notification is failed")),
    "notify.timeout": Key("10s", _duration, N_("how long one delivery may take (connect, send, answer)")),
    "notify.backoff": Key("30s", _duration, N_("wait before the first retry; doubled each time, at most 1h")),
    "notify.quiet_hours": Key("", quiet_hours, N_("HH:MM-HH:MM when only P1 reaches people (staff may set their own)")),
    "notify.robot_rate": Key(20, _positive_int, N_("messages a minute to one chat robot before a digest")),
    "notify.language": Key("en", _language, N_("language of notification texts: zh-CN or en")),
}
for _p, (_resp, _res) in _SLA_DEFAULTS.items():
    SCHEMA[f"sla.{_p}.response"] = Key(_resp, _duration, f"{_p}: opened → first acknowledgement")
    SCHEMA[f"sla.{_p}.resolution"] = Key(_res, _duration, f"{_p}: opened → resolved")
for (_impact, _urgency), _prio in _MATRIX_DEFAULTS.items():
    SCHEMA[f"priority_matrix.{_impact}.{_urgency}"] = Key(
        _prio, lambda v: check_priority(str(v)), f"priority for impact {_impact} × urgency {_urgency}"
    )

# the help of the keys made in the loops above, translated by their shape
_HELP_SHAPES = [
    (re.compile(r"(?P<priority>P\d): opened → first acknowledgement"), N_(
        "{priority}: opened → first acknowledgement")),
    (re.compile(r"(?P<priority>P\d): opened → resolved"), N_("{priority}: opened → resolved")),
]


def key_help(key: str) -> str:
    """What a key is for, in the current language (`config show`'s table)."""
    text = SCHEMA[key].help
    if key.startswith("priority_matrix."):  # the levels as tables name them (高, 中, 低)
        _matrix, impact, urgency = key.split(".")
        return _("priority for impact {impact} × urgency {urgency}").format(
            impact=value_name(impact), urgency=value_name(urgency))
    shaped = by_shape(text, _HELP_SHAPES)
    return shaped if shaped != text else _(text)


def config_path(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("DESKCTL_CONFIG"):
        return Path(env["DESKCTL_CONFIG"]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "deskctl" / "config.toml"


def default_db_path(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "deskctl" / "deskctl.db"


def _get_nested(data: dict, key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set_nested(data: dict, key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def _flatten(data: dict, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every (dotted key, value) of a TOML document; a table that is a known key's value (none
    today) would stop the walk."""
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            yield from _flatten(value, key + ".")
        else:
            yield key, value


def unknown_key(key: str) -> InvalidInput:
    """The error for a key that is not in SCHEMA, with the closest names."""
    import difflib

    close = difflib.get_close_matches(key, SCHEMA, n=3, cutoff=0.6)
    close = close or [k for k in SCHEMA if k.startswith(key + ".")][:3]
    if close:
        return InvalidInput(_("unknown config key {key!r}; did you mean {names}?").format(
            key=key, names=", ".join(close)))
    return InvalidInput(_("unknown config key {key!r} (see `deskctl config show`)").format(key=key))


def validate(key: str, raw: Any) -> Any:
    """The stored form of `raw` for `key` (exit 2 naming the key when it does not fit)."""
    if key not in SCHEMA:
        raise unknown_key(key)
    try:
        return SCHEMA[key].validate(raw)
    except InvalidInput as exc:
        raise InvalidInput(_("config {key}: {problem}").format(key=key, problem=exc.message)) from None


@dataclass
class Config:
    """The effective configuration. Local keys come from the person's config file; desk
    settings from the desk's database (`desk`, loaded by the caller); each falls back to the
    schema's default. Desk keys found in the file are listed in `ignored`."""

    path: Path
    data: dict = field(default_factory=dict)
    exists: bool = False
    desk: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        if key not in SCHEMA:
            raise unknown_key(key)
        value = _get_nested(self.data, key) if SCHEMA[key].local else self.desk.get(key)
        return SCHEMA[key].default if value is None else value

    def source(self, key: str) -> str:
        """Where the effective value comes from: file, desk or default."""
        if SCHEMA[key].local:
            return "file" if _get_nested(self.data, key) is not None else "default"
        return "desk" if key in self.desk else "default"

    def file_settings(self) -> dict[str, Any]:
        """Desk keys written in the config file (validated): moved into a new or just-upgraded
        desk, ignored everywhere else."""
        return {k: v for k, v in _flatten(self.data) if k in SCHEMA and not SCHEMA[k].local}

    @property
    def ignored(self) -> list[str]:
        return sorted(self.file_settings())

    def with_desk(self, settings: dict[str, Any]) -> Config:
        return Config(path=self.path, data=self.data, exists=self.exists, desk=dict(settings))

    def duration(self, key: str) -> timedelta:
        return parse_duration(str(self.get(key)))

    def effective(self) -> dict[str, Any]:
        return {key: self.get(key) for key in sorted(SCHEMA)}

    def sla_targets(self) -> dict[str, tuple[timedelta, timedelta]]:
        return {
            p: (self.duration(f"sla.{p}.response"), self.duration(f"sla.{p}.resolution"))
            for p in PRIORITIES
        }

    def priority_for(self, impact: str, urgency: str) -> str:
        priority: str = self.get(f"priority_matrix.{impact}.{urgency}")
        return priority

    def set_local(self, key: str, raw: Any) -> Any:
        """Validate and store one of the person's own keys (`user`, `database`) in the file,
        written atomically. Desk settings are changed through `services.settings`."""
        value = validate(key, raw)
        if not SCHEMA[key].local:
            raise InvalidInput(_("{key} is a desk setting, kept in the database").format(key=key))
        new = copy.deepcopy(self.data)
        _set_nested(new, key, value)
        save(self.path, new)
        self.data = new
        self.exists = True
        return value


def load(path: Path | None = None) -> Config:
    """Load the config file; a missing file means defaults, a broken one is an error (exit 6)."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        raise ConfigError(_("cannot read config file {path}: {reason}").format(
            path=path, reason=exc.strerror)) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(_("config file {path} is not UTF-8 text").format(path=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("config file {path} is not valid TOML: {reason}").format(path=path, reason=exc)) from None
    for key, value in list(_flatten(data)):
        if key not in SCHEMA:
            known_table = any(k.startswith(key + ".") for k in SCHEMA)
            if known_table:
                raise ConfigError(_(
                    "config file {path}: {key} must be a table of keys such as {example}, not {value!r}")
                                  .format(path=path, key=key, value=value,
                                          example=next(k for k in SCHEMA if k.startswith(key + "."))))
            raise ConfigError(_("config file {path}: {problem}").format(path=path, problem=unknown_key(key).message))
        try:
            # Readers get the validated form ("100" -> 100, "Business" -> "business").
            _set_nested(data, key, SCHEMA[key].validate(value))
        except InvalidInput as exc:
            raise ConfigError(_("config file {path}: {key}: {problem}").format(
                path=path, key=key, problem=exc.message)) from None
    return Config(path=path, data=data, exists=True)


def save(path: Path, data: dict) -> None:
    """Write TOML atomically: a temp file in the same folder, fsync, rename over the old one."""
    import tomli_w

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            tomli_w.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
