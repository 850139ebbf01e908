from django.urls import path

from checkins import views

app_name = "checkins"

urlpatterns = [
    path("evidence/", views.evidence, name="evidence"),
    path("evidence/<int:pk>/delete/", views.delete_evidence, name="delete_evidence"),
    path("checkins/", views.checkin_list, name="list"),
    path("checkins/<int:pk>/", views.detail, name="detail"),
    path("checkins/<int:pk>/self/", views.save_self, name="save_self"),
    path("checkins/<int:pk>/reviewer/", views.choose_reviewer, name="reviewer"),
    path("checkins/<int:pk>/review/", views.review, name="review"),
    path("checkins/<int:pk>/close/", views.close, name="close"),
]
