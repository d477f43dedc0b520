from django.urls import path

from beredd.preparedness import views

app_name = "preparedness"

urlpatterns = [
    path("", views.index, name="index"),
]
