"""Notifications (docs/notify.md): an outbox written in the change's own transaction, delivered
later by `deskctl notify run` through e-mail, webhooks, chat robots or a program."""
