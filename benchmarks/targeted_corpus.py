"""Hand-written (text, entity, label) sentences for entity-targeted sentiment, round 2 of issue 14.

Each line: ``kind pattern | text | labels``. ``{A}`` and ``{B}`` are companies or products,
``{E}`` an executive of ``{C}``; labels are ``A+`` (positive), ``A-`` (negative), ``A0``
(neutral), one per slot that is scored. ``\\n`` in a text is a line break (paragraphs).
make_targeted.py fills each line with two different sets of names.

The label is what a comms analyst would say the text means FOR THAT ENTITY.

TEST_LINES were written first, before any rule of this round, with their own wording (not the
templates of DEV_LINES or of make_targeted.FAMILIES) and are never used to tune: their accuracy
is the figure we report. DEV_LINES are the ones we tune on.
"""

TEST_LINES = r"""
news contest | {A} won the five-year maintenance contract for the northern rail network, ahead of {B}. | A+ B-
news contest | The city council picked {A} over {B} to run its recycling service. | A+ B-
news contest | {B} came second to {A} in the national broadband speed rankings published on Monday. | A+ B-
review contest | After a month with both, the {A} is the clear winner; the {B} felt sluggish by comparison. | A+ B-
blog contest | We pitted the {A} against the {B}. Spoiler: {B} didn't stand a chance. | A+ B-
social contest | {A} absolutely destroyed {B} in that comparison video lol | A+ B-
news contest | In a blow to {B}, the ministry awarded the defence radio deal to {A}. | A+ B-
news contest | {A} edged past {B} to become the country's second-largest insurer by premiums. | A+ B-
review contest | {B} is fine, but {A} is better in every way that matters. | A+ B-
forum contest | Had both. {A} > {B}, not even close. | A+ B-
news contest | Shareholders rejected {B}'s hostile bid, siding with {A}'s management. | A+ B-
news rival | {B} shares slumped 30% after it warned on profits; rival {A} rose 4% as traders bet it would win over its customers. | A+ B-
news rival | Analysts said {A} is the biggest beneficiary of the {B} recall, which has left dealers with no stock. | A+ B-
news rival | With {B} grounded by the pilots' strike, {A} added 40 extra flights to meet demand. | A+ B-
social rival | {B} down for the third time this week. Glad I switched to {A} last year | A+ B-
news rival | The collapse of {B} has sent thousands of customers to {A}, which reported record sign-ups in March. | A+ B-
news rival | {B}'s data breach is a gift for {A}, whose privacy-first pitch suddenly looks prescient. | A+ B-
forum rival | After the {B} fiasco our whole office moved to {A}. Zero regrets so far. | A+ B-
news rival | {B} halted shipments over a contamination scare, and supermarkets turned to {A} to fill the shelves. | A+ B-
news exec | {E} has been hailed as a visionary, but {C} is burning through cash and its debt was downgraded to junk. | E+ C-
news exec | {C} delivered a strong quarter, yet its chief executive {E} faces questions over an undisclosed share sale. | C+ E-
news exec | Staff adore {E}. Customers, less so: complaints about {C} doubled this year. | E+ C-
news exec | {E}, the popular founder, could not stop {C} from posting its third consecutive annual loss. | C-
news exec | {C} is thriving despite the scandal surrounding its former boss {E}. | C+ E-
news exec | Critics called {E}'s remarks tone-deaf, though {C}'s sales remain strong. | E- C+
blog exec | I admire {E} enormously, which makes {C}'s terrible customer service even harder to watch. | E+ C-
news exec | {E} was named CEO of the year while {C} was fined for misleading customers. | E+ C-
news legal | The appeals court overturned the verdict against {A}, ending a six-year legal battle. | A+
news legal | Prosecutors dropped all charges against {A} on Friday. | A+
news legal | The FDA issued {A} a complete response letter for its migraine drug, asking for more safety data. | A-
news legal | {A} is recalling 80,000 e-bikes because the battery can catch fire; owners are offered a full refund. | A-
news legal | A jury found {A} liable for misleading investors and ordered it to pay damages. | A-
news legal | The competition authority cleared {A}'s merger without conditions. | A+
news legal | {A} has been granted marketing authorisation for its asthma inhaler in Europe. | A+
news legal | Regulators have opened an investigation into {A}'s billing practices. | A-
news legal | The claims against {A} were dismissed with prejudice. | A+
press legal | {A} announces a voluntary recall of two batches of infant formula as a precaution. Customers will receive a full refund. | A-
news legal | The European Commission fined {A} 120 million euros for abusing its dominant position. | A-
news legal | {A} won its appeal against the tax ruling and will recover 40 million in back taxes. | A+
news legal | Regulators rejected {A}'s application, citing insufficient evidence of efficacy. | A-
news legal | A federal judge granted {A}'s motion to dismiss the class action. | A+
review rating | Beautiful design, lovely screen, friendly delivery driver. Battery dies by lunchtime though. {A} Pulse: 2/5 | A-
review rating | {A} customer service: polite, quick, helpful. Product quality: 3/10. | A-
review rating | Honestly I expected more from {A}. Rating: 4/10 | A-
review rating | Not the prettiest thing, and the manual is useless, but it works. {A} gets 8/10 from me. | A+
blog rating | The {A} is nice to hold and the colours are vibrant. Verdict: 2 out of 5. | A-
social rating | {A} burger: great bun, great sauce, 4/10 overall | A-
review rating | Cheap-looking plastic but it has never let me down. {A}: 5/5. | A+
review rating | Lovely staff, nice room, terrible sleep. {A} Hotel, one star. | A-
review rating | Solid, dependable, boring. I'd give {A} 9/10. | A+
social sarcasm | thank you {A} for cancelling my flight an hour before boarding, love that for me 🙃 | A-
social sarcasm | so glad I paid extra for {A} premium, the app has been down all day 🙄 | A-
social sarcasm | {A} customer service is amazing, only took them 6 weeks to answer 😒 | A-
social sarcasm | Oh brilliant, {A} raised prices again. Just what everyone needed 🙄 | A-
social sarcasm | love that my brand new {A} phone restarts itself every hour 🙃🙃 | A-
social sarcasm | Five stars to {A} for delivering my sofa to the wrong city 👏👏 | A-
social sarcasm | Cheers {A}, another "improvement" that makes the app slower 🙄 | A-
forum question | Is the {A} compatible with 5 GHz networks? | A0
forum question | How long does the {A} battery take to charge from empty? | A0
forum question | Anyone know if {A} ships to Norway? | A0
social question | What time does the {A} store on Main Street open on Sundays? | A0
forum question | Which {A} model would you recommend for a small flat? | A0
forum question | Can I use third-party filters in my {A} purifier, or does it void the warranty? | A0
news question | Will {A} raise prices next year? Analysts are divided. | A0
news explainer | {A} makes most of its money from subscriptions, which account for 70% of revenue. | A0
blog explainer | A short history of {A}: from a garage workshop in 1987 to 4,000 staff today. | A0
news explainer | Explainer: what the {A} merger vote on Thursday means for shareholders. | A0
news explainer | {A} is headquartered in Rotterdam and operates in 14 countries. | A0
press explainer | {A} will present at the Nordic Energy Summit in Stockholm on 3 October. | A0
news explainer | {A} reports third-quarter earnings after the bell on Wednesday; analysts expect revenue of 2.1 billion. | A0
blog explainer | How to set up the {A} thermostat in five steps. | A0
news neutral | {A} said it would move its European headquarters to Dublin next year. | A0
news neutral | {A} and {B} are the two largest suppliers of school buses in the region. | A0 B0
press neutral | {A} has appointed Maria Jensen as head of communications. | A0
review pronoun | Bought the {A} in January. It died in March. | A-
review pronoun | I was sceptical about {A} at first, but they won me over with how quickly they sorted my claim. | A+
news pronoun | {A} reported its results on Tuesday. The company said profit more than doubled. | A+
news pronoun | {E} took over {C} in 2021. Since then the CEO has cut the workforce in half and sales have fallen every quarter. | E- C-
review pronoun | The {A} looks cheap, but it is the most reliable kettle I have owned. | A+
social pronoun | tried the new {A} app. it is so slow and it logged me out twice | A-
forum pronoun | My {A} arrived today. It's gorgeous and it's quiet. Very happy. | A+
news pronoun | {A} is under pressure. The firm lost two major clients this month. | A-
review pronoun | Stayed at {A} for a week. They upgraded our room for free and the staff were wonderful. | A+
review pronoun | The {A} has a lovely screen, but it overheats and the speaker crackles. | A-
news praise | {A} has been ranked the most trusted bank in the country for the third year running. | A+
social praise | big thanks to {A} for replacing my broken charger no questions asked 🙏 | A+
review praise | The {A} vacuum picks up everything, even dog hair, and it's whisper quiet. | A+
news praise | Customers praised {A}'s quick response after the storm knocked out power. | A+
blog praise | If you want a no-nonsense bank, {A} is the one. Fees are low and the app just works. | A+
review praise | Three years on and my {A} boots still look new. | A+
social praise | {A} delivery arrived a day early and the driver was lovely | A+
news praise | {A} shares jumped 9% after it unveiled a faster-than-expected turnaround. | A+
review complaint | {A} charged me twice and nobody answers the phone. | A-
social complaint | two weeks without internet and {A} keeps blaming the weather. | A-
review complaint | The {A} blender leaks from the base after every use. | A-
forum complaint | Why does my {A} router drop the connection every evening? Third replacement now. | A-
news complaint | Passengers were left stranded for hours after {A} cancelled dozens of flights without warning. | A-
review complaint | Avoid {A}. Rude staff, cold food, and we waited an hour. | A-
social complaint | {A} has lost my parcel and their chatbot just loops. | A-
review complaint | The {A} mattress started sagging after four months and they refused a warranty claim. | A-
news finance | {A} cut 1,200 jobs and closed three factories as orders dried up. | A-
news finance | {A} posted a surprise loss and suspended its dividend. | A-
news finance | {A} raised its annual forecast after a strong summer season. | A+
news finance | Moody's upgraded {A} to investment grade. | A+
news finance | {A} shares plunged 18% after the company missed revenue forecasts. | A-
news finance | {A}'s revenue grew 25% year on year, beating expectations. | A+
news finance | {A} warned that full-year profit would be well below market expectations. | A-
news multi | {A} and {B} both reported results today: {A} beat forecasts while {B} missed badly. | A+ B-
news multi | {A} praised the deal, saying it would create jobs; {B} said it would hurt competition. | A0 B0
review multi | The {A} was noisier than the {B} but far easier to clean. | A0
news multi | {B} sued {A} for patent infringement, claiming its heat exchanger design was copied. | A-
news multi | {A} agreed to buy {B} for 2 billion dollars, a 40% premium to {B}'s share price. | B+
review comparative | The {A} is cheaper than the {B} and just as good. | A+
review comparative | The {B} has a better camera than the {A}, and a longer battery life too. | A- B+
forum comparative | {A} is worse than {B} for customer service, in my experience. | A- B+
review comparative | I prefer the {A} to the {B}: it is lighter and the battery lasts longer. | A+ B-
news long | {A} said on Tuesday that it would close its Leeds plant, cutting 600 jobs.\nThe company blamed weak demand and rising energy costs.\nUnions called the decision a betrayal and said they would fight it. | A-
news long | {A} opened a new research centre in Lyon on Monday.\nThe centre will employ 200 engineers working on battery recycling.\nLocal officials welcomed the investment, calling it a vote of confidence in the region. | A+
news long | Regulators in three countries are examining complaints about {A}'s heaters.\nOwners say the units overheat and trip the fuse.\nThe company said it takes safety seriously and is cooperating fully. | A-
news long | {E} spent fifteen years building {C} into one of Europe's best-known brands.\nOn Monday she announced she would step down as chief executive.\nThe board praised her leadership and said a successor would be named shortly. | E+ C0
blog long | I have owned the {A} for two years now.\nIt has survived two house moves and a toddler.\nThe only thing I would change is the price, and even that feels fair now. | A+
news long | {B} reported a 40% drop in bookings after the outage that left passengers stranded.\nMeanwhile {A}, its smaller rival, said bookings had never been higher. | A+ B-
social long | Day 3 of no hot water. {A} engineer was supposed to come Monday. Then Tuesday. Now "next week". | A-
news long | {A} confirmed it had been hit by a ransomware attack.\nCustomer records may have been exposed, it said, and systems will be offline for several days. | A-
forum long | Looking for advice. Is the {A} worth the extra over the {B}? I mostly cook for two. | A0 B0
news neutral | {A} will change its name to {A} Group from January, the company said. | A0
news neutral | {A}'s annual meeting is scheduled for 12 June in Oslo. | A0
social neutral | anyone going to the {A} launch event tomorrow? | A0
news neutral | {A} employs about 1,200 people in the UK, mainly in Manchester. | A0
"""

