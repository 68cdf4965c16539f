from django.urls import path

from frontend import views

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("fairs/", views.fair_list, name="fair_list"),
    path("fairs/<slug:fair_slug>/", views.fair_home, name="fair_home"),
    path("fairs/<slug:fair_slug>/halls/", views.hall_list, name="hall_list"),
    path("fairs/<slug:fair_slug>/halls/<slug:hall_slug>/", views.hall_detail, name="hall_detail"),
    path("fairs/<slug:fair_slug>/booths/<int:booth_id>/", views.booth_detail, name="booth_detail"),
]
