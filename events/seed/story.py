"""The seed story as records, written by us from ../shared/seed/FACTS.md.

Each event keeps a stable `key` (stored as `import_key` "seed:<key>") so that `load_seed` can run
any number of times. Where the reports only give a publisher and a date, the source points at the
publisher's site and its title says which report it is: the exact article address was not recorded,
and an editor should replace it when checking against the primary source.
"""

from datetime import date

OWNERS = [
    {
        "slug": "meta",
        "name": "Meta Platforms",
        "kind": "company",
        "country": "US",
        "website": "https://about.meta.com/",
        "description": "US company behind Facebook, Instagram and WhatsApp.",
    },
    {
        "slug": "snap",
        "name": "Snap Inc.",
        "kind": "company",
        "country": "US",
        "website": "https://snap.com/",
        "description": "US company behind Snapchat.",
    },
    {
        "slug": "apple",
        "name": "Apple Inc.",
        "kind": "company",
        "country": "US",
        "website": "https://www.apple.com/",
        "description": "US company behind the iPhone, the App Store and FaceTime.",
    },
    {
        "slug": "vk",
        "name": "VK",
        "kind": "state_owned",
        "country": "RU",
        "website": "https://vk.company/",
        "description": "Russian internet company controlled by state-linked shareholders; develops the national "
        "messenger MAX.",
    },
    {
        "slug": "telegram",
        "name": "Telegram Messenger",
        "kind": "company",
        "country": "AE",
        "website": "https://telegram.org/",
        "description": "Company behind Telegram, based in Dubai.",
    },
]

APPS = [
    {
        "slug": "whatsapp",
        "name": "WhatsApp",
        "owner": "meta",
        "category": "messaging",
        "website": "https://www.whatsapp.com/",
    },
    {
        "slug": "facebook",
        "name": "Facebook",
        "owner": "meta",
        "category": "social",
        "website": "https://www.facebook.com/",
    },
    {
        "slug": "instagram",
        "name": "Instagram",
        "owner": "meta",
        "category": "social",
        "website": "https://www.instagram.com/",
    },
    {
        "slug": "snapchat",
        "name": "Snapchat",
        "owner": "snap",
        "category": "social",
        "website": "https://www.snapchat.com/",
    },
    {
        "slug": "facetime",
        "name": "FaceTime",
        "owner": "apple",
        "category": "video_calling",
        "website": "https://support.apple.com/facetime",
    },
    {
        "slug": "max",
        "name": "MAX",
        "owner": "vk",
        "category": "messaging",
        "website": "https://max.ru/",
        "description": "Russia's state-backed 'national messenger', launched in 2025 and pre-installed on new "
        "phones by law since September 2025.",
    },
    {
        "slug": "telegram",
        "name": "Telegram",
        "owner": "telegram",
        "category": "messaging",
        "website": "https://telegram.org/",
    },
]

AUTHORITIES = [
    {
        "slug": "roskomnadzor",
        "name": "Roskomnadzor",
        "kind": "regulator",
        "country": "RU",
        "website": "https://rkn.gov.ru/",
        "description": "Russia's federal service for supervision of communications, information technology "
        "and mass media.",
    },
    {
        "slug": "tverskoy-district-court-moscow",
        "name": "Tverskoy District Court of Moscow",
        "kind": "court",
        "country": "RU",
    },
    {
        "slug": "prosecutor-general-russia",
        "name": "Prosecutor General's Office of the Russian Federation",
        "kind": "prosecutor",
        "country": "RU",
        "website": "https://epp.genproc.gov.ru/",
    },
]

