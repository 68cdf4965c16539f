"""Websocket routes of every app, gathered in one place."""

from django.urls import path

from exhibitors.consumers import BoothConsumer

websocket_urlpatterns: list = [
    path("ws/booths/<int:booth_id>/", BoothConsumer.as_asgi()),
]
