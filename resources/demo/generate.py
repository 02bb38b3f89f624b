"""Build the offline demo workspace (deterministic, seeded; standard library only).

    python resources/demo/generate.py

Writes feeds/*.xml, demo.json, logo.svg and photos/*.svg next to this file. Every date is
relative to ANCHOR, so the committed files never change between runs;
``orm_desktop.demo.materialize`` shifts them so that the newest item is "now" whenever a demo
workspace is created.

The story: Velora, a European e-bike maker (CEO Maya Lindqvist, CFO Daniel Okafor, CTO Priya
Raman; flagship bike the Velora Arc), its rivals Stridewell and Kinetiq, 90 days of ordinary
coverage, and one crisis: a battery fire on day -24 that becomes a recall of 12,400 Velora Arc
bikes (days -24..-17), followed by a CEO apology and a recovery.

Content is hand-written in banks of sentences and paragraphs (below) and combined with seeded
choices; every title is unique except deliberate syndicated copies of a few news stories.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANCHOR = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
SEED = 20261120
FIRST_DAY = -89  # items on days -89 .. 0 (90 days), day 0 being the 24 hours up to ANCHOR
EPISODE = (-24, -17)  # the recall crisis, inclusive
PRIMARY = "#0F6E8C"


@dataclass(frozen=True)
class FeedDef:
    slug: str
    title: str
    kind: str
    category: str
    weight: float
    host: str
    fmt: str  # rss | atom
    tz: int  # UTC offset (minutes) in which the feed writes its dates
    about: str


FEEDS = [
    FeedDef(
        "metro-business-daily",
        "Metro Business Daily",
        "news",
        "News",
        1.5,
        "metrobusinessdaily.example",
        "rss",
        0,
        "Business news for the city",
    ),
    FeedDef(
        "urban-mobility-news",
        "Urban Mobility News",
        "news",
        "News",
        1.2,
        "urbanmobility.example",
        "atom",
        60,
        "Transport, cycling and the future of cities",
    ),
    FeedDef(
        "techwire",
        "TechWire",
        "news",
        "News/Tech",
        1.3,
        "techwire.example",
        "rss",
        -300,
        "Technology news and analysis",
    ),
    FeedDef(
        "pedal-notes",
        "Pedal Notes (cycling blog)",
        "blog",
        "Blogs",
        0.6,
        "pedalnotes.example",
        "rss",
        0,
        "One commuter, too many bikes",
    ),
    FeedDef(
        "ev-insider",
        "EV Insider",
        "blog",
        "Blogs",
        0.7,
        "evinsider.example",
        "atom",
        0,
        "Batteries, motors and the electric everything",
    ),
    FeedDef(
        "ridereview",
        "RideReview",
        "review",
        "Reviews",
        0.8,
        "ridereview.example",
        "rss",
        0,
        "Rider reviews of e-bikes and scooters",
    ),
    FeedDef(
        "shopscore",
        "ShopScore reviews",
        "review",
        "Reviews",
        0.9,
        "shopscore.example",
        "rss",
        60,
        "Verified buyer reviews: Velora Arc and competitors",
    ),
    FeedDef(
        "ebike-owners-forum",
        "E-bike Owners Forum",
        "forum",
        "Community",
        0.5,
        "forum.ebikeowners.example",
        "rss",
        0,
        "Latest threads from the e-bike owners forum",
    ),
    FeedDef(
        "velora-newsroom",
        "Velora Newsroom",
        "press",
        "Press",
        1.0,
        "newsroom.velora.example",
        "rss",
        60,
        "Press releases from Velora Mobility",
    ),
    FeedDef(
        "social-pulse",
        "Social Pulse",
        "social",
        "Social",
        0.7,
        "pulse.example",
        "rss",
        0,
        "Public posts mentioning e-bike brands",
    ),
]
FEED = {f.slug: f for f in FEEDS}
NEWS = ["metro-business-daily", "urban-mobility-news", "techwire"]

ENTITIES = [
    {
        "kind": "brand",
        "name": "Velora",
        "query": 'Velora -"Velora Beach"',
        "aliases": ["Velora Mobility"],
        "importance": 1.0,
        "title": "",
        "photo": "logo.svg",
    },
    {
        "kind": "executive",
        "name": "Maya Lindqvist",
        "query": '"Maya Lindqvist" OR (Lindqvist AND Velora)',
        "aliases": [],
        "importance": 0.9,
        "title": "Chief Executive Officer",
        "photo": "photos/maya-lindqvist.svg",
    },
    {
        "kind": "executive",
        "name": "Daniel Okafor",
        "query": '"Daniel Okafor" OR (Okafor AND Velora)',
        "aliases": [],
        "importance": 0.7,
        "title": "Chief Financial Officer",
        "photo": "photos/daniel-okafor.svg",
    },
    {
        "kind": "executive",
        "name": "Priya Raman",
        "query": '"Priya Raman" OR (Raman AND Velora)',
        "aliases": [],
        "importance": 0.6,
        "title": "Chief Technology Officer",
        "photo": "photos/priya-raman.svg",
    },
    {
        "kind": "competitor",
        "name": "Stridewell",
        "query": "Stridewell",
        "aliases": [],
        "importance": 0.5,
        "title": "",
        "photo": "",
    },
    {
        "kind": "competitor",
        "name": "Kinetiq",
        "query": "Kinetiq",
        "aliases": [],
        "importance": 0.5,
        "title": "",
        "photo": "",
    },
    {
        "kind": "product",
        "name": "Velora Arc",
        "query": '"Velora Arc" OR "Arc e-bike"',
        "aliases": [],
        "importance": 0.8,
        "title": "",
        "photo": "",
    },
]
PHOTOS = [
    ("maya-lindqvist", "ML", PRIMARY),
    ("daniel-okafor", "DO", "#7A4FA3"),
    ("priya-raman", "PR", "#C2571A"),
]

USERS = [
    {"name": "alex", "display_name": "Alex Moreau (comms manager)", "roles": ["author"]},
    {
        "name": "sam",
        "display_name": "Sam Whitaker (head of comms)",
        "roles": ["author", "approver"],
    },
    {
        "name": "maya",
        "display_name": "Maya Lindqvist",
        "roles": ["executive"],
        "executive": "Maya Lindqvist",
    },
    {
        "name": "daniel",
        "display_name": "Daniel Okafor",
        "roles": ["executive"],
        "executive": "Daniel Okafor",
    },
    {
        "name": "priya",
        "display_name": "Priya Raman",
        "roles": ["executive"],
        "executive": "Priya Raman",
    },
]

# --- names and places ------------------------------------------------------------------------
CITIES = [
    "Copenhagen",
    "Amsterdam",
    "Berlin",
    "Lyon",
    "Manchester",
    "Rotterdam",
    "Hamburg",
    "Gothenburg",
    "Leeds",
    "Utrecht",
    "Vienna",
    "Zurich",
    "Milan",
    "Bristol",
    "Ghent",
    "Oslo",
]
STAFF = {
    "metro-business-daily": ["Lena Hart", "Tom Becker", "Aisha Noor", "Graham Pike"],
    "urban-mobility-news": ["Marco Ruiz", "Hannah Cole", "Ines Duarte"],
    "techwire": ["Yuki Sato", "Owen Price", "Nadia Karim", "Felix Wong"],
    "pedal-notes": ["Jo Whitfield"],
    "ev-insider": ["Samir Haddad", "Clara Voss"],
    "velora-newsroom": ["Velora Press Office"],
}
PEOPLE = [
    "Anna Berg",
    "Jonas Keller",
    "Sofia Marin",
    "Ravi Patel",
    "Elif Demir",
    "Luca Romano",
    "Martha Quinn",
    "Pieter de Vries",
    "Chloe Martin",
    "Henrik Aas",
    "Grace Obi",
    "Tomas Novak",
]
ANALYSTS = [
    "Ruth Ellison at Harbour Securities",
    "Kenji Mori of Northgate Capital",
    "Beatrice Laurent, an analyst at Castell & Co",
    "Omar Siddiqui at Fenwick Research",
]
HANDLES = [
    "cityrider",
    "pedalpush",
    "commute_kat",
    "volt_velo",
    "greenmiles",
    "jonnybikes",
    "urbanhopper",
    "ridewithrae",
    "two_wheels_tom",
    "electric_emma",
    "bikelane_ben",
    "cargomum",
    "spokesandcoffee",
    "lyon_local",
    "hillclimber_h",
    "ebike_dad",
    "rainyday_rider",
    "nightshift_nils",
    "velo_vera",
    "copenhagen_cycles",
]
FORUM_USERS = [
    "trailbrake",
    "ArcOwner22",
    "gearhead_g",
    "commuter_lou",
    "MarthaRides",
    "OldSpokes",
    "battery_bob",
    "kettle_chain",
    "NorthernCommuter",
    "flatpedal",
    "QuietMotor",
    "hub_hugo",
    "wrenchwendy",
    "pannier_pete",
    "DawnPatrol",
]
REVIEWERS = [
    "Anja K., Hamburg",
    "Chris P., Leeds",
    "Mireille D., Lyon",
    "Sven O., Oslo",
    "Laura B., Utrecht",
    "Tariq H., Manchester",
    "Jana S., Vienna",
    "Paolo R., Milan",
    "Femke V., Ghent",
    "Dan W., Bristol",
    "Ingrid L., Gothenburg",
    "Yusuf A., Berlin",
    "Rosa M., Zurich",
    "Kasper N., Copenhagen",
    "Holly T., Bristol",
    "Bram J., Rotterdam",
]
TAGS = ["#ebike", "#commute", "#bikelife", "#cycling", "#urbanmobility", "#biketowork"]


def pick(r: random.Random, seq):
    return seq[r.randrange(len(seq))]


def money(r: random.Random, lo: int, hi: int, step: int = 100) -> str:
    return f"€{r.randrange(lo, hi, step):,}"


# =============================================================================================
# Background coverage: story builders. Each returns (title, paragraphs, entities mentioned).
# =============================================================================================
Story = tuple[str, list[str], tuple[str, ...]]


def brand_news(r: random.Random, mood: str) -> Story:
    city, person = pick(r, CITIES), pick(r, PEOPLE)
    other = pick(r, [c for c in CITIES if c != city])
    n = r.choice([14, 18, 22, 26, 35, 40])
    if mood == "positive":
        theme = r.randrange(7)
        if theme == 0:
            title = pick(
                r,
                [
                    f"Velora opens {city} flagship with test track and service bay",
                    f"Velora bets on bricks and mortar with new {city} showroom",
                    f"Queues form as Velora opens its first store in {city}",
                ],
            )
            paras = [
                pick(
                    r,
                    [
                        f"Velora opened a showroom in central {city} this weekend, combining a short indoor test track with a service bay that promises same-day repairs for most faults.",
                        f"The e-bike maker Velora has opened a store in {city}, betting that buyers still want to ride a bike before they spend close to €3,000 on it.",
                    ],
                ),
                pick(
                    r,
                    [
                        f"The company said it would hire {n} people locally, most of them mechanics, and that {other} is next on its list.",
                        "Visitors can book a two-hour test ride of the Velora Arc, the flagship commuter bike, and trade in an old bike on the spot.",
                    ],
                ),
                pick(
                    r,
                    [
                        f'"People want to feel the bike before they buy it, and they want to know who fixes it when something goes wrong," said store manager {person}.',
                        f'"We had riders waiting outside at eight in the morning," said {person}, who runs the store. "That tells you something about demand."',
                    ],
                ),
                pick(
                    r,
                    [
                        "Retail analysts were broadly positive: online-only brands have struggled to win first-time buyers, and a physical service network is increasingly seen as an advantage.",
                        "Rival Stridewell sells mostly through independent dealers, while Kinetiq remains online-only.",
                    ],
                ),
            ]
        elif theme == 1:
            fleet = pick(
                r,
                [
                    "a parcel courier",
                    "the city's postal service",
                    "a grocery delivery start-up",
                    "a hospital group",
                ],
            )
            title = pick(
                r,
                [
                    f"Velora wins {city} fleet deal with {fleet}",
                    f"{n * 10} Velora e-bikes for {fleet} in {city}",
                    f"Delivery riders in {city} switch to Velora cargo bikes",
                ],
            )
            paras = [
                f"Velora will supply {n * 10} e-bikes, most of them Velora Haul cargo models, to {fleet} in {city} under a three-year agreement announced this week.",
                pick(
                    r,
                    [
                        "The contract includes servicing: Velora mechanics will visit the depots twice a week, and riders get a replacement bike within a day if theirs is off the road.",
                        "The operator said it chose Velora after a six-month trial in which the bikes covered more than 200,000 kilometres with fewer breakdowns than expected.",
                    ],
                ),
                pick(
                    r,
                    [
                        f'"Our riders asked for these bikes by name after the trial," said {person}, who manages the fleet. "That has never happened with a vehicle before."',
                        f"{person}, head of operations, said the switch would take about {n} vans off the road during peak hours.",
                    ],
                ),
                "Fleet sales are a small but fast-growing part of Velora's business, and the company has said it wants them to make up a fifth of revenue by 2028.",
            ]
        elif theme == 2:
            award = pick(
                r,
                [
                    "Commuter Bike of the Year",
                    "the Nordic Design Prize",
                    "the Red Pedal award for urban design",
                    "the Green Transport Innovation award",
                ],
            )
            title = pick(
                r,
                [
                    f"Velora Arc takes {award}",
                    f"Velora collects {award} for its commuter range",
                    f"Judges praise Velora's Arc as it wins {award}",
                ],
            )
            paras = [
                f"The Velora Arc has won {award}, with judges singling out its integrated lights, the near-silent hub motor and a frame that hides every cable.",
                pick(
                    r,
                    [
                        '"It is rare to see a product this thoughtful at this price," the jury wrote. "It makes the school run and the commute feel like the same pleasant thing."',
                        'The jury said the bike showed "unusual restraint": no gimmicks, a sensible battery, and parts that a local bike shop can actually replace.',
                    ],
                ),
                pick(
                    r,
                    [
                        "Stridewell's Metro was runner-up, and Kinetiq's K2 was commended for its app.",
                        "It is the second design award for the model this year.",
                    ],
                ),
            ]
        elif theme == 3:
            title = pick(
                r,
                [
                    f"Velora expands repair network to {n} new partner workshops",
                    "Velora's mobile repair vans cut waiting times, owners say",
                    f"Velora trains {n} independent mechanics as service demand grows",
                ],
            )
            paras = [
                pick(
                    r,
                    [
                        f"Velora has added {n} certified partner workshops to its service network this quarter, most of them in smaller towns where owners previously had to post their bikes back to the factory.",
                        f"Velora's fleet of mobile repair vans, launched in {city} and {other} in the spring, now covers eleven cities.",
                    ],
                ),
                pick(
                    r,
                    [
                        "Owners on forums report that waiting times for repairs fell from weeks to days, and several praised the support team for being friendly and quick.",
                        "The company says nine out of ten repairs are now finished within 48 hours.",
                    ],
                ),
                pick(
                    r,
                    [
                        f'"Service used to be the thing people complained about. Now it is the thing they mention when they recommend us," said {person}, who leads Velora\'s after-sales team.',
                        "Consumer groups welcomed the move and said other brands should publish their repair times too.",
                    ],
                ),
            ]
        elif theme == 4:
            title = pick(
                r,
                [
                    f"Velora to add {n * 5} jobs at its assembly plant",
                    "Velora adds a second assembly line as orders grow",
                    "Velora keeps production in Europe and expands its plant",
                ],
            )
            paras = [
                pick(
                    r,
                    [
                        f"Velora will add a second assembly line at its plant outside Gothenburg, creating about {n * 5} jobs over the next year.",
                        "Velora Mobility said it would expand its assembly plant rather than move production to Asia, citing shorter delivery times and better quality control.",
                    ],
                ),
                pick(
                    r,
                    [
                        "Local officials welcomed the investment. The plant already employs around 600 people and works with more than forty regional suppliers.",
                        "The expansion is funded from the company's own cash, according to a short statement, and should double capacity for the Velora Arc.",
                    ],
                ),
                pick(
                    r,
                    [
                        "Unions said they were pleased with the commitment to the region and would negotiate the new shift patterns in the coming weeks.",
                        f'"Building close to our riders is slower to set up and faster to run," said {person}, the plant\'s director.',
                    ],
                ),
            ]
        elif theme == 5:
            milestone = pick(r, ["100,000th", "150,000th", "quarter-millionth"])
            title = pick(
                r,
                [
                    f"Velora celebrates its {milestone} bike",
                    f"Velora's {milestone} e-bike rolls off the line",
                ],
            )
            paras = [
                f"Velora has built its {milestone} e-bike, a blue Velora Arc that will go to a commuter in {city} chosen by lottery from the company's newsletter subscribers.",
                "The company was founded as a small workshop twelve years ago and now sells in fourteen countries.",
                pick(
                    r,
                    [
                        "Staff at the plant signed the frame before it was packed.",
                        "Velora said more than a third of its riders had replaced a car for at least some of their daily trips, according to its own survey.",
                    ],
                ),
            ]
        else:
            variant = r.randrange(3)
            title = [
                "Velora launches battery take-back and recycling scheme",
                "Velora says 70% of its frame aluminium is now recycled",
                f"Velora and {city} launch free e-bike safety courses",
            ][variant]
            paras = [
                [
                    "Velora will take back any e-bike battery, from any brand, at its stores and partner workshops, and send the cells to a recycler in Germany.",
                    "Environmental groups welcomed the scheme, which goes further than upcoming EU rules require.",
                    f'"We want to be judged on what happens to the bike at the end of its life, not just on the day it is sold," said {person}, who leads sustainability at Velora.',
                ],
                [
                    "Velora's latest sustainability report says most of the aluminium in its frames is now recycled, and that packaging is plastic-free.",
                    "The company also published the carbon footprint of each model, which few competitors do.",
                    "Critics noted that the report was not independently audited, though they called the direction encouraging.",
                ],
                [
                    f"Velora is funding free safety courses for new e-bike riders in {city}, run with the local cycling association.",
                    "The two-hour sessions cover traffic skills, basic maintenance and safe battery charging, and are open to riders of any brand.",
                    "The first sessions were booked out within a day.",
                ],
            ][variant]
    elif mood == "neutral":
        theme = r.randrange(5)
        if theme == 0:
            title = pick(
                r,
                [
                    f"Velora to move regional warehouse to {city}",
                    f"Velora consolidates logistics in {city}",
                ],
            )
            paras = [
                f"Velora will move its regional warehouse to {city} early next year, the company said, consolidating two smaller sites.",
                "About 60 staff are affected and will be offered positions at the new site; the company did not disclose the cost.",
                "Velora said delivery times should not change during the move.",
                pick(
                    r,
                    [
                        "The new site has rooftop solar panels and space for a small repair workshop that will refurbish returned bikes.",
                        "Local officials welcomed the jobs; the site was previously an empty distribution centre.",
                    ],
                ),
            ]
        elif theme == 1:
            v = r.choice([4, 5])
            title = pick(
                r,
                [
                    f"Velora app version {v}.{r.randrange(1, 9)} adds ride statistics and theft alerts",
                    "Velora updates its rider app with a new navigation mode",
                ],
            )
            paras = [
                "Velora has released an update to its companion app that adds monthly ride statistics, a theft-alert mode and turn-by-turn directions on the bike's display.",
                "The update is free and installs automatically on the Velora Arc and Velora Loop; older models get a reduced set of features.",
                pick(
                    r,
                    [
                        "Early reviews on the app stores are mixed: riders like the statistics but some report that pairing takes several attempts.",
                        "Privacy campaigners asked the company to explain how long location data is kept. Velora said ride data stays on the phone unless a rider opts in.",
                    ],
                ),
            ]
        elif theme == 2:
            title = pick(
                r,
                [
                    "E-bike makers prepare for EU battery passport rules",
                    "What the new EU battery rules mean for e-bike buyers",
                ],
            )
            paras = [
                "New EU rules on batteries take effect in stages from next year: removable and replaceable packs, a digital battery passport and minimum recycled content.",
                "Manufacturers including Velora, Stridewell and Kinetiq say they are adjusting their supply chains. Velora said its current models already meet most requirements; Kinetiq said it would redesign its sealed battery.",
                pick(
                    r,
                    [
                        f'"For riders the change is good news: a battery that can be swapped and repaired is a bike that lasts longer," said {person} of the European Cyclists\' Network.',
                        "Industry groups warned that smaller brands may struggle with the paperwork.",
                    ],
                ),
            ]
        elif theme == 3:
            title = pick(
                r,
                [
                    "Velora announces next year's model range",
                    "Velora trims its range to three models",
                ],
            )
            paras = [
                "Velora will sell three models next year: the Velora Arc commuter, the folding Velora Loop and the Velora Haul cargo bike. Two older models are discontinued.",
                "Prices for the new model year have not been announced. The company said spare parts for discontinued bikes will be available for at least eight years.",
                "Dealers said the simpler range would make stock easier to manage.",
            ]
        else:
            role = pick(
                r,
                [
                    "head of Europe",
                    "chief operating officer",
                    "head of customer care",
                    "general counsel",
                ],
            )
            title = f"Velora appoints {person} as {role}"
            paras = [
                f"Velora has appointed {person} as {role}, effective next month. {person.split()[0]} joins from a logistics company and will report to chief executive Maya Lindqvist.",
                "The appointment fills a role that has been vacant since the summer.",
                f'"{person.split()[0]} knows how to run an operation that keeps its promises to customers," Lindqvist said in a statement.',
            ]
    else:
        theme = r.randrange(5)
        if theme == 0:
            weeks = r.choice([7, 8, 9, 10])
            title = pick(
                r,
                [
                    "Velora buyers complain of long delivery delays",
                    f"Some Velora customers wait {weeks} weeks for their bikes",
                    "Missed delivery slots frustrate Velora customers",
                ],
            )
            paras = [
                f"Several Velora customers say they waited more than {weeks} weeks for bikes ordered online, well beyond the two to three weeks promised at checkout.",
                "Complaints on social media describe missed delivery slots and a support line that rarely answers. One buyer in "
                + city
                + " said she had been given four different dates.",
                pick(
                    r,
                    [
                        "Velora apologised and said a shortage of motor controllers had slowed production. It expects to clear the backlog within a month.",
                        "Velora said it was adding staff to its support team and would compensate customers whose orders were more than four weeks late.",
                    ],
                ),
            ]
        elif theme == 1:
            pct = r.choice([5, 6, 7])
            title = pick(
                r,
                [
                    f"Velora raises prices by {pct}%",
                    "Velora raises e-bike prices for the second time this year",
                ],
            )
            paras = [
                f"Velora is raising prices on most of its range by around {pct}%, its second increase this year. The Velora Arc now costs {money(r, 2900, 3300)}.",
                "Riders reacted angrily online, with some calling the rise disappointing for a brand that built its name on fair pricing.",
                "The company blamed higher component and shipping costs. Stridewell has held its prices so far this year.",
            ]
        elif theme == 2:
            title = pick(
                r,
                [
                    "Velora support line under fire as waiting times grow",
                    "Velora owners report hour-long waits for customer support",
                ],
            )
            paras = [
                "Owners of Velora bikes say they are waiting an hour or more to reach the company's support line, and that emails go unanswered for days.",
                f'"I was on hold for seventy minutes to ask about a brake pad," said {person}, a commuter in {city}. "For a premium bike, that is poor."',
                "Velora said a new ticket system had caused problems and that extra staff had been hired.",
            ]
        elif theme == 3:
            title = f"Warehouse staff at Velora's {city} depot walk out over pay"
            paras = [
                f"Workers at Velora's distribution depot in {city} walked out for a day in a dispute over pay and weekend shifts.",
                "The union said staff had been asked to work extra hours without a fair premium. Some deliveries were delayed.",
                "Velora said it regretted the action and was in talks with the union.",
            ]
        else:
            title = pick(
                r,
                [
                    "Velora software update leaves some displays blank",
                    "Faulty update freezes displays on some Velora bikes",
                ],
            )
            paras = [
                "A software update pushed to Velora bikes left some displays blank, owners said, forcing them to ride without speed or battery readings.",
                "Velora withdrew the update within hours and released a fix the next day. It said fewer than 2% of bikes were affected.",
                "Several owners said the company handled the problem badly, with no message on its app until the evening.",
            ]
    ents = tuple(
        e
        for e in ("Stridewell", "Kinetiq", "Maya Lindqvist")
        if any(e.split()[-1] in p for p in paras)
    )
    return title, paras, ("Velora", *ents)


def exec_news(r: random.Random, who: str) -> Story:
    city, person, analyst = pick(r, CITIES), pick(r, PEOPLE), pick(r, ANALYSTS)
    if who == "Maya Lindqvist":
        theme = r.randrange(5)
        if theme == 0:
            title = pick(
                r,
                [
                    "Maya Lindqvist: 'Cities are the best test track in the world'",
                    "Velora's Maya Lindqvist on growth, patience and protected bike lanes",
                    "Ten questions for Velora chief executive Maya Lindqvist",
                ],
            )
            paras = [
                'In a wide-ranging interview, Velora chief executive Maya Lindqvist described cities as "the best product test track in the world" and said the company would keep building its bikes in Europe.',
                pick(
                    r,
                    [
                        'Lindqvist, who still rides to work every day, said growth had come from word of mouth rather than advertising. "Our riders are our sales team, which means we cannot afford to disappoint them."',
                        'Asked about competition from cheaper brands, Lindqvist was relaxed: "A bike that is in the shop every month is not cheap."',
                    ],
                ),
                pick(
                    r,
                    [
                        "She declined to comment on rumours of a stock market listing.",
                        "She said the company would open stores in four more cities next year.",
                    ],
                ),
            ]
        elif theme == 1:
            event = pick(
                r,
                [
                    "the Future of Cities summit",
                    "the European Mobility Forum",
                    "the Urban Transport Congress",
                    "a city leaders' breakfast in " + city,
                ],
            )
            title = pick(
                r,
                [
                    f"Lindqvist urges cities to fund protected bike lanes at {event}",
                    f"Velora CEO Maya Lindqvist speaks at {event}",
                ],
            )
            paras = [
                f"Velora chief executive Maya Lindqvist used a panel at {event} to call for protected bike lanes, secure parking and safety data shared across the industry.",
                '"Every car trip we replace is a small win for the city. But nobody rides on a road where they are afraid," Lindqvist said.',
                pick(
                    r,
                    [
                        "The audience of city officials and transport operators gave her the longest applause of the session.",
                        "Fellow panellists from Stridewell and a national cycling charity broadly agreed, though they disagreed about subsidies.",
                    ],
                ),
            ]
        elif theme == 2:
            title = pick(
                r,
                [
                    "Velora's Maya Lindqvist named among most influential mobility leaders",
                    "Maya Lindqvist tops list of women leading the green transport shift",
                ],
            )
            paras = [
                "Maya Lindqvist, chief executive of Velora, has been named one of the fifty most influential leaders in urban mobility by an industry magazine.",
                "The editors praised her for turning a small workshop into a respected household name without heavy outside funding.",
                pick(
                    r,
                    [
                        'Lindqvist said the recognition belonged to the mechanics and engineers. "I mostly answer emails," she joked.',
                        "She is one of only four chief executives from the cycling industry on the list; Stridewell's chief executive also made it.",
                    ],
                ),
            ]
        elif theme == 3:
            title = pick(
                r,
                [
                    "Maya Lindqvist on the podcast 'Two Wheels, One City'",
                    "Lindqvist: Velora will not chase cheap bikes",
                ],
            )
            paras = [
                "Velora chief executive Maya Lindqvist said on a podcast that the company would not launch a budget model, arguing that cheap e-bikes end up in landfill within a few years.",
                "Lindqvist also talked about her early years repairing bikes in her father's workshop and about the mistakes Velora made when it first expanded abroad.",
                "Listeners praised the candid tone; some industry voices said the stance leaves the low end of the market open to rivals such as Kinetiq.",
            ]
        else:
            title = "Shareholders question Velora's bonus plan for Maya Lindqvist"
            paras = [
                "Two shareholder advisory groups have recommended voting against Velora's new long-term incentive plan for chief executive Maya Lindqvist.",
                f'"The targets are soft and the upside is large," said {analyst}. The board said the plan rewards only sustained growth.',
                "The vote at next month's shareholder meeting is advisory, but a large protest would be an embarrassment for a company that prides itself on restraint.",
            ]
    elif who == "Daniel Okafor":
        theme = r.randrange(4)
        if theme == 0:
            title = pick(
                r,
                [
                    "Velora CFO Daniel Okafor sees margins improving as costs ease",
                    "Okafor: Velora on track for profitability next year",
                ],
            )
            paras = [
                "Velora's chief financial officer Daniel Okafor told an investor conference that gross margins had improved for a third straight quarter as freight and component costs eased.",
                pick(
                    r,
                    [
                        "Okafor said the company remained on track to reach full-year profitability next year, and investors welcomed the update.",
                        f'"The story is simple: fewer discounts, cheaper shipping, more fleet sales," Okafor said. {analyst.split(" at ")[0].split(",")[0]} called the figures encouraging.',
                    ],
                ),
                "Okafor, who joined Velora from an investment bank three years ago, is seen by investors as a steadying influence on a company that grew very quickly.",
            ]
        elif theme == 1:
            title = pick(
                r,
                [
                    "Daniel Okafor outlines Velora's capital plans",
                    "Velora's finance chief rules out share sale",
                ],
            )
            paras = [
                "Daniel Okafor, Velora's finance chief, said the company would fund its expansion from existing cash and a new credit facility rather than selling shares.",
                f'"We have the balance sheet to grow at our own pace," Okafor said. {analyst} said the comments should reassure investors worried about dilution.',
            ]
        elif theme == 2:
            title = "Analysts question Velora's inventory build-up"
            paras = [
                "Velora's stock of unsold bikes has risen for two quarters, and some analysts worry that discounts may follow.",
                f'"Inventory is the number I would watch," said {analyst}. Chief financial officer Daniel Okafor has said the build-up is deliberate, ahead of the spring season.',
                "Velora declined to comment beyond Okafor's earlier remarks.",
            ]
        else:
            title = f"Velora's Daniel Okafor joins {city} climate finance panel"
            paras = [
                f"Velora chief financial officer Daniel Okafor has joined an advisory panel on green finance set up by the city of {city}.",
                "Okafor, a former banker, said companies in the cycling industry should report their emissions in the same way as carmakers.",
                '"If we claim to be the green option, we should be able to prove it with the same rigour as everyone else," he said. The panel meets four times a year and is unpaid.',
            ]
    else:
        theme = r.randrange(4)
        if theme == 0:
            title = pick(
                r,
                [
                    "Priya Raman on over-the-air updates and rider safety",
                    "Velora CTO Priya Raman: 'A bike is now a connected product'",
                ],
            )
            paras = [
                "Velora chief technology officer Priya Raman said every new Velora bike receives over-the-air updates for its motor controller and battery management system.",
                '"We can improve a bike after it has been sold, and we can fix problems before riders notice them," Raman said in an interview.',
                pick(
                    r,
                    [
                        "She said the company employs more than 120 engineers, about a third of them working on software.",
                        "Security researchers have asked Velora to publish more detail about how updates are signed; Raman said a technical paper would follow.",
                    ],
                ),
            ]
        elif theme == 1:
            title = pick(
                r,
                [
                    f"Velora opens engineering hub in {city} led by Priya Raman",
                    f"Priya Raman to hire {r.choice([40, 60, 80])} engineers for Velora's new software team",
                ],
            )
            paras = [
                f"Velora is opening an engineering office in {city}, where chief technology officer Priya Raman will build a team working on motors, batteries and the rider app.",
                "Raman said the city's universities and its cycling culture made it an easy choice.",
                '"Engineers who ride every day build better bikes. They notice the rattle, the slow menu, the light that is too dim," she said. Hiring starts next month.',
            ]
        elif theme == 2:
            title = pick(
                r,
                [
                    "Velora's Priya Raman wins engineering leadership award",
                    "Priya Raman recognised for work on quiet e-bike motors",
                ],
            )
            paras = [
                "Velora chief technology officer Priya Raman has received a leadership award from a European engineering association for her team's work on a quieter, lighter hub motor.",
                "The judges praised her for publishing test methods that other manufacturers now use.",
                'Raman, who joined Velora from the automotive industry, thanked her team and said the next challenge was battery life. "The motor is the easy part. Cells are where the hard problems are."',
            ]
        else:
            title = "Velora app glitches draw criticism of tech chief Priya Raman"
            paras = [
                "A string of problems with Velora's rider app, from failed pairing to lost ride histories, has drawn criticism of the company's technology team led by Priya Raman.",
                f'"The hardware is excellent. The software feels like an afterthought," wrote {person}, a reviewer who has tested every Velora model.',
                "Velora said a rebuilt app is due early next year.",
            ]
    return title, paras, (who, "Velora")


def competitor_news(r: random.Random, comp: str, mood: str) -> Story:
    city, person, analyst = pick(r, CITIES), pick(r, PEOPLE), pick(r, ANALYSTS)
    model = "Metro 3" if comp == "Stridewell" else "K2"
    boss = "Henrik Aas" if comp == "Stridewell" else "Chloe Martin"
    about = pick(
        r,
        {
            "Stridewell": [
                "Stridewell, founded in the Netherlands, sells mostly through independent bike shops.",
                "Stridewell is the largest of Velora's rivals by volume, with a strong dealer network in Germany and the Benelux.",
                "Stridewell has built its reputation on solid, affordable commuter bikes.",
            ],
            "Kinetiq": [
                "Kinetiq, backed by venture capital, sells online and through a handful of brand stores.",
                "Kinetiq is known for striking design and an ambitious app, and for a sealed battery that critics say is hard to repair.",
                "Kinetiq has raised more than 120 million euros since it was founded five years ago.",
            ],
        }[comp],
    )
    if mood == "positive":
        theme = r.randrange(6)
        if theme == 0:
            title = pick(
                r,
                [
                    f"{comp} launches cheaper {model} to take on market leaders",
                    f"{comp} {model} review: a lot of bike for the money",
                    f"First ride: the new {comp} {model}",
                    f"{comp}'s {model} undercuts rivals on price",
                ],
            )
            paras = [
                f"{comp} has unveiled the {model}, priced at {money(r, 1900, 2400)}, well below the Velora Arc and most premium rivals.",
                pick(
                    r,
                    [
                        f"Early testers said the {comp} rides comfortably and the motor is smooth, though the battery range of around 60 km is modest.",
                        f"On a week of commuting the {model} impressed us: a stiff frame, excellent brakes and a display you can read in sunshine.",
                    ],
                ),
                about,
                pick(
                    r,
                    [
                        "Analysts expect price pressure across the premium segment.",
                        f'"{comp} has found the sweet spot between price and quality," said {analyst}.',
                    ],
                ),
            ]
        elif theme == 1:
            pct = r.choice([14, 18, 22, 27, 31])
            title = pick(
                r,
                [
                    f"{comp} reports {pct}% jump in quarterly sales",
                    f"{comp} raises its outlook after a strong quarter",
                    f"Strong autumn lifts {comp} sales by {pct}%",
                ],
            )
            paras = [
                f"{comp} said sales rose {pct}% in the quarter, driven by demand for cargo bikes and a strong autumn in the Netherlands and Germany.",
                "The company raised its full-year outlook, and investors reacted warmly.",
                f'"{comp} is executing very well. The question is whether it can keep margins up as it grows," said {analyst}.',
                about,
            ]
        elif theme == 2:
            n = r.choice([40, 60, 90])
            title = pick(
                r,
                [
                    f"{comp} signs up {n} new dealers across Europe",
                    f"{comp} expands dealer network into {city}",
                ],
            )
            paras = [
                f"{comp} has added about {n} independent bike shops to its dealer network this year, including several in {city}.",
                f'Dealers say the brand is easy to work with and pays warranty claims quickly. "They answer the phone, which is more than I can say for some," said {person}, who runs a shop in {city}.',
                about,
            ]
        elif theme == 3:
            title = pick(
                r,
                [
                    f"{comp} partners with {city} delivery cooperative",
                    f"{city} couriers choose {comp} cargo bikes",
                ],
            )
            paras = [
                f"{comp} will supply cargo e-bikes to a riders' cooperative in {city} that delivers for local restaurants and shops.",
                f"The cooperative said it chose {comp} for its low running costs and because a dealer nearby can repair the bikes the same day.",
                "The deal is small, around thirty bikes, but fleet contracts have become a prized market for e-bike makers. Velora signed several this year.",
            ]
        elif theme == 4:
            amount = r.choice([40, 55, 70])
            title = pick(
                r,
                [
                    f"{comp} raises {amount} million euros to expand",
                    f"{comp} secures {amount} million euros in new funding",
                ],
            )
            paras = [
                f"{comp} has raised {amount} million euros from investors to open stores and expand into new markets, the company said.",
                f'"Riders want great bikes and great service. This lets us build both," said chief executive {boss}.',
                about,
                f"{analyst} said the round values the company generously, given that it is not yet profitable.",
            ]
        else:
            title = pick(
                r,
                [
                    f"{comp} wins praise for its new cargo bike",
                    f"{comp} cargo bike named best family e-bike",
                ],
            )
            paras = [
                f"{comp}'s new cargo e-bike has been named the best family bike of the year by a consumer magazine, which praised its low step-through frame and strong brakes.",
                "Testers said the bike was easy to ride fully loaded and stable when parked, two things parents care about most.",
                about,
            ]
    elif mood == "neutral":
        theme = r.randrange(4)
        if theme == 0:
            title = pick(
                r,
                [
                    f"{comp} names {person} as new chief executive",
                    f"{comp} appoints {person} to lead the company",
                ],
            )
            paras = [
                f"{comp} has appointed {person} as chief executive. The outgoing CEO, {boss}, will stay on the board as an adviser.",
                f"{person.split()[0]} previously ran a scooter-sharing company and said {comp}'s priority would be service and reliability.",
                about,
            ]
        elif theme == 1:
            title = pick(
                r,
                [
                    f"{comp} tests a subscription model in {city}",
                    f"{comp} to rent e-bikes by the month in {city}",
                ],
            )
            paras = [
                f"{comp} will let riders in {city} rent an e-bike by the month, with servicing and insurance included.",
                "Subscriptions have been tried by several brands with mixed results: they attract riders who would not buy, but many cancel in the winter.",
                "Velora has said it has no plans to offer one.",
            ]
        elif theme == 2:
            title = pick(
                r,
                [
                    f"{comp} moves headquarters to {city}",
                    f"{comp} to relocate head office to {city}",
                ],
            )
            paras = [
                f"{comp} will move its head office to {city} next year to be closer to its largest market.",
                "About 80 staff will relocate; the company said it would help with housing and that the move would not affect customers.",
                about,
            ]
        else:
            title = pick(
                r,
                [
                    f"{comp} to show new models at the autumn bike fair",
                    f"What to expect from {comp} next season",
                ],
            )
            paras = [
                f"{comp} will show its new season's range at the autumn bike fair, including an update to the {model}.",
                "The company has hinted at a longer-range battery and a simpler app but has not confirmed prices.",
                about,
            ]
    else:
        theme = r.randrange(5)
        if theme == 0:
            title = pick(
                r,
                [
                    f"{comp} owners complain of slow warranty repairs",
                    f"{comp} under fire over warranty claims",
                    f"Warranty delays anger {comp} riders in {city}",
                ],
            )
            paras = [
                f"Owners of {comp} bikes say the company has been slow to honour warranty claims, with some waiting two months for a replacement motor.",
                f'"I paid for a premium bike and I\'ve been on the bus since September," said {person}, a commuter in {city}.',
                f"Consumer groups called {comp}'s response disappointing and urged the company to simplify its process.",
                f"{comp} said claims were being handled in the order received and apologised for the delays.",
            ]
        elif theme == 1:
            title = pick(
                r,
                [
                    f"{comp} app outage leaves riders unable to unlock bikes",
                    f"Hours-long {comp} outage strands commuters",
                    f"{comp} riders locked out by app failure",
                ],
            )
            paras = [
                f"Riders of {comp} bikes could not unlock them for several hours after the company's app failed on a weekday morning.",
                "Angry commuters posted photos of locked bikes and missed trains. Some said they had no way to ride at all, because the bikes have no physical key.",
                f"{comp} apologised and said a faulty server update was to blame. It promised an offline unlock option by the spring.",
            ]
        elif theme == 2:
            n = r.choice([60, 90, 120])
            title = pick(
                r, [f"{comp} to cut {n} jobs as growth slows", f"{comp} announces {n} job cuts"]
            )
            paras = [
                f"{comp} will cut about {n} jobs in marketing and administration after sales growth slowed, the company said.",
                'Unions criticised the decision and the timing, weeks before the holiday season. "Staff read about it in the press," said a union representative.',
                about,
            ]
        elif theme == 3:
            title = pick(
                r,
                [
                    f"{comp} raises prices despite falling costs",
                    f"{comp} {model} gets more expensive",
                ],
            )
            paras = [
                f"{comp} is raising the price of its {model} by around 8%, even though component and freight costs have eased this year.",
                f"Riders called the move greedy on social media. {comp} said the increase reflected investment in service and a longer warranty.",
                f'"It is a risky moment to raise prices," said {analyst}. "Warehouses are full across the industry."',
            ]
        else:
            title = pick(
                r,
                [
                    f"{comp} criticised over rider data sharing",
                    f"Privacy group questions {comp} app data practices",
                ],
            )
            paras = [
                f"A privacy group says {comp}'s app shares riders' location data with advertising partners by default.",
                f"{comp} said the data is anonymised and that riders can switch sharing off in the settings. Critics said the option is hard to find.",
                "The national data protection authority said it was looking into the complaint.",
            ]
    return title, paras, (comp,)


def comparison_news(r: random.Random) -> Story:
    """A comparison that praises one brand and criticises another (contrasting sentiment)."""
    comp = pick(r, ["Stridewell", "Kinetiq"])
    model = "Metro 3" if comp == "Stridewell" else "K2"
    if r.random() < 0.55:
        title = pick(
            r,
            [
                f"Velora Arc vs {comp} {model}: the {comp} wins on value",
                f"We rode the {comp} {model} and the Velora Arc for a month. One is clearly better",
                f"Commuter test: {comp} beats Velora for most riders",
            ],
        )
        paras = [
            f"We spent a month commuting on the {comp} {model} and the Velora Arc, swapping bikes every other day on the same 14 km route.",
            f"The {comp} was the happier surprise: comfortable, quick to charge and excellent value, with brakes that inspired real confidence in the rain.",
            f"The Velora Arc disappointed us in places. The app kept dropping the connection, the saddle was hard after half an hour, and at {money(r, 2900, 3200)} it costs several hundred euros more.",
            f"Verdict: unless you live near a Velora store, buy the {comp}.",
        ]
    else:
        title = pick(
            r,
            [
                f"Velora Arc or {comp} {model}? Our long-term verdict",
                f"Velora Arc beats the {comp} {model} in our winter test",
            ],
        )
        paras = [
            f"Three months, two bikes, one miserable winter. We rode the Velora Arc and the {comp} {model} through rain, sleet and the occasional sunny morning.",
            f"The Velora was outstanding: quiet, reliable and easy to service, and its lights are the best we have tested. The {comp} felt cheap by comparison, with a rattling mudguard and a battery that lost a third of its range in the cold.",
            f"If you can afford it, the Velora is the better bike. The {comp} is fine for shorter trips.",
        ]
    return title, paras, ("Velora", "Velora Arc", comp)


def industry_news(r: random.Random) -> Story:
    city, person = pick(r, CITIES), pick(r, PEOPLE)
    theme = r.randrange(5)
    if theme == 0:
        title = "Velora Beach resort reopens its boardwalk after storm repairs"
        paras = [
            "The Velora Beach resort on the southern coast has reopened its boardwalk after winter storms damaged a third of the planks.",
            "The owners said bookings for next summer were already ahead of last year, and that a new cycle path now links the resort to the nearest train station.",
            "The Velora Beach resort has no connection to the e-bike maker of a similar name.",
        ]
        return title, paras, ()
    if theme == 1:
        title = pick(
            r,
            [
                f"{city} to build 40 km of protected bike lanes",
                f"{city} doubles its cycling budget",
            ],
        )
        paras = [
            f"{city} will build about 40 km of protected bike lanes over the next three years, the city council decided.",
            f'"E-bikes have changed who cycles and how far," said {person}, the councillor responsible for transport.',
            "Cycling groups welcomed the plan but said junctions remain the biggest danger.",
            "Some shop owners worry about losing parking spaces; the city says footfall usually rises when streets are calmer.",
        ]
    elif theme == 2:
        title = pick(
            r,
            [
                "E-bike thefts rise as prices climb, insurers say",
                f"Insurers report record e-bike theft claims in {city}",
            ],
        )
        paras = [
            "Insurers say claims for stolen e-bikes rose by a quarter this year, with expensive commuter models the most popular targets.",
            "Police advise two good locks, a tracker and indoor parking where possible.",
            f'"Thieves know exactly which models sell well second-hand," said {person}, who leads a bike theft unit. Some insurers now require a registered frame number.',
        ]
    elif theme == 3:
        title = "E-bike sales set to grow again next year, industry body says"
        paras = [
            "European e-bike sales are expected to grow by around 8% next year after a flat spell, according to the industry's trade association.",
            "Cargo bikes and commuter models are growing fastest; sales of cheap imported bikes are falling.",
            "The association warned that high stock levels at dealers could mean heavy discounts in the spring, which would help buyers but squeeze smaller brands.",
        ]
    else:
        title = "How to charge an e-bike battery safely: fire service advice"
        paras = [
            "Fire services are reminding riders to use the charger supplied with their bike, to charge on a hard surface and not to leave batteries charging overnight.",
            "Damaged or swollen batteries should not be used. Most e-bike fires involve cheap replacement batteries or modified bikes.",
        ]
    return title, paras, ()


def press_release(r: random.Random) -> Story:
    city = pick(r, CITIES)
    other = pick(r, [c for c in CITIES if c != city])
    theme = r.randrange(8)
    if theme == 0:
        title = f"Velora opens its new store in {city}"
        paras = [
            f"{city.upper()} — Velora today opened a new store and service centre in {city}, with test rides of the full range and same-day repairs.",
            '"Every new store brings us closer to our riders," said Maya Lindqvist, chief executive of Velora.',
            "Opening weekend visitors receive a free service voucher.",
        ]
    elif theme == 1:
        title = pick(
            r,
            [
                "Velora introduces trade-in programme for any brand of bike",
                "Trade in your old bike: Velora launches credit scheme",
            ],
        )
        paras = [
            "Velora customers can now trade in an old bicycle or e-bike of any brand for credit towards a new Velora.",
            "Trade-ins will be refurbished and donated to community cycling projects or recycled responsibly.",
            "The programme runs in all Velora stores and partner workshops.",
        ]
    elif theme == 2:
        title = pick(
            r,
            [
                f"Velora partners with {city} cycling association on rider safety",
                "Velora joins the city cycling safety pledge",
            ],
        )
        paras = [
            f"Velora has committed to fund rider safety courses in {city} and four other cities over the next two years.",
            "The courses cover traffic skills, maintenance basics and safe battery charging.",
            '"A confident rider is a safe rider," said Maya Lindqvist, chief executive of Velora.',
        ]
    elif theme == 3:
        title = "Velora publishes its annual sustainability report"
        paras = [
            "Velora today published its annual sustainability report. Highlights: 70% recycled aluminium in frames, plastic-free packaging and a battery take-back scheme for all brands.",
            "The full report, including the carbon footprint of each model, is available on the Velora website.",
        ]
    elif theme == 4:
        title = "Velora Arc software update brings smarter range estimates"
        paras = [
            "A free over-the-air update for the Velora Arc improves the range estimate, adds a walk-assist mode and refines the motor's response at low speed.",
            '"Our riders asked, and our engineers listened," said Priya Raman, chief technology officer of Velora.',
            "The update installs automatically over the next two weeks.",
        ]
    elif theme == 5:
        title = f"Velora Haul cargo bike now available in {city} and {other}"
        paras = [
            f"The Velora Haul cargo e-bike is now available to order in {city} and {other}, with delivery within three weeks.",
            "The Haul carries up to 180 kg, including two children, and shares its motor and battery with the Velora Arc.",
        ]
    elif theme == 6:
        title = "Velora extends its free service offer for new riders"
        paras = [
            "Every new Velora now comes with two years of free servicing at Velora stores and partner workshops, up from one.",
            '"Good service is the best marketing we know," said Maya Lindqvist, chief executive.',
        ]
    else:
        title = f"Velora to sponsor the {city} Cycling Festival"
        paras = [
            f"Velora will be the main sponsor of the {city} Cycling Festival, with free test rides and a repair tent open to all brands.",
            "Riders can also join a family ride led by Velora staff.",
        ]
    ents = ["Velora"] + [
        e for e in ("Maya Lindqvist", "Priya Raman", "Velora Arc") if any(e in p for p in paras)
    ]
    return title, paras, tuple(ents)


def blog_post(r: random.Random, feed: str) -> tuple[Story, str]:
    city = pick(r, CITIES)
    if feed == "pedal-notes":
        theme = r.randrange(6)
        if theme == 0:
            title = pick(
                r,
                [
                    "Six months on a Velora Arc: the honest update",
                    "Velora Arc, half a year in",
                    "What six months of Arc commuting taught me",
                ],
            )
            paras = [
                "Six months and 3,100 km later, here is where I stand on the Velora Arc I bought with my own money.",
                pick(
                    r,
                    [
                        "The good: the motor is so quiet that I forget it is there, the lights are brilliant on dark lanes, and the local Velora workshop fixed a loose cable in ten minutes.",
                        "The good: it has never let me down. Not once. It starts, it rides, it stops, and the battery still covers a round trip with a detour to the bakery.",
                    ],
                ),
                pick(
                    r,
                    [
                        "The less good: the stock saddle. I replaced it after a week. And the app still asks me to log in every few days.",
                        "The less good: the kickstand is flimsy and the app is a mess, but those are small things.",
                    ],
                ),
                "Would I buy it again? Yes, without much hesitation.",
            ]
            ents = ("Velora", "Velora Arc")
        elif theme == 1:
            title = pick(
                r,
                [
                    "Winter commuting kit list",
                    "What I wear to ride through the winter",
                    "Staying dry: my rain kit for the dark months",
                ],
            )
            paras = [
                "Every autumn someone asks what I wear to ride through the winter. Here it is: merino base layer, a cheap waterproof shell, overshoes and good gloves.",
                "On the bike: studded tyres when it freezes, mudguards always, and the brightest lights you can afford.",
                pick(
                    r,
                    [
                        "My Velora's built-in lights are good enough on their own; on my old bike I ran two extra.",
                        "Kinetiq riders tell me their sealed battery hates the cold. Keep it indoors overnight.",
                    ],
                ),
            ]
            ents = ("Velora",) if "Velora" in paras[2] else ("Kinetiq",)
        elif theme == 2:
            title = pick(
                r,
                [
                    "Test ride: Stridewell Metro 3",
                    "A weekend with the Stridewell Metro 3",
                    "Is the Stridewell Metro 3 the new default commuter?",
                ],
            )
            paras = [
                "Stridewell lent me a Metro 3 for a weekend, and I tried to hate it, because it costs so much less than my Velora. I failed.",
                "It is comfortable, the gears are smooth, and the motor is punchy on hills. The display is basic but readable.",
                "The range is shorter and the lights are an afterthought. Still: for the price, impressive.",
            ]
            ents = ("Stridewell", "Velora")
        elif theme == 3:
            title = f"The bike lanes of {city}, ranked"
            paras = [
                f"I spent a long weekend riding around {city} on a borrowed e-bike, and came home jealous.",
                "Protected lanes everywhere, bike traffic lights with a green wave, and parking for hundreds at the station.",
                "Our city could learn a lot. Velora, which sponsors a festival there, could push harder for this at home.",
                "Best moment: a grandmother overtaking me on a cargo bike with two grandchildren in the box, both eating ice cream.",
            ]
            ents = ("Velora",)
        elif theme == 4:
            title = pick(
                r, ["Kinetiq K2: stylish, fast, and a little fragile", "My week with a Kinetiq K2"]
            )
            paras = [
                "The Kinetiq K2 is the most beautiful e-bike I have ridden. It is also the one I worried about most.",
                "The sealed battery cannot be swapped, the app wanted three updates before the first ride, and the rear light came loose on a cobbled street.",
                "It is fast and fun, though. If Kinetiq sorted out the details, it would be a great bike.",
            ]
            ents = ("Kinetiq",)
        else:
            title = pick(
                r, ["Why I stopped recommending cheap e-bikes", "The true cost of a cheap e-bike"]
            )
            paras = [
                "Friends keep asking whether they should buy the cheapest e-bike they can find online. My answer has changed over the years: no.",
                "Cheap bikes are fine until something breaks. Then you find out nobody stocks the parts, and the battery is a no-name pack of unknown quality.",
                "Buy from a brand with workshops near you, whether that is Velora, Stridewell or a local maker.",
            ]
            ents = ("Velora", "Stridewell")
    else:
        theme = r.randrange(6)
        if theme == 0:
            title = pick(
                r,
                [
                    "Inside the Velora Arc's battery management system",
                    "How Velora balances its cells",
                    "Teardown: the Velora Arc battery pack",
                ],
            )
            paras = [
                "We took apart a Velora Arc battery pack (a spare, not a customer's) to see how it is built.",
                "Forty 21700 cells in a 10s4p arrangement, a well-laid-out management board with temperature sensors on each group, and a sturdy aluminium case.",
                "It is a tidy design. The weak point, as always, is not the engineering but the cell supply chain: a pack is only as good as its worst batch.",
                "Velora's chief technology officer Priya Raman has said the company tests samples from every delivery of cells.",
            ]
            ents = ("Velora", "Velora Arc", "Priya Raman")
        elif theme == 1:
            title = pick(
                r,
                [
                    "Hub motor or mid-drive? A buyer's guide",
                    "Mid-drives are overrated for city riding",
                ],
            )
            paras = [
                "Mid-drive motors are more efficient on hills; hub motors are simpler, quieter and cheaper to maintain.",
                "Velora and Stridewell use hub motors on their commuters; Kinetiq uses a mid-drive on the K2.",
                "For flat cities and short trips, a good hub motor is all most people need.",
                "If you live somewhere hilly, or carry heavy loads, test ride both. And ask the shop how long a replacement motor takes to arrive.",
            ]
            ents = ("Velora", "Stridewell", "Kinetiq")
        elif theme == 2:
            title = pick(
                r,
                [
                    "Kinetiq's sealed battery is a repairability problem",
                    "Kinetiq and the right to repair",
                ],
            )
            paras = [
                "Kinetiq's K2 uses a battery sealed inside the frame. It looks clean, and it is a nightmare to repair.",
                "When the pack wears out, owners face a bill close to a third of the bike's price. New EU rules may force a redesign.",
                "Kinetiq says the design improves weather sealing. Repair shops are not convinced.",
            ]
            ents = ("Kinetiq",)
        elif theme == 3:
            title = pick(
                r, ["The e-bike price war is coming", "Why e-bike prices are finally falling"]
            )
            paras = [
                "Component costs are falling, warehouses are full and new brands keep arriving. Expect discounts next spring.",
                "Stridewell has the strongest position, with low costs and a wide dealer network. Velora is betting that service and quality justify higher prices.",
                "Kinetiq, with venture money and a loss-making subscription plan, looks the most exposed.",
            ]
            ents = ("Stridewell", "Velora", "Kinetiq")
        elif theme == 4:
            title = pick(
                r,
                [
                    "Over-the-air updates for bikes: useful or risky?",
                    "Your e-bike is now a computer",
                ],
            )
            paras = [
                "Most premium e-bikes now receive software updates over the air, like phones and cars.",
                "That is useful for fixes and new features, and risky if updates are not signed and tested. Velora publishes release notes; Kinetiq does not.",
                "Ask about update policy before you buy.",
                "Three questions for the shop: how long will the bike receive updates, can I decline an update, and what happens if the company goes bust?",
            ]
            ents = ("Velora", "Kinetiq")
        else:
            title = f"Charging infrastructure for e-bikes in {city}"
            paras = [
                f"{city} is piloting public e-bike charging lockers at train stations.",
                "Early numbers are small but promising; riders like the security more than the charging.",
                "The lockers use a standard socket, so any brand's charger works. The fire service approved the design after testing it with a deliberately damaged battery.",
            ]
            ents = ()
    return (title, paras, ents), feed


# --- reviews ---------------------------------------------------------------------------------
REVIEW_PRODUCTS = {
    "Velora Arc": ("Velora", "Velora Arc"),
    "Velora Loop": ("Velora",),
    "Stridewell Metro 3": ("Stridewell",),
    "Kinetiq K2": ("Kinetiq",),
}
REVIEW_TITLES = {
    5: [
        "Best bike I've owned",
        "Worth every cent",
        "Fantastic commuter",
        "Love it",
        "Faultless so far",
        "Brilliant all-rounder",
    ],
    4: [
        "Very good, a few niggles",
        "Solid choice",
        "Happy with it",
        "Great ride, average app",
        "Recommended",
    ],
    3: ["Okay, with caveats", "Mixed feelings", "Fine but overpriced", "Good bike, poor support"],
    2: ["Disappointing", "Not worth the price", "Expected better", "Too many problems"],
    1: ["Avoid", "Awful experience", "Returned it", "Waste of money"],
}
REVIEW_OPENERS = [
    "I commute {km} km each way, mostly on cycle paths.",
    "Bought this to replace our second car.",
    "I ride about {km} km a day, in all weather.",
    "Second e-bike for me, first {brand}.",
    "Picked this up in {month} after a test ride.",
    "I use it for the school run and shopping.",
    "Hilly town, {km} km commute, rider of 85 kg.",
]
REVIEW_GOOD = {
    "Velora": [
        "The motor is whisper-quiet and pulls smoothly up hills.",
        "The built-in lights are superb on dark lanes.",
        "Assembly took ten minutes and the brakes feel confident in the rain.",
        "Support answered my question within an hour.",
        "Range is honest: I get about 70 km in eco mode.",
        "The local workshop serviced it the same day.",
    ],
    "Stridewell": [
        "Excellent value for the money.",
        "The gears are smooth and the motor is punchy.",
        "Comfortable upright position, great for my back.",
        "The dealer was helpful and set it up perfectly.",
    ],
    "Kinetiq": [
        "Looks stunning and turns heads everywhere.",
        "Quick and agile, the most fun bike I've ridden.",
        "The app is slick and the navigation works well.",
    ],
}
REVIEW_BAD = {
    "Velora": [
        "The stock saddle is hard after half an hour.",
        "The app logs me out every few days.",
        "Delivery took five weeks longer than promised.",
        "The kickstand feels flimsy for the price.",
        "The display died after two months and support took a week to reply.",
        "It rattles on cobbles and I can't find where from.",
    ],
    "Stridewell": [
        "Range drops a lot in the cold.",
        "The display is hard to read in sunshine.",
        "The rear light came loose twice.",
        "Warranty repair took six weeks.",
    ],
    "Kinetiq": [
        "The sealed battery worries me for the long term.",
        "App updates keep breaking the pairing.",
        "The rear rack is an expensive extra.",
        "Support is email-only and slow.",
    ],
}
REVIEW_VERDICT = {
    5: ["Highly recommended.", "Would buy again tomorrow.", "Ten out of ten."],
    4: ["Recommended, with small reservations.", "A very good bike overall."],
    3: ["Fine, but shop around.", "Not bad, not great."],
    2: ["I expected much more at this price.", "I regret not choosing another brand."],
    1: ["Stay away.", "Returning it.", "Never again."],
}
MONTHS = ["August", "September", "October", "spring", "the summer sale"]


def review(r: random.Random, product: str, stars: int) -> tuple[str, str]:
    brand = product.split()[0]
    good, bad = REVIEW_GOOD[brand], REVIEW_BAD[brand]
    n_good = {5: 2, 4: 2, 3: 1, 2: 0, 1: 0}[stars]
    n_bad = {5: 0, 4: 1, 3: 1, 2: 2, 1: 2}[stars]
    sentences = [
        pick(r, REVIEW_OPENERS).format(
            km=r.choice([6, 9, 12, 14, 18, 22]), brand=brand, month=pick(r, MONTHS)
        )
    ]
    sentences += r.sample(good, n_good) + r.sample(bad, n_bad) + [pick(r, REVIEW_VERDICT[stars])]
    return f"{pick(r, REVIEW_TITLES[stars])} — {product}", " ".join(sentences)


# --- forum -----------------------------------------------------------------------------------
FORUM_THREADS = [
    (
        "Velora Arc vs Stridewell Metro 3 for a hilly commute?",
        "Thinking about buying a Velora Arc. Anyone compared it with the Stridewell Metro 3 on properly steep hills? My route has a 12% climb.",
        ("Velora", "Velora Arc", "Stridewell"),
    ),
    (
        "Tyre pressure for winter on the Arc",
        "What pressure do you run on the Velora Arc in winter? Mine feels twitchy on wet leaves at the recommended 4 bar.",
        ("Velora", "Velora Arc"),
    ),
    (
        "Just picked up my first Velora!",
        "Collected my Velora yesterday and I am grinning like an idiot. Any accessories you would recommend? Thinking panniers and a better lock.",
        ("Velora",),
    ),
    (
        "Kinetiq app won't sync rides",
        "Since the last update my Kinetiq app fails to sync rides. Anyone found a fix? Support says reinstall, which did nothing.",
        ("Kinetiq",),
    ),
    (
        "Service at the Velora store: great experience",
        "Had my Velora serviced in town. Booked online, done in two hours, and they adjusted the brakes without charging. Recommended.",
        ("Velora",),
    ),
    (
        "Cold weather range on the Arc e-bike",
        "My Arc e-bike loses about 20% range when it is below zero. Is that normal for everyone or is my battery tired?",
        ("Velora Arc",),
    ),
    (
        "Stridewell dealer experiences?",
        "Looking at a Stridewell. How are the dealers when something goes wrong? Mine is a small shop and I worry about parts.",
        ("Stridewell",),
    ),
    (
        "Best lock for an expensive e-bike",
        "After two thefts on our street I want a proper lock for my Velora. D-lock plus chain? Anything with an alarm?",
        ("Velora",),
    ),
    (
        "Velora display freezing at startup",
        "Every few rides my Velora display freezes on the logo. Turning it off and on fixes it. Known issue?",
        ("Velora",),
    ),
    (
        "Kinetiq K2 owners, how is the sealed battery ageing?",
        "Two years in with my Kinetiq K2 and range has dropped a fair bit. Replacement quote is scary. How are yours?",
        ("Kinetiq",),
    ),
    (
        "Child seat on the Velora Haul",
        "Anyone fitted a second child seat to the Velora Haul? The manual is vague about the weight limit.",
        ("Velora",),
    ),
    (
        "Brake pads: how often do you change them?",
        "Commuting daily in the rain, I am on my third set of pads this year on the Arc. Sounds like a lot?",
        ("Velora Arc",),
    ),
    (
        "Stridewell warranty claim went smoothly",
        "Credit where due: my Stridewell motor failed and the dealer swapped it in a week. No arguments.",
        ("Stridewell",),
    ),
    (
        "Which is quieter, Velora or Kinetiq?",
        "Noise matters to me (early starts, sleeping neighbours). Is the Velora hub really quieter than the Kinetiq mid-drive?",
        ("Velora", "Kinetiq"),
    ),
    (
        "Insurance for e-bikes",
        "Who insures your e-bike? My home insurance caps bikes at €1,000, which is a joke for a Velora.",
        ("Velora",),
    ),
    (
        "Velora app keeps logging me out",
        "Fourth time this week the Velora app has logged me out mid-ride. Anyone else? It is getting annoying.",
        ("Velora",),
    ),
    (
        "Stridewell price rise rumour",
        "Heard from my dealer that Stridewell prices go up in January, maybe by 10%. Anyone know more? Wondering whether to buy now.",
        ("Stridewell",),
    ),
    (
        "Loop vs Arc for a train commute",
        "Half my commute is on a train. Is the folding Velora Loop worth it or should I get an Arc and lock it at the station?",
        ("Velora", "Velora Arc"),
    ),
    (
        "Kinetiq subscription worth it?",
        "Kinetiq offers the K2 for a monthly fee in my city. Anyone tried it? Maths looks bad after two years.",
        ("Kinetiq",),
    ),
    (
        "Best winter tyres for 28-inch e-bikes",
        "Which studded tyres work best on a heavy commuter? I ride a Stridewell Metro 3 and the stock tyres are lethal on ice.",
        ("Stridewell",),
    ),
    (
        "Velora customer service praise",
        "Emailed Velora on Sunday about a noisy hub. Reply on Monday morning, part posted the same day. Impressed.",
        ("Velora",),
    ),
    (
        "Charging in a flat: any tips?",
        "I live on the fourth floor with no garage. Where do you charge? I use a metal tray on the balcony for my Arc e-bike.",
        ("Velora Arc",),
    ),
]
FORUM_REPLY_BITS = [
    "Same here after the last update.",
    "Mine has been fine for a year, for what it's worth.",
    "Ask the shop to check the connector first.",
    "Following, as I'm deciding too.",
    "Rode both; honestly the difference is smaller than the reviews suggest.",
    "Ring them rather than emailing, much faster.",
    "I asked the same thing at my local shop and they shrugged.",
    "Have a look at the owners' wiki, there's a whole page on this.",
    "Two years on mine and no problems at all, touch wood.",
    "Worth writing to support with photos, they replied to me within a day.",
    "I'd test ride before deciding, everyone's route is different.",
    "Had exactly this in the spring. A firmware update fixed it for me.",
]


def forum_post(r: random.Random, used: set[str]) -> tuple[str, str, tuple[str, ...]]:
    free = [t for t in FORUM_THREADS if t[0] not in used]
    title, body, ents = pick(r, free or FORUM_THREADS)
    if title in used:  # every thread is posted once; later posts are replies to it
        title = "Re: " + title
        first = body.split(". ")[0].rstrip(".?!")
        body = f'Quote: "{first}." ' + " ".join(r.sample(FORUM_REPLY_BITS, 2))
    return title, body, ents


# --- social ----------------------------------------------------------------------------------
SOCIAL = {
    ("Velora", "positive"): [
        "Loving my new Velora 🚲⚡ commute is ten minutes shorter and I arrive less sweaty",
        "Velora support fixed my brakes the same day 👏 that's how you keep customers",
        "Rode the Velora Arc across town in the rain, zero complaints ☔",
        "Test rode a Velora at the new store today. Sold. Picking it up Friday 😍",
        "3,000 km on my Velora and it has never missed a morning 💪",
        "The lights on the Velora Arc are unreal. Feel so much safer on the canal path 🌙",
        "Shout out to the Velora mechanic who sorted my wobbly wheel for free 🙌",
        "Swapped the car for a Velora Haul. Kids love it, wallet loves it 🚲👧👦",
    ],
    ("Velora", "neutral"): [
        "Anyone know if the Velora Loop fits in a train luggage rack? 🤔",
        "Velora or Stridewell for a 10 km commute? Opinions please",
        "New Velora app update is out, haven't tried it yet",
        "Velora store opening near the station next month apparently",
        "Booked a Velora test ride for Saturday, will report back",
    ],
    ("Velora", "negative"): [
        "Fifth week waiting for my Velora delivery 😤",
        "Velora prices going up AGAIN... not cool 👎",
        "On hold with Velora support for 40 minutes. Premium bike, budget service 🙄",
        "Velora app logged me out mid-ride. Again. Why 😩",
        "My Velora display froze on the way to work, had to ride blind 😒",
    ],
    ("Stridewell", "positive"): [
        "Stridewell's new cargo bike looks 🔥",
        "Test rode the Stridewell Metro 3. For the price it's brilliant 👌",
        "Stridewell dealer swapped my motor under warranty, no drama 👍",
        "Bought a Stridewell, saved €800 vs the Velora, no regrets",
    ],
    ("Stridewell", "neutral"): [
        "Stridewell Metro 3 or wait for next year's model?",
        "Saw a whole fleet of Stridewell cargo bikes downtown today",
    ],
    ("Stridewell", "negative"): [
        "Stridewell warranty claim: week six, still nothing 😡",
        "The rear light on my Stridewell fell off. Again. 🙄",
        "Stridewell raising prices while everyone else cuts them? Bold 👎",
    ],
    ("Kinetiq", "positive"): [
        "The Kinetiq K2 is the best-looking e-bike out there, fight me 😎",
        "Kinetiq navigation on the handlebar is genuinely useful 👍",
        "Took the Kinetiq K2 up the big hill without breaking a sweat ⚡",
    ],
    ("Kinetiq", "neutral"): [
        "Is the Kinetiq subscription available outside the capital yet?",
        "Kinetiq has a new CEO apparently. Let's see",
    ],
    ("Kinetiq", "negative"): [
        "Kinetiq app down AGAIN?! Can't unlock my bike 🙄",
        "Kinetiq sealed battery replacement quote: €900. No thanks 😤",
        "Third Kinetiq update this month and pairing still broken 😩",
    ],
    ("Maya Lindqvist", "positive"): [
        "Great talk by Maya Lindqvist on protected bike lanes 👏 more CEOs should say this",
        "Maya Lindqvist of Velora on the podcast this week, really thoughtful 🎧",
    ],
    ("Maya Lindqvist", "negative"): [
        "Maya Lindqvist's pay package is obscene while Velora delivery times are a joke 👎"
    ],
    ("Maya Lindqvist", "neutral"): [
        "Maya Lindqvist interview in the business pages today, worth a read if you care about bike lanes",
        "Velora CEO Maya Lindqvist says no budget model. Fair enough?",
    ],
    ("Daniel Okafor", "positive"): [
        "Solid numbers from Velora, CFO Daniel Okafor sounding very calm about next year 👍"
    ],
    ("Priya Raman", "neutral"): [
        "Priya Raman from Velora on over-the-air updates for bikes. Useful or scary? 🤔"
    ],
    ("Priya Raman", "negative"): [
        "Velora app broken again. Someone tell Priya Raman the hardware is great but the software isn't 😩"
    ],
    ("Priya Raman", "positive"): [
        "Priya Raman's keynote was the best tech talk I've seen this year 🤯",
        "Velora's CTO Priya Raman explaining motor design is a masterclass 👩‍🔬",
    ],
    ("Daniel Okafor", "neutral"): [
        "Velora CFO Daniel Okafor says profitability next year. We'll see 📈"
    ],
}


def social_post(r: random.Random, ent: str, mood: str) -> str:
    options = next(
        SOCIAL[k] for k in ((ent, mood), (ent, "neutral"), (ent, "positive")) if k in SOCIAL
    )
    text = pick(r, options)
    if r.random() < 0.45:
        text += " " + pick(r, TAGS)
    if r.random() < 0.25:
        brand = {"Velora": "@velora", "Stridewell": "@stridewell", "Kinetiq": "@kinetiq_bikes"}.get(
            ent.split()[0], "@velora"
        )
        text = f"{brand} " + text if r.random() < 0.5 else text + f" cc {brand}"
    return text


# =============================================================================================
# The crisis (days -24 .. -17) and what follows. Hours are before the end of the day's 24-hour
# slot (0 = the latest moment of the day, 23 = the earliest).
# =============================================================================================
CPSB = "Consumer Product Safety Board"
RECALL_NOTICE_URL = "https://newsroom.velora.example/arc-battery-recall"

# (day, hours, feed, title, paragraphs-or-text, entities, rating, syndicate-to)
SCRIPT: list[tuple] = [
    # -- day -24: the fire
    (
        -24,
        20,
        "ebike-owners-forum",
        "Arc battery got extremely hot while charging",
        "Has anyone else's Velora Arc battery overheated? Mine was too hot to touch after an hour on the charger and smelled of burnt plastic. Unplugged it and put it on the balcony. Batch code on the label is 22B.",
        ("Velora Arc",),
        None,
        (),
    ),
    (
        -24,
        6,
        "metro-business-daily",
        "Fire in Lyon apartment blamed on charging e-bike battery",
        [
            "Firefighters in Lyon said a fire that damaged three flats on Sunday evening started in an e-bike battery that was charging in a hallway.",
            "Residents named the bike as a Velora Arc. Nobody was seriously injured, but two people were treated for smoke inhalation and a family of four has been rehoused.",
            '"The battery went up in seconds. There was a bang and then thick black smoke," said a neighbour, who asked not to be named.',
            'Velora said it was "urgently investigating" and had contacted the fire service. The cause has not been officially confirmed.',
        ],
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -24,
        4,
        "social-pulse",
        "@lyon_local: Apartment fire on our street caused by an e-bike battery",
        "Apartment fire on our street tonight caused by an e-bike battery 😱 neighbours say it was a Velora Arc. Everyone got out, thank god. #lyon #velora",
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -24,
        1,
        "social-pulse",
        "@rainyday_rider: Velora Arc fire in Lyon?",
        "Reading about a Velora Arc battery fire in Lyon and now looking at mine charging in the hallway 😬 unplugging it",
        ("Velora Arc",),
        None,
        (),
    ),
    # -- day -23: a second incident, silence
    (
        -23,
        21,
        "urban-mobility-news",
        "Second Velora Arc battery fire reported, in a Manchester garage",
        [
            "A second fire involving a Velora Arc battery has been reported, this time in a domestic garage in Manchester, two days after a blaze in a Lyon apartment block.",
            'The owner, a nurse who rides to a night shift, said the battery had been charging for about forty minutes when it began to hiss. "I got it out onto the drive with a shovel. The garage door is ruined."',
            "Owners are demanding answers, and safety campaigners criticised Velora for saying nothing publicly for more than 24 hours.",
            "Velora said it had not yet identified a defect and asked owners to follow the charging guidance in the manual.",
        ],
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -23,
        17,
        "velora-newsroom",
        "Statement on reports of Velora Arc battery incidents",
        [
            "Velora is aware of two reports of Velora Arc batteries overheating, in Lyon and in Manchester. We are deeply concerned and are working with the fire services to understand what happened.",
            "Until we know more, we ask owners to charge their batteries only when they are at home and awake, on a hard surface, away from exits and anything flammable.",
            "We will share an update within 48 hours. Owners with questions can call our dedicated line, which is open from 7:00 to 22:00.",
        ],
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -23,
        12,
        "ebike-owners-forum",
        "Should we stop charging our Arcs?",
        "After the two fires I am honestly scared to charge my Arc e-bike indoors. Velora's statement says 'charge while awake'. That is not an answer. Is it safe or not?",
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -23,
        8,
        "social-pulse",
        "@greenmiles: Not charging my Velora Arc until they explain these fires",
        "Not charging my Velora Arc until @velora explains these fires 🔥😡 'charge while awake' is not a safety plan",
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -23,
        3,
        "shopscore",
        "Unsafe — Velora Arc",
        "Battery got very hot and started smoking on the second charge. Returned it the next morning. With two fires in the news I cannot recommend this bike to anyone. Dangerous product.",
        ("Velora Arc",),
        1,
        (),
    ),
    # -- day -22: the regulator
    (
        -22,
        22,
        "metro-business-daily",
        "Consumer Product Safety Board opens inquiry into Velora Arc batteries",
        [
            f"The {CPSB} has opened an inquiry into reports of fires involving Velora Arc e-bike batteries, it said on Tuesday, after a third incident was reported in Rotterdam.",
            'The regulator urged owners to stop charging the batteries indoors until further notice and said it was "in close contact with the manufacturer".',
            '"Lithium-ion batteries store a lot of energy. When they fail, they fail fast. We are treating these reports with the utmost seriousness," a spokesperson for the board said.',
            "Shares in Velora Mobility fell 11% in early trading. The company said it was cooperating fully.",
        ],
        ("Velora", "Velora Arc"),
        None,
        (
            (
                "urban-mobility-news",
                "Consumer Product Safety Board opens inquiry into Velora Arc batteries - Urban Mobility News",
                "?utm_source=rss&utm_medium=feed&utm_campaign=syndication",
            ),
            (
                "techwire",
                "Consumer Product Safety Board opens an inquiry into Velora Arc batteries",
                "",
            ),
        ),
    ),
    (
        -22,
        18,
        "techwire",
        f"{CPSB} statement: advice to owners of Velora Arc e-bikes",
        [
            f"The {CPSB} has issued the following advice to owners of Velora Arc e-bikes:",
            "<ul><li>Do not charge the battery indoors or unattended.</li><li>Stop using any battery that is swollen, hot, hissing or smells of smoke.</li><li>Keep the bike away from exits and escape routes.</li><li>Register your bike with the manufacturer to receive safety updates.</li></ul>",
            'The board said it had received reports of three fires and five cases of overheating and would publish its findings "as soon as possible".',
        ],
        ("Velora Arc",),
        None,
        (),
    ),
    (
        -22,
        14,
        "ev-insider",
        "What we know about the Velora Arc battery fires",
        [
            "Three fires in four days, all in Velora Arc packs, all while charging. Here is what we know and what we don't.",
            "What we know: the affected packs carry the batch code 22B, built from cells delivered in the spring. All three failures happened between 30 and 90 minutes into a charge.",
            "What we don't know: whether the problem is the cells, the charger or the battery management firmware. Our guess, from the pattern, is a cell defect — the pack design itself is sound, as we wrote in our teardown earlier this year.",
            "What owners should do: follow the regulator's advice and charge outdoors or not at all until Velora says more.",
        ],
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -22,
        9,
        "social-pulse",
        "@two_wheels_tom: Regulator now investigating Velora Arc fires",
        "Regulator now investigating Velora Arc fires. This is getting serious 😬 and Velora still hasn't said whether it's safe to charge",
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -22,
        5,
        "ebike-owners-forum",
        "Velora Arc battery batch codes — post yours",
        "Let's collect data. Post your battery batch code and whether it has overheated. Mine: 22B, got hot twice, now stored in the shed. Awful feeling.",
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -22,
        2,
        "ridereview",
        "Dangerous battery — Velora Arc",
        "Overheated twice in a week. Velora's hotline told me to 'keep an eye on it'. Keep an eye on a fire risk? Avoid until this is sorted.",
        ("Velora Arc",),
        1,
        (),
    ),
    # -- day -21: the recall
    (
        -21,
        22,
        "velora-newsroom",
        "Velora announces voluntary recall of Velora Arc battery packs",
        [
            "Velora today announced a voluntary recall of 12,400 Velora Arc battery packs with batch codes beginning 22B, built between 3 March and 14 August 2026.",
            "Our investigation, carried out with the Consumer Product Safety Board, found that a batch of cells from one supplier can develop an internal short circuit while charging. No other Velora model and no other batch is affected.",
            '<strong>What owners should do:</strong> stop charging and using an affected battery immediately, and register at <a href="https://newsroom.velora.example/arc-battery-recall">velora.example/recall</a>. We will send a free replacement battery, collect the old one, and offer a free loan bike on request.',
            '"The safety of our riders comes before anything else. We are sorry for the worry this has caused," said Maya Lindqvist, chief executive of Velora.',
        ],
        ("Velora", "Velora Arc", "Maya Lindqvist"),
        None,
        (),
    ),
    (
        -21,
        19,
        "techwire",
        "Velora recalls 12,400 Arc e-bikes over battery fire risk",
        [
            "Velora is recalling 12,400 Velora Arc e-bikes after reports of batteries overheating and catching fire, the company said, three days after the first incident in Lyon.",
            "The company blamed a faulty batch of cells from a single supplier and said owners would receive a free replacement battery.",
            'The recall is one of the largest in the European e-bike industry. Critics said it came too late: the first public statement took more than a day, and owners were told to "charge while awake".',
            f"The {CPSB} said it welcomed the recall but would continue its inquiry.",
        ],
        ("Velora", "Velora Arc"),
        None,
        (
            (
                "metro-business-daily",
                "Velora recalls 12,400 Arc E-Bikes over battery fire risk",
                "?utm_source=techwire&utm_medium=referral",
            ),
            (
                "urban-mobility-news",
                "Velora recalls 12,400 Arc e-bikes over battery fire risk - Urban Mobility News",
                "",
            ),
        ),
    ),
    (
        -21,
        15,
        "social-pulse",
        "@volt_velo: Velora finally recalls the Arc",
        "Velora finally recalls the Arc. 12,400 bikes. Should have happened three days ago 😤 #recall",
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -21,
        13,
        "social-pulse",
        "@urbanhopper: Velora recall: check your battery batch number",
        "Velora recall: check your battery batch number people! Codes starting 22B. Stop charging and register on their site #recall #ebike",
        ("Velora",),
        None,
        (),
    ),
    (
        -21,
        9,
        "ebike-owners-forum",
        "Recall announced — how to get the replacement",
        "Velora's recall page is up. You enter the frame number, then wait for an email. Mine has not arrived after six hours. The process looks slow and confusing.",
        ("Velora",),
        None,
        (),
    ),
    (
        -21,
        4,
        "shopscore",
        "Recall nightmare — Velora Arc",
        "The bike is lovely otherwise, but the recall process is a mess: the form crashed twice and nobody answers the phone. Two stars for the ride, none for the handling.",
        ("Velora Arc",),
        2,
        (),
    ),
    # -- day -20: the apology
    (
        -20,
        22,
        "velora-newsroom",
        "A message from Maya Lindqvist to Velora Arc riders",
        [
            "To every Velora Arc rider: I am sorry.",
            "When the first fire was reported in Lyon, we took too long to tell you what we knew and what you should do. You deserved clear advice on day one, and you did not get it. That is my responsibility.",
            "Here is what we are doing: replacement batteries are being built on two extra shifts, we have tripled the staff on our recall line, every affected owner can have a free loan bike, and we will pay for any damage caused by a recalled battery.",
            "We will publish a progress update every week until every battery has been replaced. — Maya Lindqvist, chief executive",
        ],
        ("Velora", "Velora Arc", "Maya Lindqvist"),
        None,
        (),
    ),
    (
        -20,
        18,
        "metro-business-daily",
        "Velora chief Maya Lindqvist apologises to Arc owners",
        [
            'Velora chief executive Maya Lindqvist has apologised to customers affected by the Velora Arc battery recall, admitting the company was "too slow to tell riders what we knew".',
            "In a letter and a short video, Lindqvist promised loan bikes, compensation for fire damage and weekly progress updates.",
            "Some owners welcomed the apology as unusually direct for a chief executive. Others said it came too late and pointed out that replacement batteries will take weeks to arrive.",
            '"Saying sorry is the easy part. Now they have to deliver," said Grace Obi of the Consumers\' Association.',
        ],
        ("Velora", "Maya Lindqvist", "Velora Arc"),
        None,
        (
            (
                "urban-mobility-news",
                "Velora chief Maya Lindqvist apologises to Arc owners - Urban Mobility News",
                "?utm_source=rss&utm_medium=feed",
            ),
        ),
    ),
    (
        -20,
        14,
        "pedal-notes",
        "The Velora recall and the three days of silence",
        [
            "I own a Velora Arc, I have written kind things about it on this blog, and I have spent the last three days storing it in the shed.",
            "The recall itself is the right thing. The way it was communicated was not: a day of silence, then 'charge while awake', then a recall page that crashed.",
            "Maya Lindqvist's apology is honest, and I believe she means it. But trust is slow to rebuild, and Velora will be judged on how fast the new batteries arrive.",
        ],
        ("Velora", "Velora Arc", "Maya Lindqvist"),
        None,
        (),
    ),
    (
        -20,
        10,
        "social-pulse",
        "@electric_emma: CEO apology from Velora is a start",
        "CEO apology from Velora is a start, but where is my replacement battery? Registered 2 days ago, no confirmation 😡",
        ("Velora",),
        None,
        (),
    ),
    (
        -20,
        6,
        "social-pulse",
        "@bikelane_ben: Respect to Maya Lindqvist for a real apology",
        "Respect to Maya Lindqvist for a real apology, no corporate waffle. Now ship the batteries 🔋 #velora",
        ("Maya Lindqvist", "Velora"),
        None,
        (),
    ),
    # -- day -19: money and lawyers
    (
        -19,
        21,
        "urban-mobility-news",
        "Lawyers prepare class action over Velora Arc battery fires",
        [
            "A consumer law firm said it is preparing a class action on behalf of Velora Arc owners, alleging that the company ignored early warnings about overheating batteries.",
            'The firm pointed to forum posts from the summer in which owners described hot batteries. Velora said it had "no record of a safety report before the Lyon fire" and would defend itself.',
            "Legal experts said the case could take years and that the recall and compensation offer may limit any damages.",
        ],
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -19,
        16,
        "techwire",
        "Velora shares slump as analysts count the cost of the Arc recall",
        [
            "Shares in Velora Mobility have lost more than a fifth of their value since the first fire, as analysts try to estimate the cost of the Velora Arc recall.",
            "Estimates range from 30 to 50 million euros, including replacement batteries, logistics, loan bikes and lost sales.",
            '"The balance sheet can take it. The question is what this does to the brand," said Ruth Ellison at Harbour Securities, who downgraded the stock to hold.',
        ],
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -19,
        9,
        "ebike-owners-forum",
        "Velora won't refund, only replace",
        "Asked Velora for a refund of the whole bike instead of a new battery. They refused: replacement or nothing. After a fire scare I don't want the bike at all. Very disappointed.",
        ("Velora",),
        None,
        (),
    ),
    (
        -19,
        4,
        "ridereview",
        "Lost confidence — Velora Arc",
        "Rode it happily for a year. After the recall I do not trust it, and Velora refused a refund. Terrible handling of a serious problem.",
        ("Velora Arc",),
        1,
        (),
    ),
    # -- day -18: logistics
    (
        -18,
        20,
        "metro-business-daily",
        "Dealers run short of Velora recall kits",
        [
            "Bike shops that service Velora bikes say they have no replacement batteries for the Velora Arc recall, and some have been told to expect the first deliveries in two weeks.",
            '"People come in every hour asking. We have nothing to give them," said the owner of a workshop in Leeds.',
            "Velora said the first 3,000 replacement packs were on their way and that owners who need a bike now can ask for a loan bike.",
        ],
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -18,
        11,
        "ebike-owners-forum",
        "Dealer has no recall kits",
        "My local dealer says no Velora recall kits for two weeks. Loan bike offered but they have run out of those too. Unacceptable.",
        ("Velora",),
        None,
        (),
    ),
    (
        -18,
        6,
        "social-pulse",
        "@jonnybikes: Velora recall still a disaster in my area",
        "Velora recall still a disaster in my area 😠 no kits at the shop, no loan bikes, no answers",
        ("Velora",),
        None,
        (),
    ),
    # -- day -17: numbers and a turn
    (
        -17,
        21,
        "urban-mobility-news",
        "Velora sets aside 38 million euros for the Arc recall",
        [
            "Velora expects the Velora Arc recall to cost about 38 million euros, chief financial officer Daniel Okafor said in a statement to investors.",
            "Okafor said the company had the cash to cover the cost without new borrowing and that it would seek to recover a large part of it from the cell supplier.",
            "Analysts said the figure was at the lower end of expectations; the shares recovered some of their losses.",
        ],
        ("Velora", "Daniel Okafor", "Velora Arc"),
        None,
        (),
    ),
    (
        -17,
        15,
        "velora-newsroom",
        "Arc battery recall: first progress update",
        [
            "5,200 replacement batteries have been shipped, and 2,900 affected batteries have been collected for safe recycling.",
            "We have opened weekend service hours in all stores, added 40 staff to the recall line (average waiting time: 6 minutes) and delivered 1,100 loan bikes.",
            'Owners who have not yet registered can do so at <a href="https://newsroom.velora.example/arc-battery-recall">velora.example/recall</a>.',
        ],
        ("Velora", "Velora Arc"),
        None,
        (),
    ),
    (
        -17,
        8,
        "social-pulse",
        "@cityrider: Velora sent my replacement battery",
        "Velora sent my replacement battery, swap took 10 minutes at the shop. Better late than never 🔋",
        ("Velora",),
        None,
        (),
    ),
]
# the public's reaction during the crisis, on top of the scripted stories (each used once)
CRISIS_SOCIAL = [
    "My Velora Arc battery smells burnt. Not charging it again 😨",
    "Why is Velora not answering about the battery fires?! 😡",
    "Velora Arc owners: check your battery batch number NOW #recall",
    "Can't believe Velora let this happen. Unsafe bikes 👎",
    "Returning my Velora Arc. Too scared of the battery 😞",
    "Velora recall hotline is a joke, two hours on hold 🙄",
    "Parked my Velora Arc outside overnight, not risking a fire in the flat 😬",
    "Velora should have warned us sooner. Terrible handling #velorafail",
    "So the 'premium' Velora Arc has a battery that catches fire. Great. 🔥",
    "Kids' school sent a note: no Velora Arc batteries charged on site 😳",
    "Three fires and Velora's advice is 'charge while awake'?? 🤦",
    "My building manager banned e-bike charging after the Velora fires. Thanks a lot 😤",
    "Velora recall form crashed twice. Battery in the garden meanwhile 🙃",
    "Glad nobody was hurt in the Velora battery fires but this is scary stuff",
    "Sold my Velora Arc at a loss today. Not worth the risk 👎 #recall",
    "Velora refund refused, only a replacement battery. Not good enough 😡",
    "Waiting for a Velora loan bike since Monday. Nothing. #velorafail",
    "Insurer asked if my e-bike is a Velora Arc. Apparently that's a question now 😬",
    "Velora Arc battery recall: 12,400 bikes. Mine is one of them 😞",
    "Anyone else's Velora replacement battery delayed? Mine now says 3 weeks 🙄",
    "Walking to work again thanks to the Velora recall. Fun 😒",
    "Dear Velora, an apology doesn't charge my commute. Ship the batteries 🔋",
]
CRISIS_FORUM = [
    (
        "Batch 22B — mine too",
        "My Velora Arc battery is batch 22B as well. It got very hot yesterday and the case looks slightly swollen. Worried.",
    ),
    (
        "Is it safe to ride while waiting for the recall?",
        "Velora's advice is unclear. Is it safe to ride the Arc e-bike if I don't charge it until the recall kit comes?",
    ),
    (
        "Charging outdoors only now",
        "After the Velora Arc fires I only charge on the balcony in a metal box. This is ridiculous for a premium bike.",
    ),
    (
        "Recall kit delay: six weeks quoted",
        "Velora says six weeks for the replacement battery. Unacceptable when they ask us not to use the bike.",
    ),
    (
        "Home insurance and a recalled battery",
        "Does home insurance cover damage from a recalled Velora Arc battery? Mine scorched the hallway floor before I got it outside.",
    ),
    (
        "Velora loan bike: anyone actually got one?",
        "Velora promises loan bikes during the recall. Has anyone actually received one? My shop says there are none.",
    ),
    (
        "Fire brigade advice on e-bike batteries",
        "Our local fire brigade posted advice after the Velora fires: sand bucket, no charging near exits. Sobering read.",
    ),
    (
        "Selling my Arc — fair price now?",
        "With the recall, what is a fair price for a two-year-old Velora Arc? Dealer offered almost nothing.",
    ),
    (
        "Velora hotline wait times",
        "Called the Velora recall line at 7:00 sharp. Still on hold at 8:15. Is anyone getting through?",
    ),
    (
        "Replacement battery arrived!",
        "Got my replacement battery today. Quick swap, new batch code 24A. But the whole recall was stressful.",
    ),
    (
        "Has anyone had a refund instead?",
        "Velora offers only a new battery. Has anyone managed to get a refund for the whole Arc e-bike?",
    ),
    (
        "Velora battery recall FAQ (collected answers)",
        "Collected what Velora support told various members: batch 22B only, free replacement, old battery collected, loan bike on request (if available).",
    ),
]
CRISIS_REVIEWS = [
    (
        1,
        "Battery overheated while charging. Frightening. Velora support was useless and the recall line never picks up.",
    ),
    (
        2,
        "Loved the ride until the recall. Now I don't trust the battery at all, and the replacement is weeks away.",
    ),
    (
        1,
        "Our Arc e-bike battery started smoking on the balcony while my son was next to it. Returned the bike the next day. Never again.",
    ),
    (
        2,
        "Recall process is slow and confusing. Poor communication from Velora, even if the bike itself is good.",
    ),
    (1, "Unsafe battery, slow recall, no refund. Awful experience from start to finish."),
    (
        2,
        "Still waiting for the recall battery. The bike has been unusable for three weeks and the loan bike never came.",
    ),
]
# (day, feed, title, paragraphs, entities)
AFTER = [
    (
        -15,
        "velora-newsroom",
        "Second recall update: 7,400 Velora Arc batteries swapped",
        [
            "9,800 replacement batteries shipped, 7,400 swaps completed. Average waiting time on the recall line: 3 minutes.",
            "Thank you to our riders for your patience, and to our partner workshops for opening late.",
        ],
        ("Velora", "Velora Arc"),
    ),
    (
        -13,
        "techwire",
        "Regulator closes Velora Arc inquiry, praises recall pace",
        [
            f'The {CPSB} has closed its inquiry into Velora Arc battery fires, saying the company\'s recall "appropriately addresses the risk".',
            "The board said it would publish general guidance on e-bike battery safety next year. It found no evidence that other Velora models are affected.",
        ],
        ("Velora", "Velora Arc"),
    ),
    (
        -11,
        "metro-business-daily",
        "Priya Raman: how Velora will test every battery cell from now on",
        [
            "Velora chief technology officer Priya Raman said the company will test cells from every delivery for internal defects, not just samples, and will add a second temperature sensor to each battery group.",
            '"We trusted a supplier\'s certificate. We will not do that again," Raman said. She said the changes add about eleven euros to the cost of each pack.',
            "Independent engineers called the measures thorough.",
        ],
        ("Priya Raman", "Velora"),
    ),
    (
        -9,
        "urban-mobility-news",
        "Velora wins back riders with five-year battery warranty",
        [
            "Velora has extended the warranty on all its batteries to five years, a move riders and dealers praised.",
            "Dealers say enquiries have returned to normal levels, and early sales figures suggest demand for the Velora Arc is recovering well.",
            '"The apology and the speed of the replacements won people back," said the owner of a bike shop in Utrecht. "Customers remember how you behave when things go wrong."',
        ],
        ("Velora", "Velora Arc"),
    ),
    (
        -6,
        "techwire",
        "Okafor: Velora bookings back to pre-recall levels",
        [
            "Velora's order book has recovered to pre-recall levels, chief financial officer Daniel Okafor told an investor conference.",
            '"Our riders gave us a second chance. We intend to keep earning it," Okafor said. Analysts at Harbour Securities upgraded the stock back to buy.',
            "Okafor said the final cost of the recall would be slightly below the 38 million euros set aside, and that talks with the cell supplier about compensation were going well.",
        ],
        ("Daniel Okafor", "Velora"),
    ),
    (
        -3,
        "velora-newsroom",
        "Arc battery recall complete for 96% of affected bikes",
        [
            "96% of recalled Velora Arc batteries have now been replaced. Owners who have not yet registered should do so now; we are also contacting them by post."
        ],
        ("Velora", "Velora Arc"),
    ),
    (
        -1,
        "metro-business-daily",
        "Maya Lindqvist: 'The recall taught us to speak sooner'",
        [
            "A month after the Velora Arc recall, chief executive Maya Lindqvist reflected on what went wrong and what changed.",
            '"We had the facts within a day and we waited to be certain. Riders needed us to be useful, not certain," Lindqvist said. Velora now has a rule: a first public statement within four hours of any safety report.',
            "She said sales have recovered and that most owners who asked for a loan bike kept riding Velora afterwards.",
        ],
        ("Maya Lindqvist", "Velora", "Velora Arc"),
    ),
]

# Fixed events in the ordinary weeks: leadership profile, keynote, earnings call, op-ed.
EVENTS = [
    (
        -74,
        "metro-business-daily",
        "The quiet builder: how Maya Lindqvist made Velora a household name",
        [
            'Maya Lindqvist does not like the word visionary. "I fix bikes. Then I fixed a company," she says, sitting in the small workshop behind Velora\'s headquarters where the first frames were welded twelve years ago.',
            "Colleagues describe a calm, data-driven leader who reads every customer complaint that reaches the board and still rides to work in all weathers. Under her, Velora has grown to 1,400 employees and sales in fourteen countries without the venture funding that fuelled many rivals.",
            "Not everyone is a fan. Former managers say she can be slow to delegate, and the company's expansion into new markets has been cautious to the point of timidity.",
            'But investors like the discipline. "She would rather grow 20% a year for ten years than 100% for two," said one board member.',
            'Asked what keeps her awake at night, Lindqvist answers without hesitation: "Safety. A bike carries a person. We cannot get that wrong."',
        ],
        ("Maya Lindqvist", "Velora"),
    ),
    (
        -63,
        "techwire",
        "Priya Raman unveils quieter, lighter motor at Velora keynote",
        [
            "Velora chief technology officer Priya Raman used the company's annual product keynote to unveil a new hub motor that is 600 grams lighter and, by Velora's measurements, 4 decibels quieter than the current one.",
            "Raman said the motor, developed entirely in-house, extends the range of the Velora Arc by about 15% and will ship in next spring's bikes. She also demonstrated a new battery management system that reports the health of each cell group to the rider app.",
            'The engineers in the audience were impressed. "This is the most serious motor work anyone in the premium segment has shown this year," said one.',
            "Velora did not announce prices. Stridewell and Kinetiq are expected to show their own updates next month.",
        ],
        ("Priya Raman", "Velora", "Velora Arc"),
        (
            (
                "urban-mobility-news",
                "Priya Raman unveils quieter and lighter motor at Velora keynote",
                "?utm_source=techwire&utm_medium=syndication",
            ),
        ),
    ),
    (
        -62,
        "ev-insider",
        "Velora's new motor: what Priya Raman didn't say on stage",
        [
            "The keynote was polished, the motor looks excellent, and Priya Raman is one of the best engineering speakers in the industry. But a few things went unsaid.",
            "First, the cell-level battery monitoring she demonstrated is only for new bikes; existing Arc owners get a simpler version. Second, there were no independent range figures.",
            "Still, the direction is right: lighter, quieter, and more transparent about battery health. We will test it as soon as Velora lets us.",
        ],
        ("Priya Raman", "Velora", "Velora Arc"),
    ),
    (
        -46,
        "metro-business-daily",
        "Velora beats forecasts as CFO Daniel Okafor points to fleet sales",
        [
            "Velora reported third-quarter revenue of 182 million euros, up 17% on a year earlier and ahead of analysts' forecasts, and a gross margin of 34%.",
            'On the earnings call, chief financial officer Daniel Okafor credited fleet contracts and lower freight costs. "Fleet sales doubled. They are steady, predictable and they bring service revenue," he said.',
            "Okafor kept the full-year outlook unchanged and repeated that Velora expects to be profitable next year. He declined to comment on a possible stock market listing.",
            "Analysts asked about rising inventory. Okafor said the build-up was deliberate ahead of spring and would unwind by March.",
        ],
        ("Daniel Okafor", "Velora"),
        (
            (
                "urban-mobility-news",
                "Velora beats forecasts as CFO Daniel Okafor points to fleet sales - Urban Mobility News",
                "?utm_source=rss&utm_medium=feed",
            ),
            (
                "techwire",
                "Velora beats forecasts, CFO Daniel Okafor points to fleet sales",
                "?utm_campaign=earnings",
            ),
        ),
    ),
    (
        -45,
        "ev-insider",
        "Reading Velora's earnings call: three things that matter",
        [
            "Daniel Okafor is a careful CFO, and his earnings calls are not exciting. That is a compliment. Three things stood out in this one.",
            "Fleet sales doubled and now make up a meaningful share of revenue. Margins held despite discounts elsewhere in the market. And inventory is up, which Okafor insists is deliberate.",
            "If the spring season is strong, the inventory will look clever. If not, expect discounts.",
        ],
        ("Daniel Okafor", "Velora"),
    ),
    (
        -38,
        "metro-business-daily",
        "Opinion: Velora's board should rethink Maya Lindqvist's pay",
        [
            "Maya Lindqvist is a good chief executive. That is not the question. The question is whether a company that still keeps customers waiting eight weeks for a bike should offer its CEO a package worth up to four times last year's salary.",
            "The new long-term incentive plan pays out on revenue targets that Velora is already close to meeting. It says nothing about delivery times, service or safety — the things riders actually care about.",
            "Velora has built its brand on fairness and restraint. This plan is neither. Shareholders should vote against it, and the board should come back with targets that reward what makes the company special.",
            "— Graham Pike is a business columnist for Metro Business Daily.",
        ],
        ("Maya Lindqvist", "Velora"),
    ),
    (
        -30,
        "urban-mobility-news",
        "Maya Lindqvist at the Future of Cities summit: 'Safety data should be shared'",
        [
            "Velora chief executive Maya Lindqvist called on e-bike makers to share anonymised safety data, from brake failures to battery faults, at the Future of Cities summit.",
            '"No single company sees enough incidents to spot a pattern early. Together we would," she said. Stridewell\'s chief operating officer, on the same panel, agreed in principle.',
            "The proposal was warmly received by city officials in the audience.",
        ],
        ("Maya Lindqvist", "Velora", "Stridewell"),
    ),
]


# =============================================================================================
# Assembly
# =============================================================================================
_SUFFIX = re.compile(r"\s+[-|–—:]\s+[^-|–—:]{2,40}$")


def title_norm(title: str) -> str:
    """As orm_desktop.ingest.urls.title_norm: the generator keeps non-syndicated titles apart."""
    t = _SUFFIX.sub("", title.strip()) if len(title.split()) > 4 else title
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]+", " ", t.casefold()).split())


def similar(a: str, b: str) -> bool:
    wa, wb = set(a.split()), set(b.split())
    common = len(wa & wb) + 0.8 * len({w[:5] for w in wa - wb} & {w[:5] for w in wb - wa})
    return 2 * common / (len(wa) + len(wb)) >= 0.6


def slugify(text: str, words: int = 9) -> str:
    t = "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii())
    return "-".join(re.sub(r"[^a-z0-9]+", " ", t.lower()).split()[:words]) or "post"


@dataclass
class Item:
    feed: str
    when: dt.datetime
    title: str
    body: str
    author: str
    link: str
    guid: str
    entities: tuple[str, ...]
    rating: int | None = None
    updated: dt.datetime | None = None
    episode: bool = False


class Builder:
    def __init__(self) -> None:
        self.r = random.Random(SEED)
        self.items: list[Item] = []
        self.links: set[str] = set()
        self.texts: set[str] = set()
        self.n = 0

    def moment(self, day: int, hours: float | None = None) -> dt.datetime:
        """A moment in the 24 hours that end at ANCHOR + day days."""
        h = self.r.uniform(0.3, 23.5) if hours is None else hours + self.r.uniform(0.0, 0.9)
        return ANCHOR + dt.timedelta(days=day) - dt.timedelta(hours=h)

    def clashes(self, title: str, day: int, *, unique: bool = True) -> bool:
        """True when the title is taken (``unique``), or close enough to an item within 4 days
        that the app's syndication clustering would group them (only deliberate copies may)."""
        norm = title_norm(title)
        key = norm.split()[:3]
        for it in self.items:
            if unique and it.title == title:
                return True
            if abs((it.when - ANCHOR).days - day) <= 4:
                other = title_norm(it.title)
                if other.split()[:3] == key and similar(norm, other):
                    return True
        return False

    def add(
        self,
        feed: str,
        day: int,
        title: str,
        body_html: str,
        *,
        entities: tuple[str, ...],
        author: str | None = None,
        rating: int | None = None,
        hours: float | None = None,
        params: str = "",
        when: dt.datetime | None = None,
        episode: bool = False,
    ) -> Item:
        f = FEED[feed]
        self.n += 1
        when = when or self.moment(day, hours)
        if author is None:
            author = pick(self.r, STAFF.get(feed, ["Staff"]))
        if f.kind in ("news", "blog", "press"):
            base = f"https://{f.host}/{when:%Y/%m}/{slugify(title)}"
        elif f.kind == "review":
            base = f"https://{f.host}/reviews/{slugify(title.split(' — ')[-1], 4)}/{10400 + self.n}"
        elif f.kind == "forum":
            base = f"https://{f.host}/t/{slugify(title, 7)}/{88000 + self.n * 7}"
        else:
            base = f"https://{f.host}/{author.lstrip('@')}/status/{1868000000 + self.n * 7919}"
        link = base
        k = 2
        while link in self.links:
            link, k = f"{base}-{k}", k + 1
        self.links.add(link)
        guid = link if f.kind in ("news", "blog", "press") else f"{f.host}:{f.kind}:{self.n}"
        updated = None
        if f.fmt == "atom" and self.r.random() < 0.2:  # a few stories were corrected later
            updated = min(
                when + dt.timedelta(hours=self.r.uniform(1, 6)), ANCHOR - dt.timedelta(minutes=5)
            )
        item = Item(
            feed,
            when,
            title,
            body_html,
            author,
            link + params,
            guid,
            entities,
            rating,
            updated,
            episode,
        )
        self.items.append(item)
        return item