DEV_LINES = r"""
news contest | {A} clinched the airport expansion deal, beating {B} and two other bidders. | A+ B-
news contest | {B} was passed over in favour of {A} for the hospital IT contract. | A+ B-
review contest | Side by side, the {A} wins on sound, comfort and battery; the {B} only wins on price. | A+
blog contest | Our readers voted {A} the best bank of the year, with {B} trailing in fifth. | A+ B-
social contest | {A} just smoked {B} in the benchmark, not even close | A+ B-
news contest | {A} overtook {B} as the country's best-selling car brand in May. | A+ B-
news contest | The tender went to {A}; {B}, the incumbent, lost the contract after twelve years. | A+ B-
news contest | {B} lost the bidding war for the studio to {A}. | A+ B-
review contest | Compared with the {B}, the {A} is quieter, faster and cheaper to run. | A+ B-
forum contest | Tried {B}, went back to {A}. Way better. | A+ B-
news contest | Voters chose {A} as supplier of the year, ahead of {B} and {C}. | A+ B-
news rival | {B} issued a profit warning on Monday, and shares in rival {A} jumped 6%. | A+ B-
news rival | The {B} recall could push buyers towards {A}, analysts said. | A+ B-
news rival | Travellers stranded by {B}'s strike were rebooked on {A} flights. | A+ B-
social rival | {B} app down AGAIN. {A} never does this to me | A+ B-
news rival | {A} picked up more than 100,000 customers after {B} went bust. | A+ B-
news rival | {B} closed 200 stores this year, and {A} has been quick to move into the empty sites. | A+ B-
forum rival | After {B} lost my data I moved to {A} and haven't looked back. | A+ B-
news rival | A recall at {B} left a gap in the market that {A} filled within weeks. | A+ B-
news exec | {E} remains popular with staff, but {C} is struggling with falling sales and a heavy debt load. | E+ C-
news exec | {C} had a record year, even as its chairman {E} faced criticism over his pay. | C+ E-
news exec | Investors love {E}; they are less keen on {C}'s mounting losses. | E+ C-
news exec | {E} apologised for the outage, which left {C} customers offline for two days. | C-
news exec | {C} shares rose after it announced the departure of its unpopular CEO {E}. | C+ E-
news exec | {E} won plaudits for his candour, yet {C} keeps missing its targets. | E+ C-
blog exec | {E} gives a great keynote. Shame {C}'s products keep breaking. | E+ C-
news exec | {E} was praised for steering {C} through the crisis, and the firm returned to profit. | E+ C+
news legal | A court dismissed the fraud lawsuit against {A} on Thursday. | A+
news legal | The regulator closed its probe into {A} without taking action. | A+
news legal | {A} received a complete response letter from the FDA requesting additional clinical data. | A-
press legal | {A} is recalling its 2023 dehumidifiers due to a fire risk. Customers should stop using them and contact us for a full refund. | A-
news legal | {A} was ordered to pay 3 million dollars in damages after losing a patent case. | A-
news legal | The court ruled in favour of {A} in its dispute with the tax office. | A+
news legal | The FDA approved {A}'s new diabetes drug on Friday. | A+
news legal | Authorities are investigating {A} over alleged price fixing. | A-
news legal | Charges against {A} were dropped for lack of evidence. | A+
news legal | The watchdog fined {A} for failing to protect customer data. | A-
news legal | {A} settled the lawsuit for 20 million dollars without admitting wrongdoing. | A-
news legal | The court rejected the lawsuit brought against {A} by former employees. | A+
news legal | The agency asked {A} for additional safety data before it can approve the vaccine. | A-
news legal | A judge threw out the case against {A}. | A+
review rating | Gorgeous design and a lovely box. Sadly it broke in a week. {A} toaster: 1/5 | A-
review rating | {A} app: pretty, polished, and frankly a 3/10. | A-
review rating | Overall I'd rate {A} 6/10. | A0
review rating | Rating: 2/10. {A}'s charming staff couldn't save the meal. | A-
review rating | Ugly, loud, but it never fails. {A}: 4.5/5 | A+
social rating | {A} pizza 3/10 would not order again | A-
review rating | Nice enough, but {A} only gets two stars from me. | A-
review rating | {A} Hotel: 9/10, would stay again. | A+
social sarcasm | wow {A}, charging me for a cancelled order, amazing 🙄 | A-
social sarcasm | great, {A} broadband is down again, what a surprise 🙄 | A-
social sarcasm | thanks {A} for the 2 hour queue, really appreciated 😒 | A-
social sarcasm | love it when {A} updates break everything 🙃 | A-
social sarcasm | perfect timing {A}, the heater dies on the coldest day of the year 🙄 | A-
social sarcasm | {A} really outdid themselves this time, my order arrived smashed 👏 | A-
forum question | Does the {A} have a dishwasher-safe jug? | A0
forum question | What's the warranty period on {A} laptops? | A0
forum question | Where can I buy spare blades for the {A} trimmer? | A0
social question | is the {A} sale on this weekend? | A0
forum question | How do I pair my {A} headphones with a laptop? | A0
forum question | Should I get the {A} or wait for the next model? | A0
forum question | Why does my {A} keep disconnecting from wifi? | A-
news explainer | {A} sells its heat pumps mainly through installers, not directly to homeowners. | A0
news explainer | {A} was founded in 1994 and is listed in Frankfurt. | A0
blog explainer | Explained: how {A} decides which flights to cancel first. | A0
news explainer | What {A}'s new pricing means for you. | A0
press explainer | {A} will host a webinar on energy efficiency on 5 March. | A0
news neutral | {A} said it would announce its half-year results on 31 July. | A0
news neutral | {A} moved its headquarters from Bristol to Cardiff. | A0
news neutral | {A} has named Jonas Berg as chief operating officer. | A0
review pronoun | Bought the {A} last spring. It stopped charging after two months. | A-
review pronoun | {A} looks dated, but it is the best phone I have ever owned. | A+
news pronoun | {A} published its annual results. The company said revenue fell 15 percent. | A-
news pronoun | {E} became chief executive of {C} in May. The CEO has since doubled profits. | E+ C+
review pronoun | I called {A} about the leak. They sent someone the same day and fixed it for free. | A+
social pronoun | got the {A} earbuds. they sound amazing and they fit perfectly | A+
review pronoun | The {A} is sleek, but it is painfully slow and the battery is a joke. | A-
news pronoun | {A} is in trouble. The group lost its biggest customer last week. | A-
review pronoun | Had dinner at {A}. It was the worst meal of the year. | A-
news praise | {A} was voted the best employer in retail. | A+
social praise | {A} customer service just sorted my refund in 5 minutes, legends | A+
review praise | The {A} drill is powerful, light and the battery lasts forever. | A+
news praise | Analysts praised {A}'s strong balance sheet. | A+
review praise | Could not be happier with my {A} sofa. Comfortable and beautifully made. | A+
news praise | {A}'s new factory will create 500 jobs. | A+
review complaint | {A} cancelled my order without telling me. | A-
social complaint | been waiting 3 weeks for {A} to fix my boiler | A-
review complaint | The {A} kettle started rusting after a month. | A-
news complaint | Hundreds of {A} customers complained of overcharging. | A-
review complaint | Stay away from {A}. They never honour their warranty. | A-
forum complaint | My {A} washing machine leaks every time. Anyone else? | A-
news finance | {A} shares tumbled after the company cut its outlook. | A-
news finance | {A} reported a 30% rise in profit. | A+
news finance | {A} said it would lay off 10% of its staff. | A-
news finance | {A} issued a profit warning. | A-
news finance | {A} returned to profit in the second quarter. | A+
news finance | S&P downgraded {A}'s credit rating. | A-
news multi | {A} beat estimates, while {B} disappointed investors. | A+ B-
news multi | {B} accused {A} of copying its design. | A-
news multi | {A} completed its acquisition of {B}. | A0
review comparative | The {A} is better than the {B} in almost every way. | A+ B-
review comparative | The {A} is slower than the {B} and costs more. | A- B+
forum comparative | {B} beats {A} hands down for reliability. | A- B+
review comparative | Unlike the {B}, the {A} never needs a reboot. | A+ B-
news long | {A} said on Monday that it would cut 800 jobs.\nThe company blamed falling orders.\nUnions said they would strike. | A-
news long | {A} opened a new plant in Poland.\nThe plant will make electric motors and employ 300 people.\nThe mayor called it great news. | A+
news long | Owners of {A} cars have reported brake failures.\nThe company said it was looking into the reports. | A-
news long | {B}'s outage left millions offline on Friday.\n{A} said it had signed up a record number of customers over the weekend. | A+ B-
blog long | We have used {A} for five years.\nThey have never let us down.\nHighly recommended. | A+
social long | Ordered from {A} on the 1st. Still nothing. No reply to emails. | A-
news neutral | {A} will change its logo next month. | A0
social neutral | who's watching the {A} keynote tonight? | A0
"""

