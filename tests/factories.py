"""factory_boy factories for the test suite."""

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


# Content (roadmaps, skills, tracks, levels) and tracking, for the accounts/tracking tests.


class RoadmapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.Roadmap"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"roadmap-{n}")
    title = factory.LazyAttribute(lambda r: r.slug.replace("-", " ").title())
    published = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.Section"

    roadmap = factory.SubFactory(RoadmapFactory)
    slug = factory.Sequence(lambda n: f"section-{n}")
    title = factory.LazyAttribute(lambda s: s.slug.replace("-", " ").title())
    position = factory.Sequence(lambda n: n)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.Skill"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.LazyAttribute(lambda s: s.slug.replace("-", " ").title())


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "skills.SkillPlacement"

    section = factory.SubFactory(SectionFactory)
    skill = factory.SubFactory(SkillFactory)
    position = factory.Sequence(lambda n: n)


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "careers.Track"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"track-{n}")
    name = factory.LazyAttribute(lambda t: t.slug.replace("-", " ").title())


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "careers.Level"

    track = factory.SubFactory(TrackFactory)
    slug = factory.Sequence(lambda n: f"level-{n}")
    name = factory.LazyAttribute(lambda lv: lv.slug.replace("-", " ").title())
    rank = factory.Sequence(lambda n: n + 1)


class ProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracking.SkillProgress"

    user = factory.SubFactory(UserFactory)
    skill = factory.SubFactory(SkillFactory)
    status = "done"
    proficiency = 2
