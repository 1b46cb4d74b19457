from fastapi.testclient import TestClient

from api.v1.schemas import RegionCode


def test_regions_lists_the_six_bureaus(client: TestClient) -> None:
    response = client.get("/v1/regions")
    assert response.status_code == 200
    body = response.json()
    assert [(r["code"], r["label"]) for r in body["data"]] == [
        ("AF", "Africa"), ("EAP", "East Asia and Pacific"), ("EUR", "Europe and Eurasia"), ("NEA", "Near East"),
        ("SCA", "South and Central Asia"), ("WHA", "Western Hemisphere"),
    ]  # fmt: skip
    assert [r["code"] for r in body["data"]] == list(RegionCode)
    assert "United States" in body["data"][-1]["description"]
