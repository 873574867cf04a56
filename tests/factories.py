import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from events.models import Answer, Community, Event, Question, Registration, TicketType
from reports.models import Report
from talks.models import Material, Speaker, Talk, TalkSpeaker

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    nickname = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Verified by default: applying needs a verified e-mail. Pass verified=False to skip."""
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"community-{n}")
    name = factory.Sequence(lambda n: f"Community {n}")
    description = "A community of people who build things."

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisers.add(*extracted)


def _in_days(days: float, hour: int = 19) -> dt.datetime:
    base = timezone.now() + dt.timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    community = factory.SubFactory(CommunityFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"{o.community.name} #{o.number}")
    catch = "Talks and people"
    description = "We meet, we talk, we learn."
    starts_at = factory.LazyFunction(lambda: _in_days(14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    venue_name = "Example Hall"
    address = "Tokyo, Shibuya 1-1-1"
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    event = factory.SubFactory(EventFactory)
    name = "General"
    capacity = 10
    allocation = TicketType.Allocation.FIRST_COME
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyAttribute(lambda o: o.event.starts_at - dt.timedelta(days=1))
    lottery_at = factory.LazyAttribute(
        lambda o: o.closes_at if o.allocation == TicketType.Allocation.LOTTERY else None
    )

    class Params:
        lottery = factory.Trait(allocation=TicketType.Allocation.LOTTERY, name="General (lottery)")
        approval = factory.Trait(allocation=TicketType.Allocation.APPROVAL, name="Speakers")


class RegistrationFactory(factory.django.DjangoModelFactory):
    """Writes rows directly: for arranging tests only. Code under test uses events.registration.allocation."""

    class Meta:
        model = Registration

    user = factory.SubFactory(UserFactory)
    ticket_type = factory.SubFactory(TicketTypeFactory)
    event = factory.LazyAttribute(lambda o: o.ticket_type.event)
    status = Registration.Status.ACCEPTED


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory)
    position = factory.Sequence(lambda n: n)
    kind = Question.Kind.SHORT_TEXT
    text_ja = "Dockerの経験は？"
    text_en = "Your Docker experience?"


class AnswerFactory(factory.django.DjangoModelFactory):
    """Writes rows directly: for arranging tests only (the workflow is events.registration.answers)."""

    class Meta:
        model = Answer

    registration = factory.SubFactory(RegistrationFactory)
    user = factory.LazyAttribute(lambda o: o.registration.user)
    question = factory.SubFactory(
        QuestionFactory, event=factory.SelfAttribute("..registration.event")
    )
    value = "Two years"
    question_text = factory.LazyAttribute(lambda o: o.question.text_en)
    kind = factory.LazyAttribute(lambda o: o.question.kind)
    options_text = factory.LazyAttribute(lambda o: o.question.choices)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Faker("name")
    affiliation = factory.Faker("company")


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Talk {n}")
    kind = Talk.Kind.SESSION
    position = factory.Sequence(lambda n: n)
    slides_url = factory.Sequence(lambda n: f"https://speakerdeck.com/someone/talk-{n}")

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create and extracted:
            for position, speaker in enumerate(extracted):
                TalkSpeaker.objects.create(talk=self, speaker=speaker, position=position)


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    event = factory.SubFactory(EventFactory)
    kind = Material.Kind.BLOG
    url = factory.Sequence(lambda n: f"https://blog.example.com/posts/{n}")
    title = factory.Sequence(lambda n: f"My report {n}")
    approved = True


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    event = factory.SubFactory(EventFactory)
    title = factory.LazyAttribute(lambda o: f"Report: {o.event.title}")
    lead = "What happened."
    body = "It was great."
    status = Report.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
