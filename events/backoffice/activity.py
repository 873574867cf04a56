"""The audit log in words: one sentence per AuditLog row, in the reader's language.

    describe(entry)   # "Aiko drew the lottery of General (lottery): 105 seats, 171 waitlisted"

The one place that turns an action code into a sentence: the organiser home, the event
dashboard and the log's changelist all call it. The sentence is built when it is shown, so it
reads in the language of whoever looks at it, whatever the language of whoever acted.
Unknown codes (a newer app's) fall back to a generic sentence rather than to the raw code.
"""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

#: action code -> sentence. Placeholders: who, target, receipt, name and the entry's detail.
SENTENCES = {
    "lottery.draw": gettext_lazy(
        "%(who)s drew the lottery of %(name)s: %(accepted)s seats, %(waitlisted)s waitlisted"
    ),
    "registration.approve": gettext_lazy("%(who)s approved application %(receipt)s"),
    "registration.reject": gettext_lazy("%(who)s rejected application %(receipt)s"),
    "registration.cancel": gettext_lazy("%(who)s cancelled registration %(receipt)s"),
    "registration.check_in": gettext_lazy("%(who)s checked in %(receipt)s"),
    "registration.move": gettext_lazy("%(who)s moved %(old_receipt)s to another ticket type"),
    "registration.promote": gettext_lazy("%(count)s people moved up from the waitlist of %(name)s"),
    "ticket_type.capacity": gettext_lazy(
        "%(who)s changed the seats of %(name)s from %(old)s to %(new)s"
    ),
    "ticket_type.close_applications": gettext_lazy("%(who)s closed applications for %(name)s"),
    "ticket_type.reschedule_draw": gettext_lazy(
        "%(who)s moved the lottery of %(name)s to %(when)s"
    ),
    "event.copy": gettext_lazy("%(who)s created %(target)s as the next event"),
    "event.message": gettext_lazy("%(who)s sent “%(target)s” to %(recipients)s people"),
    "event.export_csv": gettext_lazy("%(who)s downloaded the registrations as CSV"),
    "event.announce": gettext_lazy("Members were told about %(target)s"),
    "material.submitted": gettext_lazy("%(who)s submitted the link “%(target)s”"),
    "material.approved": gettext_lazy("%(who)s approved the link “%(target)s”"),
    "material.rejected": gettext_lazy("%(who)s rejected the link “%(target)s”"),
    "report.create_draft": gettext_lazy("%(who)s started the report “%(target)s”"),
    "report.publish": gettext_lazy("%(who)s published the report “%(target)s”"),
    "report.unpublish": gettext_lazy("%(who)s unpublished the report “%(target)s”"),
    "report.refresh_figures": gettext_lazy("%(who)s refreshed the figures of “%(target)s”"),
}

#: The back office's generic add/change/delete entries ("tickettype.change").
VERBS = {
    "add": gettext_lazy("%(who)s added the %(model)s “%(target)s”"),
    "change": gettext_lazy("%(who)s changed the %(model)s “%(target)s”"),
    "delete": gettext_lazy("%(who)s deleted the %(model)s “%(target)s”"),
}

SYSTEM = pgettext_lazy("who did it", "The system")
ACTION_LABELS = {
    "lottery.draw": gettext_lazy("Lottery drawn"),
    "registration.approve": gettext_lazy("Application approved"),
    "registration.reject": gettext_lazy("Application rejected"),
    "registration.cancel": gettext_lazy("Registration cancelled by organisers"),
    "registration.check_in": gettext_lazy("Checked in"),
    "registration.move": gettext_lazy("Registration moved"),
    "registration.promote": gettext_lazy("Moved up from the waitlist"),
    "ticket_type.capacity": gettext_lazy("Seats changed"),
    "ticket_type.close_applications": gettext_lazy("Applications closed"),
    "ticket_type.reschedule_draw": gettext_lazy("Lottery rescheduled"),
    "event.copy": gettext_lazy("Next event created"),
    "event.message": gettext_lazy("Message sent"),
    "event.export_csv": gettext_lazy("CSV downloaded"),
    "event.announce": gettext_lazy("Event announced"),
    "report.publish": gettext_lazy("Report published"),
}


def _model_names() -> dict[str, str]:
    return {m._meta.model_name: m._meta.verbose_name for m in apps.get_models()}


def _after_dash(target: str) -> str:
    """A ticket type's str is "Event — Name": the sentence names the ticket type only."""
    return target.split(" — ", 1)[-1]


def action_label(action: str) -> str:
    """A short name of an action code, for the log's filter."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    model, _dot, verb = action.rpartition(".")
    if verb in VERBS:
        label = _model_names().get(model, model)
        return {"add": _("%(model)s added"), "change": _("%(model)s changed")}.get(
            verb, _("%(model)s deleted")
        ) % {"model": str(label).capitalize()}
    return action


def describe(entry) -> str:
    """The AuditLog row as a sentence in the active language."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    target = entry.target or ""
    values = {
        **{k: v for k, v in detail.items() if isinstance(v, (str, int, float))},
        "who": entry.actor.name if entry.actor_id and entry.actor else str(SYSTEM),
        "target": target,
        "name": detail.get("name") or _after_dash(target),
        "receipt": target.split(" ", 1)[0],
    }
    if entry.action == "lottery.draw":
        accepted = int(detail.get("accepted", 0))
        values["accepted"] = accepted
        values["waitlisted"] = int(detail.get("entries", accepted)) - accepted
    elif entry.action == "registration.promote":
        values["count"] = len(detail.get("receipts", []))
    values.setdefault("old_receipt", values["receipt"])
    values.setdefault("recipients", detail.get("recipients", 0))
    values.setdefault("old", "")
    values.setdefault("new", "")
    values.setdefault("when", "")
    sentence = SENTENCES.get(entry.action)
    if sentence is None:
        model, _dot, verb = entry.action.rpartition(".")
        if verb not in VERBS:
            return _("%(who)s: %(action)s %(target)s") % {**values, "action": entry.action}
        sentence = VERBS[verb]
        values["model"] = _model_names().get(model, model)
    try:
        return str(sentence) % values
    except (KeyError, TypeError, ValueError):
        return _("%(who)s: %(action)s %(target)s") % {**values, "action": entry.action}
