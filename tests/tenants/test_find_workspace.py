"""“Find my workspace”: the addresses are emailed; the page never reveals whether any exist."""

import re

from django.core import mail

from tests.factories import make_user


def test_known_email_receives_its_workspaces_and_page_says_the_same_either_way(public_client, alpha, beta):
    make_user(beta, email="both@corp.test", role="member")
    make_user(alpha, email="both@corp.test", role="member")
    mail.outbox.clear()
    known = public_client.post("/find-workspace/", {"email": "Both@Corp.test"}, HTTP_ACCEPT_LANGUAGE="en")
    unknown = public_client.post("/find-workspace/", {"email": "nobody@corp.test"}, HTTP_ACCEPT_LANGUAGE="en")
    assert known.status_code == unknown.status_code == 200
    def page(response, email):
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", response.content.decode().replace(email, ""))

    assert page(known, "Both@Corp.test") == page(unknown, "nobody@corp.test")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["both@corp.test"]
    assert "http://alpha.localhost/" in message.body
    assert "http://beta.localhost/" in message.body
