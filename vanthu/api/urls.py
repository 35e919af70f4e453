"""The REST API, mounted at /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(title="VanThu API", version="1", urls_namespace="api")


@api.get("/ping", tags=["system"])
def ping(request):
    return {"status": "ok"}
