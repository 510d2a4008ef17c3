"""Short links: UTM building, unique codes, click counting without bots, per-post stats."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlmodel import Session, select

from socialmuse.models import LinkClick, ShortLink
from socialmuse.services import accounts, links, post_editing
from socialmuse.services.errors import NotFound, ValidationError
from socialmuse.settings import get_settings
from tests.factories import brand, owner

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


def test_build_url_keeps_the_query_and_adds_or_overrides_utm() -> None:
    url = links.build_url(
        "https://shop.example/p?id=7&utm_source=old#top",
        {"source": "mastodon", "utm_medium": "social", "campaign": " spring ", "term": ""},
    )
    parts = urlsplit(url)
    assert parts.fragment == "top"
    assert parse_qsl(parts.query) == [
        ("id", "7"),
        ("utm_source", "mastodon"),
        ("utm_medium", "social"),
        ("utm_campaign", "spring"),
    ]
    assert links.build_url("https://a.example/x?y=1", {}) == "https://a.example/x?y=1"


@pytest.mark.parametrize(
    "bad", ["", "example.com", "ftp://example.com/x", "https:///path", "javascript:alert(1)"]
)
def test_build_url_refuses_what_is_not_a_web_address(bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        links.build_url(bad, {})
    assert err.value.field == "url" and "not a web address" in err.value.message


def test_unknown_utm_key_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        links.build_url("https://a.example", {"utm_color": "red"})
    assert err.value.field == "utm"


def test_shorten_makes_distinct_codes_under_the_public_url(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    one = links.shorten(
        session, actor=boss.actor, brand_id=b, url="https://a.example/x", utm={"source": "x"}
    )
    two = links.shorten(session, actor=boss.actor, brand_id=b, url="https://a.example/x", utm={})
    assert one.code != two.code and len(one.code) == links.CODE_LENGTH
    assert one.short_url == get_settings().base_url.rstrip("/") + "/l/" + one.code
    assert one.destination_url == "https://a.example/x?utm_source=x"
    stored = session.exec(select(ShortLink).where(ShortLink.code == one.code)).one()
    assert stored.organization_id == boss.actor.organization_id and stored.brand_id == b


def test_clicks_counted_bots_and_head_not(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    link = links.shorten(session, actor=boss.actor, brand_id=b, url="https://a.example", utm={})
    follow = links.follow
    assert follow(session, code=link.code, user_agent=BROWSER, referrer="https://t.co/abc") == (
        "https://a.example"
    )
    follow(session, code=link.code, user_agent=BROWSER, referrer="https://www.linkedin.com/feed")
    follow(session, code=link.code, method="HEAD", user_agent=BROWSER)
    follow(session, code=link.code, user_agent="facebookexternalhit/1.1")
    follow(session, code=link.code, user_agent="http.rb/5.1 (Mastodon/4.2.0; +https://m.example/)")
    follow(session, code=link.code, user_agent="Twitterbot/1.0")
    session.commit()
    session.expire_all()
    stored = session.exec(select(ShortLink).where(ShortLink.code == link.code)).one()
    assert stored.click_count == 2
    clicks = session.exec(select(LinkClick).where(LinkClick.short_link_id == stored.id)).all()
    assert sorted(c.platform or "" for c in clicks) == ["linkedin", "x"]
    with pytest.raises(NotFound):
        follow(session, code="nope0000", user_agent=BROWSER)
    with pytest.raises(NotFound):
        follow(session, code="../../etc", user_agent=BROWSER)


def test_links_attach_to_the_post_and_clicks_show_per_network(session: Session) -> None:
    boss = owner(session)
    b = brand(session, boss)
    account = accounts.connect_sandbox(session, actor=boss.actor, brand_id=b, handle="s")
    link = links.shorten(session, actor=boss.actor, brand_id=b, url="https://a.example", utm={})
    unused = links.shorten(session, actor=boss.actor, brand_id=b, url="https://b.example", utm={})
    post = post_editing.save_post(
        session,
        actor=boss.actor,
        draft=post_editing.PostDraft(
            brand_id=b, text=f"Read {link.short_url} now", account_ids=[account.id]
        ),
    )
    attached = links.attach_to_post(
        session, actor=boss.actor, post_id=post.id, texts=[f"Read {link.short_url} now"]
    )
    assert attached == [link.code]
    for ref in ("https://bsky.app/profile/x", "https://bsky.app/x", ""):
        links.follow(session, code=link.code, user_agent=BROWSER, referrer=ref)
    links.follow(session, code=unused.code, user_agent=BROWSER)
    session.commit()
    stats = links.post_clicks(session, actor=boss.actor, post_id=post.id)
    assert stats.total == 3
    assert [(s.code, s.clicks) for s in stats.links] == [(link.code, 3)]
    assert [(n.label, n.clicks) for n in stats.networks] == [
        ("Bluesky", 2),
        ("Elsewhere or direct", 1),
    ]


def test_links_of_another_tenant_stay_theirs(session: Session) -> None:
    a = owner(session, org="A")
    b = owner(session, org="B")
    a_brand = brand(session, a)
    b_brand = brand(session, b)
    with pytest.raises(NotFound):
        links.shorten(session, actor=a.actor, brand_id=b_brand, url="https://a.example", utm={})
    account = accounts.connect_sandbox(session, actor=b.actor, brand_id=b_brand, handle="s")
    b_link = links.shorten(
        session, actor=b.actor, brand_id=b_brand, url="https://b.example", utm={}
    )
    b_post = post_editing.save_post(
        session,
        actor=b.actor,
        draft=post_editing.PostDraft(brand_id=b_brand, text="x", account_ids=[account.id]),
    )
    with pytest.raises(NotFound):
        links.post_clicks(session, actor=a.actor, post_id=b_post.id)
    with pytest.raises(NotFound):
        links.attach_to_post(session, actor=a.actor, post_id=b_post.id, texts=[b_link.short_url])
    with pytest.raises(NotFound):
        links.shorten(
            session,
            actor=a.actor,
            brand_id=a_brand,
            url="https://a.example",
            utm={},
            post_id=b_post.id,
        )
    # A's post cannot adopt B's link by quoting it.
    a_account = accounts.connect_sandbox(session, actor=a.actor, brand_id=a_brand, handle="a")
    a_post = post_editing.save_post(
        session,
        actor=a.actor,
        draft=post_editing.PostDraft(brand_id=a_brand, text="y", account_ids=[a_account.id]),
    )
    assert (
        links.attach_to_post(session, actor=a.actor, post_id=a_post.id, texts=[b_link.short_url])
        == []
    )
