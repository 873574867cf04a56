"""The back-office log: who did what, to which event, when."""

from events.models import AuditLog


def log(event, actor, action: str, target="", **detail) -> AuditLog:
    return AuditLog.objects.create(
        event=event,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target=str(target)[:200],
        detail=detail,
    )
