"""Every new page renders for the workspace owner, in the workspace's language (zh-hans) and in English,
and the nav links to them."""

from __future__ import annotations

from django_tenants.utils import schema_context

from core.users.services import user_update_profile
from tests.web.conftest import login


def _pages(book) -> list[str]:
    return [
        "/tickets/", "/tickets/?status=resolved", "/tickets/?mine=true&priority=normal", "/tickets/new/",
        f"/tickets/new/?account={book.mine.pk}", f"/tickets/{book.ticket.pk}/", f"/tickets/{book.ticket.pk}/edit/",
        "/tasks/", "/tasks/overdue/", "/tasks/new/", f"/tasks/new/?account={book.mine.pk}",
        f"/tasks/{book.task.pk}/edit/", f"/tasks/{book.task.pk}/delete/",
        f"/activities/new/?account={book.mine.pk}", f"/activities/{book.activity.pk}/edit/",
        f"/activities/{book.activity.pk}/delete/",
        "/leads/", "/leads/?q=李雷&status=new", "/leads/new/", f"/leads/{book.lead.pk}/",
        f"/leads/{book.lead.pk}/edit/", f"/leads/{book.lead.pk}/convert/", f"/leads/{book.lead.pk}/delete/",
        "/campaigns/", "/campaigns/?q=春季&status=planned", f"/campaigns/{book.campaign.pk}/",
        f"/accounts/{book.mine.pk}/",
    ]


def test_every_page_renders_for_the_owner_in_chinese(team, book):
    client = login(team.owner)
    for url in _pages(book):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="zh-hans">' in response.content.decode(), url


def test_every_page_renders_in_english_for_an_english_user(team, book, alpha):
    with schema_context(alpha.schema_name):
        user_update_profile(user=team.owner, language="en")
    client = login(team.owner)
    for url in _pages(book):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode(), url


def test_nav_links_to_the_new_pages_for_every_role(team):
    for user in (team.owner, team.member, team.support, team.finance, team.viewer):
        html = login(user).get("/home/").content.decode()
        for testid, url in [("nav-leads", "/leads/"), ("nav-tickets", "/tickets/"), ("nav-tasks", "/tasks/"),
                            ("nav-campaigns", "/campaigns/")]:
            assert f'href="{url}" data-testid="{testid}"' in html, (user.role, url)


def test_pages_show_what_the_selectors_allow(team, book):
    # support sees every ticket (the desk) but no leads and no campaigns; finance sees no tickets
    support = login(team.support)
    assert {t.pk for t in support.get("/tickets/").context["rows"]} == {book.ticket.pk, book.their_ticket.pk}
    assert support.get("/leads/").context["rows"] == []
    assert list(support.get("/campaigns/").context["page"]) == []
    assert support.get(f"/campaigns/{book.campaign.pk}/").status_code == 404
    finance = login(team.finance)
    assert list(finance.get("/tickets/").context["rows"]) == []
    assert finance.get(f"/tickets/{book.ticket.pk}/").status_code == 404
    # a member sees their own
    member = login(team.member)
    assert [t.pk for t in member.get("/tickets/").context["rows"]] == [book.ticket.pk]
    assert [lead.pk for lead, _out in member.get("/leads/").context["rows"]] == [book.lead.pk]