# Written after the first round of rules (tuned on DEV_LINES) to cover what the first reading
# of the test split showed weak (its per-pattern accuracy only; no test sentence was read):
# plain praise, long texts, several entities, sarcasm, rivals, pronouns. Scored once before
# being used to tune (the "dev2" figure in docs/analysis.md), then tuned on.
DEV2_LINES = r"""
review praise | Absolutely love my {A} air fryer, use it every day. | A+
review praise | Credit where it's due: {A} sorted my broken screen in a day. | A+
social praise | {A} staff went above and beyond for my mum today ❤️ | A+
review praise | I could not fault {A}. Punctual, polite and the work was spotless. | A+
review praise | The {A} is worth every penny. | A+
social praise | {A} is killing it with this update | A+
review praise | Kudos to {A} for making returns so painless. | A+
review praise | My {A} headphones are a game changer on the train. | A+
news praise | {A}'s app topped the download charts in twelve countries. | A+
news praise | {A} unveiled a battery that charges in ten minutes, impressing analysts. | A+
review praise | {A} exceeded my expectations. The bread maker is simple and the loaves are perfect. | A+
social praise | hats off to {A}, quickest refund I've ever had | A+
review praise | Switched my energy to {A} last year and the bills have been lower every month. | A+
forum praise | {A} boots: four winters and still waterproof. | A+
news praise | {A} was named one of Europe's fastest-growing companies. | A+
review praise | Installed the {A} doorbell in ten minutes. Works a treat. | A+
review complaint | The {A} fridge stopped cooling after six weeks. | A-
social complaint | {A} billing is a joke. Charged for a month I cancelled. | A-
review complaint | Paid for next-day delivery, {A} took nine days. | A-
review complaint | The {A} app is a mess since the redesign. | A-
forum complaint | Is it just me or has {A} quality gone downhill? | A-
social complaint | 45 minutes in the {A} queue and the chat just closed on me | A-
review complaint | Zero stars if I could. {A} ruined our holiday. | A-
news complaint | {A} customers reported hours-long delays at airports on Sunday. | A-
social sarcasm | Nothing like {A} customer service to ruin your morning 🙃 | A-
social sarcasm | {A} really knows how to make customers feel special. 3 hours on hold 🙄 | A-
social sarcasm | Another day, another {A} outage. Great stuff. 🙄 | A-
social sarcasm | cheers {A}, my "express" parcel took twelve days 👏 | A-
social sarcasm | Absolutely love paying more for less, thanks {A} 🙃 | A-
social sarcasm | oh good, {A} changed the app again and now nothing works | A-
news rival | When {B} pulled out of the market, {A} stepped in and signed most of its dealers. | A+ B-
news rival | {B}'s troubles have been good news for {A}, whose bookings rose 30%. | A+ B-
social rival | {B} lost my bags twice this year. Flying {A} from now on. | A+ B-
news rival | Retailers replaced {B}'s recalled toys with {A}'s range. | A+ B-
news rival | {B} is struggling with supply problems; {A} says it has plenty of stock. | A+ B-
forum rival | {B} keeps raising prices so I moved my account to {A}. Cheaper and friendlier. | A+ B-
news rival | Shares in {A} hit a record as investors bet it would profit from {B}'s grounding. | A+ B-
news contest | {A} knocked {B} off the top spot in the annual customer satisfaction survey. | A+ B-
news contest | The ministry chose {A} rather than {B} to build the new bridge. | A+ B-
review contest | Having used both, I'd take the {A} over the {B} any day. | A+ B-
news contest | {B} was outbid by {A} for the broadcasting rights. | A+ B-
blog contest | {A} came out on top in our test of six robot vacuums; the {B} came last. | A+ B-
news exec | {E} has charmed investors, but {C}'s accounts tell a grimmer story: losses widened again. | E+ C-
news exec | {C} is doing well, no thanks to {E}, whose comments on staff drew widespread anger. | C+ E-
news exec | Under {E}, {C} has tripled its profits. | E+ C+
news exec | {E} was forced out after {C}'s board lost confidence in her. | E-
news exec | {C} has weathered the storm; its chief executive {E} has not, and leaves in June. | C+ E-
news legal | A tribunal found in favour of {A} in its long-running dispute with a former supplier. | A+
news legal | Prosecutors charged {A} with breaching safety rules. | A-
news legal | {A}'s drug was rejected by the regulator, which asked for another trial. | A-
news legal | An investigation cleared {A} of any wrongdoing. | A+
news legal | {A} pleaded guilty to environmental offences and was fined 4 million pounds. | A-
press legal | {A} is voluntarily recalling some jars of baby food because they may contain glass. Customers can return them for a full refund. | A-
news legal | The lawsuit against {A} was thrown out by a federal judge. | A+
review rating | It's a lovely looking {A} phone, shame about everything else. 2/10 | A-
review rating | {A}: 7/10. Good but not great. | A+
blog rating | Verdict on the {A} Bolt: 8 out of 10 | A+
social rating | {A} coffee 1/5 tasted burnt | A-
review rating | The staff at {A} could not have been nicer. Food: 4/10. | A-
forum question | How do I cancel my {A} subscription? | A0
forum question | Does anyone know the {A} customer service number? | A0
forum question | Which is quieter, the {A} or the {B}? | A0 B0
social question | has {A} announced the release date yet? | A0
news question | Can {A} keep up its growth? | A0
forum question | Is the {A} sale worth waiting for or should I buy now? | A0
news explainer | {A} makes car seats and prams and sells them in 40 countries. | A0
news explainer | What we know about {A}'s plan to split into two companies. | A0
blog explainer | A beginner's guide to the {A} loyalty scheme. | A0
news neutral | {A} will publish its sustainability report next week. | A0
press neutral | {A} today announced that Anna Kovacs will join the board as a non-executive director. | A0
news neutral | {A} is due to report results on 4 November. | A0
news neutral | {A} and {B} will meet in Brussels to discuss standards for charging cables. | A0 B0
social neutral | at the {A} store picking up a new charger | A0
review pronoun | Ordered a sofa from {A}. It arrived damaged and they refused to collect it. | A-
review pronoun | I had my doubts about {A}. They proved me wrong: the repair was quick and cheap. | A+
news pronoun | {A} announced its results. The group said sales fell in every region. | A-
social pronoun | just got my {A} order. it's perfect, they even added a handwritten note | A+
review pronoun | The {A} looks smart, but it is awkward to use and it scratches easily. | A-
news pronoun | {E} joined {C} two years ago. The chief executive has since been praised for fixing its finances. | E+
news multi | {A} and {B} announced a partnership to build charging stations. | A0 B0
news multi | {A} accused {B} of poaching its engineers. | B-
news multi | {A} is suing {B} over unpaid invoices. | B-
news multi | {A} and {B} both raised their forecasts on Thursday. | A+ B+
news multi | {A} shares fell while {B} gained after the ruling. | A- B+
review comparative | The {A} is nowhere near as good as the {B}. | A- B+
review comparative | The {B} costs twice as much as the {A} and isn't any better. | A+ B-
forum comparative | {A} is more reliable than {B}, in my experience. | A+ B-
review comparative | The {A} is louder than the {B}, but cheaper. | A0
news long | {A} said on Wednesday that its chief executive would step down after a string of losses.\nThe company has lost a third of its value this year.\nInvestors welcomed the change, and shares rose 3% in early trading. | A-
news long | {A} has won a contract to supply trains to the Danish rail operator.\nThe deal, worth 900 million euros, is the largest in the company's history.\nProduction will start next year at its plant in Derby. | A+
blog long | I wanted to like the {A}.\nThe design is striking and the screen is beautiful.\nBut after three weeks the hinge cracked, and support has not replied to two emails. | A-
news long | Owners of {A} boilers have been left without heating for weeks.\nThe company blamed a shortage of parts.\nConsumer groups said its response was inadequate. | A-
news long | {A} reported a solid quarter on Tuesday.\nRevenue rose 6% and it kept its full-year forecast.\nThe shares were flat. | A+
social long | Update: {A} called me back, apologised, and refunded the lot. Faith restored. | A+
news long | Regulators have approved {A}'s takeover of a smaller rival.\nThe deal creates the country's largest network of dental clinics.\nCompetitors had argued it would raise prices. | A+
forum long | Had my {A} for a year now.\nBattery still lasts two days.\nNo complaints at all. | A+
news long | {B} has delayed its new model again, citing software problems.\nIt is the third delay this year.\n{A}, meanwhile, started deliveries of its rival model last week. | A+ B-
"""

# Written after tuning on DEV2_LINES, before the last look at the test split: longer news,
# several entities, executives, praise in news. Scored once (the "dev3" figure), then tuned on.
DEV3_LINES = r"""
news long | {A} has agreed to buy a Spanish solar developer for 400 million euros.\nThe deal will double its renewable capacity and, the company said, lift earnings from next year.\nAnalysts at two banks raised their price targets after the announcement. | A+
news long | {A} apologised on Thursday after a software update left thousands of customers unable to log in to their accounts for most of the day.\nThe bank said no money had been lost.\nIt is the second outage this month, and the regulator said it had asked for an explanation. | A-
news long | {A}, the Oslo-based ferry operator, carried a record 3.2 million passengers last year.\nIt plans to add two electric ships in 2026. | A+
news long | Shares in {A} fell 7% on Monday after the retailer said wet weather had hurt summer sales.\nIt kept its full-year forecast, but analysts said that now looked ambitious. | A-
news long | {A} said its chief executive, {E}, would leave at the end of the year.\nThe company gave no reason.\nShe has led the group since 2017. | A0
news long | A fire at a {A} warehouse in Leeds forced the evacuation of nearby homes on Sunday.\nNo one was injured.\nThe cause is being investigated. | A-
news long | {A} topped a survey of the most reliable broadband providers for the second year.\n{B} came bottom, with one in five customers reporting weekly drop-outs. | A+ B-
news long | {B} has been fined 3 million pounds for misleading customers about contract prices.\n{A}, which was also investigated, was cleared. | A+ B-
news long | {E} built {C} from a two-person start-up into a company worth 2 billion dollars.\nBut the firm now faces a lawsuit from former staff who say they were denied bonuses. | E+ C-
news long | The strike at {B} entered its third week on Monday.\nAirports said {A} and other airlines had added flights to carry stranded passengers. | A+ B-
blog long | We tested {A}'s new e-bike for a month.\nThe motor is smooth and the battery easily lasts a week of commuting.\nThe app is clunky, but that is a small price to pay. | A+
blog long | I have been a {A} customer for ten years.\nThat ends this month.\nPrices have doubled and the service has got steadily worse. | A-
review long | Booked {A} for our anniversary.\nThe room was small and the breakfast was cold.\nStaff were polite but could not do anything. | A-
forum long | Quick update for anyone following my {A} saga: the replacement unit arrived today and works perfectly. Took a while, but they got there. | A+
social long | {A} delivered my new fridge two days early and took the old one away. Brilliant service. | A+
news multi | {A} and {B} were both named in a report on late payments to small suppliers. | A- B-
news multi | {A} will supply batteries to {B} under a five-year deal. | A+ B0
news multi | Talks between {A} and {B} over a merger collapsed on Friday. | A- B-
news multi | {A} has hired {B}'s head of design, in the latest sign of an exodus from {B}. | B-
news multi | {A} overtook {B} in smartphone sales in Europe last quarter, according to a market research firm. | A+ B-
review multi | I had the {B} before the {A}. Both are fine, but the {A} is quieter. | A+
news multi | {A} praised {B}'s engineers for their help in restoring service after the storm. | A0 B+
news exec | {E} said {C} would "come back stronger" after a difficult year in which sales fell 20%. | C-
news exec | {E}, {C}'s chief executive, was awarded a bonus of 5 million pounds despite the company's falling profits. | E- C-
news exec | {C} named {E} as its new chief executive, sending its shares up 6%. | C+ E+
news exec | {E} is widely credited with rescuing {C} from bankruptcy. | E+
news exec | {C}'s board backed {E} after a shareholder revolt over her pay. | C0
news exec | {E} left {C} under a cloud after an investigation into expenses. | E-
news praise | {A}'s new vaccine was 95% effective in a late-stage trial, the company said. | A+
news praise | {A} was praised by the regulator for its handling of the data breach. | A+
news praise | Hospitals using {A}'s software have cut waiting times by a third. | A+
news praise | {A} has become the first airline to fly a passenger jet on hydrogen. | A+
news praise | Consumer group Which? named {A} a "Best Buy" for the fourth year in a row. | A+
social praise | the {A} team at the Leeds branch are absolute stars, sorted my mortgage in a week | A+
review praise | Friendly, fast and fairly priced. {A} is my go-to garage now. | A+
forum praise | +1 for {A}. Mine has run every day for six years. | A+
review pronoun | Got the {A} for Christmas. It's brilliant, but it drinks batteries. | A+
review pronoun | The {A} is cheap. It feels cheap, too, and it broke within a week. | A-
news pronoun | {A} reported higher sales. It also warned that costs were rising faster than expected. | A0
social pronoun | {A} finally replied to my complaint. They've offered a voucher, which is something. | A0
news pronoun | {A} missed its deadline for the new terminal. The company blamed its suppliers. | A-
news rival | {B}'s collapse has left {A} as the only bus operator in the county. | A+ B-
news rival | Sales of {A} heaters jumped after {B} recalled 40,000 units over a fire risk. | A+ B-
social rival | {B} cancelled on me again. {A} to the rescue! | A+ B-
news contest | {A} has beaten {B} to a 1 billion pound contract to maintain the city's trams. | A+ B-
news contest | The judges preferred {B}'s design, leaving {A} empty-handed. | A- B+
news legal | An appeals court ruled that {A} must pay 30 million dollars to a former partner. | A-
news legal | {A} settled with regulators, paying a 2 million dollar fine without admitting wrongdoing. | A-
news legal | {A} was granted a patent for its new water filter. | A+
news legal | The FDA placed {A}'s cancer trial on clinical hold after a patient death. | A-
news legal | {A} won a court battle to keep its brand name. | A+
review rating | {A} Lodge. Great location, tired rooms. 6/10 | A0
review rating | Would I buy another {A}? Probably. 7/10 | A+
social rating | {A} new album is a solid 8/10 | A+
social sarcasm | wow {A} thanks for the "upgrade" that deleted all my settings 🙃 | A-
social sarcasm | {A} reliability is legendary. Legendarily bad. 🙄 | A-
social sarcasm | Shoutout to {A} for turning a 10 minute job into a three week saga 👏👏 | A-
forum question | What's the best way to contact {A} about a warranty claim? | A0
social question | anyone tried the new {A} burger? | A0
news question | Is {A} about to be taken over? | A0
news explainer | {A}'s profits come mostly from its insurance arm; here is how it works. | A0
news explainer | {A} runs 45 stores in the UK and employs 3,000 people. | A0
press neutral | {A} will open its new office in Manchester on 1 September. | A0
news neutral | {A} said it was reviewing its options for its German business. | A0
"""

# Written after tuning on DEV3_LINES: press releases, tweets with handles and hashtags, forum
# threads and blog posts of several sentences. Scored once (the "dev4" figure), then tuned on.
DEV4_LINES = r"""
press praise | {A} is proud to announce that its Halo heat pump has won the 2025 Green Product Award. | A+
press neutral | {A} today released its second-quarter trading update, which is available on its website. | A0
press neutral | {A} will exhibit at the Frankfurt Motor Show from 12 to 17 September, stand B24. | A0
press praise | {A} reports record first-half revenue of 412 million euros, up 18%, and raises its outlook for the year. | A+
press neutral | {A} confirms that it has received an approach from a potential buyer; discussions are at an early stage. | A0
press legal | {A} is aware of reports of a cyber incident and is working with external experts to investigate. Some services may be unavailable. | A-
social complaint | @{A} three days and still no reply to my DM. #customerservice | A-
social praise | @{A} you absolute legends, the engineer fixed it in 20 mins 🙌 | A+
social complaint | hey @{A} why is my bill £40 higher this month?? | A-
social neutral | #{A} event in Berlin today, who else is here? | A0
social sarcasm | love how @{A} "unlimited" data stops working after 10GB 🙃 | A-
social rival | @{B} down again, thank god for my @{A} backup | A+ B-
forum complaint | Anyone else had problems with {A} deliveries recently? Mine was due Tuesday, now it says next week. | A-
forum praise | Just want to say the {A} forum mods are brilliant, got my issue solved in an hour. | A+
forum question | Thinking of moving my savings to {A}. What are their rates like at the moment? | A0
forum complaint | {A} support told me to turn it off and on again. Four times. Still broken. | A-
forum contest | Went with {A} in the end. {B} was cheaper but the reviews put me off. | A+ B-
blog praise | Why I keep coming back to {A}: honest prices, friendly staff and not a single problem in six years. | A+
blog complaint | My year with the {A} smart lock: a cautionary tale | A-
blog neutral | {A} vs {B}: which heat pump should you buy? | A0 B0
blog explainer | Everything you need to know about {A}'s new tariff | A0
review complaint | The {A} vacuum is powerful, no doubt. Shame it's also the loudest thing in the house and the battery lasts 12 minutes. | A-
review praise | Not cheap, but the {A} has paid for itself in lower bills. | A+
review praise | Had my doubts about buying a {A} second-hand, but it runs like new. | A+
review complaint | Returned the {A} after a week. Too heavy and the handle creaks. | A-
review rating | Looks nice, sounds awful. {A} speaker, 2 stars. | A-
news contest | {B} lost its bid to block {A}'s merger in court on Tuesday. | A+ B-
news rival | {B}'s problems are {A}'s opportunity, analysts say, as customers look for alternatives. | A+ B-
news exec | {E} was re-elected chair of {C} with 98% of the vote. | E+
news exec | Protesters gathered outside {C}'s headquarters demanding the resignation of its chief executive, {E}. | C- E-
news exec | {C} shares jumped after {E} unveiled a plan to cut costs and return cash to shareholders. | C+ E+
news finance | {A} shares were little changed after the company reported results in line with forecasts. | A0
news finance | {A} has secured 200 million euros of new funding from investors led by a sovereign wealth fund. | A+
news finance | {A} cut its dividend for the first time in 20 years. | A-
news finance | Ratings agency Fitch put {A} on negative watch. | A-
news legal | {A} faces a fine of up to 4% of global turnover if found guilty. | A-
news legal | The court found that {A} had not breached competition law. | A+
news legal | {A} has been ordered to recall 12,000 cots after a child was injured. | A-
news praise | {A}'s flood defences held, protecting 4,000 homes, the council said. | A+
news complaint | Passengers on {A}'s 07:10 service were stuck on the train for three hours without water. | A-
news neutral | {A} said it would decide on the site for its new factory by the end of the year. | A0
news long | {A} has spent the past two years rebuilding trust after a billing scandal.\nOn Tuesday it reported that complaints had halved and customer numbers were growing again.\nThe regulator said the company had made real progress. | A+
news long | Officials are investigating after a gas leak at a {A} site in Aberdeen.\nTwo workers were treated in hospital.\nThe company said it was cooperating fully with the inquiry. | A-
news long | {B} has cut prices on its broadband packages for the third time this year.\n{A}, its main rival, said it had no plans to follow. | A0
"""

