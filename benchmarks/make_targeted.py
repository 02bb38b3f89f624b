"""Write tests/data/sentiment_targeted.tsv: (text, entity, label) pairs for entity-targeted
sentiment, built from hand-written templates covering the patterns of issue 14 (contest loser and
winner, a rival's bad news, executive vs company, legal and regulatory wording, ratings in text,
sarcasm with emoji, neutral questions and explainers, pronouns and "the company").

    python benchmarks/make_targeted.py

Each template family is filled with several entity names. The split is by FAMILY: families whose
number is divisible by 3 are "test" (not used to write the rules; looked at twice since, see
docs/analysis.md), the rest "dev"; FRESH families, written after the rules and scored once before
being used for fixes, are "fresh"; FRESH2, written after those fixes, "fresh2" (then used for fixes too); FRESH3, written after
those, "fresh3" (then used for fixes); FRESH4, written after those, "fresh4" (untuned); round 4's
DEV12 "dev" (origin round4-dev12) and FRESH5 "fresh5" (untuned); round 5's DEV13 "dev" (origin
round5-dev13) and FRESH6 "fresh6" (untuned); round 6's DEV14 "dev14" and FRESH8 "fresh8" (untuned,
scored once at the end of the round), origin round6.

From round 7 on each round's data is a batch written by a session that never saw this project
(tests/data/targeted_roundK.tsv, 600-700 pairs, one text per row or per entity), listed in
LATER_ROUNDS as (K, "devN", "freshM") and split by a hash of the id of each text's first row
(salted with "roundK:" from round 8 on, as each batch's ids restart at 1) into "devN" (read,
fitted on; origin roundK-devN) and "freshM" (never read; origin roundK-freshM): round 7 dev16 /
fresh9 (rules written from its errors), round 8 dev17 / fresh10 (weighted toward the hard cases),
round 9 dev18 / fresh11 (toward the cases rounds 7-8 left wrong), round 10 dev19 / fresh12
(understated good and bad news), round 11 dev20 / fresh13, round 12 dev21 / fresh14 (rules written
from the read halves of rounds 8-12 too); round 13 wrote no data; rounds 14 to 24 dev22 / fresh15
… dev32 / fresh25, from which no rules were written: they only feed the learned layer's fit
(benchmarks/targeted_fit.py) and its never-read checks.

Adding round K (run from the repository root):

1. Save the batch as tests/data/targeted_roundK.tsv: tab-separated, header
   ``id kind pattern text entity label``, one row per (text, entity) pair.
2. Append (K, "devN", "freshM") to LATER_ROUNDS, N and M one past the last entry's (after round
   24's (24, "dev32", "fresh25") that is (K, "dev33", "fresh26")). This is the only code edit:
   targeted_fit.REALISTIC_DEV and REALISTIC (the splits fitted on at DEV16_WEIGHT) are derived
   from LATER_ROUNDS. targeted_fit.HOLD_OUT (fresh15-fresh19, never fitted on) is a choice, not
   derived: the new freshM is fitted on unless it is added there (or to --hold-out) on purpose.
3. Regenerate: ``python benchmarks/make_targeted.py`` rewrites tests/data/sentiment_targeted.tsv;
   the new pairs are appended after the last round's, every earlier row stays as it was (git diff:
   added lines only).
4. Re-fit: ``python benchmarks/targeted_fit.py`` rewrites resources/sentiment/targeted_model.json
   and prints the held-out splits' scores.
5. Re-freeze the rules' frozen sample: ``python benchmarks/targeted_cases.py
   tests/data/targeted_expected.json``. The sample (targeted_cases.sample) takes every 10th pair
   of the targeted set, so the new pairs add cases and tests/test_targeted_speed.py fails until it
   is re-frozen. It records the rules' answers (rules_toward), not the model's: with the rules
   unchanged the diff is added lines only.
6. Check: ``python -m pytest -p no:cacheprovider -q tests/test_targeted_speed.py
   tests/test_targeted_model.py`` (plus a test of the new split's figures if the round has one,
   as tests/test_targeted_round8.py's test_round8_splits), and write the round up in
   docs/analysis.md.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from targeted_corpus import (  # noqa: E402
    DEV2_LINES,
    DEV3_LINES,
    DEV4_LINES,
    DEV5_LINES,
    DEV6_LINES,
    DEV7_LINES,
    DEV8_LINES,
    DEV9_LINES,
    DEV10_LINES,
    DEV11_LINES,
    DEV12_LINES,
    DEV13_LINES,
    DEV14_LINES,
    DEV_LINES,
    FRESH2_LINES,
    FRESH3_LINES,
    FRESH4_LINES,
    FRESH5_LINES,
    FRESH6_LINES,
    FRESH8_LINES,
    FRESH_LINES,
    TEST_LINES,
)

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "sentiment_targeted.tsv"
PAIRS = [("Acme", "Globex"), ("Norrbrook", "Heatlyn"), ("Velora", "Initech"), ("Brightwave", "Corvid"),
         ("Lumora", "Tessaro")]
EXECS = [("Dana Whitfield", "Acme"), ("Marco Ilves", "Norrbrook"), ("Priya Raman", "Velora"),
         ("Tom Okafor", "Brightwave"), ("Lena Sorensen", "Lumora")]

# (kind, pattern, template, {slot: label}); slots A and B are the two companies, E an executive
# and C the executive's company.
FAMILIES = [
    ("news", "contest", "{A} beat {B} to the city bus contract.", {"A": "positive", "B": "negative"}),
    ("news", "contest", "{B} lost the tender to {A}, which offered a cheaper design.", {"A": "positive", "B": "negative"}),
    ("review", "contest", "In our group test {A} outperformed {B} on every measure.", {"A": "positive", "B": "negative"}),
    ("blog", "contest", "{A} won best in class; {B} finished last.", {"A": "positive", "B": "negative"}),
    ("news", "contest", "Judges praised {A}'s winning entry over {B}.", {"A": "positive", "B": "negative"}),
    ("news", "rival", "{B} issued a profit warning, and analysts expect {A} to pick up its customers.", {"A": "positive", "B": "negative"}),
    ("news", "rival", "After the {B} recall, buyers are switching to {A}.", {"A": "positive", "B": "negative"}),
    ("social", "rival", "{B} outage again so I moved everything to {A} and it just works", {"A": "positive", "B": "negative"}),
    ("news", "exec", "{E} was praised for her calm leadership, but {C} faces a regulator probe.", {"E": "positive", "C": "negative"}),
    ("news", "exec", "{C} reported record profits even as {E} was criticised for the layoffs.", {"C": "positive", "E": "negative"}),
    ("news", "exec", "Investors cheered {E}'s appointment; {C} shares fell 8 percent on the quarter.", {"E": "positive", "C": "negative"}),
    ("news", "legal", "A judge dismissed the lawsuit against {A}.", {"A": "positive"}),
    ("news", "legal", "{A} received a complete response letter requesting additional safety data.", {"A": "negative"}),
    ("press", "legal", "{A} is recalling its heaters; owners will receive a full refund.", {"A": "negative"}),
    ("news", "legal", "{A} was cleared of all charges by the court.", {"A": "positive"}),
    ("news", "legal", "Regulators approved {A}'s new battery for sale in the EU.", {"A": "positive"}),
    ("news", "legal", "{A} faces a class action over misleading ads.", {"A": "negative"}),
    ("review", "rating", "Lovely packaging and a friendly courier. {A} kettle: 2/5.", {"A": "negative"}),
    ("review", "rating", "{A} looks great and the app is nice, but overall 5/10.", {"A": "negative"}),
    ("review", "rating", "Nothing fancy about the {A} drill, but it does the job. 9/10", {"A": "positive"}),
    ("social", "sarcasm", "Wow, thanks {A}, another update that deleted my photos 🙄", {"A": "negative"}),
    ("social", "sarcasm", "Great job {A}, three hours on hold 😒", {"A": "negative"}),
    ("social", "sarcasm", "love how {A} charges me twice 🙃", {"A": "negative"}),
    ("forum", "question", "What pressure do you run on the {A} in winter?", {"A": "neutral"}),
    ("forum", "question", "Does the {A} heater work with a smart thermostat?", {"A": "neutral"}),
    ("forum", "question", "How do I reset my {A} router?", {"A": "neutral"}),
    ("blog", "explainer", "How {A} makes its heat pumps: a look inside the factory.", {"A": "neutral"}),
    ("news", "explainer", "{A} will publish its annual report on Tuesday.", {"A": "neutral"}),
    ("news", "explainer", "{A} has about 3,000 employees in five countries.", {"A": "neutral"}),
    ("review", "pronoun", "{A} is pretty, but it is useless and I want a refund.", {"A": "negative"}),
    ("review", "pronoun", "I bought the {A} last month. It keeps crashing.", {"A": "negative"}),
    ("news", "pronoun", "{A} opened a new plant. The company said sales rose 12 percent.", {"A": "positive"}),
    ("news", "pronoun", "{A} named a new chief. The company also said it would cut 400 jobs.", {"A": "negative"}),
    ("review", "pronoun", "Ordered from {A}. They were slow to honour warranty claims.", {"A": "negative"}),
    ("review", "complaint", "My {A} app keeps crashing.", {"A": "negative"}),
    ("review", "complaint", "Why I returned my {A} Halo", {"A": "negative"}),
    ("review", "praise", "The {A} keeps my flat cosy and my bills low.", {"A": "positive"}),
    ("news", "finance", "{A} shares fell 12 percent.", {"A": "negative"}),
    ("news", "finance", "{A} beat analyst estimates and raised its guidance.", {"A": "positive"}),
    ("review", "contrast", "{A} support was superb, unlike {B}, who never replied.", {"A": "positive", "B": "negative"}),
]

# Written after the rules, scored once, never tuned on: the "fresh" split.
FRESH = [
    ("forum", "question", "Has anyone tried the {A} kettle with hard water? Thinking of getting one.", {"A": "neutral"}),
    ("forum", "complaint", "Third {A} charger in a year. Done with this brand.", {"A": "negative"}),
    ("press", "launch", "{A} today announced the opening of its new service centre in Leeds.", {"A": "neutral"}),
    ("press", "award", "{A} has been named Supplier of the Year by the national retail association.", {"A": "positive"}),
    ("news", "contest", "{B} was beaten by {A} in the final round of the rail tender.", {"A": "positive", "B": "negative"}),
    ("news", "rival", "Shares in {A} climbed after rival {B} issued a second profit warning.", {"A": "positive", "B": "negative"}),
    ("news", "legal", "Regulators fined {A} 2 million euros over misleading energy labels.", {"A": "negative"}),
    ("news", "legal", "The court threw out the patent case {B} had brought against {A}.", {"A": "positive"}),
    ("blog", "rating", "Gorgeous box, clever app, shame about the heater itself. {A} Nova: 3/10.", {"A": "negative"}),
    ("social", "sarcasm", "oh great, {A} lost my parcel again 🙄", {"A": "negative"}),
    ("review", "pronoun", "I wanted to love the {A}. It overheats after ten minutes.", {"A": "negative"}),
    ("news", "exec", "{E} won praise for the turnaround while {C} posted its best quarter in years.", {"E": "positive", "C": "positive"}),
    ("blog", "explainer", "What is a heat pump and how does the {A} one work?", {"A": "neutral"}),
    ("review", "praise", "Six months in, the {A} still runs quietly and the bills are lower.", {"A": "positive"}),
]


# Written after the fixes from FRESH, scored once, never tuned on: the "fresh2" split.
FRESH2 = [
    ("social", "complaint", "been on the phone with {A} for 40 minutes and still no engineer booked", {"A": "negative"}),
    ("social", "praise", "shout out to the {A} team, fixed my boiler on a sunday 🙌", {"A": "positive"}),
    ("news", "finance", "{A} cut its full-year outlook and said orders had slowed.", {"A": "negative"}),
    ("news", "rival", "{B} plant fire halts production; {A} expected to gain market share.", {"A": "positive", "B": "negative"}),
    ("news", "exec", "{C} chief executive {E} resigned amid an accounting investigation.", {"E": "negative", "C": "negative"}),
    ("press", "neutral", "{A} will hold its annual general meeting on 14 May at its Oslo headquarters.", {"A": "neutral"}),
    ("review", "rating", "Looks stylish and the staff were lovely, but I'd give the {A} two stars at most.", {"A": "negative"}),
    ("forum", "question", "Which filter fits the {A} 300 series?", {"A": "neutral"}),
    ("blog", "contest", "In our blind test, testers preferred {A} over {B} nine times out of ten.", {"A": "positive", "B": "negative"}),
    ("news", "legal", "{A} agreed to pay 5 million dollars to settle claims it overcharged customers.", {"A": "negative"}),
    ("review", "pronoun", "Bought a {A} for my mum. She says it is the best thing she has owned.", {"A": "positive"}),
    ("social", "sarcasm", "love waiting 3 weeks for a {A} refund, really great stuff 🙃", {"A": "negative"}),
]

# Written after the fixes from FRESH2, scored once, never tuned on: the "fresh3" split.
FRESH3 = [
    ("news", "finance", "{A} swung to a loss in the third quarter as demand for heat pumps cooled.", {"A": "negative"}),
    ("news", "finance", "{A} lifted its dividend after a strong year for its service business.", {"A": "positive"}),
    ("forum", "complaint", "Anyone else's {A} thermostat losing wifi every night since the update?", {"A": "negative"}),
    ("review", "praise", "Installer was on time, tidy and explained everything. Very happy with {A}.", {"A": "positive"}),
    ("news", "rival", "{B} customers left stranded by the outage are signing up with {A} instead.", {"A": "positive", "B": "negative"}),
    ("news", "contest", "{A} lost out to {B} for the hospital contract.", {"A": "negative", "B": "positive"}),
    ("press", "neutral", "{A} appoints a new chief financial officer, effective 1 March.", {"A": "neutral"}),
    ("news", "legal", "A data protection authority opened an inquiry into how {A} stores customer recordings.", {"A": "negative"}),
    ("social", "sarcasm", "wow {A} support hung up on me twice, truly world class 🙄", {"A": "negative"}),
    ("blog", "explainer", "Here is how {A} calculates the efficiency rating shown on its boxes.", {"A": "neutral"}),
]

# Written after the fixes from FRESH3, scored once, never tuned on: the "fresh4" split.
FRESH4 = [
    ("news", "finance", "{A} posted a 20 percent jump in quarterly revenue, beating forecasts.", {"A": "positive"}),
    ("news", "finance", "Analysts downgraded {A} to sell, citing weak demand in Germany.", {"A": "negative"}),
    ("review", "complaint", "The {A} app logs me out every single day. So annoying.", {"A": "negative"}),
    ("review", "praise", "Honestly the best customer service I've had from any energy company. Thank you {A}!", {"A": "positive"}),
    ("social", "sarcasm", "nothing says quality like a {A} door handle falling off in week one 🙄", {"A": "negative"}),
    ("news", "rival", "With {B} out of the market after its collapse, {A} has the field to itself.", {"A": "positive", "B": "negative"}),
    ("news", "exec", "{E}, praised by investors, now has to explain why {C} missed its delivery targets.", {"E": "positive", "C": "negative"}),
    ("forum", "question", "Does the {A} come with a wall bracket or is that extra?", {"A": "neutral"}),
    ("press", "neutral", "{A} will release its first-half results on 28 July.", {"A": "neutral"}),
    ("news", "legal", "An appeals court upheld the fine imposed on {A} for price fixing.", {"A": "negative"}),
]


# Round 2 (targeted_corpus.py): each line filled with three sets of names; the test lines use
# names the dev lines never use.
TEST_COMPANIES = ["Orbix", "Kestrel Bank", "Halden Foods", "Mira Air", "Quantela", "Suncrest Energy", "Pellucid",
                  "Vantor Motors", "Greyfield Pharma", "Ostara Telecom", "Fennick", "Bluehaven", "Tidewell",
                  "Corlan Health", "Nimbra", "Sablewood"]
TEST_EXECS = [("Sarah Lindqvist", "Orbix"), ("James Oduya", "Kestrel Bank"), ("Mei Tanaka", "Halden Foods"),
              ("Rafael Ortiz", "Mira Air"), ("Hannah Brandt", "Suncrest Energy")]
DEV_COMPANIES = ["Astrel", "Zentro", "Ridgeway", "Calloway", "Lumio", "Drayford", "Parvex", "Sorrel Labs",
                 "Windmere", "Hexacore", "Juniper Rail", "Oakridge Water", "Brisa", "Tovana", "Quillon", "Marlowe"]
DEV_EXECS = [("Omar Haddad", "Astrel"), ("Claire Dubois", "Zentro"), ("Victor Nkemelu", "Lumio"),
             ("Ingrid Solberg", "Parvex"), ("Daniel Reyes", "Windmere")]
# Round 3: names that are (or contain) ordinary English words, as many real companies' are.
DEV9_COMPANIES = ["Beacon", "Harvest", "Summit Bank", "Clover", "Arrow Freight", "Bloom", "Keystone", "Tandem",
                  "Novaris", "Trelleck", "Ostrova", "Compass", "Maple Energy", "Falcon", "Orchard", "Ember"]
DEV9_EXECS = [("Grace Achterberg", "Beacon"), ("Luis Ferreira", "Summit Bank"), ("Anika Bose", "Clover"),
              ("Peter Vandeleur", "Keystone"), ("Yuki Morrow", "Novaris")]
DEV10_COMPANIES = ["Cobalt", "Heron", "Willow", "Atlas Rail", "Ironclad", "Peregrine", "Lumen", "Sterling",
                   "Oasis", "Kindred", "Riverstone", "Vireo", "Castell", "Thistle", "Nova Foods", "Quenby"]
DEV10_EXECS = [("Helen Marchetti", "Cobalt"), ("Samuel Osei", "Willow"), ("Ines Aguilar", "Lumen"),
               ("Oliver Stroud", "Oasis"), ("Mina Khalil", "Vireo")]
DEV11_COMPANIES = ["Sparrow", "Granby", "Ivory", "Tern Mobile", "Marigold", "Pebble", "Ashgrove", "Kilnworth",
                   "Sequoia", "Brackett", "Juno Foods", "Loch", "Ravel", "Otterby", "Cascade", "Wren"]
DEV11_EXECS = [("Clara Benedetti", "Sparrow"), ("Tobias Krug", "Ivory"), ("Amara Nwosu", "Marigold"),
               ("Felix Haraldsen", "Ashgrove"), ("Rosa Quintero", "Sequoia")]
FRESH2_COMPANIES = ["Anchor", "Meridian", "Fable", "Pinnacle Air", "Velloc", "Granite", "Saffron", "Orla",
                    "Brightpath", "Lantern", "Quarry Foods", "Zephyr", "Holloway", "Cinder", "Rook", "Astoria"]
FRESH2_EXECS = [("Nadia Kowalczyk", "Meridian"), ("Ben Asante", "Granite"), ("Sofia Lindgren", "Saffron"),
                ("Kenji Hart", "Lantern"), ("Maria Castell", "Zephyr")]
FRESH3_COMPANIES = ["Talbot", "Mosaic", "Evergreen", "Pike Motors", "Halcyon", "Birch", "Corvale", "Sable",
                    "Dunmore", "Larkspur", "Tinsley", "Prism", "Hearth", "Ventor", "Copper Kettle", "Aldane"]
FRESH3_EXECS = [("Eva Lindahl", "Mosaic"), ("George Abara", "Halcyon"), ("Ruth Okonkwo", "Corvale"),
                ("Daniel Weiss", "Dunmore"), ("Chloe Marchand", "Prism")]
DEV12_COMPANIES = ["Wrenfield", "Morrow", "Lattice", "Kestrel Energy", "Bramble", "Osprey", "Tallow", "Quince",
                   "Harbour Bank", "Nimbus", "Corran", "Fennick", "Ridgeway", "Solace", "Vantor", "Juniper"]
DEV12_EXECS = [("Helen Marsh", "Morrow"), ("Ravi Chandran", "Lattice"), ("Ines Duarte", "Osprey"),
               ("Oliver Brandt", "Nimbus"), ("Yuki Tanaka", "Ridgeway")]
FRESH5_COMPANIES = ["Thistle", "Carrow", "Bellwether", "Northgate Rail", "Pilgrim", "Ember", "Stratton", "Willow",
                    "Axton", "Greyfield", "Marlow Foods", "Cobalt", "Heron", "Dovetail", "Ravel", "Summerby"]
FRESH5_EXECS = [("Agnes Holm", "Carrow"), ("Samuel Ortiz", "Pilgrim"), ("Leah Goldberg", "Stratton"),
                ("Victor Nakamura", "Axton"), ("Irene Popescu", "Cobalt")]
DEV13_COMPANIES = ["Larchmont", "Pennant", "Corbel", "Glasswing", "Tamsin Foods", "Ferrow", "Hollis", "Marten",
                   "Saltmarsh Bank", "Brindle", "Quayside", "Oberon", "Tillery", "Cairn", "Dapple", "Vesper"]
DEV13_EXECS = [("Nora Castellano", "Pennant"), ("Idris Mensah", "Corbel"), ("Freya Nilsen", "Hollis"),
               ("Tomas Brannigan", "Cairn"), ("Leila Farouk", "Vesper")]
FRESH6_COMPANIES = ["Ashby", "Kelpie", "Morland", "Gannet Air", "Siskin", "Rowan Bank", "Trevane", "Plover",
                    "Ludlow", "Calder", "Fenwick", "Mistral", "Otterburn", "Brackenridge", "Lowther", "Cressida"]
FRESH6_EXECS = [("Hana Sato", "Morland"), ("Patrick Oyelaran", "Siskin"), ("Greta Vogel", "Rowan Bank"),
                ("Andre Moreau", "Calder"), ("Zainab Idowu", "Mistral")]
DEV14_COMPANIES = ["Haverly", "Thornbury", "Glint", "Marsh Lane", "Poppy", "Quarrier", "Elmstead", "Brightwell Bank",
                   "Tarn", "Sunmill", "Dorrit", "Kettleby", "Vanta", "Larch", "Pemberton Foods", "Osier"]
DEV14_EXECS = [("Rachel Ambrose", "Haverly"), ("Kofi Mensimah", "Glint"), ("Lucia Ferraro", "Tarn"),
               ("Henrik Dahl", "Vanta"), ("Aisha Rahman", "Larch")]
FRESH8_COMPANIES = ["Wickham", "Bellamy", "Foxglove", "Stour Water", "Halberd", "Nettle", "Crannog", "Ashwell Air",
                    "Tidemark", "Pindar", "Mallory", "Ruskin Homes", "Quill", "Sorrento", "Heddon", "Blythe"]
FRESH8_EXECS = [("Megan Coulter", "Bellamy"), ("Arjun Mehta", "Halberd"), ("Sophie Laurent", "Tidemark"),
                ("Karl Weber", "Mallory"), ("Nkechi Obi", "Quill")]
FILLS = 3
_SIGN = {"+": "positive", "-": "negative", "0": "neutral"}


def parse_lines(block: str) -> list[tuple[str, str, str, dict[str, str]]]:
    """(kind, pattern, template, {slot: label}) of each line of a targeted_corpus block."""
    out = []
    for line in block.strip().splitlines():
        if not line.strip():
            continue
        head, template, labels = (x.strip() for x in line.split("|"))
        kind, pattern = head.split()
        out.append((kind, pattern, template.replace("\\n", "\n"),
                    {lab[:-1]: _SIGN[lab[-1]] for lab in labels.split()}))
    return out


def round2(block: str, split: str, companies: list[str], execs: list[tuple[str, str]], start: int,
           origin: str = "", family: str = "") -> list[dict]:
    out = []
    for i, (kind, pattern, template, labels) in enumerate(parse_lines(block)):
        for k in range(FILLS):
            a = companies[(3 * i + 7 * k) % len(companies)]
            b = companies[(3 * i + 7 * k + 5) % len(companies)]
            e, c = execs[(i + 2 * k) % len(execs)]
            if "{C}" in template and "{E}" not in template:  # a third company, not an executive's
                c = companies[(3 * i + 7 * k + 9) % len(companies)]
            names = {"A": a, "B": b, "E": e, "C": c}
            text = template.format(**names)
            for slot, label in labels.items():
                start += 1
                out.append({"id": start, "kind": kind, "pattern": pattern, "family": f"{family or origin or split}-{i}",
                            "text": text, "entity": names[slot], "label": label, "split": split,
                            "origin": origin or f"round2-{split}"})
    return out


def outside_round(start: int, k: int, dev: str, fresh: str) -> list[dict]:
    """Round k's batch (tests/data/targeted_roundK.tsv, columns id kind pattern text entity label),
    each text in ``dev`` or ``fresh`` by a hash of the id of its first row (a text with several
    entities stays in one half). From round 8 on the hash is salted with "roundK:" (each batch's ids
    restart at 1: the salt keeps the halves of different rounds independent); round 7's is not.
    Family "roundK-SPLIT-FIRSTID", origin "roundK-SPLIT"."""
    salt = "" if k == 7 else f"round{k}:"
    with OUT.with_name(f"targeted_round{k}.tsv").open(encoding="utf-8") as fh:
        batch = list(csv.DictReader(fh, delimiter="\t"))
    first: dict[str, str] = {}
    for r in batch:
        first.setdefault(r["text"], r["id"])
    out = []
    for r in batch:
        fid = first[r["text"]]
        split = dev if hashlib.sha1(f"{salt}{fid}".encode()).digest()[0] % 2 == 0 else fresh
        start += 1
        out.append({"id": start, "kind": r["kind"], "pattern": r["pattern"], "family": f"round{k}-{split}-{fid}",
                    "text": r["text"], "entity": r["entity"], "label": r["label"], "split": split,
                    "origin": f"round{k}-{split}"})
    return out


# The outside batches, in the order they are written out: (round, its read half, its never-read
# half). Rules were written from the read halves of rounds 7-12, none from 14 on (those only feed
# the learned layer's fit and its never-read checks); round 13 wrote no data. The read halves
# are fitted on at benchmarks/targeted_fit.py's REALISTIC weight, derived from this table. To add
# a round, see the module docstring.
LATER_ROUNDS: tuple[tuple[int, str, str], ...] = (
    (7, "dev16", "fresh9"), (8, "dev17", "fresh10"), (9, "dev18", "fresh11"), (10, "dev19", "fresh12"),
    (11, "dev20", "fresh13"), (12, "dev21", "fresh14"),
    (14, "dev22", "fresh15"), (15, "dev23", "fresh16"), (16, "dev24", "fresh17"), (17, "dev25", "fresh18"),
    (18, "dev26", "fresh19"), (19, "dev27", "fresh20"), (20, "dev28", "fresh21"), (21, "dev29", "fresh22"),
    (22, "dev30", "fresh23"), (23, "dev31", "fresh24"), (24, "dev32", "fresh25"),
    (25, "dev33", "fresh26"), (26, "dev34", "fresh27"), (27, "dev35", "fresh28"), (28, "dev36", "fresh29"))


def rows() -> list[dict]:
    """Round 1 (FAMILIES and FRESH*, all tuned on by now): "dev", their first split kept in
    "origin"; round 2: DEV_LINES to DEV6_LINES "dev", TEST_LINES "test" (never tuned on),
    FRESH_LINES "fresh" (written last, never tuned on)."""
    out = []
    n = 0
    for fam, (kind, pattern, template, labels) in enumerate(FAMILIES + FRESH + FRESH2 + FRESH3 + FRESH4):
        origin = ("fresh4" if fam >= len(FAMILIES) + len(FRESH) + len(FRESH2) + len(FRESH3)
                  else "fresh3" if fam >= len(FAMILIES) + len(FRESH) + len(FRESH2)
                  else "fresh2" if fam >= len(FAMILIES) + len(FRESH) else "fresh" if fam >= len(FAMILIES)
                  else "test" if fam % 3 == 0 else "dev")
        fills = EXECS if "E" in labels else PAIRS
        for x, y in itertools.islice(fills, 5):
            names = {"A": x, "B": y} if "E" not in labels else {"E": x, "C": y}
            text = template.format(**names)
            for slot, label in labels.items():
                n += 1
                out.append({"id": n, "kind": kind, "pattern": pattern, "family": fam, "text": text,
                            "entity": names[slot], "label": label, "split": "dev", "origin": f"round1-{origin}"})
    out += round2(DEV_LINES, "dev", DEV_COMPANIES, DEV_EXECS, n)
    out += round2(DEV2_LINES, "dev", DEV_COMPANIES[::-1], DEV_EXECS[::-1], out[-1]["id"], origin="round2-dev2")
    out += round2(DEV3_LINES, "dev", DEV_COMPANIES[5:] + DEV_COMPANIES[:5], DEV_EXECS[2:] + DEV_EXECS[:2], out[-1]["id"],
                  origin="round2-dev3")
    out += round2(DEV4_LINES, "dev", DEV_COMPANIES[9:] + DEV_COMPANIES[:9], DEV_EXECS[3:] + DEV_EXECS[:3], out[-1]["id"],
                  origin="round2-dev4")
    out += round2(DEV5_LINES, "dev", DEV_COMPANIES[13:] + DEV_COMPANIES[:13], DEV_EXECS[4:] + DEV_EXECS[:4], out[-1]["id"],
                  origin="round2-dev5")
    out += round2(DEV6_LINES, "dev", DEV_COMPANIES[2:] + DEV_COMPANIES[:2], DEV_EXECS[1:] + DEV_EXECS[:1], out[-1]["id"],
                  origin="round2-dev6")
    out += round2(DEV7_LINES, "dev", DEV_COMPANIES[7:] + DEV_COMPANIES[:7], DEV_EXECS, out[-1]["id"],
                  origin="round2-dev7")
    out += round2(DEV8_LINES, "dev", DEV_COMPANIES[11:] + DEV_COMPANIES[:11], DEV_EXECS, out[-1]["id"],
                  origin="round2-dev8")
    out += round2(DEV9_LINES, "dev", DEV9_COMPANIES, DEV9_EXECS, out[-1]["id"], origin="round3-dev9")
    out += round2(DEV10_LINES, "dev", DEV10_COMPANIES, DEV10_EXECS, out[-1]["id"], origin="round3-dev10")
    out += round2(DEV11_LINES, "dev", DEV11_COMPANIES, DEV11_EXECS, out[-1]["id"], origin="round3-dev11")
    out += round2(DEV12_LINES, "dev", DEV12_COMPANIES, DEV12_EXECS, out[-1]["id"], origin="round4-dev12")
    out += round2(TEST_LINES, "test", TEST_COMPANIES, TEST_EXECS, out[-1]["id"])
    out += round2(FRESH_LINES, "fresh", TEST_COMPANIES[8:] + TEST_COMPANIES[:8], TEST_EXECS[2:] + TEST_EXECS[:2],
                  out[-1]["id"], origin="round2-fresh")
    out += round2(FRESH2_LINES, "fresh2", FRESH2_COMPANIES, FRESH2_EXECS, out[-1]["id"], origin="round3-fresh2")
    out += round2(FRESH3_LINES, "fresh3", FRESH3_COMPANIES, FRESH3_EXECS, out[-1]["id"], origin="round3-fresh3")
    out += round2(FRESH4_LINES, "fresh4", FRESH3_COMPANIES[8:] + FRESH3_COMPANIES[:8], FRESH3_EXECS[2:] + FRESH3_EXECS[:2],
                  out[-1]["id"], origin="round3-fresh4")
    out += round2(FRESH5_LINES, "fresh5", FRESH5_COMPANIES, FRESH5_EXECS, out[-1]["id"], origin="round4-fresh5")
    out += round2(DEV13_LINES, "dev", DEV13_COMPANIES, DEV13_EXECS, out[-1]["id"], origin="round5-dev13")
    out += round2(FRESH6_LINES, "fresh6", FRESH6_COMPANIES, FRESH6_EXECS, out[-1]["id"], origin="round5-fresh6")
    # round 6: own splits (dev14 tuned on, fresh8 scored once at the end), origin "round6"
    out += round2(DEV14_LINES, "dev14", DEV14_COMPANIES, DEV14_EXECS, out[-1]["id"], origin="round6",
                  family="round6-dev14")
    out += round2(FRESH8_LINES, "fresh8", FRESH8_COMPANIES, FRESH8_EXECS, out[-1]["id"], origin="round6",
                  family="round6-fresh8")
    for k, dev, fresh in LATER_ROUNDS:  # rounds 7 on: devN (read, fitted on), freshM (never read)
        out += outside_round(out[-1]["id"], k, dev, fresh)
    return out


def main() -> None:
    data = rows()
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(data[0]), delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(data)
    by = Counter(r["split"] for r in data)  # in the order the rounds wrote them
    print(f"wrote {OUT}: {len(data)} pairs (" + ", ".join(f"{n} {sp}" for sp, n in by.items()) + ")")


if __name__ == "__main__":
    main()