SOURCES = [
    {
        "url": "https://digitalpolicyalert.org/event/3727",
        "publisher": "Digital Policy Alert",
        "title": "Russia: Roskomnadzor announces blocking of Facebook",
        "published_on": date(2022, 3, 4),
        "kind": "official",
        "language": "en",
    },
    {
        "url": "https://www.agenzianova.com/",
        "publisher": "Agenzia Nova",
        "title": "Instagram restricted in Russia from 00:00 Moscow time (report of 14 March 2022; article address "
        "not recorded)",
        "published_on": date(2022, 3, 14),
        "kind": "news",
        "language": "it",
    },
    {
        "url": "https://ovd.info/express-news/2022/03/21/court-bans-meta-recognising-it-extremist-organization",
        "publisher": "OVD-Info",
        "title": "Court bans Meta, recognising it as an extremist organization",
        "published_on": date(2022, 3, 21),
        "kind": "news",
        "language": "en",
    },
    {
        "url": "https://www.reuters.com/",
        "publisher": "Reuters",
        "title": "Factbox: Which countries have blocked WhatsApp (14 August 2025; article address not recorded)",
        "published_on": date(2025, 8, 14),
        "kind": "news",
        "language": "en",
    },
    {
        "url": "https://en.wikinews.org/",
        "publisher": "Wikinews",
        "title": "Russia blocks Snapchat and restricts FaceTime (5 December 2025; article address not recorded)",
        "published_on": date(2025, 12, 5),
        "kind": "news",
        "language": "en",
    },
    {
        "url": "https://cyberinsider.com/",
        "publisher": "CyberInsider",
        "title": "Roskomnadzor restricts FaceTime (article address not recorded)",
        "published_on": None,
        "kind": "news",
        "language": "en",
    },
    {
        "url": "https://www.indiatoday.in/world/story/russia-fully-blocks-whatsapp-over-meta-non-compliance-of-laws-"
        "bats-for-state-backed-national-messenger-max-2867269-2026-02-12",
        "publisher": "India Today",
        "title": "Russia fully blocks WhatsApp over Meta non-compliance of laws, bats for state-backed national "
        "messenger MAX",
        "published_on": date(2026, 2, 12),
        "kind": "news",
        "language": "en",
    },
    {
        "url": "https://cyprus-mail.com/2026/02/12/russia-fully-blocks-whatsapp-talks-up-state-backed-alternative",
        "publisher": "Cyprus Mail",
        "title": "Russia fully blocks WhatsApp, talks up state-backed alternative",
        "published_on": date(2026, 2, 12),
        "kind": "news",
        "language": "en",
    },
    {
        "url": "https://www.geo.tv/latest/650474",
        "publisher": "Geo News",
        "title": "Russia fully blocks WhatsApp, restricts Telegram in phases",
        "published_on": date(2026, 2, 12),
        "kind": "news",
        "language": "en",
    },
    {
        "url": "https://newsrally.com/",
        "publisher": "NewsRally",
        "title": "Telegram faces phased restrictions in Russia (12 February 2026; article address not recorded)",
        "published_on": date(2026, 2, 12),
        "kind": "news",
        "language": "en",
    },
]

# The last day the story's sources confirm its measures: the reports of 12 February 2026 say
# WhatsApp is blocked, Telegram restricted and Facebook and Instagram still banned, and recall the
# December restrictions of Snapchat and FaceTime as still in place.
CONFIRMED_ON = date(2026, 2, 12)

WHATSAPP_BLOCK_URLS = [SOURCES[6]["url"], SOURCES[7]["url"], SOURCES[8]["url"]]