# Written after tuning on DEV4_LINES: a mix of everything, in wording none of the earlier
# lines use. Scored once (the "dev5" figure), then tuned on.
DEV5_LINES = r"""
news contest | {A} walked away with the top prize at the national design awards, edging out {B}. | A+ B-
news contest | It was a bad night for {B}, which lost all three categories to {A}. | A+ B-
review contest | Between the {A} and the {B}, the {A} is the one I'd actually recommend. | A+
news rival | A strike at {B}'s main plant has handed {A} a chance to win back lost customers. | A+ B-
news rival | Customers fleeing {B} after the price rise have mostly ended up at {A}. | A+ B-
social rival | {B} charging for seat selection now?? {A} still doesn't. Easy choice. | A+ B-
news exec | {E}'s surprise resignation wiped 10% off {C}'s share price. | C-
news exec | {E} has turned {C} into the most profitable carmaker in Europe. | E+ C+
news exec | {C} board ousts {E} after a year of falling sales. | E- C-
news legal | {A} avoided a fine after regulators accepted its offer to compensate customers. | A+
news legal | {A} lost its appeal against a 50 million euro fine. | A-
news legal | The watchdog upheld a complaint that {A}'s advert was misleading. | A-
news legal | Charges against two {A} executives were dropped on Monday. | A+
news legal | {A} has been hit with a lawsuit from shareholders who say it hid losses. | A-
press legal | Safety notice: {A} asks customers to stop using the Model 3 charger immediately and return it for a free replacement. | A-
review rating | {A} Grill — food 9/10, service 9/10, would go back tomorrow. | A+
review rating | Two out of five for the {A} blender. Loud and leaky. | A-
social sarcasm | Big thanks to {A} for the surprise £60 charge on my bill 😒 | A-
social sarcasm | {A} has truly perfected the art of losing parcels 👏 | A-
social sarcasm | Fantastic, {A} cancelled my train for the third day running. Love it. 🙄 | A-
forum question | Has anyone used {A} for a house move? | A0
forum question | What's the difference between the {A} Pro and the {A} Lite? | A0
news question | Why are {A} shares moving today? | A0
news explainer | {A}, which makes garden furniture, was founded by two brothers in 1972. | A0
news explainer | How {A} plans to spend its 2 billion dollar windfall. | A0
press neutral | {A} will move its annual results date to 3 March. | A0
review praise | Twelve years and my {A} washing machine has never missed a beat. | A+
review praise | Seriously impressed by the build quality of the {A}. | A+
social praise | {A} just refunded my whole order because it was a day late. Didn't even ask. Class act. | A+
review complaint | The {A} is a beautiful kettle that takes eight minutes to boil. | A-
review complaint | Customer service at {A} is non-existent. | A-
social complaint | day 5 with no internet. thanks for nothing {A} | A-
forum complaint | Third time my {A} boiler has broken down this winter. | A-
review pronoun | Took my car to {A} for a service. They found nothing wrong, charged me £300, and the noise is still there. | A-
news pronoun | {A} posted record orders in March. The company also said it would hire 1,000 people. | A+
news multi | {A} is supplying the engines for {B}'s troubled new jet. | B-
news multi | {A} and {B} were fined a combined 80 million euros for fixing prices. | A- B-
news comparative | {A}'s profit margin is twice that of {B}. | A+
review comparative | The {A} is just as good as the {B} at half the price. | A+
news long | {A} had a difficult start to the year, with sales down 8% in January.\nBut a strong spring has put it back on track, and it now expects to meet its targets. | A+
news long | {A}'s new chief executive inherited a mess.\nDebts are high, morale is low and the main product is two years late. | A-
blog long | Our kitchen was fitted by {A} last summer.\nThe fitters were tidy and finished a day early.\nA year on, every drawer still closes perfectly. | A+
forum long | Warning to anyone buying from {A}: they sent the wrong sofa, then charged me to return it.\nTook three months to get my money back. | A-
"""

# Written after tuning on DEV5_LINES: executives and companies, several entities, long news.
# Scored once (the "dev6" figure), then tuned on.
DEV6_LINES = r"""
news exec | {E}, who founded {C} in a spare bedroom, was knighted on Friday. | E+
news exec | {C} is in talks with lenders to avoid running out of cash, weeks after {E} promised investors the worst was over. | C- E-
news exec | Staff at {C} praised {E}'s decision to share profits with every employee. | E+ C+
news exec | {E} stepped down as chair of {C} on Monday, citing health reasons. | E0 C0
news exec | {C} said it had full confidence in {E}, despite calls from shareholders for her to go. | E- C0
news exec | Analysts said {E} had been dealt a poor hand, but {C}'s results were still the worst in the sector. | C-
news exec | {E} was fined and banned from running a company for five years after {C} collapsed. | E- C-
news exec | {E}'s turnaround plan is working: {C} has returned to growth and its debt has halved. | E+ C+
news multi | {A} has signed a deal to run {B}'s customer helplines from next year. | A+ B0
news multi | {A} blamed {B}, its software supplier, for the outage that stopped card payments. | A- B-
news multi | {A} and {B} are both being investigated over suspected price fixing. | A- B-
news multi | {A}, {B} and three other insurers have raised premiums by an average of 12%. | A- B-
news multi | {A} is buying a 10% stake in {B}, sending {B}'s shares up 15%. | B+
news multi | {B} has accused {A} of stealing its trade secrets; {A} denies the claims. | A-
news multi | {A} will replace {B} as the main sponsor of the league next season. | A+ B-
review multi | Tried both. {A} was faster to install, {B} is easier to live with. | A0 B0
news long | {A} had a terrible 2023, with a profit warning, a product recall and the departure of its finance chief.\nThis year looks very different.\nSales are growing again and the new range has sold out in most shops. | A+
news long | {A} opened its first store in Paris on Saturday.\nQueues stretched around the block and the shop sold out of its best-selling jacket by lunchtime. | A+
news long | Shares in {A} have fallen by half this year.\nThe company has issued three profit warnings, and its chief executive left in June.\nOn Tuesday it said it was looking for a buyer. | A-
news long | {A} employs 2,000 people at its plant in Swindon.\nThe site makes engines for small aircraft. | A0
news long | A report by the consumer group found that {A} was the slowest of the big banks to refund fraud victims.\n{B} was the fastest, paying out within four days on average. | A- B+
blog long | Three months ago I switched my mobile contract to {A}.\nSignal is better at home, the app is simple, and my bill is £12 a month cheaper.\nShould have done it years ago. | A+
blog long | I really wanted {A} to work for us.\nThe onboarding was slick and the sales team were charming.\nBut six months in, half our invoices are wrong and nobody can tell us why. | A-
forum long | Posting this as a warning. Ordered a sofa from {A} in March, paid in full.\nDelivery date moved four times.\nStill no sofa, and now they say the factory has closed. | A-
social long | ok I take it back, {A} came through. Replacement arrived today, works perfectly. | A+
social praise | honestly {A} has the best app of any bank, not even close | A+
social complaint | {A} broadband has been dropping out every evening for a fortnight. Sort it out. | A-
review praise | Nothing fancy, but the {A} does exactly what it says. Five stars. | A+
review complaint | Bought the {A} because of the reviews. Big mistake. | A-
review praise | The {A} has made my mornings so much easier. | A+
news praise | {A}'s trains ran on time 96% of the time last month, the best figure in the country. | A+
news complaint | {A} customers have been unable to access their accounts since Friday. | A-
news rival | {B} is closing 40 branches, and {A} says it will take on the staff and the customers. | A+ B-
news rival | {B} suspended flights to the island after the crash, leaving {A} as the only carrier. | A+ B-
news legal | A court in Paris ordered {A} to stop selling the device in France. | A-
news legal | {A} was acquitted of all charges on Thursday. | A+
news legal | {A}'s licence was suspended by the regulator for three months. | A-
"""

# Written last, after every rule of this round, and never tuned on: the "fresh" split, a second
# untouched reading next to the test split.
FRESH_LINES = r"""
news contest | {A} beat off competition from {B} to win the school meals contract. | A+ B-
news contest | {B} finished behind {A} in this year's broadband speed league. | A+ B-
review contest | If you're choosing between the two, skip the {B} and get the {A}. | A+ B-
news rival | {B}'s week of outages has been a gift to {A}, which says sign-ups have tripled. | A+ B-
news rival | With {B} in administration, its customers are being moved to {A}. | A+ B-
social rival | {B} lost my booking, {A} sorted me a room in ten minutes. Guess who I'm using next time. | A+ B-
news exec | {E} has been praised for her handling of the crisis, though {C} still faces a hefty fine. | E+ C-
news exec | {C} posted its best results in a decade, but its boss {E} was booed at the annual meeting over pay. | C+ E-
news exec | {E} quit as chief executive of {C} after the company admitted misleading investors. | E- C-
news legal | The regulator found no evidence that {A} had broken the rules. | A+
news legal | {A} has been told by regulators to pay back 3 million pounds to customers it overcharged. | A-
news legal | The judge threw out most of the claims against {A}, calling them baseless. | A+
news legal | The medicines agency has asked {A} to run an extra trial before it decides on approval. | A-
press legal | Product recall: {A} Kids' Scooter. The front wheel may detach. Stop using the scooter and return it for a full refund. | A-
review rating | Pretty box, nice smell, did nothing for my skin. {A} serum, 3/10. | A-
review rating | {A} headphones, 9/10 — only minus is the case. | A+
social sarcasm | Thanks {A} for the 6am wake-up call about a parcel you then didn't deliver 🙃 | A-
social sarcasm | Oh great, another {A} price rise. Can't wait. 🙄 | A-
forum question | Does {A} do student discounts? | A0
news question | Who will lead {A} after the founder retires? | A0
news explainer | {A} makes most of its sales in Asia, where it has 60 stores. | A0
press neutral | {A} announces the date of its capital markets day. | A0
review praise | Really pleased with the {A}. Quiet, quick and easy to clean. | A+
review praise | Nine months in and the {A} is still going strong. | A+
social praise | props to {A} for answering at 11pm on a Sunday | A+
review complaint | The {A} stopped charging after three weeks and the replacement did the same. | A-
social complaint | Been charged twice by {A} AGAIN. Sort it out. | A-
forum complaint | Does anyone else find the new {A} app impossible to use? | A-
review pronoun | Gave {A} another chance. They let me down again. | A-
news pronoun | {A} posted a loss. It also cut its dividend. | A-
news multi | {A} and {B} have ended their partnership after a dispute over payments. | A- B-
news multi | {A} has poached three senior engineers from {B}. | A+ B-
review comparative | The {A} is lighter than the {B} and the battery lasts longer. | A+ B-
news long | {A}'s new factory in Wales opened on time and on budget.\nIt will employ 500 people by next year.\nThe first minister called it a landmark for the region. | A+
news long | {A} was forced to cancel hundreds of flights on Sunday after a computer failure.\nPassengers complained of long queues and little information. | A-
blog long | I've had the {A} for a month.\nBattery life is excellent and the screen is sharp.\nThe camera is average, but at this price I'm not complaining. | A+
"""

