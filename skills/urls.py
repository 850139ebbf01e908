"""The skills app has no pages of its own: its content is shown with a person's progress
by tracking (the roadmaps index, a roadmap, a skill: tracking/urls.py)."""

app_name = "skills"

urlpatterns: list = []
