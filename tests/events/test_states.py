import pytest
from django.utils import translation

from events import states


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"status": "pending", "is_lottery": True}, "pending_lottery"),
        ({"status": "pending"}, "pending_approval"),
        ({"status": "accepted"}, "accepted"),
        ({"status": "accepted", "checked_in": True, "event_ended": True}, "checked_in"),
        ({"status": "accepted", "event_ended": True}, "no_show"),
        ({"status": "waitlisted"}, "waitlisted"),
        ({"status": "accepted", "event_cancelled": True}, "event_cancelled"),
        ({"status": "cancelled", "cancel_reason": "self"}, "cancelled_self"),
        (
            {"status": "cancelled", "cancel_reason": "self", "event_cancelled": True},
            "cancelled_self",
        ),
        ({"status": "cancelled", "cancel_reason": "organiser"}, "cancelled_organiser"),
        ({"status": "cancelled", "cancel_reason": "moved"}, "moved"),
        ({"status": "cancelled", "cancel_reason": "expired"}, "expired"),
        ({"status": "cancelled"}, "cancelled"),
        ({"status": "rejected"}, "rejected"),
    ],
)
def test_state_key_per_situation(values, key):
    assert states.state_key(**values) == key


@pytest.mark.parametrize(
    ("key", "organiser", "english", "japanese"),
    [
        ("cancelled_self", False, "Cancelled by you", "キャンセル済み（自分で取り消し）"),
        ("cancelled_self", True, "Cancelled by the attendee", "参加者がキャンセル"),
        ("cancelled_organiser", False, "Cancelled by the organisers", "主催者によりキャンセル"),
        ("event_cancelled", False, "Event cancelled", "イベント中止"),
        ("expired", False, "Expired (not reconfirmed)", "期限切れ（参加確認なし）"),
        ("no_show", True, "No-show", "無断欠席"),
        ("cancelled", False, "Cancelled", "キャンセル済み"),
    ],
)
def test_label_in_both_languages(key, organiser, english, japanese):
    with translation.override("en"):
        assert states.label(key, organiser=organiser) == english
    with translation.override("ja"):
        assert states.label(key, organiser=organiser) == japanese


def test_only_the_event_is_ever_called_off_in_japanese():
    with translation.override("ja"):
        names = [states.label(k, organiser=o) for k in states.KEYS for o in (False, True)]
    assert [n for n in names if "中止" in n] == ["イベント中止", "イベント中止"]
