from tests.web.conftest import login


def test_dump(team, book):
    client = login(team.owner)
    for name, url in [("account", f"/accounts/{book.mine.pk}/"), ("ticket", f"/tickets/{book.ticket.pk}/"),
                      ("queue", "/tickets/"), ("tasks", "/tasks/"), ("lead", f"/leads/{book.lead.pk}/"),
                      ("leads", "/leads/"), ("campaigns", "/campaigns/"), ("campaign", f"/campaigns/{book.campaign.pk}/"),
                      ("convert", f"/leads/{book.lead.pk}/convert/"), ("ticketnew", "/tickets/new/")]:
        open(f"/tmp/web_{name}.html", "w").write(client.get(url).content.decode())
