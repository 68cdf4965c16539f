"""Pages and the calendar feed of the meetings app (the REST API is in meetings/api.py)."""

from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("<int:meeting_id>/", views.room, name="room"),
    path("<int:meeting_id>/group/", views.group_room, name="group_room"),
]