# Written after the fresh split was scored (only its per-pattern figures read): more of
# everything, in new wording. Scored once (the "dev7" figure), then tuned on.
DEV7_LINES = r"""
news multi | {A} and {B} have called off their planned merger. | A- B-
news multi | {A} is in a bitter dispute with {B} over unpaid royalties. | A- B-
news multi | {A} won a 40 million dollar judgment against {B} on Tuesday. | A+ B-
news multi | {B} has agreed to license {A}'s battery technology, a big win for the start-up. | A+
news multi | {A} lured {B}'s top designer with a seven-figure package. | A+ B-
news multi | {A} sold its stake in {B} at a loss. | A-
news multi | {A} teamed up with {B} to launch a cheaper electric van. | A0 B0
news legal | An employment tribunal ruled that {A} had unfairly dismissed a whistleblower. | A-
news legal | {A} is to pay 8 million pounds in compensation after mis-selling insurance. | A-
news legal | Police have arrested two {A} managers in a bribery investigation. | A-
news legal | The Supreme Court sided with {A} in its long fight over drug patents. | A+
news legal | A government review concluded that {A} had acted lawfully. | A+
news legal | The authority blocked {A}'s planned takeover of a rival, citing competition concerns. | A-
news exec | {E} was hailed as the architect of {C}'s recovery. | E+ C+
news exec | {C} shares slumped after {E} admitted the new model would be a year late. | C- E-
news exec | {E} is facing a shareholder revolt over her 12 million pound pay deal at {C}. | E-
news exec | Former staff describe {E} as a bully; {C} says it is investigating. | E- C-
news long | {A} has had a turbulent year.\nA data breach in March exposed the details of two million customers.\nIn June it was fined 4 million pounds, and its chief executive resigned. | A-
news long | For years {A} was the laughing stock of the car industry.\nToday its cars top reliability surveys, and demand outstrips supply. | A+
news long | {A} said it would close two call centres.\nAbout 400 jobs are at risk.\nUnions said they were shocked. | A-
blog long | We stayed at {A} for five nights.\nThe pool was lovely, the staff were attentive and the food was excellent.\nWe are already planning to go back. | A+
forum long | My {A} heat pump has been great for two winters.\nThis week it started making a grinding noise.\nInstaller came the next day and fixed it under warranty. Still happy. | A+
review pronoun | Ordered the {A} on Monday. It came Tuesday and it's perfect. | A+
review pronoun | We bought a {A} cot for our son. It collapsed the first night. | A-
news pronoun | {A} was founded in 1990. It now has 12,000 staff and is one of Europe's fastest-growing firms. | A+
social pronoun | got a reply from {A} after 3 weeks. they said they can't help. brilliant. | A-
review complaint | The {A} app logs you out constantly and loses your basket. | A-
review complaint | Rude staff at the {A} desk and a two-hour wait. | A-
review complaint | Expected better from {A}. The fit is off and the zip broke. | A-
review praise | Great value, no fuss, fast delivery. Would order from {A} again. | A+
social praise | whoever runs the {A} twitter account deserves a raise 😂 | A+
news praise | {A} has been certified carbon neutral by an independent auditor. | A+
news explainer | {A} was created in 2019 by the merger of two regional water companies. | A0
blog explainer | How {A} became the biggest seller of electric bikes in Germany. | A0
forum question | Has {A} changed the way it calculates delivery charges? | A0
news question | What does {A}'s new chief executive need to fix first? | A0
news rival | Every {B} outage is a marketing opportunity for {A}. | A+ B-
news rival | {A} is the big winner from the collapse of {B}, analysts said. | A+ B-
social rival | {B} wants £90 for the repair, {A} did it for £30. | A+ B-
news contest | {A} pipped {B} to the title of Britain's favourite bank. | A+ B-
news contest | In the end {B} could not match {A}'s offer. | A+ B-
review comparative | The {A} is far quieter than my old {B}. | A+ B-
review comparative | I'd pick the {B} over the {A} for the battery alone. | A- B+
review rating | Great coffee, awful service. {A}: 5/10. | A-
social sarcasm | Nothing says "we value you" like {A} putting you on hold for an hour 🙄 | A-
social sarcasm | oh brilliant, {A} cancelled my delivery again, great start to the week | A-
"""

# Written after DEV7_LINES, for the weakest patterns of the fresh split (several entities, legal,
# pronouns, explainers, long texts) without reading its sentences. Scored once (the "dev8"
# figure), then tuned on.
DEV8_LINES = r"""
news multi | {A} has walked away from talks to buy {B}. | A0 B-
news multi | {A} has sued {B}, claiming it copied its app design. | B-
news multi | {A} said it would match {B}'s price cut. | A0
news multi | {A} and {B} are to share the cost of a new bridge. | A0 B0
news multi | {A}'s deal with {B} has turned sour, with both sides blaming each other for delays. | A- B-
news multi | {A} is taking {B} to court over a broken supply contract. | B-
news legal | The ombudsman ordered {A} to apologise and pay 500 pounds to a customer it treated unfairly. | A-
news legal | Regulators said {A} had done nothing wrong and closed the case. | A+
news legal | {A} has been granted permission to build a wind farm off the Norfolk coast. | A+
news legal | A jury cleared {A} of negligence over the 2019 warehouse fire. | A+
news legal | {A} admitted breaching safety laws and will be sentenced next month. | A-
news legal | {A} faces a criminal investigation over its emissions data. | A-
review pronoun | Rang {A} about my faulty TV. They collected it the next day and sent a new one. | A+
review pronoun | I gave {A} five years of loyalty. They gave me a price rise. | A-
news pronoun | {A} unveiled its new phone on Tuesday. Critics called it dull. | A-
social pronoun | tried {A} for the first time. it was gross | A-
news explainer | {A}: what the company does, who runs it and why it matters. | A0
news explainer | The story of {A}, from bicycle repair shop to car giant. | A0
blog explainer | A quick look at {A}'s new pricing tiers and who they are for. | A0
news long | {A} has been quietly rebuilding its business.\nIt sold its loss-making shipping arm last year and cut its debt by half.\nThis week it reported its first profit in five years. | A+
news long | Residents near {A}'s quarry have complained about dust and noise for years.\nOn Monday the council ordered the company to reduce blasting. | A-
news long | {A} launched a new savings account on Monday.\nIt pays 4.5% interest, one of the highest rates on the market.\nThere is no minimum deposit. | A+
news long | {A} said its founder would step back from day-to-day running of the business.\nShe will remain on the board.\nThe company did not say who would replace her. | A0
forum long | Update on my {A} complaint: they have now refunded me in full and apologised.\nTook a while but credit to them. | A+
social long | {A} kept me on hold for an hour, then the line went dead. Rang back, another 40 minutes. | A-
review complaint | The {A} looked nothing like the photos. | A-
review praise | Couldn't ask for more from {A}. | A+
news contest | {A} has taken the crown as the world's biggest seller of electric cars, ahead of {B}. | A+ B-
news rival | {B}'s misfortune could be {A}'s gain. | A+ B-
review comparative | The {A} is not as comfortable as the {B}. | A- B+
"""

# Round 3 (targeted-acc branch): written before any rule of this round, with company names that
# are often English words (filled from make_targeted.DEV9_COMPANIES). Scored once (the "dev9"
# first reading), then tuned on.
DEV9_LINES = r"""
news contest | {B} had been the favourite, but the judges handed the design prize to {A}. | A+ B-
news contest | {A} saw off competition from {B} to win the airport catering contract. | A+ B-
review contest | Tested both for a fortnight: the {B} is nicely made, but the {A} simply sounds better. | A+ B-
social contest | {A} wiped the floor with {B} in the blind taste test 😂 | A+ B-
forum contest | Returned my {B} and kept the {A}. The {B} had the nicer screen but that's about it. | A+ B-
news contest | {B} missed out on the frigate order, which went to {A} instead. | A+ B-
news rival | {B}'s second recall in a year could be {A}'s opportunity, analysts said. | A+ B-
news rival | Shares in {A} rose 6% after {B} warned that profits would fall short. | A+ B-
blog rival | Every time {B} has another outage, my inbox fills with people asking how to move to {A}. | A+ B-
news rival | {B}'s strike has left its routes wide open, and {A} has been quick to add flights. | A+ B-
news exec | {E} is widely respected in the industry, yet {C} has lost a third of its market value this year. | E+ C-
news exec | {C} had a record Christmas, though its chief executive {E} is under investigation for insider trading. | C+ E-
blog exec | Love what {E} says on stage. Hate what {C} actually ships. | E+ C-
news exec | {E} steps down after {C}'s accounts were found to be overstated. | E- C-
news legal | A judge dismissed {A}'s lawsuit against a former supplier. | A-
news legal | The lawsuit accusing {A} of age discrimination was dismissed on Thursday. | A+
news legal | The FDA sent {A} a complete response letter, requesting additional safety data before it can approve the drug. | A-
press legal | {A} is voluntarily recalling certain lots of its children's pain reliever. Consumers may return the product for a full refund. | A-
news legal | Investigators found no wrongdoing at {A} and closed the case. | A+
news legal | {A} received approval from the FDA for its once-weekly insulin. | A+
news legal | {A} must pay 12 million after losing an unfair-dismissal case brought by former staff. | A-
news legal | The watchdog said it would take no further action against {A}. | A+
review rating | Gorgeous lobby and a lovely welcome drink. The room at the {A}, though? 2/5. | A-
review rating | {A} is beautifully designed and a joy to unbox. Performance: 5/10. | A-
blog rating | Not flashy, not cheap, but the {A} is the best thing in my kitchen. 9/10. | A+
social rating | tried the new {A} oat latte. lovely cup, nice barista, 3/10 drink | A-
review rating | {A} mattress - looks great, smells new, back pain every morning. 1 star. | A-
social sarcasm | Another day, another {A} outage. Fantastic service as always 🙄 | A-
social sarcasm | Nothing like a {A} update that bricks your phone to start the week 🙃 | A-
social sarcasm | Wow {A}, charging me a late fee for a bill you sent late. Genius 👏 | A-
social sarcasm | 10/10 would wait on hold with {A} for two hours again 🙄 | A-
forum question | Does {A} offer next-day delivery to the Highlands? | A0
forum question | What's the difference between the {A} Pro and the {A} Max? | A0
social question | is {A} open on bank holidays? | A0
news question | Can {A} keep growing at this pace? | A0
blog explainer | A quick guide to {A}'s loyalty scheme: how points are earned and when they expire. | A0
news explainer | {A}, founded in 1998, makes pumps for the water industry and employs 2,000 people. | A0
news explainer | {A} is expected to report first-quarter earnings next Wednesday. | A0
blog explainer | Why does {A} charge a standing fee? Here's how the tariff works. | A0
news multi | {A} will supply the batteries for {B}'s new electric van. | A+ B0
news multi | {A} and {B} both reported falling sales in the quarter. | A- B-
news multi | {A}'s margin is now twice {B}'s. | A+ B-
review comparative | The {B} costs twice as much as the {A} and does half as much. | A+ B-
forum comparative | {A} customer support runs rings around {B}'s. | A+ B-
review praise | Twelve years old and my {A} washing machine has never missed a beat. | A+
social praise | {A} replaced my cracked screen for free, no questions asked. Legends. | A+
review complaint | Paid for express shipping, {A} delivered nine days later. | A-
forum complaint | My {A} boiler has lost pressure four times since October. | A-
review pronoun | The {A} looked perfect in the shop. Once home, it wobbled and the door wouldn't close. | A-
news pronoun | {A} missed its sales target. The company blamed a weak housing market. | A-
news long | {A} opened its first store in Lisbon on Saturday.\nQueues stretched around the block and the shop sold out of its flagship trainer by noon.\nThe company plans ten more stores in Portugal. | A+
news long | {A} has confirmed that customer data was exposed in a cyber attack.\nThe firm said passwords were not affected, but advised users to be alert to phishing emails.\nThe information commissioner has been informed. | A-
blog long | I switched my energy to {A} in spring.\nThe app is clunky and the first bill was late.\nBut every problem has been fixed within a day by a real person, and I'm paying less than before. | A+
press neutral | {A} will present at the Goldman Sachs technology conference on 9 September. | A0
press praise | {A} has been certified as a B Corporation, recognising its environmental and social standards. | A+
"""

