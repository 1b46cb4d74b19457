import io

import pandas as pd
import pytest
from fastapi.testclient import TestClient

CSV = "text/csv; charset=utf-8"
HEADER = (
    "year,iso3,iso2,country,name_in_report,region,tier,tier_label,basis,source_url,note,source_class,report_url,"
    "report_url_scope"
)


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/v1/placements.csv?year=2010", {}),
        ("/v1/placements?year=2010&format=csv", {}),
        ("/v1/placements?year=2010", {"Accept": "text/csv"}),
    ],
)
def test_placements_csv_chosen_by_path_parameter_or_accept(client: TestClient, url: str, headers: dict) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == CSV
    assert response.text.splitlines() == [
        HEADER,
        "2010,KAZ,KZ,Kazakhstan,Kazakhstan,SCA,2,Tier 2,secondary,https://example.org/dataset,,3,"
        "https://example.org/2010/,edition",
        "2010,THA,TH,Thailand,Thailand,EAP,3,Tier 3,report,https://example.org/2010/tha,automatic downgrade,1,"
        "https://example.org/2010/,edition",
        "2010,USA,US,United States,United States of America,WHA,1,Tier 1,report,https://example.org/2010/usa,,1,"
        "https://example.org/2010/,edition",
    ]


def test_placements_json_still_the_default_for_browsers(client: TestClient) -> None:
    response = client.get("/v1/placements?year=2010", headers={"Accept": "text/html,application/json;q=0.9,*/*"})
    assert response.headers["content-type"] == "application/json"


def test_placements_csv_is_not_paged(client: TestClient) -> None:
    body = client.get("/v1/placements.csv").text
    assert len(body.splitlines()) == 1 + 11
    assert "link" not in client.get("/v1/placements.csv").headers


def test_placements_csv_honours_an_explicit_limit(client: TestClient) -> None:
    assert len(client.get("/v1/placements.csv?limit=2&offset=1").text.splitlines()) == 1 + 2


def test_placements_csv_with_no_match_is_just_the_header(client: TestClient) -> None:
    response = client.get("/v1/placements.csv?year=2001")
    assert response.status_code == 200
    assert response.text.splitlines() == [HEADER]


def test_csv_path_contradicted_by_format_is_a_422(client: TestClient) -> None:
    response = client.get("/v1/placements.csv?format=json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"parameter": "format", "message": "'json' contradicts the .csv path; drop one of them"}
    ]


def test_unknown_format_is_a_422_naming_it(client: TestClient) -> None:
    response = client.get("/v1/placements?format=parquet")
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "format"


