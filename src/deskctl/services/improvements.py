"""improvements use cases."""


def status_section(*, session, now, actor, config, tz) -> dict:
    return {}
