import pytest


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_headless_chromium_opens_a_page_served_by_the_live_server(live_server, page):
    response = page.goto(live_server.url + "/admin/login/")
    assert response.status == 200
    assert page.locator("input[name=username]").is_visible()
