from django.conf import settings


def site(request):
    return {"SITE_NAME": "Tradefair", "UI_LANGUAGES": settings.LANGUAGES}
