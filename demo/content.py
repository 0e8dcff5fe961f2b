"""The demo newsroom: two sections, two authors, six articles.

All of it is fiction written for Dateline's demo. Places are real so that the
datelines show real time zones; the events, people and quotes are invented.
"""

from __future__ import annotations

from typing import Any

DEMO_NOTE = (
    "<p><i>This article is fictional demo content written for Dateline. "
    "The events and people in it are invented.</i></p>"
)

SITE: dict[str, str] = {
    "title": "Dateline",
    "tagline": "Reporting from where it happens, discussed by people who care.",
}

SECTIONS: list[dict[str, Any]] = [
    {
        "slug": "conflict",
        "title": "Conflict",
        "description": "Front lines, ceasefires and the people caught between them.",
    },
    {
        "slug": "politics",
        "title": "Politics",
        "description": "Parliaments, elections and the deals made behind them.",
    },
]

AUTHORS: list[dict[str, Any]] = [
    {
        "slug": "ida-marlow",
        "title": "Ida Marlow",
        "initials": "IM",
        "colour": (64, 96, 140),
        "role": "Contributor, maps and military analysis",
        "short_bio": (
            "Geography student living in Aarhus, Denmark. Follows the eastern "
            "Mediterranean and Eastern Europe, draws this site's maps and writes "
            "about how wars are actually fought."
        ),
        "bio": (
            "<p>Ida started mapping front lines from open satellite imagery as a "
            "hobby and now publishes a weekly map round-up. She reads Arabic and "
            "Ukrainian and is learning Turkish.</p>"
        ),
    },
    {
        "slug": "tomas-reyes-holt",
        "title": "Tomás Reyes Holt",
        "initials": "TR",
        "colour": (140, 80, 60),
        "role": "Politics correspondent",
        "short_bio": (
            "Former wire-service reporter based in Lisbon. Writes about elections, "
            "coalitions and the people who lose them."
        ),
        "bio": (
            "<p>Tomás has covered eleven national elections on three continents "
            "and still carries a paper notebook.</p>"
        ),
    },
]

