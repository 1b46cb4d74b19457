"""The pages people read, rendered on the real data: structure, head, links that resolve, the same rules as /v1."""

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

# What a browser sends.
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES = ["/", "/countries", "/countries?region=EAP&tier=3", "/countries/THA", "/countries/CIV", "/reports/2025",
         "/reports/2003?sort=tier"]  # fmt: skip


class Page(HTMLParser):
    """What a test needs of a page: its head's tags, its links and images, its headings and tables."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.title = ""
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def meta(self, **attrs: str) -> str:
        (found,) = self.all("meta", **attrs)
        return found["content"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_a_real_head_and_links_that_resolve(real_client: TestClient, url: str) -> None:
    response = real_client.get(url, headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "etag" in response.headers and "script-src" not in response.headers["content-security-policy"]
    page = Page(response.text)
    assert page.title.endswith("· TIP Tiers") and len(page.title) > 15
    assert len(page.meta(name="description")) > 40
    assert page.meta(property="og:title") and page.meta(property="og:description")
    (canonical,) = page.all("link", rel="canonical")
    assert canonical["href"] == "http://testserver" + url.split("?")[0]
    (alternate,) = page.all("link", rel="alternate", type="application/json")
    assert real_client.get(alternate["href"]).headers["content-type"] == "application/json"
    assert page.all("meta", name="viewport") and page.all("link", rel="stylesheet")
    assert page.all("html", lang="en") and len(page.all("h1")) == 1
    assert not page.all("script"), "readable with JavaScript off, and there is none to run"
    local = {a["href"] for a in page.all("a") if a.get("href", "").startswith("http://testserver")}
    local |= {img["src"] for img in page.all("img")}
    for link in sorted(local)[:60]:
        assert real_client.get(link, headers=HTML).status_code == 200, link
    for img in page.all("img"):
        assert img["alt"], "every image says what it shows"


def test_scripts_still_get_json_at_the_root(real_client: TestClient) -> None:
    body = real_client.get("/").json()
    assert body["name"] == "TIP Tiers API" and body["endpoints"]["placements"].endswith("/v1/placements")


def test_a_country_page_has_every_edition_the_official_chapter_and_how_to_cite(real_client: TestClient) -> None:
    detail = real_client.get("/v1/countries/Philippines").json()
    page = Page(real_client.get("/countries/PHL", headers=HTML).text)
    links = {a["href"] for a in page.all("a")}
    assert {p["report_url"] for p in detail["placements"]} <= links
    assert {f"http://testserver/reports/{p['year']}" for p in detail["placements"]} <= links
    assert "http://testserver/v1/countries/PHL.csv" in links
    text = real_client.get("/countries/PHL", headers=HTML).text
    assert "since the 2016 report" in text and "Cite this" in text and "&lt;img src=" in text


def test_any_name_finds_the_country_page(real_client: TestClient) -> None:
    for name in ("Burma", "ivory coast", "THA"):
        response = real_client.get(f"/countries?q={name}", headers=HTML, follow_redirects=False)
        assert response.status_code == 303
        target = response.headers["location"]
        assert real_client.get(target, headers=HTML, follow_redirects=False).status_code in (200, 303)
    ambiguous = real_client.get("/countries?q=congo", headers=HTML)
    assert ambiguous.status_code == 200
    assert {"http://testserver/countries/COG", "http://testserver/countries/COD"} <= {
        a["href"] for a in Page(ambiguous.text).all("a")
    }
    assert real_client.get("/countries/Atlantis", headers=HTML).status_code == 404


def test_facets_count_each_option_and_filter_the_table(real_client: TestClient) -> None:
    text = real_client.get("/countries?region=EAP", headers=HTML).text
    api = real_client.get("/v1/countries?region=EAP").json()["meta"]["total"]
    assert f"{api} of" in text
    rows = Page(real_client.get("/countries?region=EAP&tier=3", headers=HTML).text).all("td")
    assert rows, "some East Asian country is on Tier 3"


def test_an_edition_page_sorts_without_javascript(real_client: TestClient) -> None:
    def order(sort: str) -> list[str]:
        page = Page(real_client.get(f"/reports/2025?sort={sort}", headers=HTML).text)
        return [a["href"].rsplit("/", 1)[1] for a in page.all("a") if "/countries/" in a.get("href", "")]

    by_name, by_tier = order("name"), order("tier")
    assert sorted(by_name) == sorted(by_tier) and by_name != by_tier
    assert real_client.get("/reports/2025?sort=colour", headers=HTML).status_code == 422
    assert real_client.get("/reports/1999", headers=HTML).status_code == 404


def test_pages_are_cached_like_every_answer(real_client: TestClient) -> None:
    first = real_client.get("/countries/THA", headers=HTML)
    again = real_client.get("/countries/THA", headers={**HTML, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert "Accept" in [v.strip() for v in first.headers["vary"].split(",")]
