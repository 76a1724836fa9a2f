"""Logins, logouts and the changes to a workspace's logins land in its audit log, with IP and browser."""

from django.test import Client
from django_tenants.utils import schema_context

from core.users import services as user_services
from core.users.models import User
from tests.factories import PASSWORD, WORKSPACES, make_user, owner_of

from .conftest import api_as, entries

OWNER = WORKSPACES["alpha"].owner_email
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def _browser():
    return Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="203.0.113.20", HTTP_USER_AGENT=BROWSER)


def test_login_success_is_recorded_with_ip_and_user_agent(alpha):
    owner = owner_of(alpha)
    response = _browser().post("/login/", {"email": OWNER, "password": PASSWORD})
    assert response.status_code == 302
    [entry] = entries(alpha, action="login_succeeded")
    assert (entry.actor_id, entry.actor_label, entry.entity, entry.record_id) == (owner.pk, OWNER, "user", owner.pk)
    assert (entry.ip, entry.user_agent) == ("203.0.113.20", BROWSER)
    assert len(entry.request_id) == 32


def test_login_failure_is_recorded_with_the_typed_email_and_no_actor(alpha):
    owner = owner_of(alpha)
    browser = _browser()
    assert browser.post("/login/", {"email": OWNER.upper(), "password": "wrong"}).status_code == 400
    assert browser.post("/login/", {"email": "nobody@alpha.test", "password": "wrong"}).status_code == 400
    failed = [(e.actor_id, e.actor_label, e.record_id, e.ip, e.user_agent)
              for e in entries(alpha, action="login_failed")]
    assert failed == [(None, OWNER, owner.pk, "203.0.113.20", BROWSER),
                      (None, "nobody@alpha.test", None, "203.0.113.20", BROWSER)]
    assert entries(alpha, action="login_succeeded") == []


def test_logout_is_recorded(alpha):
    browser = _browser()
    browser.post("/login/", {"email": OWNER, "password": PASSWORD})
    browser.post("/logout/")
    assert [e.actor_label for e in entries(alpha, action="logout")] == [OWNER]


def test_failed_api_token_exchange_is_a_failed_login(api_alpha, alpha):
    response = api_alpha.post("/api/v1/auth/token", {"email": OWNER, "password": "wrong"}, format="json",
                              REMOTE_ADDR="198.51.100.3")
    assert response.status_code == 400
    assert [(e.actor_label, e.ip) for e in entries(alpha, action="login_failed")] == [(OWNER, "198.51.100.3")]


def test_role_change_through_the_api_is_recorded_with_old_and_new(alpha):
    member = make_user(alpha, role="member", email="promoted@alpha.test")
    owner = owner_of(alpha)
    response = api_as(alpha, OWNER).patch(f"/api/v1/users/{member.pk}", {"role": "manager"}, format="json",
                                          REMOTE_ADDR="192.0.2.44", HTTP_USER_AGENT="crm-script/2")
    assert response.status_code == 200
    [entry] = entries(alpha, action="role_changed")
    assert (entry.actor_id, entry.entity, entry.record_id, entry.fields, entry.changes) == (
        owner.pk, "user", member.pk, ["role"], {"role": ["member", "manager"]})
    assert (entry.ip, entry.user_agent, entry.record_label) == ("192.0.2.44", "crm-script/2",
                                                                "Test User <promoted@alpha.test>")


def test_refused_role_change_writes_nothing(alpha):
    make_user(alpha, role="admin", email="admin@alpha.test")
    owner = owner_of(alpha)
    response = api_as(alpha, "admin@alpha.test").patch(f"/api/v1/users/{owner.pk}", {"role": "member"},
                                                        format="json")
    assert response.status_code == 403
    assert entries(alpha, action="role_changed") == []


def test_user_lifecycle_invitation_and_tokens_are_recorded(alpha):
    owner = owner_of(alpha)
    with schema_context(alpha.schema_name):
        user = user_services.user_create(actor=owner, email="new@alpha.test", name="New", role="support",
                                         password=PASSWORD)
        user_services.user_change_role(actor=owner, user=user, role="support")  # no change: no entry
        user_services.user_deactivate(actor=owner, user=user)
        user_services.user_reactivate(actor=owner, user=User.objects.get(pk=user.pk))
        invitation = user_services.invitation_create(actor=owner, email="invitee@alpha.test", role="viewer",
                                                     base_url="http://alpha.localhost/").invitation
        token = user_services.api_token_create(user=user, name="Sync").token
        user_services.api_token_revoke(user=user, token=token)
        user_services.api_token_revoke(user=user, token=token)  # already revoked: no second entry
    got = [(e.action, e.actor_label, e.entity, e.record_id, e.changes)
           for e in entries(alpha, record_id__in=[user.pk, invitation.pk, token.pk],
                            entity__in=["user", "invitation", "api_token"])]
    assert got == [
        ("user_created", OWNER, "user", user.pk, {"email": [None, "new@alpha.test"], "role": [None, "support"]}),
        ("user_deactivated", OWNER, "user", user.pk, {"is_active": [True, False]}),
        ("user_reactivated", OWNER, "user", user.pk, {"is_active": [False, True]}),
        ("invitation_sent", OWNER, "invitation", invitation.pk,
         {"email": [None, "invitee@alpha.test"], "role": [None, "viewer"]}),
        ("token_created", "new@alpha.test", "api_token", token.pk, {}),
        ("token_revoked", "new@alpha.test", "api_token", token.pk, {}),
    ]


def test_staff_login_on_the_public_site_writes_no_audit_entry_and_works(db, alpha):
    from django.core.management import call_command

    call_command("createstaff", email="ops@guanxi.test", password="Ops-console-2026", verbosity=0)
    before = len(entries(alpha))
    public = Client(HTTP_HOST="localhost")
    response = public.post("/ops/login/", {"email": "ops@guanxi.test", "password": "Ops-console-2026"})
    assert response.status_code == 302
    public.post("/ops/logout/")
    assert Client(HTTP_HOST="localhost").post("/ops/login/", {"email": "ops@guanxi.test",
                                                              "password": "wrong"}).status_code == 400
    assert len(entries(alpha)) == before