# Each article is filed at a local clock time at its dateline place on the
# most recent day that time has passed, then published a little later.
# Its demo discussion runs for up to DISCUSSION_MINUTES after publication,
# and all of it must lie in the past when the demo loads.
DISCUSSION_MINUTES = 120
ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "night-of-strikes-leaves-southern-suburbs-dark",
        "section": "conflict",
        "author": "ida-marlow",
        "title": "Night of strikes leaves southern suburbs without power",
        "standfirst": (
            "Residents queued for generators at dawn after a substation and two "
            "fuel depots were hit; both sides blame each other for the escalation."
        ),
        "place": "Beirut, Lebanon",
        "time_zone": "Asia/Beirut",
        "filed_local": "22:15",
        "published_after_minutes": 35,
        "top": 1,
        "lead_image": "beirut-dusk",
        "lead_image_caption": "The skyline after the lights went out (illustration).",
        "tags": ["Lebanon", "Energy", "Drones"],
        "body": [
            (
                "paragraph",
                (
                    "<p>Power was cut across the city's southern suburbs late on Monday "
                    "after a series of strikes hit an electrical substation and two fuel "
                    "depots, leaving an estimated two hundred thousand people without "
                    "electricity as temperatures dropped overnight.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Witnesses described at least six explosions over forty minutes. "
                    "Civil defence crews said fires at one depot burned until the early "
                    "hours. No deaths had been confirmed by morning; the health ministry "
                    "said eleven people were treated for smoke inhalation.</p>"
                ),
            ),
            (
                "quote",
                {
                    "text": "We have had the generator running since midnight. Diesel for two more days, maybe three.",
                    "attribution": "Rania, a pharmacist in one of the affected districts",
                },
            ),
            ("heading", "What was hit"),
            (
                "paragraph",
                (
                    "<p>Satellite images taken after sunrise show scorch marks across the "
                    "substation's transformer yard and a collapsed roof at the larger of "
                    "the two depots. The map below shows the sites and the approximate "
                    "line both sides have held since the spring.</p>"
                ),
            ),
            (
                "map",
                {
                    "image": "map-levant",
                    "caption": "Sites reported hit overnight and the approximate line of contact.",
                    "source": "Dateline analysis of open satellite imagery",
                    "link": "https://www.openstreetmap.org/#map=11/33.85/35.50",
                    "link_text": "See the area on OpenStreetMap",
                },
            ),
            (
                "paragraph",
                (
                    "<p>The state electricity company said repairs to the substation "
                    "would take \u201cweeks, not days\u201d and asked hospitals to move to "
                    "emergency power. Bakeries in the area opened late or not at all.</p>"
                ),
            ),
            (
                "video",
                {
                    "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
                    "caption": "Placeholder video for the demo: an open movie by the Blender Foundation (CC BY)",
                    "credit": "Blender Foundation",
                },
            ),
            ("paragraph", DEMO_NOTE),
        ],
    },
    {
        "slug": "ceasefire-monitors-report-first-breach-river-line",
        "section": "conflict",
        "author": "ida-marlow",
        "title": "Ceasefire monitors report first breach along the river line",
        "standfirst": (
            "Observers logged artillery fire on both banks four days into a truce "
            "that was meant to open the way for prisoner exchanges."
        ),
        "place": "Kharkiv, Ukraine",
        "time_zone": "Europe/Kyiv",
        "filed_local": "06:40",
        "published_after_minutes": 50,
        "top": 2,
        "lead_image": "kharkiv-morning",
        "lead_image_caption": "Morning over the city's eastern districts (illustration).",
        "tags": ["Ukraine", "Ceasefire", "Artillery"],
        "body": [
            (
                "paragraph",
                (
                    "<p>International monitors said on Tuesday they had recorded the "
                    "first serious breach of a four-day-old ceasefire, with more than "
                    "forty artillery rounds exchanged across the river north-east of the "
                    "city during the night.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The monitoring mission's daily report, seen by Dateline, does not "
                    "say which side fired first. It notes that the missiles destroyed two "
                    "tanks parked near a bridge that both sides had agreed to leave "
                    "unguarded.</p>"
                ),
            ),
            ("heading", "A truce built on an exchange"),
            (
                "paragraph",
                (
                    "<p>The ceasefire was agreed to allow an exchange of about three "
                    "hundred prisoners, the largest since the war began. Officials on "
                    "both sides said on Tuesday the exchange would still go ahead, "
                    "although no date has been set.</p>"
                ),
            ),
            (
                "map",
                {
                    "image": "map-river",
                    "caption": "The river line and the villages named in the monitors' report.",
                    "source": "Dateline; monitoring mission daily report",
                    "link": "",
                    "link_text": "",
                },
            ),
            (
                "paragraph",
                (
                    "<p>Military analysts cautioned against reading too much into a "
                    "single night. \u201cEvery ceasefire has a night like this,\u201d said "
                    "Oskar Lindqvist, a retired artillery officer who now teaches at a "
                    "staff college. \u201cWhat matters is whether the second and third "
                    "nights are quiet.\u201d</p>"
                ),
            ),
            ("paragraph", DEMO_NOTE),
        ],
    },
    {
        "slug": "aid-convoy-waits-at-the-crossing",
        "section": "conflict",
        "author": "ida-marlow",
        "title": "Aid convoy waits at the crossing as talks drag into a third day",
        "standfirst": (
            "Forty trucks of food and medicine sit in the sun while negotiators "
            "argue over who inspects the cargo."
        ),
        "place": "Adré, Chad",
        "time_zone": "Africa/Ndjamena",
        "filed_local": "14:05",
        "published_after_minutes": 25,
        "top": 0,
        "lead_image": "",
        "lead_image_caption": "",
        "tags": ["Sudan", "Humanitarian aid"],
        "body": [
            (
                "paragraph",
                (
                    "<p>A convoy of forty trucks carrying food, water purification "
                    "tablets and surgical supplies remained parked at the border crossing "
                    "on Wednesday, the third day of talks over who should inspect the "
                    "cargo before it enters the war zone.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Drivers said they had been told to keep their engines off to save "
                    "fuel. Some had slept in their cabs for three nights. Aid agencies "
                    "warned that part of the medicine needs refrigeration and would be "
                    "unusable within days.</p>"
                ),
            ),
            (
                "quote",
                {
                    "text": "Everyone agrees the food should cross. Nobody agrees on the paperwork.",
                    "attribution": "A logistics officer with one of the agencies",
                },
            ),
            (
                "map",
                {
                    "image": "",
                    "caption": "The crossing and the road to the nearest camps.",
                    "source": "OpenStreetMap contributors",
                    "link": "https://www.openstreetmap.org/#map=10/13.47/22.20",
                    "link_text": "Open the crossing on OpenStreetMap",
                },
            ),
            ("paragraph", DEMO_NOTE),
        ],
    },
    {
        "slug": "coalition-talks-collapse-over-defence-budget",
        "section": "politics",
        "author": "tomas-reyes-holt",
        "title": "Coalition talks collapse over defence budget",
        "standfirst": (
            "The two largest parties could not agree how fast to reach the new "
            "spending target, raising the prospect of a second election in a year."
        ),
        "place": "Copenhagen, Denmark",
        "time_zone": "Europe/Copenhagen",
        "filed_local": "23:50",
        "published_after_minutes": 20,
        "top": 3,
        "lead_image": "copenhagen-night",
        "lead_image_caption": "Parliament's lights were still on after midnight (illustration).",
        "tags": ["Denmark", "Defence", "Coalitions"],
        "body": [
            (
                "paragraph",
                (
                    "<p>Talks to form a governing coalition broke down late on Thursday "
                    "after the two largest parties failed to agree on how quickly defence "
                    "spending should rise, ending six weeks of negotiations.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Both parties support reaching the alliance's new target. They "
                    "split over the timetable: one wanted to get there in three years "
                    "with a temporary levy, the other in six without new taxes.</p>"
                ),
            ),
            ("heading", "What happens next"),
            (
                "paragraph",
                (
                    "<p>The king's representative is expected to invite party leaders to "
                    "a new round of consultations next week. A caretaker government "
                    "remains in charge in the meantime and cannot pass a budget.</p>"
                ),
            ),
            (
                "quote",
                {
                    "text": "We were two commas away from an agreement. Unfortunately they were expensive commas.",
                    "attribution": "A negotiator who asked not to be named",
                },
            ),
            ("paragraph", DEMO_NOTE),
        ],
    },
    {
        "slug": "senate-committee-advances-sanctions-bill",
        "section": "politics",
        "author": "tomas-reyes-holt",
        "title": "Senate committee advances sanctions bill after all-night session",
        "standfirst": (
            "The bill would let the government freeze assets of shipping firms "
            "that move embargoed oil, a measure both parties claim as their own."
        ),
        "place": "Washington",
        "time_zone": "America/New_York",
        "filed_local": "05:30",
        "published_after_minutes": 45,
        "top": 0,
        "lead_image": "",
        "lead_image_caption": "",
        "tags": ["United States", "Sanctions", "Shipping"],
        "body": [
            (
                "paragraph",
                (
                    "<p>A Senate committee voted 15 to 7 early on Friday to send a "
                    "sanctions bill to the full chamber after a session that began on "
                    "Thursday afternoon and ran past dawn.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The bill would allow the Treasury to freeze the assets of "
                    "shipping companies found to be moving embargoed oil, including "
                    "firms that change a tanker's flag or switch off its transponder to "
                    "hide a cargo's origin.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Amendments that would have exempted vessels carrying "
                    "humanitarian cargo were rejected by one vote. The chamber's leaders "
                    "have not said when the bill will reach the floor.</p>"
                ),
            ),
            ("paragraph", DEMO_NOTE),
        ],
    },
    {
        "slug": "opposition-wins-mayoral-races-on-promise-of-calm",
        "section": "politics",
        "author": "tomas-reyes-holt",
        "title": "Opposition wins mayoral races on a promise of calm",
        "standfirst": (
            "Voters in four of the six largest cities chose candidates who "
            "campaigned on housing and transport rather than on the strait."
        ),
        "place": "Taipei, Taiwan",
        "time_zone": "Asia/Taipei",
        "filed_local": "21:20",
        "published_after_minutes": 40,
        "top": 0,
        "lead_image": "taipei-evening",
        "lead_image_caption": "Evening rush hour on election day (illustration).",
        "tags": ["Taiwan", "Elections", "Housing"],
        "body": [
            (
                "paragraph",
                (
                    "<p>Opposition candidates won four of six big-city mayoral races on "
                    "Saturday, a result that analysts said reflected frustration with "
                    "housing costs more than any shift in views on security.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Turnout was 61 percent, slightly below the last local elections. "
                    "Several winning candidates barely mentioned foreign policy, "
                    "focusing instead on rents, commuter rail and childcare.</p>"
                ),
            ),
            (
                "video",
                {
                    "url": "https://vimeo.com/1084537",
                    "caption": "Placeholder video for the demo: an open movie by the Blender Foundation (CC BY)",
                    "credit": "Blender Foundation",
                },
            ),
            (
                "paragraph",
                (
                    "<p>\u201cPeople voted for the bus that comes on time,\u201d said Chen "
                    "Mei-ling, a political scientist who studies local elections. "
                    "\u201cIt is not a referendum on anything bigger, whatever the "
                    "parties say tonight.\u201d</p>"
                ),
            ),
            ("paragraph", DEMO_NOTE),
        ],
    },
]

