"""The interface language (docs/design.md §14): Chinese (zh-CN) for the desk's officers, English
for scripts and by default. gettext, domain `deskctl`, catalogs in deskctl/locale (docs/i18n.md).

Which language: `--lang`, else `language` in the person's config file, else LC_ALL /
LC_MESSAGES / LANG (`zh*` → zh-CN), else en. The variables are read, never `setlocale`d: the
zh_CN locale need not be installed. JSON and CSV keys and values never pass through here.

`_()` translates now, `N_()` marks a string defined at import time (translate it where it is
shown), `ngettext()` for counts. Placeholders are `{name}` (str.format after translation),
never f-strings inside `_()`. Light: gettext and tomllib only (`deskctl --help` stays fast).
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "deskctl"
LOCALEDIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh-CN", "en")
_CATALOG = {"zh-CN": "zh_CN"}

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def normalize(value: str) -> str | None:
    """`zh-CN`, `zh_CN.UTF-8`, `zh`, `Chinese` → `zh-CN`; `en`, `en_US`, `C`, `POSIX` → `en`;
    anything else None."""
    text = value.strip().lower().replace("_", "-")
    if not text:
        return None
    if text.startswith("zh") or text.startswith("chinese"):
        return "zh-CN"
    if text.startswith("en") or text.split(".")[0] in ("c", "posix"):
        return "en"
    return None


def from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the locale variables ask for: the first one set decides (as in POSIX)."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh-CN" if value.strip().lower().startswith("zh") else "en"
    return None


def _config_file(environ: Mapping[str, str]) -> Path:
    # as deskctl.config.config_path, without importing the config module (its validators)
    if environ.get("DESKCTL_CONFIG"):
        return Path(environ["DESKCTL_CONFIG"]).expanduser()
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "deskctl" / "config.toml"


def from_config(environ: Mapping[str, str] | None = None) -> str | None:
    """`language` from the person's config file. Tolerant: a missing or broken file says
    nothing here (the command that loads the config reports it)."""
    import tomllib

    env = os.environ if environ is None else environ
    try:
        data = tomllib.loads(_config_file(env).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    value = data.get("language")
    return normalize(value) if isinstance(value, str) else None


def choose(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """--lang, else config `language`, else the locale variables, else en."""
    if option:
        chosen = normalize(option)
        if chosen is not None:
            return chosen
    return from_config(environ) or from_environment(environ) or "en"


def lang_option(args: list[str]) -> str | None:
    """The value of a global `--lang X` / `--lang=X` in a command line (before `--`)."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def set_language(language: str) -> None:
    """Bind the catalog of `language` (zh-CN or en) for everything shown from now on."""
    global _translation, _language
    if language not in LANGUAGES:
        language = "en"
    if language == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, str(LOCALEDIR), languages=[_CATALOG[language]], fallback=True)
    _language = language


