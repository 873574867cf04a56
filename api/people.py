"""The API's groups (communities) and users: who is listed, and what is said of them."""

from urllib.parse import urlsplit

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.urls import reverse

from accounts.models import User
from events.models import Community, Event, Membership, Registration
from talks.models import Talk

from .queries import Urls, count_of, public_events, site_local


def public_groups() -> QuerySet:
    return (
        Community.objects.annotate(
            api_members=count_of(Membership.objects.filter(community=OuterRef("pk")))
        )
        .prefetch_related("organisers")
        .order_by("pk")
    )


def group_data(community, urls: Urls) -> dict:
    organisers = [user.name for user in community.organisers.all() if user.is_active]
    website = community.website_url
    return {
        "id": community.pk,
        "subdomain": community.slug,
        "title": community.name,
        "sub_title": community.catch,
        "url": urls.community(community),
        "description": community.description_html,
        "owner_text": ", ".join(organisers),
        "image_url": urls.image(community.logo),
        "website_url": website,
        "website_name": urlsplit(website).hostname or "" if website else "",
        "twitter_username": community.x_username,
        "facebook_url": None,  # not recorded here: unknown
        "member_users_count": community.api_members,
    }


def attended_events_of(user) -> QuerySet:
    return public_events().filter(
        Exists(
            Registration.objects.filter(
                event=OuterRef("pk"),
                user=user,
                status=Registration.Status.ACCEPTED,
                show_in_list=True,
            )
        )
    )


def presented_events_of(user) -> QuerySet:
    return public_events().filter(
        Exists(Talk.objects.filter(event=OuterRef("pk"), speakers__user=user))
    )


def public_users() -> QuerySet:
    public = Event.Status.PUBLISHED, Event.Status.CANCELLED
    attended = Registration.objects.filter(
        user=OuterRef("pk"),
        status=Registration.Status.ACCEPTED,
        show_in_list=True,
        event__status__in=public,
    )
    organised = Event.objects.filter(owner=OuterRef("pk"), status__in=public)
    presented = Event.objects.filter(
        status__in=public,
        pk__in=Talk.objects.filter(speakers__user=OuterRef(OuterRef("pk"))).values("event_id"),
    )
    return (
        User.objects.filter(is_active=True, profile_hidden=False)
        .annotate(
            api_attended=count_of(attended),
            api_organised=count_of(organised),
            api_presented=count_of(presented),
        )
        .order_by("pk")
    )


def user_data(user, urls: Urls) -> dict:
    return {
        "id": user.pk,
        "nickname": user.nickname,
        "display_name": user.name,
        "description": user.bio,
        "url": urls.absolute(reverse("user_profile", args=[user.nickname])),
        "image_url": urls.default_image,
        "created_at": site_local(user.date_joined),
        "attended_event_count": user.api_attended,
        "organize_event_count": user.api_organised,
        "presenter_event_count": user.api_presented,
        "bookmark_event_count": 0,
    }


def groups_of(user) -> QuerySet:
    return public_groups().filter(
        Q(pk__in=Membership.objects.filter(user=user).values("community_id"))
        | Q(pk__in=Community.organisers.through.objects.filter(user=user).values("community_id"))
    )
