"""Use cases: one write transaction each; call domain and store; raise DeskError; never print.

Signatures are keyword-only, session and clock first (STYLE habit 2). Views returned are plain
dicts (instants stay datetimes; `deskctl.render` shows them in the desk zone).
"""