def language() -> str:
    return _language


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Translate in `language` for the duration of the block, then return to the language bound
    before: texts composed for somebody else (notifications, in the desk's `notify.language`)
    do not follow the composing process's language."""
    before = _language
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


def is_chinese() -> bool:
    return _language == "zh-CN"


def _(message: str) -> str:
    return _translation.gettext(message) if message else message


def N_(message: str) -> str:
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _translation.pgettext(context, message) if message else message


def value_name(value: str) -> str:
    """A state, level, result or role as a table shows it (`in_progress` → 处理中); a list of
    them (`late, early leave`) name by name."""
    name = pgettext("value", value)
    if name == value and ", " in value and _language != "en":
        return "、".join(pgettext("value", part) for part in value.split(", "))
    return name


def by_shape(text: str, shapes: list[tuple[re.Pattern[str], str]], *, values: tuple[str, ...] = ()) -> str:
    """`text`, made by an f-string elsewhere (and kept English in JSON), translated by matching
    it against (pattern, msgid) pairs: the named groups fill the msgid's placeholders; the groups
    named in `values` hold a value from a fixed list and are shown by its name (`on call` → 待命)."""
    if _language == "en":
        return text
    for pattern, msgid in shapes:
        m = pattern.fullmatch(text)
        if m is not None:
            parts = {k: value_name(v) if k in values and v else v for k, v in m.groupdict().items()}
            return _(msgid).format(**parts)
    return text


def P_(context: str, message: str) -> str:
    """Marks a message with a context for extraction (translated later with pgettext)."""
    return message


# Names shown in tables for values from fixed lists (context "value"): ticket states, levels,
# channels, roles, inspection and training results, attendance, record kinds, outbox states.
VALUE_NAMES = (
    P_("value", "new"),
    P_("value", "assigned"),
    P_("value", "in_progress"),
    P_("value", "waiting"),
    P_("value", "resolved"),
    P_("value", "closed"),
    P_("value", "cancelled"),
    P_("value", "high"),
    P_("value", "medium"),
    P_("value", "low"),
    P_("value", "phone"),
    P_("value", "email"),
    P_("value", "walk-in"),
    P_("value", "monitoring"),
    P_("value", "inspection"),
    P_("value", "supervisor"),
    P_("value", "officer"),
    P_("value", "technician"),
    P_("value", "ok"),
    P_("value", "fail"),
    P_("value", "skipped"),
    P_("value", "pass"),
    P_("value", "on_time"),
    P_("value", "late"),
    P_("value", "missed"),
    P_("value", "due"),
    P_("value", "overdue"),
    P_("value", "absent"),
    P_("value", "violation"),
    P_("value", "commendation"),
    P_("value", "open"),
    P_("value", "done"),
    P_("value", "dropped"),
    P_("value", "pending"),
    P_("value", "sent"),
    P_("value", "failed"),
    P_("value", "note"),
    P_("value", "feedback"),
    P_("value", "present"),
    P_("value", "no_show"),
    P_("value", "planned"),
    P_("value", "clocked_in"),
    P_("value", "clocked_out"),
    # attendance as the rota shows it (domain/shift_time.py Attendance.summary)
    P_("value", "no-show"), P_("value", "not clocked in"), P_("value", "awaiting clock-in"),
    P_("value", "early leave"), P_("value", "no clock-out"), P_("value", "on duty"), P_("value", "on call"),
    # inspection plans and their occurrences
    P_("value", "active"), P_("value", "paused"), P_("value", "retired"), P_("value", "upcoming"),
    # the SLA clocks' states (domain/sla.py)
    P_("value", "running"), P_("value", "met"), P_("value", "breached"),
    # ticket timeline events (`ticket show`)
    P_("value", "opened"), P_("value", "imported"), P_("value", "acknowledged"), P_("value", "resumed"),
    P_("value", "escalated"), P_("value", "escalation_impossible"), P_("value", "released"),
    P_("value", "confirmed"), P_("value", "reopened"), P_("value", "closed_unconfirmed"),
    P_("value", "edited"), P_("value", "sla_breach"), P_("value", "sla_recomputed"),
)


# --- Click's own error messages: f-strings in Typer's vendored Click, translated by shape ---

_CLICK_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"No such command (?P<name>'.*?')\.(?: Did you mean (?P<close>.*)\?)?"), N_("No such command {name}.")),
    (re.compile(r"No such option: (?P<name>\S+)(?: Did you mean (?P<close>.*)\?)?"), N_("No such option: {name}")),
    (re.compile(r"Missing option (?P<name>.+?)\."), N_("Missing option {name}.")),
    (re.compile(r"Missing argument (?P<name>.+?)\."), N_("Missing argument {name}.")),
    (re.compile(r"Missing parameter:? (?P<name>.+?)\.?"), N_("Missing parameter {name}.")),
    (re.compile(r"Missing command\."), N_("Missing command.")),
    (re.compile(r"Invalid value for (?P<name>.+?): (?P<detail>.*)", re.S), N_("Invalid value for {name}: {detail}")),
    (re.compile(r"Invalid value: (?P<detail>.*)", re.S), N_("Invalid value: {detail}")),
    (re.compile(r"Got unexpected extra arguments? \((?P<extra>.*)\)"), N_("Unexpected extra arguments ({extra})")),
    (re.compile(r"Option (?P<name>'.*?') requires an argument\."), N_("Option {name} requires an argument.")),
    (re.compile(r"Option (?P<name>'.*?') requires (?P<n>\d+) arguments\."),
     N_("Option {name} requires {n} arguments.")),
    (re.compile(r"Option (?P<name>'.*?') does not take a value\."), N_("Option {name} does not take a value.")),
]


# the details Click, Typer and pydantic give after "Invalid value for X:" (f-strings there too)
_DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Input should be less than or equal to (?P<n>-?\d+)"), N_("it must be at most {n}")),
    (re.compile(r"Input should be greater than or equal to (?P<n>-?\d+)"), N_("it must be at least {n}")),
    (re.compile(r"Input should be a valid integer.*"), N_("it must be a whole number")),
    (re.compile(r"(?P<value>'.*') is below (?P<n>-?\d+)"), N_("{value} is below {n}")),
    (re.compile(r"(?P<value>'.*') is not a whole number"), N_("{value} is not a whole number")),
]


def click_message(text: str) -> str:
    """One of Click's usage errors in the current language (unchanged in English, or when its
    shape is not known)."""
    if _language == "en":
        return text
    for pattern, msgid in _CLICK_MESSAGES:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        parts = m.groupdict()
        close = parts.pop("close", None)
        if parts.get("detail"):
            parts["detail"] = by_shape(parts["detail"], _DETAILS)
        out = _(msgid).format(**parts)
        if close:
            out += " " + _("Did you mean {names}?").format(names=close)
        return out
    return text
