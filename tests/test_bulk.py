import csv
import io

from fastapi.testclient import TestClient


def test_bulk_placements_csv_is_the_whole_dataset(client: TestClient) -> None:
    response = client.get("/v1/bulk/placements.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text == client.get("/v1/placements.csv").text


def test_bulk_placements_json_is_an_array_of_the_same_rows(client: TestClient) -> None:
    response = client.get("/v1/bulk/placements.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == client.get("/v1/placements").json()["data"]


def test_bulk_countries_and_reports_match_their_lists(client: TestClient) -> None:
    assert client.get("/v1/bulk/countries.csv").text == client.get("/v1/countries.csv").text
    assert client.get("/v1/bulk/reports.csv").text == client.get("/v1/reports.csv").text


def test_datapackage_describes_every_column_of_every_file(client: TestClient) -> None:
    response = client.get("/v1/bulk/datapackage.json")
    assert response.status_code == 200
    package = response.json()
    assert package["profile"] == "tabular-data-package"
    assert package["version"] == client.get("/v1/meta").json()["data_version"]
    for resource in package["resources"]:
        header = next(csv.reader(io.StringIO(client.get(f"/v1/bulk/{resource['path']}").text)))
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == header, resource["name"]
        assert all(f["description"] and f["type"] for f in fields), resource["name"]
        assert set(resource["schema"]["primaryKey"]) <= set(header)


def test_datapackage_types_and_enums(client: TestClient) -> None:
    resources = {r["name"]: r for r in client.get("/v1/bulk/datapackage.json").json()["resources"]}
    fields = {f["name"]: f for f in resources["placements"]["schema"]["fields"]}
    assert fields["year"]["type"] == "integer"
    assert fields["tier"]["constraints"]["enum"] == ["1", "2", "2WL", "3", "SC"]
    assert fields["note"]["type"] == "string"
    assert {fk["fields"] for fk in resources["placements"]["schema"]["foreignKeys"]} == {"iso3", "year"}
    report_fields = {f["name"]: f for f in resources["reports"]["schema"]["fields"]}
    assert report_fields["release_date"]["type"] == "date"
    assert report_fields["counts_tier_3"]["type"] == "integer"


def test_bulk_primary_keys_are_unique(real_client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(real_client.get("/v1/bulk/placements.csv").text)))
    assert len({(r["year"], r["iso3"]) for r in rows}) == len(rows) == real_client.get("/v1/meta").json()["placements"]