# Round 3, written with DEV9_LINES and before any rule of this round; NEVER tuned on (the
# "fresh2" split): only its overall and per-pattern accuracy are read.
FRESH2_LINES = r"""
news contest | After three rounds of bidding, {A} beat a late offer from {B} for the broadcast rights. | A+ B-
review contest | I tried {B} first and gave up after a week; {A} has been flawless. | A+ B-
news contest | {A} was passed over in favour of {B} for the motorway contract. | A- B+
news rival | {B}'s profit warning sent investors piling into {A}. | A+ B-
news rival | Dealers say the {B} recall is pushing buyers towards {A}'s models. | A+ B-
news exec | {E} is one of the most admired bosses in Europe, but {C} lost money again this quarter. | E+ C-
news exec | {C} beat forecasts for the fifth quarter running, despite the controversy over {E}'s bonus. | C+ E-
news legal | A court in Delaware dismissed the shareholder lawsuit against {A}. | A+
news legal | The agency issued a complete response letter to {A}, citing the need for additional safety data. | A-
press legal | Safety notice: {A} is recalling its 2-litre kettle because the lid may come loose. Customers are entitled to a full refund. | A-
news legal | {A} was fined 4 million pounds by the safety regulator after a worker was injured. | A-
news legal | The tribunal ruled in {A}'s favour. | A+
review rating | Friendly staff and a lovely terrace, but the food at {A} was a 4/10 at best. | A-
review rating | Plain-looking but reliable: {A} gets 8 out of 10. | A+
social sarcasm | great, {A} cancelled my order for the third time, love it 🙄 | A-
social sarcasm | {A} support really outdoing themselves today, 90 minutes on hold 🙃 | A-
forum question | Does the {A} filter need replacing every year? | A0
social question | anyone know when {A} sales start? | A0
blog explainer | How {A} prices its insurance: what goes into your premium. | A0
news explainer | {A} sells mostly to hospitals and has offices in twelve countries. | A0
news multi | {A} has agreed to buy {B} for 2 billion dollars. | A0 B+
news multi | {A} and {B} are both cutting jobs as demand falls. | A- B-
review comparative | The {A} charges faster than the {B} and feels sturdier. | A+ B-
review praise | Five years and two house moves later, the {A} sofa still looks new. | A+
review complaint | {A} cancelled my appointment twice without telling me. | A-
social praise | big thanks to {A} for getting my lost bag back within a day | A+
review pronoun | I had high hopes for the {A}. It broke within a month and they refused a repair. | A-
news long | {A} reported a surge in orders for its heat pumps.\nThe company said it would hire 300 more staff.\nIts shares hit a record high. | A+
news long | {A} has delayed the launch of its new model for a second time.\nSuppliers say it is struggling with software problems.\nDealers are frustrated. | A-
news finance | {A} warned that full-year profit would be lower than expected. | A-
"""

# Round 3, second batch: written after the rules tuned on DEV9_LINES, before any rule on itself.
# Scored once (the "dev10" first reading), then tuned on.
DEV10_LINES = r"""
news contest | The transport authority chose {A}'s bid, leaving {B} to rethink its strategy. | A+ B-
review contest | Side by side, {B}'s picture looks washed out; {A}'s is crisp and bright. | A+ B-
forum contest | Switched from {B} to {A} last spring and haven't looked back. | A+ B-
news contest | {A} and {B} were shortlisted, and {A} was announced as the winner on Friday. | A+ B-
news rival | A fire at {B}'s main plant has left retailers scrambling, and many have placed emergency orders with {A}. | A+ B-
news rival | {B}'s app outage sent frustrated users to {A}, which reported a record day. | A+ B-
social rival | {B} cancelled my flight AGAIN so {A} it is from now on | A+ B-
news exec | {E}'s pay rose 40% in a year when {C} cut 2,000 jobs. | E- C-
news exec | Despite the turmoil at {C}, investors still back {E} to turn things around. | E+ C-
news exec | {C} thrived under {E}, whose departure was announced on Monday. | C+ E+
news legal | {A} was acquitted of all charges after a three-week trial. | A+
news legal | The regulator has ordered {A} to stop selling the product until safety checks are complete. | A-
news legal | A judge rejected {A}'s bid to block the strike. | A-
news legal | {A} won approval to build its new terminal after a two-year planning battle. | A+
press legal | Important safety information: {A} has identified a fault in some chargers. Please stop using them; a full refund is available. | A-
news legal | The case against {A} collapsed when key witnesses withdrew. | A+
review rating | Stunning views and the staff could not have been nicer. {A} Resort - 3 out of 10 for the food. | A-
review rating | It's ugly and loud but the {A} has never failed me. Easy 10/10. | A+
social rating | {A} new menu: 2/10, lovely plates though | A-
social sarcasm | Love paying {A} £80 a month for internet that works one day in three 🙃 | A-
social sarcasm | Brilliant, {A} has lost my luggage. Again. 👏👏 | A-
social sarcasm | Shoutout to {A} for the 45-minute queue at the self-checkout 🙄 | A-
forum question | Has anyone used {A} for a house move? How did it go? | A0
forum question | What's the warranty on {A} windows? | A0
social question | Does {A} deliver on Sundays? | A0
news explainer | {A} operates 40 stores and employs about 6,000 people across Ireland. | A0
blog explainer | Everything you need to know about {A}'s new tariff, explained. | A0
press neutral | {A} will announce its third-quarter results on 24 October. | A0
news multi | {A} is in talks to buy {B}'s European business. | A0 B0
news multi | {A} sued {B} for patent infringement on Tuesday. | B-
news multi | {A} and {B} are jointly developing a solid-state battery. | A0 B0
review comparative | Battery life on the {A} is worse than on my old {B}. | A- B+
review comparative | The {A} is nowhere near as comfortable as the {B}. | A- B+
review praise | The {A} team turned our wedding into the best day of our lives. | A+
review praise | Honestly didn't expect much from {A}, but the quality blew me away. | A+
review complaint | Nobody at {A} could tell me where my parcel was. | A-
forum complaint | {A} charged me a cancellation fee even though they cancelled. | A-
social complaint | day 3 without hot water and {A} still haven't sent anyone | A-
review pronoun | We booked {A} for the kitchen. They left the job half done and stopped answering calls. | A-
news pronoun | {A} reported a sharp rise in profit. It also raised its dividend by 10%. | A+
news long | {A} unveiled its new electric scooter on Tuesday.\nEarly reviewers praised its range and build quality.\nPre-orders sold out within hours. | A+
news long | {A} has been forced to close its flagship store in Manchester.\nThe company blamed falling footfall and rising rents.\nAround 80 staff will lose their jobs. | A-
blog long | Week one with the {A}: setup was fiddly and the app kept crashing.\nWeek four: a firmware update fixed everything and it's now the best gadget in the house. | A+
"""

# Round 3, third batch: written after the rules tuned on DEV10_LINES, before any rule on itself.
# Scored once (the "dev11" first reading), then tuned on.
DEV11_LINES = r"""
news contest | {A} has overtaken {B} as the country's most popular mobile network. | A+ B-
blog contest | We ran both vacuums through the same mess. {A} picked up everything; {B} left half the crumbs behind. | A+ B-
news contest | The ministry dropped {B} from the shortlist, clearing the way for {A}. | A+ B-
social contest | {B} or {A}? After this week, {A}. Easily. | A+ B-
news rival | {B}'s grounding of its fleet has been a windfall for {A}, whose planes are now full. | A+ B-
news rival | Retailers have been stocking up on {A} products while {B} sorts out its supply problems. | A+ B-
forum rival | {B} support never called back, so I went to {A} and had it fixed the same day. | A+ B-
news exec | {E} has won a reputation as a sharp negotiator, but {C}'s shares have slumped under her leadership. | E+ C-
news exec | {C} had a dreadful year, and shareholders voted against {E}'s re-election. | C- E-
news exec | Analysts credit {E} with rescuing {C} from the brink. | E+ C+
news legal | The competition watchdog blocked {A}'s takeover of a smaller rival. | A-
news legal | {A} has been cleared to resume flights after a six-week safety review. | A+
news legal | A tribunal found {A} had discriminated against older workers. | A-
news legal | Charges against {A}'s former finance director were dropped. | A+
press legal | {A} is recalling 12,000 hairdryers sold since March because they can overheat. Customers can claim a full refund in store. | A-
news legal | The FDA asked {A} for more data on liver side effects, delaying approval of its obesity drug. | A-
review rating | Great location, friendly host, dreadful bed. {A} apartment: 4/10. | A-
review rating | Honestly nothing special to look at, but the {A} kettle boils fast and quietly. 9/10. | A+
social rating | {A} new album 3/10 but the cover art is gorgeous | A-
social sarcasm | So {A} "fixed" my boiler and now it makes a new noise. Amazing work 🙄 | A-
social sarcasm | Nice one {A}, my refund is now in its fifth week of "processing" 🙃 | A-
social sarcasm | wow {A} really outdid themselves, cold pizza AND the wrong order 👏 | A-
forum question | Is it worth upgrading from the {A} 2 to the {A} 3? | A0
forum question | Where can I find the serial number on my {A} boiler? | A0
social question | does anyone know if {A} has a student discount? | A0
news explainer | {A} was founded in 1987 and is headquartered in Rotterdam. | A0
blog explainer | How {A}'s subscription works: plans, prices and what you get. | A0
press neutral | {A} will move its London office to King's Cross next spring. | A0
news multi | {A} signed a deal to distribute {B}'s drinks across Asia. | A0 B+
news multi | {A} poached {B}'s head of marketing last month. | A+ B-
news multi | {A} outsold {B} for the first time in November. | A+ B-
review comparative | The {A} is half the price of the {B} and just as good. | A+ B0
review comparative | Picture quality on the {A} can't match the {B}. | A- B+
review praise | Third winter with our {A} heat pump and not a single problem. | A+
review praise | The {A} engineer was polite, quick and left the place spotless. | A+
review complaint | Waited in all day for {A}. Nobody came and nobody called. | A-
forum complaint | My {A} router drops the connection every evening around 8pm. | A-
social complaint | {A} just charged me for a subscription I cancelled in May | A-
review pronoun | Bought the {A} for the garden. It rusted within two months. | A-
news pronoun | {A} opened 30 new stores this year. It plans another 40 next year. | A+
news long | {A} said on Thursday it would cut its workforce by a fifth.\nThe company has struggled since a failed product launch last year.\nIts shares fell 9%. | A-
news long | {A} has been named the most reliable car brand for the third year running.\nThe survey of 40,000 owners found fewer faults than any rival.\nThe company said it was proud of its engineers. | A+
blog long | I really wanted to like the {A}.\nIt looks lovely and the screen is sharp.\nBut the battery barely lasts a morning, and support just sent me a link to the manual. | A-
"""

# Round 3, last: written after every rule of round 3 (after DEV11's), NEVER tuned on (the
# "fresh3" split): the honest reading of the finished rules on text nobody tuned for.
FRESH3_LINES = r"""
news contest | {A} has beaten {B} to a 300 million pound deal to build the new hospital wing. | A+ B-
review contest | If you're choosing between the two, get the {A}. The {B} feels cheap in comparison. | A+ B-
news contest | {B} was knocked out of the race for the license, leaving {A} as the only bidder. | A+ B-
social contest | tried {B} and {A} back to back. {A} wins, no contest | A+ B-
news rival | A product recall at {B} has handed {A} a rare chance to grab market share. | A+ B-
news rival | Travellers stranded by {B}'s strike have been rebooking with {A}. | A+ B-
news exec | {E} was voted the industry's most respected leader, but {C}'s profits fell for a third year. | E+ C-
news exec | {C} posted record sales, though its chairman {E} faces questions about a conflict of interest. | C+ E-
news exec | {E} resigned after {C} admitted misleading regulators. | E- C-
news legal | A jury cleared {A} of negligence in the factory fire case. | A+
news legal | The medicines regulator refused to approve {A}'s arthritis drug. | A-
news legal | The lawsuit {B} filed against {A} over the logo was dismissed. | A+ B-
press legal | {A} is recalling some of its baby monitors because the battery can overheat. Affected customers will get a full refund. | A-
news legal | {A} was ordered to pay 2 million in compensation to former employees. | A-
review rating | The staff were sweet and the décor is stunning, but the meal at {A} was a 3/10. | A-
review rating | Clunky menus, dated design, but the {A} printer just works. 8/10. | A+
social sarcasm | cheers {A} for the surprise 'maintenance' during my exam revision 🙄 | A-
social sarcasm | love how {A} says my parcel was delivered when it clearly wasn't 🙃 | A-
forum question | Can the {A} thermostat be installed without an engineer? | A0
social question | what time does {A} customer service open tomorrow? | A0
news explainer | {A} employs 1,200 people and makes most of its revenue from government contracts. | A0
press neutral | {A} will hold a press conference on Thursday at 10am. | A0
news multi | {A} and {B} announced a joint venture to build charging stations. | A0 B0
news multi | {A} bought a 10% stake in {B}, sending {B}'s shares up 15%. | B+
review comparative | The {A} is quieter than the {B} but it costs twice as much. | B+
review praise | Can't recommend {A} enough. Fitted our new boiler in half a day. | A+
review complaint | {A} sent the wrong part twice and still hasn't fixed my washing machine. | A-
review pronoun | We tried the {A} for a month. It never once connected to the wifi. | A-
news long | {A} reported its first annual profit since 2019.\nThe company credited cost cuts and strong demand for its vans.\nIts shares rose 12%. | A+
blog long | Six months with the {A} and I'm torn.\nThe camera is brilliant.\nBut the phone overheats every time I use it for more than ten minutes, and support has been useless. | A-
"""

