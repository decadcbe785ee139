"""The apps and owners that outside datasets name, with stable slugs, and how their names map to them.

Datasets write "Youtube", "YouTube " and "Youtube and other Google services"; the tracker needs one
app `youtube` owned by `google`. The tables below are the explicit list of what we know. A name
not in them becomes an app of its own (slugified name, no owner, category other), for an editor to
complete later. Apps and owners that already exist (from the seed or an editor) are never changed.
"""

import re

from django.utils.text import slugify

from events.edits import by_slug
from events.models import App, Country, Owner

# slug -> (name, kind, seat country, website)
OWNERS = {
    "meta": ("Meta Platforms", "company", "US", "https://about.meta.com/"),
    "x-corp": ("X Corp. (formerly Twitter, Inc.)", "company", "US", "https://about.x.com/"),
    "google": ("Google (Alphabet)", "company", "US", "https://about.google/"),
    "microsoft": ("Microsoft", "company", "US", "https://www.microsoft.com/"),
    "telegram": ("Telegram Messenger", "company", "AE", "https://telegram.org/"),
    "snap": ("Snap Inc.", "company", "US", "https://snap.com/"),
    "bytedance": ("ByteDance", "company", "CN", "https://www.bytedance.com/"),
    "tencent": ("Tencent", "company", "CN", "https://www.tencent.com/"),
    "baidu": ("Baidu", "company", "CN", "https://www.baidu.com/"),
    "vk": ("VK", "state_owned", "RU", "https://vk.company/"),
    "signal-foundation": ("Signal Technology Foundation", "nonprofit", "US", "https://signalfoundation.org/"),
    "rakuten": ("Rakuten", "company", "JP", "https://global.rakuten.com/"),
    "ly-corporation": ("LY Corporation", "company", "JP", "https://www.lycorp.co.jp/en/"),
    "krafton": ("Krafton", "company", "KR", "https://www.krafton.com/"),
    "zoom": ("Zoom Communications", "company", "US", "https://www.zoom.com/"),
    "clubhouse-media": ("Alpha Exploration Co.", "company", "US", "https://www.clubhouse.com/"),
    "pinterest": ("Pinterest", "company", "US", "https://www.pinterest.com/"),
    "reddit": ("Reddit", "company", "US", "https://www.redditinc.com/"),
    "automattic": ("Automattic", "company", "US", "https://automattic.com/"),
    "psiphon-inc": ("Psiphon Inc.", "company", "CA", "https://psiphon.ca/"),
    "tor-project": ("The Tor Project", "nonprofit", "US", "https://www.torproject.org/"),
}

# slug -> (name, owner slug or None, category)
APPS = {
    "facebook": ("Facebook", "meta", "social"),
    "instagram": ("Instagram", "meta", "social"),
    "whatsapp": ("WhatsApp", "meta", "messaging"),
    "facebook_messenger": ("Facebook Messenger", "meta", "messaging"),  # slug = OONI's test name
    "twitter": ("Twitter (X)", "x-corp", "social"),
    "periscope": ("Periscope", "x-corp", "video"),
    "telegram": ("Telegram", "telegram", "messaging"),
    "signal": ("Signal", "signal-foundation", "messaging"),
    "youtube": ("YouTube", "google", "video"),
    "google": ("Google services", "google", "search"),
    "gmail": ("Gmail", "google", "messaging"),
    "google-plus": ("Google+", "google", "social"),
    "skype": ("Skype", "microsoft", "video_calling"),
    "linkedin": ("LinkedIn", "microsoft", "social"),
    "microsoft-teams": ("Microsoft Teams", "microsoft", "video_calling"),
    "tiktok": ("TikTok", "bytedance", "video"),
    "wechat": ("WeChat", "tencent", "messaging"),
    "qq": ("QQ", "tencent", "messaging"),
    "qzone": ("Qzone", "tencent", "social"),
    "baidu": ("Baidu", "baidu", "search"),
    "vkontakte": ("VKontakte", "vk", "social"),
    "odnoklassniki": ("Odnoklassniki", "vk", "social"),
    "moi-mir": ("Moi Mir (My World)", "vk", "social"),
    "snapchat": ("Snapchat", "snap", "social"),
    "viber": ("Viber", "rakuten", "messaging"),
    "line": ("LINE", "ly-corporation", "messaging"),
    "imo": ("imo", None, "messaging"),
    "tango": ("Tango", None, "video_calling"),
    "pubg": ("PUBG", "krafton", "other"),
    "zoom": ("Zoom", "zoom", "video_calling"),
    "clubhouse": ("Clubhouse", "clubhouse-media", "social"),
    "pinterest": ("Pinterest", "pinterest", "social"),
    "reddit": ("Reddit", "reddit", "social"),
    "tumblr": ("Tumblr", "automattic", "social"),
    "flickr": ("Flickr", None, "social"),
    "xanga": ("Xanga", None, "social"),
    # Datasets often name "VPN services" without a provider; one app stands for them, so that
    # ?app=vpn-services finds every such block.
    "vpn-services": ("VPN services", None, "vpn"),
    "psiphon": ("Psiphon", "psiphon-inc", "vpn"),
    "tor": ("Tor", "tor-project", "vpn"),
}

