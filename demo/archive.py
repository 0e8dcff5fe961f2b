"""Older demo articles: the back catalogue the demo community grew up on.

Short pieces published over the two years before the demo's front page, so
the demo's regulars have a history (and the ranks and badges it earns) that
was written through the same actions as a reader's. All text is original.
``topic`` fills the slots of the generated discussion under each article
(``demo/discussion_archive.py``).
"""

from __future__ import annotations

from typing import Any

ARCHIVE_NOTE = (
    "<p><em>From the demo archive: an invented story, written for this demo.</em></p>"
)

ARCHIVE: list[dict[str, Any]] = [
    {
        "slug": "grid-operator-orders-transformers-from-abroad",
        "section": "conflict",
        "author": "ida-marlow",
        "title": "Grid operator orders transformers from abroad after winter outages",
        "standfirst": (
            "The order covers six units; the first could arrive within five months "
            "if shipping lanes stay open."
        ),
        "place": "Beirut, Lebanon",
        "time_zone": "Asia/Beirut",
        "filed_local": "11:00",
        "published_after_minutes": 30,
        "days_ago": 790,
        "tags": ["Lebanon", "Energy"],
        "body": [
            "<p>The national grid operator has placed an order for six large "
            "transformers with two overseas manufacturers, its director said on "
            "Thursday, after a winter in which three substations failed within a "
            "fortnight.</p>",
            "<p>Engineers at the operator said the existing units were installed in "
            "the 1990s and had run well past their design life. Spare parts had "
            "been taken from one damaged unit to keep two others running.</p>",
        ],
        "topic": {
            "thing": "the transformer order",
            "who": "the grid operator",
            "place": "the substations",
            "figure": "the five-month delivery estimate",
        },
        "comments": 150,
    },
    {
        "slug": "river-towns-count-cost-of-spring-floods",
        "section": "conflict",
        "author": "ida-marlow",
        "title": "River towns count the cost of the spring floods",
        "standfirst": (
            "Two bridges and a pumping station are out of use; the regional "
            "council says repairs will be paid for before the summer."
        ),
        "place": "Tripoli, Lebanon",
        "time_zone": "Asia/Beirut",
        "filed_local": "11:00",
        "published_after_minutes": 30,
        "days_ago": 700,
        "tags": ["Lebanon", "Infrastructure"],
        "body": [
            "<p>Residents of four towns along the lower river spent the weekend "
            "clearing mud from ground floors after the highest water in thirty "
            "years. The regional council said two road bridges had been closed "
            "and a pumping station flooded.</p>",
            "<p>The council promised that repairs would be funded before the "
            "summer, but did not say from which budget. Farmers said the flood "
            "had also washed out irrigation channels ahead of planting.</p>",
        ],
        "topic": {
            "thing": "the repair money",
            "who": "the regional council",
            "place": "the river towns",
            "figure": "the thirty-year flood mark",
        },
        "comments": 140,
    },
    {
        "slug": "budget-vote-delayed-as-coalition-argues-over-pensions",
        "section": "politics",
        "author": "tomas-reyes-holt",
        "title": "Budget vote delayed as coalition argues over pensions",
        "standfirst": (
            "The finance committee adjourned without a vote for the second week "
            "running; a pension increase is the sticking point."
        ),
        "place": "Madrid, Spain",
        "time_zone": "Europe/Madrid",
        "filed_local": "11:00",
        "published_after_minutes": 30,
        "days_ago": 610,
        "tags": ["Budget", "Coalition"],
        "body": [
            "<p>Parliament's finance committee adjourned on Wednesday without "
            "voting on next year's budget, the second delay in two weeks. The "
            "junior coalition partner wants pensions raised in line with prices; "
            "the finance minister says the money is not there.</p>",
            "<p>Without a vote by the end of the month, last year's budget rolls "
            "over, which would freeze every planned increase, including the one "
            "for hospitals that both parties say they support.</p>",
        ],
        "topic": {
            "thing": "the pension increase",
            "who": "the finance minister",
            "place": "the finance committee",
            "figure": "the cost estimate",
        },
        "comments": 160,
    },
    {
        "slug": "aid-agencies-warn-of-fuel-shortage-at-camps",
        "section": "conflict",
        "author": "ida-marlow",
        "title": "Aid agencies warn of a fuel shortage at the border camps",
        "standfirst": (
            "Generators at three camps are down to a week of diesel; deliveries "
            "wait for a permit that has not been signed."
        ),
        "place": "Amman, Jordan",
        "time_zone": "Asia/Amman",
        "filed_local": "11:00",
        "published_after_minutes": 30,
        "days_ago": 520,
        "tags": ["Aid", "Refugees"],
        "body": [
            "<p>Aid agencies running three camps near the border said on Monday "
            "that their generators had about a week of diesel left. Tankers are "
            "loaded but waiting for a transit permit.</p>",
            "<p>The ministry responsible said the permit was being reviewed and "
            "would be decided 'in the coming days'. Camp clinics have started "
            "rationing power to the hours they see patients.</p>",
        ],
        "topic": {
            "thing": "the transit permit",
            "who": "the ministry",
            "place": "the camps",
            "figure": "the week of diesel left",
        },
        "comments": 130,
    },
    {
        "slug": "city-hall-publishes-tram-extension-contracts",
        "section": "politics",
        "author": "tomas-reyes-holt",
        "title": "City hall publishes the tram extension contracts",
        "standfirst": (
            "The documents show the cost rose by a third after the tender; the "
            "mayor's office says the first estimate left out the depot."
        ),
        "place": "Lisbon, Portugal",
        "time_zone": "Europe/Lisbon",
        "filed_local": "11:00",
        "published_after_minutes": 30,
        "days_ago": 430,
        "tags": ["Transport", "Local government"],
        "body": [
            "<p>City hall has published the contracts for the eastern tram "
            "extension after months of requests from councillors. They show the "
            "final price is about a third higher than the figure announced when "
            "the tender opened.</p>",
            "<p>The mayor's office said the first estimate did not include a new "
            "depot and signalling, which were added later. Opposition councillors "
            "asked why that was not said at the time.</p>",
        ],
        "topic": {
            "thing": "the tram contracts",
            "who": "the mayor's office",
            "place": "the eastern districts",
            "figure": "the cost overrun",
        },
        "comments": 150,
    },
    {
        "slug": "truce-talks-resume-with-prisoner-exchange-on-table",
        "section": "conflict",
        "author": "ida-marlow",
        "title": "Truce talks resume with a prisoner exchange on the table",
        "standfirst": (
            "Negotiators met for six hours; mediators say a first exchange of "
            "detainees could happen within weeks."
        ),
        "place": "Doha, Qatar",
        "time_zone": "Asia/Qatar",
        "filed_local": "11:00",
        "published_after_minutes": 30,
        "days_ago": 340,
        "tags": ["Ceasefire", "Diplomacy"],
        "body": [
            "<p>Negotiators for both sides met for six hours on Sunday, the "
            "first direct session since the spring. Mediators said an exchange of "
            "detainees was the most advanced item and could happen within weeks.</p>",
            "<p>Neither delegation spoke to reporters. A mediator who asked not "
            "to be named said lists of names had been swapped but not yet "
            "agreed.</p>",
        ],
        "topic": {
            "thing": "the prisoner exchange",
            "who": "the mediators",
            "place": "the talks",
            "figure": "the timetable of weeks",
        },
        "comments": 150,
    },
    {
        "slug": "regional-elections-turnout-lowest-in-decades",
        "section": "politics",
        "author": "tomas-reyes-holt",
        "title": "Regional elections turnout lowest in decades",
        "standfirst": (
            "Fewer than half of voters took part; both main parties lost seats "
            "to local lists."
        ),
        "place": "Seville, Spain",
        "time_zone": "Europe/Madrid",
        "filed_local": "11:00",
        "published_after_minutes": 30,
        "days_ago": 250,
        "tags": ["Elections"],
        "body": [
            "<p>Turnout in Sunday's regional elections fell below half for the "
            "first time since the region got its own parliament. Both main "
            "parties lost seats, mostly to local lists that campaigned on water "
            "and rail.</p>",
            "<p>Party leaders blamed the heat and the date. Local list "
            "candidates said voters had simply stopped expecting anything from "
            "the capital.</p>",
        ],
        "topic": {
            "thing": "the turnout",
            "who": "the party leaders",
            "place": "the regional parliament",
            "figure": "the turnout figure",
        },
        "comments": 150,
    },
    {
        "slug": "port-reopens-to-grain-ships-after-mine-clearance",
        "section": "conflict",
        "author": "ida-marlow",
        "title": "Port reopens to grain ships after mine clearance",
        "standfirst": (
            "Two ships left on the first day; insurers still price the route "
            "as a war risk."
        ),
        "place": "Odesa, Ukraine",
        "time_zone": "Europe/Kyiv",
        "filed_local": "11:00",
        "published_after_minutes": 30,
        "days_ago": 160,
        "tags": ["Shipping", "Grain"],
        "body": [
            "<p>The port reopened to grain ships on Tuesday after divers and "
            "minesweepers cleared the approach channel. Two bulk carriers left "
            "on the first day, the port authority said.</p>",
            "<p>Shipping agents said insurance for the route was still priced "
            "as a war risk, adding several dollars to every tonne. Traders expect "
            "more sailings once premiums fall.</p>",
        ],
        "topic": {
            "thing": "the reopening",
            "who": "the port authority",
            "place": "the approach channel",
            "figure": "the insurance premium",
        },
        "comments": 140,
    },
    {
        "slug": "hospital-staff-strike-over-unpaid-overtime",
        "section": "politics",
        "author": "tomas-reyes-holt",
        "title": "Hospital staff strike over unpaid overtime",
        "standfirst": (
            "Nurses at four hospitals walked out for a day; emergency wards "
            "stayed open with reduced teams."
        ),
        "place": "Valencia, Spain",
        "time_zone": "Europe/Madrid",
        "filed_local": "11:00",
        "published_after_minutes": 30,
        "days_ago": 90,
        "tags": ["Health", "Labour"],
        "body": [
            "<p>Nurses and technicians at four public hospitals walked out for "
            "24 hours on Friday over overtime they say has gone unpaid since the "
            "spring. Emergency wards stayed open with reduced teams.</p>",
            "<p>The regional health department said payments had been delayed by "
            "a new payroll system and would be made next month. Unions said they "
            "had heard that before.</p>",
        ],
        "topic": {
            "thing": "the unpaid overtime",
            "who": "the health department",
            "place": "the emergency wards",
            "figure": "the payroll delay",
        },
        "comments": 140,
    },
    {
        "slug": "border-crossing-hours-extended-for-harvest",
        "section": "conflict",
        "author": "ida-marlow",
        "title": "Border crossing hours extended for the harvest",
        "standfirst": (
            "Lorries can cross until midnight for six weeks; drivers say the "
            "queue still starts at dawn."
        ),
        "place": "Ruse, Bulgaria",
        "time_zone": "Europe/Sofia",
        "filed_local": "11:00",
        "published_after_minutes": 30,
        "days_ago": 40,
        "tags": ["Borders", "Trade"],
        "body": [
            "<p>The crossing will stay open to lorries until midnight for the "
            "next six weeks to let the harvest through, customs officials said. "
            "It usually closes to freight at eight in the evening.</p>",
            "<p>Drivers waiting on the approach road said the longer hours "
            "helped but the inspection lanes were still short-staffed, and the "
            "queue still started at dawn.</p>",
        ],
        "topic": {
            "thing": "the longer opening hours",
            "who": "the customs officials",
            "place": "the inspection lanes",
            "figure": "the six-week extension",
        },
        "comments": 140,
    },
]
