# ruff: noqa: B023  (the story lambdas passed to fresh() run inside their own loop iteration)
"""Build the offline demo workspace's feeds (deterministic; standard library only).

    python resources/demo/generate.py

Writes feeds/*.xml and demo.json. Dates are relative to ANCHOR; `orm_desktop.demo.materialize`
shifts them so the newest item is "now" whenever a demo workspace is created. The story: Velora,
an e-bike maker, its CEO/CFO/CTO, competitors Stridewell and Kinetiq, and a battery-fire recall
of the Velora Arc around days -24..-17 (the crisis the alerts must find).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANCHOR = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
SEED = 20261120

FEEDS = [
    # file, title, kind, category, weight, host, format
    ("metro-business-daily", "Metro Business Daily", "news", "News", 1.5, "metrobusinessdaily.example", "rss"),
    ("urban-mobility-news", "Urban Mobility News", "news", "News", 1.2, "urbanmobility.example", "atom"),
    ("techwire", "TechWire", "news", "News/Tech", 1.3, "techwire.example", "rss"),
    ("pedal-notes", "Pedal Notes (cycling blog)", "blog", "Blogs", 0.6, "pedalnotes.example", "rss"),
    ("ev-insider", "EV Insider", "blog", "Blogs", 0.7, "evinsider.example", "atom"),
    ("ridereview", "RideReview", "review", "Reviews", 0.8, "ridereview.example", "rss"),
    ("shopscore", "ShopScore reviews", "review", "Reviews", 0.9, "shopscore.example", "rss"),
    ("ebike-owners-forum", "E-bike Owners Forum", "forum", "Community", 0.5, "ebikeowners.example", "rss"),
    ("velora-newsroom", "Velora Newsroom", "press", "Press", 1.0, "newsroom.velora.example", "rss"),
    ("social-pulse", "Social Pulse", "social", "Social", 0.7, "pulse.example", "rss"),
]

ENTITIES = [
    {"kind": "brand", "name": "Velora", "query": 'Velora -"Velora Beach"', "aliases": ["Velora Mobility"],
     "importance": 1.0, "title": "", "photo": "logo.svg"},
    {"kind": "executive", "name": "Maya Lindqvist", "query": '"Maya Lindqvist" OR (Lindqvist AND Velora)',
     "aliases": [], "importance": 0.9, "title": "Chief Executive Officer", "photo": "photos/maya-lindqvist.svg"},
    {"kind": "executive", "name": "Daniel Okafor", "query": '"Daniel Okafor" OR (Okafor AND Velora)',
     "aliases": [], "importance": 0.7, "title": "Chief Financial Officer", "photo": "photos/daniel-okafor.svg"},
    {"kind": "executive", "name": "Priya Raman", "query": '"Priya Raman" OR (Raman AND Velora)',
     "aliases": [], "importance": 0.7, "title": "Chief Technology Officer", "photo": "photos/priya-raman.svg"},
    {"kind": "competitor", "name": "Stridewell", "query": "Stridewell", "aliases": [], "importance": 0.5,
     "title": "", "photo": ""},
    {"kind": "competitor", "name": "Kinetiq", "query": "Kinetiq", "aliases": [], "importance": 0.5,
     "title": "", "photo": ""},
    {"kind": "product", "name": "Velora Arc", "query": '"Velora Arc" OR "Arc e-bike"', "aliases": [],
     "importance": 0.8, "title": "", "photo": ""},
]

USERS = [
    {"name": "alex", "display_name": "Alex Moreau (comms manager)", "roles": ["author"]},
    {"name": "sam", "display_name": "Sam Whitaker (head of comms)", "roles": ["author", "approver"]},
    {"name": "maya", "display_name": "Maya Lindqvist", "roles": ["executive"], "executive": "Maya Lindqvist"},
    {"name": "daniel", "display_name": "Daniel Okafor", "roles": ["executive"], "executive": "Daniel Okafor"},
    {"name": "priya", "display_name": "Priya Raman", "roles": ["executive"], "executive": "Priya Raman"},
]

CITIES = ["Copenhagen", "Amsterdam", "Berlin", "Lyon", "Manchester", "Portland", "Toronto", "Melbourne"]
AUTHORS = ["Lena Hart", "Tom Becker", "Aisha Noor", "Marco Ruiz", "Hannah Cole", "Yuki Sato", "Owen Price",
           "Freya Lund", "Samir Haddad", "Clara Voss"]
HANDLES = ["@cityrider", "@pedalpush", "@commute_kat", "@volt_velo", "@greenmiles", "@jonnybikes",
           "@urbanhopper", "@ridewithrae", "@two_wheels_tom", "@electric_emma"]

# --- story banks: (title, paragraphs) builders per theme -------------------------------------
def news_brand_positive(r: random.Random) -> tuple[str, list[str]]:
    city = r.choice(CITIES)
    n = r.choice([12, 18, 24, 30])
    return r.choice([
        (f"Velora opens flagship store in {city} as e-bike demand climbs",
         [f"Velora opened its largest showroom yet in {city} on Saturday, with test tracks and a same-day service bay.",
          f"The company said it expects to hire {n} people locally. Early visitors praised the hands-on approach, "
          "and queues formed well before opening.",
          "Industry watchers called the format a smart answer to buyers who want to try before they spend."]),
        ("Velora wins urban design award for its commuter range",
         ["Velora has won this year's Urban Design Prize for its commuter e-bikes, with judges highlighting the "
          "integrated lights and the quiet hub motor.",
          "\"It is rare to see a product this thoughtful at this price,\" one judge said.",
          "The award follows strong reviews of the range earlier this year."]),
        (f"Velora partners with {city} transit authority on bike-share pilot",
         [f"Velora will supply {n * 10} e-bikes to a two-year bike-share pilot in {city}.",
          "City officials said the partnership could cut short car trips in the centre, and early feedback from "
          "riders has been positive.",
          "Velora will also train local mechanics to service the fleet."]),
        ("Velora's service network expansion earns praise from riders",
         ["Velora has doubled its network of certified repair partners this year.",
          "Owners say waiting times for repairs fell sharply, and several said the support team was excellent.",
          "The company plans to add mobile repair vans next spring."]),
    ])


def news_brand_neutral(r: random.Random) -> tuple[str, list[str]]:
    city = r.choice(CITIES)
    return r.choice([
        (f"Velora to move regional warehouse to {city}",
         [f"Velora will relocate its regional warehouse to {city} early next year, the company said on Monday.",
          "The move affects about 60 staff, who will be offered positions at the new site.",
          "The company did not disclose the cost of the move."]),
        ("Velora updates its app with ride statistics and theft alerts",
         ["Velora released version 4 of its companion app this week.",
          "The update adds monthly ride statistics, a theft alert mode and support for more languages.",
          "It is available on both major app stores."]),
        ("E-bike makers including Velora prepare for new EU battery rules",
         ["New EU rules on battery labelling take effect next year, and manufacturers including Velora are "
          "adjusting their supply chains.",
          "The rules require removable batteries and a digital product passport.",
          "Velora said its current models already meet most of the requirements."]),
    ])


def news_brand_negative(r: random.Random) -> tuple[str, list[str]]:
    return r.choice([
        ("Velora customers complain about slow deliveries",
         ["Several Velora customers say they waited more than eight weeks for bikes ordered online.",
          "Complaints on social media describe missed delivery slots and poor communication from the support line.",
          "Velora said a parts shortage caused the delays and apologised to affected buyers."]),
        ("Velora raises prices for the second time this year",
         ["Velora is raising prices on most of its range by around 6%, its second increase this year.",
          "Riders reacted angrily online, calling the move disappointing.",
          "The company blamed higher component and shipping costs."]),
    ])


def exec_story(r: random.Random, who: str) -> tuple[str, list[str]]:
    if who == "Maya Lindqvist":
        return r.choice([
            ("Maya Lindqvist on building Velora for the next decade of city transport",
             ["In a wide-ranging interview, Velora chief executive Maya Lindqvist described cities as "
              "\"the best product test track in the world\".",
              "Lindqvist, who founded the company's first workshop, said Velora would keep manufacturing in Europe.",
              "Colleagues describe her as a calm, data-driven leader who still rides to work every day."]),
            ("Velora CEO Maya Lindqvist named among most influential mobility leaders",
             ["Maya Lindqvist, chief executive of Velora, has been named one of the 50 most influential leaders in "
              "urban mobility.",
              "The list's editors praised her for turning a niche brand into a respected household name."]),
            ("Op-ed: Velora's board should rethink Maya Lindqvist's pay package",
             ["Velora's new incentive plan could pay chief executive Maya Lindqvist up to four times last year's "
              "salary.",
              "Shareholder groups criticised the package as excessive for a company still struggling with delivery "
              "problems, and some plan to vote against it.",
              "The board defended the plan, saying it is tied to long-term targets."]),
            ("Maya Lindqvist speaks at the Future of Cities summit",
             ["Velora chief executive Maya Lindqvist spoke on a panel about safe cycling infrastructure on Thursday.",
              "She called on governments to fund protected bike lanes and said industry should share safety data."]),
        ])
    if who == "Daniel Okafor":
        return r.choice([
            ("Velora CFO Daniel Okafor: margins improving as costs ease",
             ["Velora's chief financial officer Daniel Okafor told analysts on the earnings call that gross margins "
              "improved for a third straight quarter.",
              "Okafor said the company remains on track to reach profitability next year, and investors welcomed the "
              "update."]),
            ("Daniel Okafor outlines Velora's capital plans",
             ["Daniel Okafor, Velora's finance chief, said the company will fund its expansion from existing cash.",
              "He ruled out a new share sale this year."]),
        ])
    return r.choice([
        ("Priya Raman unveils Velora's next-generation motor at product keynote",
         ["Velora chief technology officer Priya Raman presented a lighter, quieter motor at the company's annual "
          "keynote.",
          "Raman said the design extends range by 15% and was developed entirely in-house. Engineers in the "
          "audience called it impressive."]),
        ("Priya Raman on software updates and rider safety",
         ["Velora CTO Priya Raman said every bike now receives over-the-air safety updates.",
          "Raman described the approach as essential for a connected product."]),
    ])


def competitor_story(r: random.Random, comp: str) -> tuple[str, list[str]]:
    return r.choice([
        (f"{comp} launches budget e-bike to challenge market leaders",
         [f"{comp} unveiled a new entry-level e-bike priced well below rivals.",
          f"Early testers said the {comp} model rides well, though the battery range is modest.",
          "Analysts expect price pressure across the segment."]),
        (f"{comp} reports strong quarterly sales",
         [f"{comp} said sales rose 22% in the quarter, driven by demand for cargo bikes.",
          "The company raised its full-year outlook, and shares climbed on the news."]),
        (f"{comp} faces criticism over warranty claims",
         [f"Owners of {comp} bikes say the company has been slow to honour warranty claims.",
          f"Consumer groups called {comp}'s response disappointing and urged the company to simplify its process."]),
        (f"Comparison: Velora or {comp} for the daily commute?",
         [f"We rode the latest models from Velora and {comp} for a month of commuting.",
          f"The {comp} bike was comfortable and great value, but Velora's support and build quality were better.",
          f"If price matters most, {comp} wins; if you want a bike that lasts, choose Velora."]),
        (f"{comp} hit by app outage",
         [f"Riders of {comp} bikes were unable to unlock them for several hours after an app outage on Tuesday.",
          f"{comp} apologised and said the problem was fixed."]),
    ])


def arc_review(r: random.Random, stars: int) -> tuple[str, str]:
    good = ["Smooth ride and the battery easily covers my 30 km commute.",
            "Assembly was simple and the brakes feel confident in the rain.",
            "Great value for the build quality, and the app is genuinely useful.",
            "I love how quiet the motor is. My best purchase this year.",
            "Support answered my question within an hour. Very impressed."]
    mid = ["Decent bike, but the saddle is uncomfortable on longer rides.",
           "The ride is fine but the app keeps logging me out.",
           "Good motor, average brakes, and delivery took longer than promised."]
    bad = ["The display died after two weeks and support has not replied.",
           "Rattles everywhere and the battery range is far below what was advertised.",
           "Delivered with a bent wheel. Very disappointed with the quality control.",
           "Terrible experience with customer service, waiting three weeks for a spare part."]
    pool = good if stars >= 4 else mid if stars == 3 else bad
    title = {5: ["Fantastic commuter", "Love it", "Best e-bike I've owned"], 4: ["Very good bike", "Solid choice"],
             3: ["Okay, with caveats", "Mixed feelings"], 2: ["Disappointing", "Not worth the price"],
             1: ["Avoid", "Awful quality"]}[stars]
    return f"{r.choice(title)} — Velora Arc", " ".join(r.sample(pool, 2 if len(pool) > 2 else 1))


def competitor_review(r: random.Random, comp: str, stars: int) -> tuple[str, str]:
    text = {5: f"The {comp} bike is excellent value and rides beautifully.",
            4: f"Happy with my {comp} so far, comfortable and reliable.",
            3: f"The {comp} is fine for short trips but the range is limited.",
            2: f"My {comp} needed two repairs in the first month. Frustrating.",
            1: f"{comp} support ignored my warranty claim. Never again."}[stars]
    return f"{comp} e-bike review ({stars}/5)", text


def forum_post(r: random.Random) -> tuple[str, str]:
    return r.choice([
        ("Velora Arc vs Stridewell Metro for hills?",
         "Thinking about buying a Velora Arc. Anyone compared it with the Stridewell Metro on steep hills?"),
        ("Tyre pressure for winter riding", "What pressure do you run on the Velora Arc in winter? Mine feels twitchy."),
        ("Just bought my first Velora", "Picked up my Velora yesterday and I love it already. Any accessories you recommend?"),
        ("Kinetiq app sync issue", "Anyone else's Kinetiq app failing to sync rides since the update?"),
        ("Velora service centre experience", "Had my Velora serviced in town, quick and friendly, would recommend."),
        ("Range in cold weather", "My Arc e-bike loses about 20% range below zero. Normal?"),
    ])


def social_post(r: random.Random) -> str:
    h = r.choice(HANDLES)
    return r.choice([
        f"{h}: Loving my new Velora 🚲⚡ commute is 10 minutes shorter #ebike",
        f"{h}: Velora support fixed my brakes same day 👏 #greatservice",
        f"{h}: Stridewell's new cargo bike looks 🔥",
        f"{h}: Third week waiting for my Velora delivery 😤 #fail",
        f"{h}: Kinetiq app down AGAIN?! 🙄",
        f"{h}: Rode the Velora Arc across town in the rain, no complaints :)",
        f"{h}: Velora prices going up again... not cool 👎",
    ])


# --- the crisis: days -24 .. -17 ----------------------------------------------------------------
EPISODE = {
    -24: [("news", "Fire in apartment block linked to e-bike battery",
           ["Firefighters in Lyon said a fire that damaged three flats started in a charging e-bike battery.",
            "Residents named the bike as a Velora Arc. Nobody was seriously injured, but two people were treated "
            "for smoke inhalation.",
            "Velora said it was urgently investigating and had contacted the fire service."]),
          ("forum", "Arc battery got extremely hot while charging",
           "Has anyone else's Velora Arc battery overheated? Mine was too hot to touch and smelled of smoke. Scary."),
          ("social", "@lyon_local: Apartment fire caused by a Velora Arc battery?! 😱 Unsafe. #velora")],
    -23: [("news", "Second Velora Arc battery fire reported",
           ["A second fire involving a Velora Arc battery has been reported, this time in a garage in Manchester.",
            "Owners are demanding answers, and safety campaigners criticised the company's slow response.",
            "Velora said it had not yet identified a defect."]),
          ("forum", "Should we stop charging our Arcs?",
           "After the fires I am scared to charge my Arc e-bike indoors. Velora's silence is unacceptable."),
          ("forum", "Velora support not answering about battery fires",
           "Called Velora three times about the battery fire reports. No answer. Terrible."),
          ("social", "@greenmiles: Not charging my Velora Arc until they explain these fires 🔥😡"),
          ("social", "@commute_kat: Velora needs to say something NOW. Customers are scared. #velorafail"),
          ("review", "Unsafe — Velora Arc", 1, "Battery overheated and started smoking. Returned it. Dangerous product.")],
    -22: [("news", "Consumer Product Safety Board opens inquiry into Velora Arc batteries",
           ["The Consumer Product Safety Board said it has opened an inquiry into reports of fires involving "
            "Velora Arc e-bike batteries.",
            "The regulator urged owners to charge batteries outdoors or under supervision until further notice.",
            "Shares in Velora's parent group fell sharply."]),
          ("news", "Velora Arc fires: what owners need to know",
           ["Owners of the Velora Arc are worried after reports of battery fires.",
            "Experts said lithium battery defects are rare but serious, and criticised the lack of guidance from Velora."]),
          ("blog", "The Velora Arc battery crisis is a test of trust",
           ["Velora built its brand on reliability. The battery fires threaten all of that.",
            "The company's silence for three days was a mistake, and riders feel let down."]),
          ("social", "@two_wheels_tom: Regulator now investigating Velora Arc fires. This is bad. 😬"),
          ("social", "@ridewithrae: Sold my Velora Arc today. Not worth the risk. 👎"),
          ("forum", "Velora Arc battery serial numbers thread", "Post your battery serial numbers here. Mine overheated too, batch 22B. Awful."),
          ("review", "Dangerous battery — Velora Arc", 1, "Mine overheated twice. Velora ignored my complaint. Avoid.")],
    -21: [("news", "Velora recalls 12,400 Arc e-bikes over battery fire risk",
           ["Velora is recalling 12,400 Velora Arc e-bikes after reports of batteries overheating and catching fire.",
            "The company said a faulty cell supplier batch caused the problem and that owners will receive a free "
            "replacement battery.",
            "The recall is one of the largest in the e-bike industry. Critics said it came too late."]),
          ("press", "Velora announces voluntary recall of Velora Arc battery packs",
           ["Velora is voluntarily recalling Velora Arc battery packs from production batch 22B.",
            "The safety of our customers comes first. Owners should stop charging affected batteries and contact us "
            "for a free replacement.",
            "We are working closely with the Consumer Product Safety Board."]),
          ("social", "@volt_velo: Velora finally recalls the Arc. 12,400 bikes. Should have happened days ago 😤"),
          ("social", "@urbanhopper: Velora recall: check your battery batch number people! #recall"),
          ("forum", "Recall announced — how to get the replacement", "Velora's recall page is up. The replacement process looks slow and confusing."),
          ("review", "Recall nightmare — Velora Arc", 2, "Bike is fine otherwise but the recall process is a mess and nobody answers.")],
    -20: [("news", "Maya Lindqvist apologises to Velora Arc owners",
           ["Velora chief executive Maya Lindqvist apologised to customers affected by the battery recall.",
            "\"We let our riders down, and I am sorry,\" Lindqvist said, adding that the company was too slow to "
            "communicate.",
            "Some owners welcomed the apology; others said it came too late."]),
          ("news", "Velora recall exposes gaps in e-bike battery oversight",
           ["The Velora Arc recall has renewed calls for tougher battery standards.",
            "Lawmakers criticised the industry and demanded mandatory testing."]),
          ("blog", "Velora's recall: a case study in crisis communication failure",
           ["Three days of silence, a confusing recall page, and angry customers. Velora got the basics wrong."]),
          ("social", "@electric_emma: CEO apology from Velora is a start, but where is my replacement battery? 😡"),
          ("forum", "Still waiting for recall kit", "Registered for the recall two days ago. No confirmation. Frustrating."),
          ("review", "Lost confidence — Velora Arc", 1, "After the recall I do not trust this bike. Terrible handling of the problem.")],
    -19: [("news", "Lawyers prepare class action over Velora Arc fires",
           ["A law firm said it is preparing a class action lawsuit on behalf of Velora Arc owners.",
            "The suit alleges Velora ignored early warnings about overheating batteries."]),
          ("social", "@pedalpush: Class action against Velora now. What a mess. 👎"),
          ("forum", "Replacement battery arrived", "Got my replacement battery today. Quick swap, but the whole recall was stressful."),
          ("review", "Disappointed — Velora Arc", 2, "The bike rides well but the battery fear ruined it for me.")],
    -18: [("news", "Velora shares slump as recall costs mount",
           ["Velora expects the recall to cost about 40 million euros, finance chief Daniel Okafor said.",
            "Okafor said the company has the cash to cover the cost, but analysts downgraded the stock."]),
          ("social", "@jonnybikes: Velora recall still a disaster in my area 😠 no kits at the shop"),
          ("forum", "Dealer has no recall kits", "My local dealer says no Velora recall kits for two weeks. Unacceptable.")],
    -17: [("news", "Velora speeds up battery replacements after criticism",
           ["Velora said it has shipped 5,000 replacement batteries and opened weekend service hours.",
            "Customer groups said the faster pace was welcome but criticised the early response."]),
          ("social", "@cityrider: Velora sent my replacement battery, swap took 10 minutes. Better late than never.")],
}
# the public's reaction during the crisis, on top of the scripted stories above
CRISIS_SOCIAL = [
    "My Velora Arc battery smells burnt. Not charging it again 😨",
    "Why is Velora not answering about the battery fires?! 😡",
    "Velora Arc owners: check your battery batch number NOW #recall",
    "Can't believe Velora let this happen. Unsafe bikes 👎",
    "Returning my Velora Arc. Too scared of the battery 😞",
    "Velora recall hotline is a joke, two hours on hold 🙄",
    "Parked my Velora Arc outside, not risking a fire in the flat 😬",
    "Velora should have warned us sooner. Terrible handling #velorafail",
]
CRISIS_FORUM = [
    ("Battery batch 22B — mine too", "My Velora Arc battery is batch 22B as well. It got very hot yesterday. Worried."),
    ("Is it safe to ride while waiting?", "Velora's advice is unclear. Is it safe to ride the Arc e-bike until the recall kit comes?"),
    ("Velora won't refund my Arc", "Asked Velora for a refund instead of a replacement. They refused. Very disappointed."),
    ("Charging outdoors only now", "After the Velora Arc fires I only charge on the balcony. This is ridiculous for a premium bike."),
    ("Recall kit delay", "Velora says six weeks for the replacement battery. Unacceptable."),
    ("Insurance and the recall", "Does home insurance cover damage from a recalled Velora Arc battery? Mine scorched the floor."),
]
CRISIS_REVIEWS = [
    (1, "Battery overheated while charging. Frightening. Velora support was useless."),
    (2, "Loved the ride until the recall. Now I don't trust the battery at all."),
    (1, "Our Arc e-bike battery started smoking. Returned it. Never again."),
    (2, "Recall process is slow and confusing. Poor communication from Velora."),
]

RECOVERY = {
    -15: ("press", "Velora completes first phase of Arc battery replacements",
          ["Velora has replaced more than 8,000 battery packs. We thank our riders for their patience."]),
    -12: ("news", "Regulator closes Velora Arc inquiry after recall",
          ["The Consumer Product Safety Board closed its inquiry, saying Velora's recall addressed the risk."]),
    -8: ("news", "Velora wins back riders with extended warranty",
         ["Velora extended the warranty on all Arc batteries to five years, a move riders praised.",
          "Early sales figures suggest demand is recovering well."]),
}


def html_paras(paras: list[str], r: random.Random) -> str:
    out = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    if r.random() < 0.15:
        out += '<p><img src="https://cdn.tracking.example/pixel.gif" width="1" height="1"> <a href="https://example.example/more">Read more</a></p>'
    return out


def build() -> tuple[dict[str, list[dict]], int]:
    r = random.Random(SEED)
    by_feed: dict[str, list[dict]] = {f[0]: [] for f in FEEDS}
    counter = [0]
    last_used: dict[str, int] = {}  # title start -> day, so background stories do not repeat within 7 days

    def fresh(make, day: int):
        for _ in range(12):
            story = make()
            key = " ".join(story[0].split()[:3])  # "Velora partners with ..." in another city is no new story
            if day - last_used.get(key, -999) >= 7:
                break
        last_used[key] = day
        return story

    def add(feed: str, day: int, title: str, body_html: str, *, author: str = "", rating: int | None = None,
            slug: str | None = None, extra_params: str = "") -> None:
        counter[0] += 1
        # never after the anchor, so nothing is in the future once shifted to "now"
        when = ANCHOR + dt.timedelta(days=day, hours=-r.randint(0, 13), minutes=-r.randint(0, 59))
        host = next(f[5] for f in FEEDS if f[0] == feed)
        s = slug or "-".join(w.lower() for w in "".join(c if c.isalnum() or c == " " else " " for c in title).split()[:8])
        link = f"https://{host}/{when:%Y/%m}/{s}-{counter[0]}{extra_params}"
        by_feed[feed].append({"title": title, "link": link, "guid": f"{host}:{counter[0]}", "when": when,
                              "html": body_html, "author": author or r.choice(AUTHORS), "rating": rating})

    for day in range(-90, 1):
        if day in EPISODE:
            for entry in EPISODE[day]:
                kind = entry[0]
                if kind == "news":
                    _, title, paras = entry
                    feed = r.choice(["metro-business-daily", "urban-mobility-news", "techwire"])
                    add(feed, day, title, html_paras(paras, r))
                    if "recalls 12,400" in title or "apologises" in title or "opens inquiry" in title:
                        # syndicated copies with near-identical titles in the other news feeds
                        for other, suffix, params in (("urban-mobility-news", " - Urban Mobility News", "?utm_source=rss&utm_medium=feed"),
                                                      ("techwire", "", "?utm_campaign=syndication")):
                            if other != feed:
                                add(other, day, title.replace("Arc e-bikes", "Arc E-Bikes") + suffix,
                                    html_paras(paras[:2], r), extra_params=params)
                elif kind == "press":
                    _, title, paras = entry
                    add("velora-newsroom", day, title, html_paras(paras, r), author="Velora Press Office")
                elif kind == "blog":
                    _, title, paras = entry
                    add(r.choice(["pedal-notes", "ev-insider"]), day, title, html_paras(paras, r))
                elif kind == "forum":
                    _, title, text = entry
                    add("ebike-owners-forum", day, title, f"<p>{html.escape(text)}</p>", author=r.choice(HANDLES)[1:])
                elif kind == "social":
                    text = entry[1]
                    add("social-pulse", day, text.split(":", 1)[1].strip()[:80], f"<p>{html.escape(text)}</p>",
                        author=text.split(":")[0])
                elif kind == "review":
                    _, title, stars, text = entry
                    add(r.choice(["ridereview", "shopscore"]), day, title,
                        f"<p>{html.escape(text)}</p><p>Rating: {stars}/5</p>", rating=stars)
            if -23 <= day <= -18:
                for text in r.sample(CRISIS_SOCIAL, 4):
                    h = r.choice(HANDLES)
                    add("social-pulse", day, text[:80], f"<p>{html.escape(h + ': ' + text)}</p>", author=h)
                for title, text in r.sample(CRISIS_FORUM, 2):
                    add("ebike-owners-forum", day, title, f"<p>{html.escape(text)}</p>", author=r.choice(HANDLES)[1:])
                stars, text = r.choice(CRISIS_REVIEWS)
                add(r.choice(["ridereview", "shopscore"]), day, f"Battery worries — Velora Arc ({stars}/5)",
                    f"<p>{html.escape(text)}</p><p>Rating: {stars}/5</p>", rating=stars)
            continue
        if day in RECOVERY:
            kind, title, paras = RECOVERY[day]
            add("velora-newsroom" if kind == "press" else "metro-business-daily", day, title, html_paras(paras, r),
                author="Velora Press Office" if kind == "press" else "")
        # the steady background: about 4 items a day across the feeds
        for _ in range(r.choice([3, 4, 4, 4, 5])):
            roll = r.random()
            if roll < 0.22:
                pick = r.random()
                title, paras = fresh(lambda: news_brand_positive(r) if pick < 0.5 else news_brand_neutral(r)
                                     if pick < 0.8 else news_brand_negative(r), day)
                add(r.choice(["metro-business-daily", "urban-mobility-news", "techwire"]), day, title, html_paras(paras, r))
            elif roll < 0.34:
                who = r.choice(["Maya Lindqvist", "Maya Lindqvist", "Daniel Okafor", "Priya Raman"])
                title, paras = fresh(lambda: exec_story(r, who), day)
                add(r.choice(["metro-business-daily", "techwire", "ev-insider"]), day, title, html_paras(paras, r))
            elif roll < 0.52:
                comp = r.choice(["Stridewell", "Kinetiq"])
                title, paras = fresh(lambda: competitor_story(r, comp), day)
                add(r.choice(["urban-mobility-news", "techwire", "pedal-notes", "ev-insider"]), day, title,
                    html_paras(paras, r))
            elif roll < 0.68:
                stars = r.choices([5, 4, 3, 2, 1], weights=[30, 30, 15, 15, 10])[0]
                if r.random() < 0.7:
                    title, text = fresh(lambda: arc_review(r, stars), day)
                else:
                    title, text = competitor_review(r, r.choice(["Stridewell", "Kinetiq"]), stars)
                add(r.choice(["ridereview", "shopscore"]), day, title,
                    f"<p>{html.escape(text)}</p><p>Rating: {stars}/5</p>", rating=stars)
            elif roll < 0.80:
                title, text = fresh(lambda: forum_post(r), day)
                add("ebike-owners-forum", day, title, f"<p>{html.escape(text)}</p>", author=r.choice(HANDLES)[1:])
            elif roll < 0.93:
                text = fresh(lambda: (social_post(r),), day)[0]
                add("social-pulse", day, text.split(":", 1)[1].strip()[:80], f"<p>{html.escape(text)}</p>",
                    author=text.split(":")[0])
            else:
                title, paras = fresh(lambda: r.choice([
                    ("Velora introduces trade-in programme", ["Velora customers can now trade in older bikes for credit."]),
                    ("Velora publishes annual sustainability report", ["Velora said 70% of its frame aluminium is recycled."]),
                    ("Velora joins city cycling safety pledge", ["Velora committed to fund rider safety courses in five cities."]),
                ]), day)
                add("velora-newsroom", day, title, html_paras(paras, r), author="Velora Press Office")
    return by_feed, counter[0]


def rss(feed, items) -> str:
    file, title, kind, _cat, _w, host, _fmt = feed
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:rev="http://purl.org/stuff/rev#" xmlns:dc="http://purl.org/dc/elements/1.1/">',
           "<channel>", f"<title>{html.escape(title)}</title>", f"<link>https://{host}/</link>",
           f"<description>{html.escape(title)} (ORM Desktop demo feed)</description>"]
    for it in sorted(items, key=lambda i: i["when"], reverse=True):
        out += ["<item>", f"<title>{html.escape(it['title'])}</title>", f"<link>{html.escape(it['link'])}</link>",
                f'<guid isPermaLink="false">{it["guid"]}</guid>',
                f"<pubDate>{format_datetime(it['when'], usegmt=True)}</pubDate>",
                f"<dc:creator>{html.escape(it['author'])}</dc:creator>",
                f"<description>{html.escape(it['html'])}</description>"]
        if it["rating"] is not None:
            out.append(f"<rev:rating>{it['rating']}</rev:rating>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def atom(feed, items) -> str:
    file, title, kind, _cat, _w, host, _fmt = feed
    newest = max(i["when"] for i in items)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<title>{html.escape(title)}</title>", f'<link href="https://{host}/"/>', f"<id>tag:{host},2026:feed</id>",
           f"<updated>{newest:%Y-%m-%dT%H:%M:%SZ}</updated>"]
    for it in sorted(items, key=lambda i: i["when"], reverse=True):
        out += ["<entry>", f"<title>{html.escape(it['title'])}</title>", f'<link href="{html.escape(it["link"])}"/>',
                f"<id>tag:{it['guid']}</id>", f"<published>{it['when']:%Y-%m-%dT%H:%M:%SZ}</published>",
                f"<updated>{it['when']:%Y-%m-%dT%H:%M:%SZ}</updated>",
                f"<author><name>{html.escape(it['author'])}</name></author>",
                f'<content type="html">{html.escape(it["html"])}</content>', "</entry>"]
    out += ["</feed>", ""]
    return "\n".join(out)


def avatar(initials: str, color: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">'
            f'<circle cx="64" cy="64" r="64" fill="{color}"/>'
            f'<text x="64" y="78" font-family="Helvetica, Arial, sans-serif" font-size="44" font-weight="bold" '
            f'text-anchor="middle" fill="#ffffff">{initials}</text></svg>\n')


def main() -> None:
    by_feed, total = build()
    (HERE / "feeds").mkdir(exist_ok=True)
    specs = []
    for feed in FEEDS:
        file, title, kind, cat, weight, _host, fmt = feed
        text = rss(feed, by_feed[file]) if fmt == "rss" else atom(feed, by_feed[file])
        (HERE / "feeds" / f"{file}.xml").write_text(text, encoding="utf-8")
        specs.append({"file": f"feeds/{file}.xml", "title": title, "kind": kind, "category": cat, "weight": weight})
    (HERE / "photos").mkdir(exist_ok=True)
    for name, initials, color in (("maya-lindqvist", "ML", "#0F6E8C"), ("daniel-okafor", "DO", "#7A4FA3"),
                                  ("priya-raman", "PR", "#C2571A")):
        (HERE / "photos" / f"{name}.svg").write_text(avatar(initials, color), encoding="utf-8")
    (HERE / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="64" viewBox="0 0 240 64">'
        '<circle cx="32" cy="32" r="26" fill="none" stroke="#0F6E8C" stroke-width="6"/>'
        '<path d="M20 22 L32 44 L44 22" fill="none" stroke="#0F6E8C" stroke-width="6" stroke-linejoin="round"/>'
        '<text x="70" y="44" font-family="Helvetica, Arial, sans-serif" font-size="34" font-weight="bold" '
        'fill="#0F6E8C">Velora</text></svg>\n', encoding="utf-8")
    spec = {"anchor": ANCHOR.strftime("%Y-%m-%dT%H:%M:%SZ"), "brand": {"name": "Velora"}, "entities": ENTITIES,
            "feeds": specs, "users": USERS,
            "settings": {"brand_color": "#0F6E8C", "logo": "logo.svg", "contact": "care@velora.example"},
            "episode": {"start_day": -24, "end_day": -17}}
    (HERE / "demo.json").write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {total} items in {len(FEEDS)} feeds")


if __name__ == "__main__":
    main()