# Written name (case-folded) -> app slug, where slugifying the name would not give the slug.
ALIASES = {
    "youtube and other google services": "youtube",
    "messenger": "facebook_messenger",
    "facebook messenger": "facebook_messenger",
    "facebook live": "facebook",
    "imo messenger": "imo",
    "google translate": "google",
    "google services": "google",
    "other google services": "google",
    "some google services including google translate": "google",
    "google+": "google-plus",
    "teams": "microsoft-teams",
    "vk": "vkontakte",
    "my world": "moi-mir",
    "vpn services": "vpn-services",
    "vpns": "vpn-services",
    "vpn": "vpn-services",
    "several vpn services": "vpn-services",
    "corporate vpn service providers": "vpn-services",
    "x": "twitter",
}

# Phrases that name no app: a kind of traffic or a measure, kept in the event's text instead.
NOT_APPS = {"voip", "bulk sms blocking", "content filtering over sms", "sms", "phone calls", "other"}

# Words that qualify the name before them ("Signal, possibly"): that app is not named for sure.
UNCERTAIN = {"possibly", "probably", "allegedly", "maybe", "unconfirmed"}


def app_names(text):
    """Split free text such as 'TikTok, PUBG' or 'QQ, WeChat, and YouTube' into (slug, name) pairs.

    Returns (apps, uncertain): apps named for sure, and names followed by a hedge ('possibly'),
    which are left out of the event's apps (the free text stays in its description).
    """
    parts = [p.strip(" .") for p in re.split(r",|;|\band\b|\n|\. ", text or "")]
    apps, uncertain = [], []
    for index, part in enumerate(parts):
        key = part.casefold()
        if not key or key in NOT_APPS or key in UNCERTAIN:
            continue
        following = parts[index + 1].casefold() if index + 1 < len(parts) else ""
        slug = resolve_slug(part)
        if slug is None:
            continue
        if following in UNCERTAIN:
            uncertain.append(part)
            continue
        if slug not in [s for s, _ in apps]:
            apps.append((slug, part))
    return apps, uncertain


def resolve_slug(name):
    """The slug for a written app name: known aliases, known apps by name, else the slugified name."""
    key = re.sub(r"\s+", " ", name).strip().casefold()
    if key in ALIASES:
        return ALIASES[key]
    for slug, (app_name, _owner, _category) in APPS.items():
        if key in (slug.replace("_", " "), app_name.casefold()):
            return slug
    return slugify(name)[:80].strip("-") or None


class AppCatalogue:
    """Finds or creates apps (and their owners) by slug, counting what it creates.

    An app or owner that exists is used as it is: the seed and the editors own their records.
    """

    def __init__(self, report):
        self.report = report
        self.apps, self.owners = by_slug(App), by_slug(Owner)

    def owner(self, slug):
        if slug is None:
            return None
        if slug not in self.owners:
            name, kind, country, website = OWNERS[slug]
            owner = Owner(slug=slug, name=name, kind=kind, country=Country.objects.get(code=country), website=website)
            owner.full_clean()
            owner.save()
            self.report.count("owners created")
            self.owners[slug] = owner
        return self.owners[slug]

    def app(self, slug, written_name=""):
        if slug not in self.apps:
            name, owner_slug, category = APPS.get(slug, (written_name.strip() or slug, None, App.Category.OTHER))
            app = App(slug=slug, name=name[:200], owner=self.owner(owner_slug), category=category)
            app.full_clean()
            app.save()
            self.report.count("apps created")
            self.apps[slug] = app
        return self.apps[slug]
