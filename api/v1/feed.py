import datetime
from xml.sax.saxutils import escape, quoteattr

from fastapi import Response

from api.links import public
from api.v1.derived import FEED_TAG, data_changes
from api.v1.params import SnapshotDep
from api.v1.render import Router

router = Router(tags=["about"])

ATOM = "application/atom+xml"


def _time(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


@router.get(
    "/feed.atom",
    summary="What changed in the data, as an Atom feed",
    response_class=Response,
    responses={200: {"content": {ATOM: {}}, "description": "An Atom 1.0 feed (RFC 4287)."}},
)
async def get_feed(snapshot: SnapshotDep) -> Response:
    """Subscribe in a feed reader to hear of every change: one entry for each edition added and one for each day's
    corrections, newest first, each saying what changed and linking to it. The feed's `updated` is the data's own
    date: the latest edition's release or correction."""
    changes = data_changes(snapshot)
    version = snapshot.version
    updated = snapshot.updated.strftime("%Y-%m-%dT%H:%M:%SZ") if snapshot.updated else _time(datetime.date(2001, 1, 1))
    entries = []
    for change in changes:
        links = f'<link rel="alternate" href={quoteattr(change.url)}/>'
        if change.source_url:
            links += f'<link rel="related" href={quoteattr(change.source_url)}/>'
        entries.append(
            f"<entry><id>{escape(change.id)}</id><title>{escape(change.title)}</title>"
            f"<updated>{_time(change.date)}</updated>{links}"
            f"<summary>{escape(change.summary)}</summary></entry>"
        )
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{FEED_TAG}feed</id><title>TIP Tiers API: changes to the data</title>"
        f"<subtitle>Trafficking in Persons Report tier placements; data version {escape(version)}</subtitle>"
        f"<updated>{updated}</updated><author><name>TIP Tiers API</name></author>"
        f'<link rel="self" href={quoteattr(public("/v1/feed.atom"))}/>'
        f'<link rel="alternate" href={quoteattr(public("/v1/meta"))}/>' + "".join(entries) + "</feed>"
    )
    return Response(body, media_type=ATOM)
