"""The address of the person at the other end, through the proxies the deployment trusts."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from ipware import get_client_ip
from rest_framework.throttling import ScopedRateThrottle


def client_address(request) -> str:
    """The client's address for rate limits ("unknown" when the server gave none)."""
    return client_ip(request) or "unknown"


def client_ip(request) -> str | None:
    """The client's address for rate limits and the login lockout (AXES_CLIENT_IP_CALLABLE).

    Without TRUSTED_PROXIES, REMOTE_ADDR and nothing else: any header could be forged by the
    caller. With them (one entry per hop, outermost first; CIDRs allowed), the chain is
    X-Forwarded-For followed by REMOTE_ADDR, and django-ipware takes the address just before
    the trusted hops, only if those hops are the trusted proxies. A request that did not come
    through them (or whose chain does not end with them) is keyed on REMOTE_ADDR, so a forged
    header moves nobody to another counter."""
    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded or remote is None:
        return remote
    chain = SimpleNamespace(META={"HTTP_X_FORWARDED_FOR": f"{forwarded}, {remote}"})
    address, _routable = get_client_ip(
        chain, proxy_trusted_ips=proxies, request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False
    )
    return address or remote


class ClientScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, keyed on `client_address` instead of DRF's own reading of
    X-Forwarded-For."""

    def get_ident(self, request):
        return client_address(request)
