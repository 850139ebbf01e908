"""factory_boy factories for the test suite."""

import datetime

import factory
from django.contrib.auth import get_user_model


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# Roadmaps, skills and career tracks (issue 3) ------------------------------------------


class RoadmapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.Roadmap"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"roadmap-{n}")
    title = factory.Sequence(lambda n: f"Roadmap {n}")
    summary = "A roadmap for tests."
    published = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.Section"

    roadmap = factory.SubFactory(RoadmapFactory)
    slug = factory.Sequence(lambda n: f"section-{n}")
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n + 1)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.Skill"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.Sequence(lambda n: f"Skill {n}")
    description = "What this skill is, in **Markdown**."


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.SkillPlacement"

    section = factory.SubFactory(SectionFactory)
    skill = factory.SubFactory(SkillFactory)
    kind = "core"
    position = factory.Sequence(lambda n: n + 1)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.Resource"

    skill = factory.SubFactory(SkillFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    url = factory.Sequence(lambda n: f"https://docs.example.com/{n}")
    kind = "docs"
    position = factory.Sequence(lambda n: n + 1)


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "careers.Track"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"track-{n}")
    name = factory.Sequence(lambda n: f"Track {n}")
    kind = "ic"


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "careers.Level"

    track = factory.SubFactory(TrackFactory)
    slug = factory.Sequence(lambda n: f"level-{n}")
    name = factory.Sequence(lambda n: f"Level {n}")
    rank = factory.Sequence(lambda n: n + 1)
    years_min = 0
    years_max = 2


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "careers.LevelRequirement"

    level = factory.SubFactory(LevelFactory)
    skill = factory.SubFactory(SkillFactory)
    proficiency = 2


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "careers.Theme"

    track = factory.SubFactory(TrackFactory)
    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")
    position = factory.Sequence(lambda n: n)


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "careers.Competency"

    level = factory.SubFactory(LevelFactory)
    theme = factory.SubFactory(ThemeFactory, track=factory.SelfAttribute("..level.track"))
    criterion = factory.Sequence(lambda n: f"Explains trade-off {n} to the team.")
    position = factory.Sequence(lambda n: n)


class RequirementGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "careers.RequirementGroup"
        skip_postgeneration_save = True  # the skills hook sets the M2M; nothing to save

    level = factory.SubFactory(LevelFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    at_least = 1
    proficiency = 3

    @factory.post_generation
    def skills(self, create: bool, extracted, **kwargs) -> None:
        if create:
            self.skills.set(extracted if extracted is not None else [SkillFactory()])


# Tracking (issue 4) -------------------------------------------------------------------


class ProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracking.SkillProgress"

    user = factory.SubFactory(UserFactory)
    skill = factory.SubFactory(SkillFactory)
    status = "done"
    proficiency = 2


class ProgressEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracking.ProgressEvent"

    user = factory.SubFactory(UserFactory)
    skill = factory.SubFactory(SkillFactory)
    from_status = "not_started"
    to_status = "learning"
    from_proficiency = 0
    to_proficiency = 1


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracking.CompetencyAssessment"

    user = factory.SubFactory(UserFactory)
    competency = factory.SubFactory(CompetencyFactory)
    rating = "met"


# Salaries and the API ------------------------------------------------------------------


class ContributionFactory(factory.django.DjangoModelFactory):
    """A person's private record of a moderated (so unlinked) salary submission."""

    class Meta:
        model = "salaries.Contribution"

    user = factory.SubFactory(UserFactory)
    year = factory.Sequence(lambda n: 2000 + n % 26)
    status = "approved"


class OwnPayFactory(factory.django.DjangoModelFactory):
    """A person's own pay, recorded privately (never in a statistic)."""

    class Meta:
        model = "salaries.OwnPay"

    user = factory.SubFactory(UserFactory)
    amount = factory.Sequence(lambda n: 50_000 + 1_000 * n)
    currency = "EUR"
    year = 2025


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "api.ApiToken"

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"script {n}")
    prefix = factory.Sequence(lambda n: f"cp_{n:05d}")
    key_hash = factory.Sequence(lambda n: f"{n:064x}")


class RoadmapUploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.RoadmapUpload"

    file_name = factory.Sequence(lambda n: f"roadmap-{n}.json")
    content = b'{"format": "careerpath.roadmap/1"}'
    size = 34


class ImportUploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "salaries.ImportUpload"

    file_name = factory.Sequence(lambda n: f"salaries-{n}.csv")
    content = b"role,level,country,currency,amount,year\n"
    size = 40


class ImportProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "salaries.ImportProgress"

    upload = factory.SubFactory(ImportUploadFactory)
    phase = "checking"
    done = 10
    total = 40


# Teams (issue 20) ------------------------------------------------------------------------


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.Team"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.Membership"

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.Invitation"

    team = factory.SubFactory(TeamFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = "member"
    token = factory.Sequence(lambda n: f"invitation-token-{n:08d}")


# Evidence and check-ins (issue 20) -------------------------------------------------------


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "checkins.Evidence"

    user = factory.SubFactory(UserFactory)
    kind = "win"
    text = factory.Sequence(lambda n: f"Shipped thing {n}")


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "checkins.CheckIn"

    person = factory.SubFactory(UserFactory)
    level = factory.SubFactory(LevelFactory)
    level_key = factory.LazyAttribute(lambda c: c.level.key)


# Planning (issue 19) ---------------------------------------------------------------------


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.Goal"

    user = factory.SubFactory(UserFactory)
    level = factory.SubFactory(LevelFactory)
    due = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=180))


class DigestSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.DigestSubscription"

    user = factory.SubFactory(UserFactory)