PICTURES: dict[str, dict[str, Any]] = {
    "beirut-dusk": {"seed": 11, "sky": (40, 52, 96), "ground": (22, 24, 30)},
    "kharkiv-morning": {"seed": 23, "sky": (120, 140, 170), "ground": (48, 52, 58)},
    "copenhagen-night": {"seed": 37, "sky": (20, 30, 60), "ground": (30, 34, 40)},
    "taipei-evening": {"seed": 41, "sky": (150, 90, 110), "ground": (40, 30, 44)},
}

MAPS: dict[str, dict[str, Any]] = {
    "map-levant": {
        "title": "Southern suburbs: sites hit overnight",
        "cities": [
            ("Airport", 0.30, 0.72),
            ("Substation", 0.52, 0.55),
            ("Depot A", 0.60, 0.40),
            ("Depot B", 0.70, 0.62),
            ("City centre", 0.28, 0.28),
        ],
        "front": [(0.82, 0.05), (0.86, 0.35), (0.80, 0.65), (0.88, 0.98)],
        "river": [(0.15, 0.50), (0.40, 0.48), (0.65, 0.52), (1.0, 0.45)],
    },
    "map-river": {
        "title": "The river line north-east of the city",
        "cities": [
            ("City", 0.30, 0.70),
            ("Bridge", 0.58, 0.42),
            ("Village N", 0.72, 0.22),
            ("Village S", 0.70, 0.66),
        ],
        "front": [(0.62, 0.02), (0.60, 0.30), (0.63, 0.60), (0.58, 0.98)],
        "river": [(0.55, 0.0), (0.58, 0.35), (0.61, 0.62), (0.57, 1.0)],
    },
}
