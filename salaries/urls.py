from django.urls import path

from salaries import views

app_name = "salaries"

urlpatterns = [
    path("", views.index, name="index"),
    path("contribute/", views.contribute, name="contribute"),
    path("contribute/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("my-pay/", views.my_pay, name="my_pay"),
]