def paras_html(r: random.Random, feed: str, paras: list[str], *, with_extras: bool = True) -> str:
    out = []
    for p in paras:
        if p.startswith("<"):  # already HTML (lists, links in press releases)
            out.append(p if p.startswith("<ul") else f"<p>{p}</p>")
        elif p.startswith('"') and r.random() < 0.3:
            out.append(f"<blockquote><p>{html.escape(p, quote=False)}</p></blockquote>")
        else:
            out.append(f"<p>{html.escape(p, quote=False)}</p>")
    if with_extras:
        host = FEED[feed].host
        roll = r.random()
        if roll < 0.12:  # a remote image (tracking pixel or photo) the sanitizer will strip
            out.insert(
                0,
                f'<p><img src="https://cdn.{host}/img/{r.randrange(10000, 99999)}.jpg" alt="" width="640" height="360"></p>',
            )
        if roll > 0.7:
            out.append(f'<p><a href="https://{host}/topics/e-bikes">More on e-bikes</a></p>')
    return "".join(out)


def short_html(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def review_html(text: str, stars: int) -> str:
    return f"<p>{html.escape(text, quote=False)}</p><p><strong>Rating: {stars}/5</strong></p>"


def build() -> list[Item]:
    b = Builder()
    r = b.r
    forum_used: set[str] = set()

    def story(day: int, make: Callable[[], Story], feeds: list[str]) -> None:
        for _ in range(40):
            title, paras, ents = make()
            if not b.clashes(title, day):
                break
        else:
            return  # the bank has nothing fresh for this day: a quieter day, not a repeat
        feed = pick(r, feeds)
        b.add(feed, day, title, paras_html(r, feed, paras), entities=ents)

    def social(day: int, ent: str, mood: str) -> None:
        for _ in range(40):
            text = social_post(r, ent, mood)
            handle = "@" + pick(r, HANDLES)
            if text not in b.texts and not b.clashes(f"{handle}: {text[:70].rstrip()}", day):
                break
        else:
            return
        b.texts.add(text)
        b.add(
            "social-pulse",
            day,
            f"{handle}: {text[:70].rstrip()}",
            short_html(text),
            author=handle,
            entities=(ent,),
        )

    def a_review(day: int, product: str, stars: int) -> None:
        for _ in range(40):
            title, text = review(r, product, stars)
            if not b.clashes(title, day, unique=False) and text not in b.texts:
                break
        else:
            return
        b.texts.add(text)
        feed = pick(r, ["ridereview", "shopscore"])
        b.add(
            feed,
            day,
            title,
            review_html(text, stars),
            author=pick(r, REVIEWERS),
            rating=stars,
            entities=REVIEW_PRODUCTS[product],
        )

    def a_forum(day: int) -> None:
        for _ in range(40):
            title, text, ents = forum_post(r, forum_used)
            if not b.clashes(title, day):
                break
        else:
            return
        forum_used.add(title.removeprefix("Re: "))
        b.add(
            "ebike-owners-forum",
            day,
            title,
            short_html(text),
            author=pick(r, FORUM_USERS),
            entities=ents,
        )

    def mood(pos: float, neu: float) -> str:
        x = r.random()
        return "positive" if x < pos else "neutral" if x < pos + neu else "negative"

    # --- fixed events and the crisis script
    for day, feed, title, paras, ents, *syn in EVENTS:
        it = b.add(
            feed, day, title, paras_html(r, feed, paras), entities=ents, hours=r.uniform(8, 20)
        )
        for other, other_title, params in syn[0] if syn else ():
            b.add(
                other,
                day,
                other_title,
                paras_html(r, other, paras[:3], with_extras=False),
                entities=ents,
                params=params,
                when=it.when + dt.timedelta(minutes=r.randrange(40, 300)),
            )
    for day, hours, feed, title, content, ents, rating, syn in SCRIPT:
        kind = FEED[feed].kind
        if kind == "social":
            handle, text = title.split(": ", 1)[0], content
            b.add(
                feed,
                day,
                f"{handle}: {text[:70].rstrip()}",
                short_html(text),
                author=handle,
                entities=ents,
                hours=hours,
                episode=True,
            )
            continue
        if kind == "review":
            body = review_html(content, rating)
        elif kind == "forum":
            body = short_html(content)
        else:
            body = paras_html(r, feed, content, with_extras=kind != "press")
        author = (
            pick(r, FORUM_USERS)
            if kind == "forum"
            else pick(r, REVIEWERS)
            if kind == "review"
            else None
        )
        it = b.add(
            feed,
            day,
            title,
            body,
            entities=ents,
            rating=rating,
            hours=hours,
            author=author,
            episode=True,
        )
        for other, other_title, params in syn:
            b.add(
                other,
                day,
                other_title,
                paras_html(r, other, content[:3], with_extras=False),
                entities=ents,
                params=params,
                when=min(
                    it.when + dt.timedelta(minutes=r.randrange(30, 240)),
                    ANCHOR + dt.timedelta(days=day) - dt.timedelta(minutes=10),
                ),
                episode=True,
            )
    for day, feed, title, paras, ents in AFTER:
        b.add(
            feed,
            day,
            title,
            paras_html(r, feed, paras, with_extras=feed != "velora-newsroom"),
            entities=ents,
        )

    # --- the public reaction during the crisis: social, forum and reviews each day
    social_left, reviews_left = list(CRISIS_SOCIAL), list(CRISIS_REVIEWS)
    forum_left = [t for t in CRISIS_FORUM if not t[0].startswith("Replacement")]
    r.shuffle(social_left)
    r.shuffle(forum_left)
    forum_left.insert(
        0, next(t for t in CRISIS_FORUM if t[0].startswith("Replacement"))
    )  # the last one
    per_day = {
        -24: (1, 0, 0),
        -23: (3, 1, 0),
        -22: (4, 2, 1),
        -21: (4, 2, 1),
        -20: (3, 2, 1),
        -19: (3, 2, 1),
        -18: (2, 2, 1),
        -17: (2, 1, 1),
    }
    for day, (n_social, n_forum, n_review) in per_day.items():
        for _ in range(n_social):
            text = social_left.pop()
            handle = "@" + pick(r, HANDLES)
            b.add(
                "social-pulse",
                day,
                f"{handle}: {text[:70].rstrip()}",
                short_html(text),
                author=handle,
                entities=("Velora",),
                episode=True,
            )
        for _ in range(n_forum):
            title, text = forum_left.pop()
            b.add(
                "ebike-owners-forum",
                day,
                title,
                short_html(text),
                author=pick(r, FORUM_USERS),
                entities=("Velora", "Velora Arc"),
                episode=True,
            )
        for _ in range(n_review):
            stars, text = reviews_left.pop(0)
            b.add(
                pick(r, ["ridereview", "shopscore"]),
                day,
                f"{pick(r, ['Battery worries', 'Recall mess', 'Lost trust', 'Scary battery'])} — Velora Arc",
                review_html(text, stars),
                author=pick(r, REVIEWERS),
                rating=stars,
                entities=("Velora Arc",),
                episode=True,
            )

    # --- the ordinary coverage: about 3.5 items a day, every day
    for day in range(FIRST_DAY, 1):
        in_crisis = EPISODE[0] <= day <= EPISODE[1]
        after = EPISODE[1] < day <= EPISODE[1] + 14
        n = r.choice([2, 3, 3, 3, 4, 4, 5]) - (1 if in_crisis else 0)
        for _ in range(n):
            x = r.random()
            if x < 0.14:  # brand news
                m = mood(0.45, 0.33) if not after else mood(0.35, 0.45)
                story(day, lambda m=m: brand_news(r, m), NEWS)
            elif x < 0.26:  # executives in the news
                who = r.choices(
                    ["Maya Lindqvist", "Daniel Okafor", "Priya Raman"], weights=[4, 3, 3]
                )[0]
                story(day, lambda who=who: exec_news(r, who), NEWS + ["ev-insider"])
            elif x < 0.35:  # competitors
                comp = pick(r, ["Stridewell", "Kinetiq"])
                m = mood(0.4, 0.25)
                story(day, lambda comp=comp, m=m: competitor_news(r, comp, m), NEWS)
            elif x < 0.38:
                story(
                    day,
                    lambda: comparison_news(r),
                    ["techwire", "urban-mobility-news", "pedal-notes"],
                )
            elif x < 0.40:
                story(day, lambda: industry_news(r), NEWS)
            elif x < 0.48:  # blogs
                feed = pick(r, ["pedal-notes", "ev-insider"])
                for _ in range(40):
                    (title, paras, ents), _f = blog_post(r, feed)
                    if not b.clashes(title, day):
                        break
                else:
                    continue
                b.add(feed, day, title, paras_html(r, feed, paras), entities=ents)
            elif x < 0.62:  # reviews
                product = r.choices(list(REVIEW_PRODUCTS), weights=[50, 10, 22, 18])[0]
                stars = r.choices([5, 4, 3, 2, 1], weights=[32, 30, 16, 13, 9])[0]
                if in_crisis and product == "Velora Arc":
                    product = "Stridewell Metro 3"
                a_review(day, product, stars)
            elif x < 0.73:
                if in_crisis:
                    social(day, pick(r, ["Stridewell", "Kinetiq"]), mood(0.5, 0.3))
                else:
                    a_forum(day)
            elif x < 0.93:  # social
                ent = r.choices(
                    [
                        "Velora",
                        "Stridewell",
                        "Kinetiq",
                        "Maya Lindqvist",
                        "Priya Raman",
                        "Daniel Okafor",
                    ],
                    weights=[46, 20, 18, 7, 5, 4],
                )[0]
                if in_crisis and ent == "Velora":
                    ent = "Stridewell"
                social(day, ent, mood(0.5, 0.25) if ent != "Maya Lindqvist" else mood(0.75, 0.0))
            else:  # press
                if in_crisis:
                    story(
                        day,
                        lambda: competitor_news(r, pick(r, ["Stridewell", "Kinetiq"]), "neutral"),
                        NEWS,
                    )
                else:
                    for _ in range(40):
                        title, paras, ents = press_release(r)
                        if not b.clashes(title, day):
                            break
                    else:
                        continue
                    b.add(
                        "velora-newsroom",
                        day,
                        title,
                        paras_html(r, "velora-newsroom", paras, with_extras=False),
                        entities=ents,
                    )
    return b.items


# =============================================================================================
# Output
# =============================================================================================
def _local(when: dt.datetime, feed: FeedDef) -> dt.datetime:
    return when.astimezone(dt.timezone(dt.timedelta(minutes=feed.tz)))


def _iso(when: dt.datetime, feed: FeedDef) -> str:
    s = _local(when, feed).isoformat(timespec="seconds")
    return s.replace("+00:00", "Z")


def rss(feed: FeedDef, items: list[Item]) -> str:
    e = html.escape
    newest = max(i.when for i in items)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:rev="http://purl.org/stuff/rev#" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{e(feed.title)}</title>",
        f"<link>https://{feed.host}/</link>",
        f'<atom:link href="https://{feed.host}/feed.xml" rel="self" type="application/rss+xml"/>',
        f"<description>{e(feed.about)}</description>",
        "<language>en</language>",
        f"<lastBuildDate>{format_datetime(_local(newest, feed))}</lastBuildDate>",
    ]
    for it in items:
        perma = (
            "true"
            if it.guid == it.link.split("?")[0] and it.guid.startswith("https://")
            else "false"
        )
        out += [
            "<item>",
            f"<title>{e(it.title)}</title>",
            f"<link>{e(it.link)}</link>",
            f'<guid isPermaLink="{perma}">{e(it.guid)}</guid>',
            f"<pubDate>{format_datetime(_local(it.when, feed))}</pubDate>",
        ]
        if feed.kind == "forum":  # the forum software also writes dc:date (ISO 8601)
            out.append(f"<dc:date>{_iso(it.when, feed)}</dc:date>")
        out += [
            f"<dc:creator>{e(it.author)}</dc:creator>",
            f"<description>{e(it.body)}</description>",
        ]
        if it.rating is not None:
            out.append(f"<rev:rating>{it.rating}</rev:rating>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def atom(feed: FeedDef, items: list[Item]) -> str:
    e = html.escape
    newest = max(i.updated or i.when for i in items)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"<title>{e(feed.title)}</title>",
        f"<subtitle>{e(feed.about)}</subtitle>",
        f'<link href="https://{feed.host}/"/>',
        f'<link rel="self" href="https://{feed.host}/atom.xml"/>',
        f"<id>tag:{feed.host},2026:feed</id>",
        f"<updated>{_iso(newest, feed)}</updated>",
    ]
    for it in items:
        out += [
            "<entry>",
            f"<title>{e(it.title)}</title>",
            f'<link href="{e(it.link)}"/>',
            f"<id>tag:{feed.host},2026:{e(it.guid.split('/', 3)[-1])}</id>",
            f"<published>{_iso(it.when, feed)}</published>",
            f"<updated>{_iso(it.updated or it.when, feed)}</updated>",
            f"<author><name>{e(it.author)}</name></author>",
            f'<content type="html">{e(it.body)}</content>',
            "</entry>",
        ]
    out += ["</feed>", ""]
    return "\n".join(out)


