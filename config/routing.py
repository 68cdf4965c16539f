"""Websocket routes of every app, gathered in one place."""

from django.urls import path

from agreements.consumers import CeremonyChatConsumer
from exhibitors.consumers import BoothConsumer
from insights.consumers import DashboardConsumer
from meetings.consumers import NotificationConsumer
from meetings.group_chat import MeetingGroupChatConsumer
from meetings.room_consumer import RoomConsumer
from shows.consumers import ShowConsumer

websocket_urlpatterns: list = [
    path("ws/booths/<int:booth_id>/", BoothConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/meetings/<int:meeting_id>/room/", RoomConsumer.as_asgi()),
    path("ws/meetings/<int:meeting_id>/group/", MeetingGroupChatConsumer.as_asgi()),
    path("ws/agreements/<int:agreement_id>/ceremony/", CeremonyChatConsumer.as_asgi()),
    path("ws/fairs/<slug:slug>/dashboard/", DashboardConsumer.as_asgi()),
    path("ws/shows/<int:show_id>/", ShowConsumer.as_asgi()),
]