EVENTS = [
    {
        "key": "facebook-block-2022",
        "title": "Russia blocks Facebook",
        "apps": ["facebook"],
        "owner": None,
        "kind": "full_block",
        "features": ["all"],
        "status": "in_force",
        "started_on": date(2022, 3, 4),
        "started_precision": "day",
        "announced_on": date(2022, 3, 4),
        "authority": "roskomnadzor",
        "legal_basis": "Federal Law 272-FZ",
        "stated_reason": "Roskomnadzor cited 26 cases since October 2020 of Meta restricting Russian media.",
        "summary": "Roskomnadzor announced the blocking of Facebook in Russia, citing 26 cases of Meta "
        "restricting Russian media since October 2020.",
        "sources": [SOURCES[0]["url"]],
    },
    {
        "key": "instagram-block-2022",
        "title": "Russia restricts Instagram",
        "apps": ["instagram"],
        "owner": None,
        "kind": "full_block",
        "features": ["all"],
        "status": "in_force",
        "started_on": date(2022, 3, 14),
        "started_precision": "day",
        "announced_on": date(2022, 3, 11),
        "authority": "roskomnadzor",
        "stated_reason": "Requested by the Prosecutor General's Office.",
        "summary": "Access to Instagram was restricted from 00:00 Moscow time on 14 March 2022, three days "
        "after Roskomnadzor announced it at the Prosecutor General's request.",
        "sources": [SOURCES[1]["url"]],
    },
    {
        "key": "meta-extremist-2022",
        "title": "Moscow court declares Meta extremist and bans its activity",
        "apps": ["facebook", "instagram"],
        "owner": "meta",
        "kind": "legal_designation",
        "features": [],
        "status": "in_force",
        "started_on": date(2022, 3, 21),
        "started_precision": "day",
        "authority": "tverskoy-district-court-moscow",
        "legal_basis": "Petition of the Prosecutor General's Office",
        "stated_reason": "Meta's activities were ruled 'extremist'.",
        "summary": "The Tverskoy District Court of Moscow declared Meta's activities extremist and banned them "
        "in Russia, on the Prosecutor General's petition. WhatsApp was exempted, and users are not to be "
        "prosecuted.",
        "description": "Meta was later added to the government's list of 'terrorist and extremist "
        "organisations'. Facebook and Instagram remain banned.",
        "sources": [SOURCES[2]["url"]],
        "related": ["facebook-block-2022", "instagram-block-2022"],
    },
    {
        "key": "whatsapp-calls-2025",
        "title": "Russia restricts WhatsApp and Telegram calls",
        "apps": ["whatsapp", "telegram"],
        "owner": None,
        "kind": "feature_restriction",
        "features": ["voice_calls", "video_calls"],
        "status": "in_force",
        "started_on": date(2025, 8, 13),
        "started_precision": "day",
        "authority": "roskomnadzor",
        "summary": "Russia began restricting voice and video calls on WhatsApp and Telegram.",
        "sources": [SOURCES[3]["url"]],
    },
    {
        "key": "snapchat-block-2025",
        "title": "Russia blocks Snapchat",
        "apps": ["snapchat"],
        "owner": None,
        "kind": "full_block",
        "features": ["all"],
        "status": "in_force",
        "started_on": date(2025, 10, 10),
        "started_precision": "day",
        "announced_on": date(2025, 12, 4),
        "authority": "roskomnadzor",
        "stated_reason": "Used 'to organize and conduct terrorist activities', to recruit perpetrators and to "
        "commit fraud.",
        "summary": "Roskomnadzor disclosed on 4 December 2025 that Snapchat had been blocked since 10 October.",
        "description": "Reports differ on the date: Roskomnadzor's disclosure puts the block on 10 October "
        "2025, while later news coverage describes Snapchat as blocked 'back in December'.",
        "sources": [SOURCES[4]["url"]],
    },
    {
        "key": "facetime-restriction-2025",
        "title": "Russia restricts FaceTime",
        "apps": ["facetime"],
        "owner": None,
        "kind": "partial_block",
        "features": ["voice_calls", "video_calls"],
        "status": "in_force",
        "started_on": date(2025, 12, 4),
        "started_precision": "day",
        "announced_on": date(2025, 12, 4),
        "authority": "roskomnadzor",
        "stated_reason": "Used 'to organize and conduct terrorist activities', to recruit perpetrators and to "
        "commit fraud.",
        "summary": "Roskomnadzor announced restrictions on Apple's FaceTime, giving the same reasons as for Snapchat.",
        "sources": [SOURCES[4]["url"], SOURCES[5]["url"]],
        "related": ["snapchat-block-2025"],
    },
    {
        "key": "whatsapp-block-2026",
        "title": "Russia fully blocks WhatsApp and promotes the state messenger MAX",
        "apps": ["whatsapp"],
        "owner": "meta",
        "kind": "full_block",
        "features": ["all"],
        "status": "in_force",
        "started_on": date(2026, 2, 12),
        "started_precision": "day",
        "announced_on": date(2026, 2, 12),
        "authority": "roskomnadzor",
        "stated_reason": "Meta's 'unwillingness to comply with Russian law'.",
        "summary": "The Kremlin confirmed that WhatsApp is blocked in Russia. Its domains were removed from "
        "Russia's national domain-name system, leaving it reachable only by VPN; the state-backed MAX is "
        "promoted instead.",
        "description": "Peskov said WhatsApp could return if Meta 'complies with the law and enters into a "
        "dialogue'. MAX, developed by VK and launched in 2025, has been pre-installed on new phones by law "
        "since September 2025.",
        "users_affected": 66_000_000,
        "users_affected_note": "'Used by 66 million Russians': the figure of the news article the tracker was "
        "created from. WhatsApp's own statement speaks of 'over 100 million users'.",
        "promoted_alternative": "max",
        "sources": WHATSAPP_BLOCK_URLS,
        "related": ["whatsapp-calls-2025", "meta-extremist-2022"],
        "statements": [
            {
                "speaker": "Dmitry Peskov",
                "role": "Kremlin spokesman",
                "organisation": "Kremlin",
                "said_on": date(2026, 2, 12),
                "source": SOURCES[6]["url"],
                "text": "Due to Meta's unwillingness to comply with Russian law, such a decision was indeed made "
                "and implemented.",
            },
            {
                "speaker": "Dmitry Peskov",
                "role": "Kremlin spokesman",
                "organisation": "Kremlin",
                "said_on": date(2026, 2, 12),
                "source": SOURCES[7]["url"],
                "text": "MAX is an accessible alternative, a developing messenger, a national messenger, and it is "
                "available on the market for citizens as an alternative.",
            },
            {
                "speaker": "Dmitry Peskov",
                "role": "Kremlin spokesman",
                "organisation": "Kremlin",
                "said_on": date(2026, 2, 12),
                "source": SOURCES[7]["url"],
                "text": "This is again a question of fulfilling the legislation. If the Meta corporation fulfils "
                "this and enters into dialogue with Russian authorities, then we have the possibility of "
                "reaching an agreement.",
            },
            {
                "speaker": "WhatsApp",
                "role": "Statement posted on X",
                "organisation": "WhatsApp (Meta)",
                "said_on": date(2026, 2, 12),
                "source": SOURCES[8]["url"],
                "text": "Today the Russian government attempted to fully block WhatsApp in an effort to drive people "
                "to a state-owned surveillance app. Trying to isolate over 100 million users from private and "
                "secure communication is a backwards step and can only lead to less safety for people in Russia. "
                "We continue to do everything we can to keep users connected.",
            },
        ],
    },
    {
        "key": "telegram-phased-2026",
        "title": "Russia restricts Telegram in phases",
        "apps": ["telegram"],
        "owner": None,
        "kind": "partial_block",
        "features": ["all"],
        "status": "in_force",
        "started_on": date(2026, 2, 1),
        "started_precision": "month",
        "authority": "roskomnadzor",
        "summary": "Telegram was put under 'phased restrictions' in the same week as the WhatsApp block.",
        "sources": [SOURCES[8]["url"], SOURCES[9]["url"]],
        "related": ["whatsapp-calls-2025"],
    },
]
