"""Websocket routes of every app, gathered in one place."""

from django.urls import path

from exhibitors.consumers import BoothConsumer
from meetings.consumers import NotificationConsumer

websocket_urlpatterns: list = [
    path("ws/booths/<int:booth_id>/", BoothConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
