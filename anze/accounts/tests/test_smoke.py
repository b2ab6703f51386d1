from anze.core.sides import Side


def test_it_shows_the_user_list_to_the_admin(insurer):
    response = insurer.client(insurer.admin).get("/insurer/system/users/")
    assert response.status_code == 200
    assert insurer.admin.username in response.content.decode()
    assert Side.INSURER == insurer.org.kind
