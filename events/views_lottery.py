"""The lottery's public record: the audit page, its JSON (DESIGN.md), and reconfirmation.

The published entries are the record of the draw: `draw_rank`, `lottery_weight` and the type's
`seats_at_draw`, so later cancellations and move-ups never change them. The seed appears only
through `TicketType.revealed_seed_hex`, which is None until the draw.
"""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.siteurl import site_url
from events import queries
from events.models import Event, Registration, TicketType
from events.registration import lottery, verify_script

PER_PAGE = 50


def _event(event_id) -> Event:
    return get_object_or_404(Event.objects.published(), pk=event_id)


def _lottery_types(event) -> list[TicketType]:
    return list(
        TicketType.objects.filter(event=event, allocation=TicketType.Allocation.LOTTERY).order_by(
            "position", "pk"
        )
    )


def _iso(event, moment):
    return timezone.localtime(moment, event.tzinfo).isoformat() if moment else None


def _outcome(rank: int, seats: int) -> str:
    return lottery.ACCEPTED if rank <= seats else lottery.WAITLISTED


def lottery_document(event) -> dict:
    """`{"event", "ticket_types": [...]}` exactly as DESIGN.md publishes it."""
    types = _lottery_types(event)
    entries = defaultdict(list)
    drawn = [tt.pk for tt in types if tt.is_drawn]
    seats = {tt.pk: tt.seats_at_draw or 0 for tt in types}
    if drawn:
        rows = (
            Registration.objects.filter(ticket_type_id__in=drawn, draw_rank__isnull=False)
            .order_by("ticket_type_id", "draw_rank")
            .values_list("ticket_type_id", "receipt", "lottery_weight", "draw_rank")
        )
        for tt_id, receipt, weight, rank in rows:
            entries[tt_id].append(
                {
                    "receipt": receipt,
                    "weight": weight,
                    "rank": rank,
                    "outcome": _outcome(rank, seats[tt_id]),
                }
            )
    return {
        "event": event.pk,
        "ticket_types": [
            {
                "ticket_type": tt.pk,
                "name": tt.name,
                "capacity": tt.capacity,
                "seats": tt.seats_at_draw if tt.is_drawn else None,
                "algorithm": lottery.ALGORITHM,
                "commitment": tt.commitment,
                "committed_at": _iso(event, tt.committed_at),
                "entries_digest": tt.entries_digest if tt.is_drawn else None,
                "drawn_at": _iso(event, tt.drawn_at),
                "seed": tt.revealed_seed_hex,
                "entries": entries[tt.pk] if tt.is_drawn else [],
            }
            for tt in types
        ],
    }


@require_GET
def lottery_json(request, event_id):
    response = JsonResponse(lottery_document(_event(event_id)), json_dumps_params={"indent": 1})
    # Public data: let anyone's verifier (even in a browser) fetch it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def lottery_page(request, event_id):
    event = _event(event_id)
    types = _lottery_types(event)
    counts = {
        row["ticket_type"]: row
        for row in Registration.objects.filter(ticket_type__in=[tt.pk for tt in types])
        .values("ticket_type")
        .annotate(
            drawn=Count("pk", filter=Q(draw_rank__isnull=False)),
            pending=Count("pk", filter=Q(status=Registration.Status.PENDING)),
        )
        .order_by()
    }
    queries.attach_figures(types, event)
    for tt in types:
        row = counts.get(tt.pk, {})
        tt.entry_count = row.get("drawn", 0) if tt.is_drawn else row.get("pending", 0)

    selected = _selected(types, request.GET.get("type"))
    receipt = request.GET.get("receipt", "").strip().upper()[:20]
    found, page_obj = None, None
    if selected is not None and selected.is_drawn:
        table = (
            Registration.objects.filter(ticket_type=selected, draw_rank__isnull=False)
            .order_by("draw_rank")
            .values_list("receipt", "lottery_weight", "draw_rank")
        )
        paginator = Paginator(table, PER_PAGE)
        number = request.GET.get("page")
        if receipt:
            found = table.filter(receipt=receipt).first()
            if found and not number:
                number = (found[2] - 1) // PER_PAGE + 1
        page_obj = paginator.get_page(number)
        page_obj.rows = [
            {
                "receipt": r,
                "weight": w,
                "rank": rank,
                "outcome": _outcome(rank, selected.seats_at_draw or 0),
            }
            for r, w, rank in page_obj.object_list
        ]
    json_url = site_url(reverse("events:lottery_json", args=[event.pk]), request)
    return render(
        request,
        "events/lottery.html",
        {
            "event": event,
            "ticket_types": types,
            "selected": selected,
            "page_obj": page_obj,
            "receipt": receipt,
            "found": found,
            "json_url": json_url,
            "script": verify_script.render(json_url),
        },
    )


def _selected(types, wanted):
    for tt in types:
        if str(tt.pk) == wanted:
            return tt
    drawn = [tt for tt in types if tt.is_drawn]
    return (drawn or types or [None])[0]