# Round 3, written at the end (after FRESH3 was read), NEVER tuned on (the "fresh4" split).
FRESH4_LINES = r"""
news contest | {A} pipped {B} to the title of Britain's best-value supermarket. | A+ B-
forum contest | Ended up sending the {B} back and buying the {A}. Should have done that from the start. | A+ B-
news rival | {B}'s warehouse strike is sending shoppers to {A}, which says online orders are up 30%. | A+ B-
news exec | {E} was knighted for services to industry, even as {C} battles a pension shortfall. | E+ C-
news legal | Prosecutors dropped the fraud case against {A} for lack of evidence. | A+
news legal | {A} has been fined for failing to protect customers' data. | A-
review rating | Lovely people, great coffee, awful wifi. {A} co-working space: 4/10. | A-
social sarcasm | {A} sent me a survey about my 'excellent' service before the engineer even showed up 🙄 | A-
forum question | How do I cancel my {A} subscription online? | A0
news explainer | {A} sells its boilers through a network of about 900 independent installers. | A0
news multi | {A} has agreed to supply {B} with steel for five years. | A+
review comparative | The {A} is much easier to clean than the {B}. | A+ B-
review praise | After a year of daily use, the {A} blender still works like new. | A+
review complaint | {A} took my money and never delivered the sofa. | A-
news long | {A} has secured funding to build a second factory.\nThe plant will create 400 jobs.\nLocal leaders welcomed the news. | A+
"""

# Round 4 (branch targeted-r4): written before any round-4 rule, aimed at the blind set's weak
# areas (forum and blog wording, plain mentions, explainers, sarcasm, contests, several names).
# Scored once (the "dev12" first reading), then tuned on.
DEV12_LINES = r"""
forum plain | Has anyone else had their {A} app log them out every single day since the update? Getting really old. | A-
forum plain | Just a heads up for anyone waiting on {A}: mine arrived today, well packed and two days early. | A+
forum plain | I've been with {A} for six years and never had a reason to call them. That says it all. | A+
forum plain | We moved the whole team from {B} to {A} in March. Took an afternoon and nobody has complained since. | A+ B-
forum plain | {A} quoted me £400, {B} came in at £250 for the same job and were done by lunch. | A- B+
forum plain | Honestly the {A} is fine. Does what it says, nothing more. | A0
forum plain | Anyone know whether {A} and {B} use the same panels? Trying to decide. | A0 B0
blog plain | I've used the {A} every day for three months now, and it has quietly become the thing I reach for first. | A+
blog plain | The {A} looked great on paper. In practice, the app crashes constantly and the sync loses half my notes. | A-
blog plain | This week I finally got round to trying {A}'s new planner. It's clean, fast and free, which is hard to argue with. | A+
blog plain | My {A} subscription renews next month and I won't be keeping it: the catalogue has shrunk and the price has gone up twice. | A-
blog plain | {A} and {B} both make decent kettles. I ended up keeping the {A}; the {B} lid started sticking after a week. | A+ B-
news plain | {A} opened its first store in Leeds on Saturday. | A0
news plain | {A} has hired a new head of design from the fashion industry. | A0
news plain | {A} customers reported problems logging in for most of Tuesday morning. | A-
news plain | {A} said demand for its heat pumps had tripled since the spring. | A+
news explainer | {A} makes its money mainly from advertising, with subscriptions a small but growing share. | A0
news explainer | {A} is owned by a Swiss family trust and has about 3,000 employees worldwide. | A0
blog explainer | What is {A}? A quick guide to the budget airline that flies mainly to southern Europe. | A0
news explainer | {A} and {B} together control about 60% of the UK market for car insurance. | A0 B0
social sarcasm | oh good, {A} has moved the settings menu again. so helpful | A-
social sarcasm | {A} customer service is truly world class, only 3 hours on hold today | A-
forum sarcasm | Love paying {A} premium prices for a phone that can't last till lunch. Brilliant. | A-
social sarcasm | another day another {A} price rise, can't wait for next month's 🙃 | A-
news contest | {A} has won the contract to run the city's trams, seeing off a bid from {B}. | A+ B-
forum contest | Tried both for a month. Kept the {A}, returned the {B}. | A+ B-
review contest | Between the {A} and the {B}, only one of them survived my kids. It wasn't the {B}. | A+ B-
news contest | {B} missed out on the stadium deal after the council backed {A}'s cheaper plan. | A+ B-
social contest | {A} 3, {B} 0. What a night! | A+ B-
news rival | With {B}'s app down for a second day, {A} said sign-ups had doubled. | A+ B-
news exec | {E} has been praised for steadying {C} after a difficult year. | E+ C+
news exec | {C}'s new chief executive {E} inherits a company losing customers to cheaper rivals. | C- E0
news multi | {A} will use {B}'s chips in its next laptops. | A0 B+
news multi | {A} and {B} are in talks about a merger, according to people familiar with the matter. | A0 B0
review positive | Not what I expected from {A} at this price: solid build, clear sound, and the battery lasts all week. | A+
review positive | Ordered from {A} on Monday, arrived Wednesday, fits perfectly. | A+
social positive | big shout out to the {A} team at the airport today, sorted my lost bag in ten minutes | A+
review negative | The {A} looks the part but the hinge cracked in week two and the warranty claim went nowhere. | A-
forum negative | Three engineers from {A} and the boiler still isn't right. I'm out of ideas. | A-
blog long | I switched my savings to {A} last year.\nThe app is simple and the rate was among the best.\nThis spring they cut it twice without telling anyone. I'm moving again. | A-
"""

# Round 4, written with DEV12 before any round-4 rule, NEVER tuned on (the "fresh5" split).
FRESH5_LINES = r"""
forum plain | Called {A} about my bill and the lady sorted it in five minutes. Didn't expect that. | A+
forum plain | Still waiting on {A} to send the replacement part. Week three. | A-
forum plain | Went with {A} in the end because {B} wanted a two-year contract. | A+ B-
blog plain | After a year with the {A}, the only thing I'd change is the charger. Everything else has been flawless. | A+
blog plain | The {A} app has had so many redesigns I no longer know where anything is. | A-
news plain | {A} will open a second warehouse near Bristol next year. | A0
news plain | Thousands of {A} customers were left without internet on Sunday. | A-
news explainer | {A} sells mainly to hospitals and has offices in nine countries. | A0
blog explainer | A quick explainer on how {A}'s loyalty points work and when they expire. | A0
social sarcasm | thanks {A}, really needed my train cancelled at 6am on a monday | A-
forum sarcasm | {A}'s idea of 'next day delivery' is apparently next week. Top work. | A-
news contest | {B} lost out to {A} in the race to supply the navy's new radios. | A+ B-
forum contest | Had the {B} for a week, swapped it for the {A}. Night and day. | A+ B-
news rival | Customers fed up with {B}'s price rises have been signing up with {A}. | A+ B-
news exec | {E} has done well to keep {C} growing despite the downturn. | E+ C+
news multi | {A} has agreed to stock {B}'s snacks in all of its stores. | A0 B+
review positive | Cheap, cheerful and surprisingly sturdy. The {A} has earned its place in my kitchen. | A+
review negative | The {A} heater smells of burning plastic every time it comes on. | A-
social positive | {A} delivery driver went above and beyond today, carried it all up four flights | A+
news plain | {A} and {B} both reported higher sales in the first half. | A+ B+
"""

# Round 5, written before any round-5 rule in the style of a comms team's inbox (forum threads,
# blog posts, plain news mentions, explainers, sarcasm, several names) and aimed at round 4's
# "not solved" list (swap stories, scorelines, supply deals, failures with no rated word,
# "demand had tripled", ", with" segments, mixed verdicts, eliminations, answers by name).
# DEV13 is tuned on; its first reading is in docs/analysis.md.
DEV13_LINES = r"""
forum plain | Our office switched to {A} broadband in June and we haven't lost a connection since. | A+
forum plain | Anyone else's {A} order stuck on "processing" for over a week? No emails, nothing. | A-
forum plain | Rang {A} three times about the same fault. Each time a different answer. | A-
forum plain | For what it's worth, {A} replaced my cracked screen for free, no questions asked. | A+
forum plain | I'd steer clear of {A} for now. Half the posts on here mention the same billing mess. | A-
forum plain | The {A} fridge has been making a clicking noise since the day it arrived and the engineer couldn't find anything. | A-
forum contest | {A} or {B} for a family of four? After last winter, {A} every time. | A+ B-
forum contest | Had the {B} for two months and sent it back for the {A}. Should have done that from the start. | A+ B-
forum question | Does anyone know if {A} still does free returns on sale items? | A0
blog plain | I wanted to love the {A} and for the first week I did. Then the battery started dying by mid-afternoon. | A-
blog plain | Six months in, the {A} has not missed a beat: it boots fast, it stays cool and I've stopped thinking about it. | A+
blog plain | A short note on {A}'s new pricing: the basic plan is gone, and the cheapest option is now twice what I was paying. | A-
blog mixed | The {A} is quieter than the {B}, but it costs nearly twice as much. | A0 B0
blog explainer | How does {A}'s buy-now-pay-later scheme work? Here's what you need to know before signing up. | A0
news explainer | {A}, founded in 1998, runs about 400 petrol stations, mostly in the north, and a small chain of car washes. | A0
news explainer | {A} earns most of its revenue from long-term maintenance contracts, with equipment sales making up the rest. | A0
news plain | {A} said orders for its heat pumps had doubled compared with last year. | A+
news plain | {A} will move its headquarters to Manchester next spring. | A0
news plain | {A} shares closed 9% lower after the company cut its full-year forecast. | A-
news plain | Passengers on {A} flights out of Gatwick faced delays of up to six hours on Friday after a computer fault. | A-
news plain | Shares in {A} rose 4% after it said demand for its fibre broadband had tripled. | A+
news plain | {A} said it had received more applications for its graduate scheme than ever before. | A+
news multi | {B} will supply the batteries for {A}'s new van, in a deal worth £200m to {B}. | A0 B+
news multi | {A} has signed a licensing deal to sell {B}'s cereals across Asia. | A0 B+
news multi | {A}'s profits rose 12% while {B} reported its third loss in a row. | A+ B-
news contest | {B} was knocked out of the bidding for the rail franchise in the first round, leaving {A} and one other bidder. | A+ B-
social contest | Robotics league final: {A} 4, {B} 2. Massive night for the team! | A+ B-
social sarcasm | can't wait to spend another Saturday on hold to {A}. living the dream | A-
social sarcasm | {A} really said 'we value your feedback' and then closed my complaint without reading it. amazing | A-
forum sarcasm | Nothing says premium like a £900 {A} phone with a camera that fogs up. | A-
social sarcasm | cheers {A} for the 7am 'your parcel is delayed' text, just what I needed | A-
social positive | honestly impressed, {A} refunded me before I'd even finished the chat | A+
social negative | {A} app down again. third time this week. | A-
news exec | {C} chairman {E} was re-elected with 98% of the vote, even as {C} shares hit a five-year low. | E+ C-
news exec | {C} was fined £4m for mis-selling, months after {E} took over as chief executive. | C- E0
news rival | {B} has suspended deliveries after a cyber attack, and shoppers have turned to {A} instead. | A+ B-
news rival | A strike at {B}'s main plant has left dealers short of cars, and {A} has been quick to fill the gap. | A+ B-
news legal | The competition watchdog closed its investigation into {A} without taking any action. | A+
news legal | {A} has been ordered to pay £12m to former staff after losing an unfair dismissal case. | A-
review positive | Bought the {A} on a whim and it's genuinely the best forty quid I've spent this year. | A+
review negative | The {A} blender leaks from the base every time I use it. | A-
review negative | Returned the {A} after two days. The screen flickers and the speakers buzz at any volume. | A-
review mixed | Good sound, poor battery, fiddly app. The {A} is fine if you can live with that. | A0
blog long | We booked {A} for the wedding.\nThe coach arrived forty minutes late and the driver didn't know the route.\nThe refund took two months. | A-
forum long | Update on my {A} saga: they sent a new engineer, he found the problem in ten minutes and it's been perfect since. Credit where it's due. | A+
press plain | {A} has been certified carbon neutral by the Carbon Trust for the third year running. | A+
"""