@pytest.mark.parametrize("path", ["/v1/countries", "/v1/reports", "/v1/tiers", "/v1/regions"])
def test_every_list_answers_csv_the_same_rows_as_json(client: TestClient, path: str) -> None:
    data = client.get(path).json()["data"]
    for url in (f"{path}.csv", f"{path}?format=csv"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["content-type"] == CSV
        frame = pd.read_csv(io.StringIO(response.text), dtype=str, keep_default_na=False)
        assert len(frame) == len(data)
        assert str(frame.iloc[0, 0]) == str(next(iter(data[0].values())))


def test_reports_csv_flattens_nested_counts(client: TestClient) -> None:
    frame = pd.read_csv(io.StringIO(client.get("/v1/reports.csv").text))
    assert {"counts_tier_1", "counts_special_case", "published_countries_covered"} <= set(frame.columns)
    assert frame.set_index("year").loc[2010, "counts_tier_3"] == 1


def test_countries_csv_joins_aliases(client: TestClient) -> None:
    frame = pd.read_csv(io.StringIO(client.get("/v1/countries.csv").text), keep_default_na=False).set_index("iso3")
    assert frame.loc["CIV", "aliases"] == "; ".join(client.get("/v1/countries/CIV").json()["aliases"])


def test_placements_csv_round_trips_through_pandas_to_the_json_values(real_client: TestClient) -> None:
    """What a journalist's `pd.read_csv(url)` gets must be exactly what the JSON says, row for row."""
    json_rows = real_client.get("/v1/placements?year_from=2016&year_to=2019&limit=5000").json()["data"]
    text = real_client.get("/v1/placements.csv?year_from=2016&year_to=2019").text
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    as_json = [{k: "" if v is None else str(v) for k, v in row.items()} for row in json_rows]
    assert frame.to_dict(orient="records") == as_json
    typed = pd.read_csv(io.StringIO(text))
    assert typed["year"].tolist() == [row["year"] for row in json_rows]
    assert [None if pd.isna(v) else v for v in typed["note"]] == [row["note"] for row in json_rows]


def test_placements_wide_has_a_column_per_year_and_flags_gaps(client: TestClient) -> None:
    response = client.get("/v1/placements.csv?layout=wide")
    assert response.status_code == 200
    assert response.text.splitlines() == [
        "iso3,iso2,country,2005,2006,2010",
        "CIV,CI,Côte d'Ivoire,2,SC,gap",
        "KAZ,KZ,Kazakhstan,2WL,2,2",
        "SCG,CS,Serbia and Montenegro,2,2,",
        "THA,TH,Thailand,2,2WL,3",
        "USA,US,United States,,,1",
    ]


def test_placements_wide_follows_the_filters(client: TestClient) -> None:
    response = client.get("/v1/placements.csv?layout=wide&year_from=2006&tier=2")
    assert response.text.splitlines() == [
        "iso3,iso2,country,2006,2010",
        "KAZ,KZ,Kazakhstan,2,2",
        "SCG,CS,Serbia and Montenegro,2,",
    ]


def test_placements_wide_reads_into_pandas_with_year_columns(real_client: TestClient) -> None:
    frame = pd.read_csv(io.StringIO(real_client.get("/v1/placements.csv?layout=wide").text), dtype=str)
    assert list(frame.columns[3:]) == [str(y) for y in range(2001, 2026)]
    assert frame["iso3"].is_unique
    assert frame.set_index("iso3").loc["NAM", "2019"] == "gap"


@pytest.mark.parametrize(
    ("url", "parameter"),
    [("/v1/placements?layout=wide", "layout"), ("/v1/placements.csv?layout=wide&limit=5", "limit")],
)
def test_placements_wide_refusals_name_the_parameter(client: TestClient, url: str, parameter: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == parameter


def test_xlsx_keeps_codes_as_text_freezes_the_header_and_says_what_it_is(real_client: TestClient) -> None:
    import openpyxl

    response = real_client.get("/v1/placements.xlsx?country=Namibia")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="placements.xlsx"' in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, about = book["Data"], book["About"]
    assert data.freeze_panes == "A2"
    header = [cell.value for cell in data[1]]
    assert header == HEADER.split(",")
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in data.iter_rows(min_row=2)]
    assert len(rows) == real_client.get("/v1/placements?country=NAM").json()["meta"]["total"] > 15
    assert {row["iso2"] for row in rows} == {"NA"}, "Namibia's code, not an empty cell"
    assert all(isinstance(row["tier"], str) and isinstance(row["year"], int) for row in rows)
    facts = {row[0].value: row[1].value for row in about.iter_rows() if row[0].value}
    version = real_client.get("/v1/meta").json()["data_version"]
    assert facts["Data version"] == version
    assert "public domain" in facts["Licence"] and version in facts["How to cite"]
    assert facts["This file"] == "http://testserver/v1/placements.xlsx?country=Namibia"
    assert facts["iso2"] and facts["tier"], "every column is described"


def test_pandas_reads_the_xlsx_as_the_readme_says(real_client: TestClient) -> None:
    frame = pd.read_excel(io.BytesIO(real_client.get("/v1/placements.xlsx?year=2025&tier=3").content), dtype=str)
    assert len(frame) == 20 and set(frame.tier) == {"3"}
    assert "Laos" in set(frame.country) or "LAO" in set(frame.iso3)