def avatar(initials: str, color: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">'
        f'<circle cx="64" cy="64" r="64" fill="{color}"/>'
        f'<text x="64" y="78" font-family="Helvetica, Arial, sans-serif" font-size="44" font-weight="bold" '
        f'text-anchor="middle" fill="#ffffff">{initials}</text></svg>\n'
    )


LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="64" viewBox="0 0 240 64">'
    f'<circle cx="32" cy="32" r="26" fill="none" stroke="{PRIMARY}" stroke-width="6"/>'
    f'<path d="M20 22 L32 44 L44 22" fill="none" stroke="{PRIMARY}" stroke-width="6" stroke-linejoin="round"/>'
    '<text x="70" y="44" font-family="Helvetica, Arial, sans-serif" font-size="34" font-weight="bold" '
    f'fill="{PRIMARY}">Velora</text></svg>\n'
)


def main() -> None:
    items = build()
    (HERE / "feeds").mkdir(exist_ok=True)
    specs = []
    for feed in FEEDS:
        mine = sorted((i for i in items if i.feed == feed.slug), key=lambda i: i.when, reverse=True)
        text = rss(feed, mine) if feed.fmt == "rss" else atom(feed, mine)
        (HERE / "feeds" / f"{feed.slug}.xml").write_text(text, encoding="utf-8")
        specs.append(
            {
                "file": f"feeds/{feed.slug}.xml",
                "title": feed.title,
                "kind": feed.kind,
                "category": feed.category,
                "weight": feed.weight,
            }
        )
    (HERE / "photos").mkdir(exist_ok=True)
    for name, initials, color in PHOTOS:
        (HERE / "photos" / f"{name}.svg").write_text(avatar(initials, color), encoding="utf-8")
    (HERE / "logo.svg").write_text(LOGO, encoding="utf-8")
    spec = {
        "anchor": ANCHOR.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "brand": {
            "name": "Velora",
            "legal_name": "Velora Mobility",
            "website": "https://velora.example",
            "tagline": "E-bikes for the everyday city",
        },
        "entities": ENTITIES,
        "feeds": specs,
        "users": USERS,
        "settings": {
            "brand_color": PRIMARY,
            "brand_accent": "#F2A541",
            "logo": "logo.svg",
            "contact": "care@velora.example",
            "status_page": "https://status.velora.example",
        },
        "episode": {
            "start_day": EPISODE[0],
            "end_day": EPISODE[1],
            "summary": "Battery fires lead to a recall of 12,400 Velora Arc e-bikes; "
            "regulator inquiry, CEO apology, recovery.",
        },
    }
    (HERE / "demo.json").write_text(
        json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    n_ep = sum(i.episode for i in items)
    print(f"wrote {len(items)} items in {len(FEEDS)} feeds ({n_ep} scripted/episode items)")


if __name__ == "__main__":
    main()
