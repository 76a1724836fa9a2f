"""Rate limits for unauthenticated entry points that cost a lot or guess passwords."""

from rest_framework.throttling import AnonRateThrottle


class SignupThrottle(AnonRateThrottle):
    scope = "signup"


class LoginThrottle(AnonRateThrottle):
    scope = "login"