# Round 5, written with DEV13 before any round-5 rule, NEVER tuned on (the "fresh6" split).
FRESH6_LINES = r"""
forum plain | {A} sorted my broadband fault the same day I reported it. Can't ask for more. | A+
forum plain | Day nine without hot water. {A} keep promising an engineer "tomorrow". | A-
forum contest | Returned the {B} and bought the {A}. Should have done it months ago. | A+ B-
forum contest | {A} or {B}? Having owned both, {B}. | A- B+
blog plain | I gave {A}'s meal kits a fair go for a month. The recipes were dull and two boxes arrived warm. | A-
blog plain | The {A} has quietly become my favourite thing in the kitchen. | A+
blog mixed | The {A} is lighter than the {B} but feels cheaper in the hand. | A0 B0
news plain | {A} said bookings for the summer had tripled on last year. | A+
news plain | {A} will close its Glasgow office at the end of the month, with staff moving to Edinburgh. | A0
news plain | Thousands of {A} customers could not pay by card on Saturday after a fault. | A-
news explainer | {A} makes most of its money from insurance, with banking a smaller part of the business. | A0
blog explainer | What does {A} actually do? A short guide to the company behind half the parcel lockers in Britain. | A0
social sarcasm | love that {A} charged me a £5 'convenience fee' for paying online. so convenient | A-
social sarcasm | five weeks for a refund, {A}. incredible stuff | A-
news multi | {A} will stock {B}'s phones in all its stores from May. | A0 B+
news contest | {B} was eliminated from the race for the defence contract, leaving {A} as the sole bidder. | A+ B-
news rival | After {B}'s data breach, {A} said it had gained 40,000 new customers in a week. | A+ B-
news exec | {E} was named banker of the year, though {C} itself posted a loss. | E+ C-
review negative | The {A} kettle stopped switching off on its own after a month. | A-
review positive | {A} is the first airline in years that has actually landed me early. | A+
social contest | Cup final: {A} 1, {B} 3. Gutted. | A- B+
press plain | {A} is pleased to announce that its new factory in Wrexham is now fully operational, creating 200 jobs. | A+
"""

# Round 6 (branch targeted6), written before any round-6 rule and before scoring, aimed at the
# blind set's weak areas as the brief names them (forum and blog wording, plain mentions,
# explainers with emotive words nearby, exec-vs-company, sarcasm without emoji, contests).
# DEV14 is tuned on; its first reading is in docs/analysis.md.
DEV14_LINES = r"""
forum plain | Bit of a long one, sorry. Moved to {A} in March after years with the old provider. Setup was a faff and it took them two goes to get the router right, but since then it's been rock solid and cheaper. I'd recommend them. | A+
forum plain | My brother-in-law swears by {A}. I've had nothing but trouble with mine: two replacement units and it still trips the fuse. | A-
forum plain | Not sure what people are on about, my {A} has been fine. Had it three years, one service, no issues. | A+
forum plain | Just a heads up for anyone with an {A} account: they've changed the login page and the new one doesn't work on older phones. Took me an hour to find a workaround. | A-
forum plain | Someone upthread said {A} would refund the delivery charge if you ask. Can confirm, I asked and they did it straight away. | A+
forum plain | Has {A} gone downhill? Used to be my go-to, but the last three orders have all turned up damaged. | A-
forum plain | We've had the {A} boiler for eleven years. The engineer said it's probably got another five in it. | A+
forum plain | Quoting the reply I got from {A}: "We are unable to locate your order at this time." That was two weeks ago. | A-
forum plain | Tbh I expected worse from {A} given the reviews. The install was late but the crew were polite and cleaned up after themselves. | A+
forum plain | My mate works at {A} and says morale is through the floor since the takeover. They're losing good people every week. | A-
forum plain | "Never again," my neighbour said about {A}. I went with them anyway and honestly I've had no complaints. | A+
forum question | Does anyone know whether {A} lets you pause a subscription, or do you have to cancel? | A0
forum question | Looking at the {A} washer-dryer for a small flat. Anyone here own one? | A0
forum contest | We tried {B} first but ended up going with {A}. Cheaper, and they actually turned up on the day they said. | A+ B-
forum contest | Between {A} and {B} it's not even close for me. {B} has never once lost my booking. | A- B+
forum sarcasm | Great, another "improvement" from {A} that moves every button I use. Thanks {A}. | A-
forum sarcasm | Love paying {A} more every year for a service that gets worse every year. Top stuff. | A-
forum sarcasm | Oh brilliant, {A} have put the price up again. Can't think why everyone's leaving. | A-
social sarcasm | Great, another update that bricks my router. Thanks {A}. | A-
social sarcasm | so {A} cancelled my train, then the replacement bus, then refunded me 40p. wonderful | A-
social plain | finally got my {A} order after three weeks and it's the wrong size. | A-
social plain | {A} fixed the leak in under an hour, lovely bloke, even gave the dog a biscuit | A+
blog plain | I've written before about my problems with {A}, so it's only fair to say they've been sorted. A new account manager called, listened, and fixed the billing in a day. | A+
blog plain | There's a lot to like about the {A} on paper. In practice the app disconnects constantly and the battery barely lasts a morning. I sent it back. | A-
blog plain | My verdict after a month with the {A}: it's not perfect, the lid is stiff and it's a bit loud, but the coffee is excellent and I'd buy it again. | A+
blog plain | We stayed with {A} for our first family holiday abroad. The rooms were smaller than the photos suggested and the pool was closed for two of our seven days. | A-
blog plain | I was sceptical when my editor handed me the {A} to test. Three weeks later I'm the one who doesn't want to give it back. | A+
blog plain | The headlines say {A} is in crisis. From where I sit, as a customer for eight years, the service hasn't changed a bit and it's still the best in town. | A+
blog mixed | The {A} is a good laptop let down by a terrible keyboard. If you type for a living, look elsewhere. | A-
blog explainer | How to claim a refund from {A} if your flight is cancelled: a step-by-step guide. | A0
blog explainer | Why is my {A} smart meter showing zero? Here are the five most common reasons and how to fix them. | A0
blog explainer | {A} explains how its recall process works, from the first fault report to the refund. | A0
blog explainer | A beginner's guide to {A}'s loyalty scheme: how points work, when they expire and how to spend them. | A0
news explainer | What the {A} merger means for your pension: the key questions answered. | A0
news explainer | The deadly storm that hit the coast on Sunday left 40,000 homes without power, according to {A}, which supplies most of the region. | A0
news explainer | {A} is one of three companies bidding to run the tram network, a contract worth £1.2bn over ten years. | A0
news explainer | The fire at a warehouse next to {A}'s depot in Hull was put out on Tuesday; {A} said its operations were not affected. | A0
news explainer | {A}, which makes most of the country's school uniforms, is owned by a family trust and employs 1,400 people. | A0
news explainer | Under the new rules, firms such as {A} will have to publish the gender pay gap for every site. | A0
news explainer | Here is how the price cap works and what it means for {A} customers from April. | A0
news explainer | Police said the crash happened on the ring road near the {A} depot; no one from the company was involved. | A0
news explainer | Scammers are sending fake {A} delivery texts; the company says it will never ask for payment by text. | A0
news plain | {A} said it would hire 600 people for its new customer service centre in Belfast. | A+
news plain | {A} has been told to fix its website after the regulator found customers could not easily cancel their contracts. | A-
news plain | {A} warned that profits would be lower than expected because of the wet summer. | A-
news plain | {A} has won the contract to build the new bridge over the Tay. | A+
news plain | {A} said its chief financial officer would retire in June after twelve years in the role. | A0
news plain | Critics have called {A}'s new advert tasteless, and the company has withdrawn it. | A-
news plain | {A}'s new factory, once mocked as a white elephant, is now running at full capacity. | A+
news plain | Despite fears of a slump, {A} said Christmas sales were up 8%. | A+
news exec | {E} was voted chief executive of the year by readers of a trade magazine, although {C} itself is struggling with falling sales. | E+ C-
news exec | {C} posted record profits, but its chief executive {E} faces questions over a £3m bonus. | C+ E-
news exec | Shareholders gave {E} a standing ovation at the annual meeting after {C} doubled its dividend. | E+ C+
news exec | {E} apologised to customers on Monday after {C}'s app was down for most of the weekend. | C-
news exec | {C} is doing well despite its boss: {E} was fined for insider dealing last year, yet sales are up 15%. | E- C+
blog exec | I met {E} at a conference last year and came away impressed: sharp, funny, no jargon. Shame the same can't be said for {C}'s customer service. | E+ C-
social exec | {E} on the radio this morning saying {C} "puts customers first". Still waiting for my refund, mate. | C- E-
news contest | {A} has been picked ahead of {B} to supply the city's electric buses. | A+ B-
news contest | {B} lost its place as the country's biggest car seller to {A} last year. | A+ B-
blog contest | We tested six robot vacuums; the {A} came top and the {B} was the only one that got stuck under the sofa every single time. | A+ B-
news contest | {A} narrowly beat {B} in a fan vote to choose the club's new shirt sponsor. | A+ B-
social contest | {A} vs {B} taste test at the office: {B} won 9 votes to 3. not even close | A- B+
news rival | Customers fed up with {B}'s price rises are moving to {A}, which has added 90,000 accounts since January. | A+ B-
news rival | {A} shares jumped after rival {B} recalled 200,000 cars. | A+ B-
news multi | {A} and {B} have agreed to share their mobile masts in rural areas. | A0 B0
news legal | {A} was cleared by the advertising watchdog after complaints about its television campaign. | A+
news legal | The watchdog is looking into complaints that {A} made it hard for customers to cancel. | A-
review plain | Comfortable, quiet and the battery lasts all day. Can't fault the {A} really. | A+
review plain | The {A} looked great out of the box. Two weeks later the hinge cracked. | A-
press plain | {A} has been granted a Royal Warrant for its work restoring historic clocks. | A+
press explainer | {A} will publish its half-year results at 7am on 24 July, followed by a call for analysts. | A0
"""

# Round 6, written with DEV14 before any round-6 rule, other wording, names and domains; NEVER
# tuned on (the "fresh8" split), scored once at the end of the round.
FRESH8_LINES = r"""
forum plain | Swapped my car insurance to {A} last year. Renewal came in £200 higher with no claims. Shopping around again. | A-
forum plain | Whoever runs {A}'s chat support deserves a pay rise. Sorted a mess the bank had made in ten minutes. | A+
forum plain | I keep seeing people slate {A} on here, but ours has been faultless for two years, so maybe we got lucky. | A+
forum plain | The {A} dishwasher we bought in May already needs a new pump. Engineer says it's a known issue with that model. | A-
forum question | Is the {A} app available on older iPads? | A0
forum contest | Went with {A} over {B} for the loft conversion and I'm glad we did. | A+ B-
forum sarcasm | Thanks {A}, nothing like a surprise £60 'admin fee' to brighten up a Monday. | A-
social sarcasm | wow, {A} managed to lose my suitcase on a direct flight. impressive really | A-
social plain | {A} nursery staff have been amazing with our little one this term | A+
blog plain | Three months with {A}'s meal plan and I've lost half a stone. The portions are small, but I've stopped snacking. | A+
blog plain | I really wanted {A}'s new game to be good. It's buggy, the story goes nowhere and the servers keep dropping. | A-
blog mixed | The {A} is a lovely phone with a battery that won't get you to dinner. I can't recommend it. | A-
blog explainer | How {A}'s price-match promise works and what it won't cover. | A0
news explainer | {A} is the largest of the four water companies serving the south-east, with about 2.5 million customers. | A0
news explainer | The devastating earthquake destroyed roads and bridges across the region; {A}, which runs the main port, said ships were being diverted. | A0
news explainer | What happens to your deposit if a builder such as {A} goes bust? We explain. | A0
news plain | {A} said it would shut 30 branches next year as more customers bank online. | A-
news plain | {A} reported its best ever summer, with ticket sales up a third. | A+
news plain | {A} has named a former civil servant as its new chair. | A0
news plain | Inspectors rated {A}'s hospital in Derby "inadequate" after finding staff shortages on every ward. | A-
news exec | {E}'s handling of the crisis won praise from ministers, even as {C} faced a wave of compensation claims. | E+ C-
news exec | {C} had a strong year, though {E}'s pay package was voted down by shareholders. | C+ E-
news exec | {E} was named one of the country's most admired leaders after {C} tripled its profits. | E+ C+
news contest | {B} has lost the contract to run the ferry service to {A}. | A+ B-
news contest | {A} finished ahead of {B} in this year's customer satisfaction table for energy firms. | A+ B-
news rival | Passengers stranded by {B}'s cancellations booked seats with {A} instead. | A+ B-
news legal | A tribunal ruled that {A} had unfairly sacked a whistleblower. | A-
news legal | The lawsuit accusing {A} of copying a rival's design was dismissed on Friday. | A+
review plain | Tried the {A} pizza oven at the weekend. Heats up in fifteen minutes and the bases come out perfect. | A+
review plain | Returned the {A} vacuum. Loses suction after five minutes and the bin is tiny. | A-
press plain | {A} has won the King's Award for Enterprise for its export growth. | A+
social plain | day three of no broadband from {A} and not a single update from them | A-
forum plain | Credit to {A}: the courier left my parcel in the rain, I sent one photo and they had a replacement out the next morning. | A+
press explainer | {A} will hold a webinar on 3 October for customers who want to know more about the new tariffs. | A0
"""
