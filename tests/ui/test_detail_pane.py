"""The detail pane as an editor meets it: every field of a real article, safely shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from http_server import http_server_fixture  # noqa: F401
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QLabel, QListWidget, QTextBrowser, QWidget

from reader.domain.article import ArticleDetail, ArticleSummary, Provider, RelatedArticle
from reader.domain.parse import load_detail, parse_detail
from reader.ui import detail_render as render
from reader.ui.detail_pane import DetailPane, ImageView
from reader.ui.images import ImageLoader

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"


@pytest.fixture
def loader() -> Iterator[ImageLoader]:
    image_loader = ImageLoader()
    image_loader.set_enabled(False)  # no test here may reach a real image host
    yield image_loader
    image_loader.close()


@pytest.fixture
def pane(qtbot, loader) -> DetailPane:
    widget = DetailPane(loader)
    qtbot.addWidget(widget)
    widget.resize(700, 900)
    widget.show()
    return widget


def child(pane: DetailPane, kind: type, name: str):
    found = pane.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def all_text(pane: DetailPane) -> str:
    """Every string the pane could show or say: texts, tooltips, accessible names, items."""
    texts: list[str] = []
    for widget in [pane, *pane.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        if isinstance(widget, QTextBrowser):
            texts += [widget.toPlainText(), widget.toHtml()]
        if isinstance(widget, QListWidget):
            for row in range(widget.count()):
                item = widget.item(row)
                texts += [item.text(), item.toolTip(),
                          str(item.data(Qt.ItemDataRole.AccessibleTextRole))]
    return "\n".join(texts)


def seed_detail(name: str) -> ArticleDetail:
    return load_detail(SEEDS, name)


def detail_from_text(tmp_path: Path, text: str, name: str = "story.md") -> ArticleDetail:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_detail(tmp_path, name)


def test_seed_000_shows_every_field(pane):
    detail = seed_detail(SEED_FULL)
    pane.show_detail(detail)

    assert pane.current_id() == SEED_FULL
    title = child(pane, QLabel, "detailTitle")
    assert title.text().startswith("Netflix invests more than half a million dollars")
    assert title.wordWrap()
    meta = child(pane, QLabel, "detailMeta").text()
    assert meta.startswith("KRON4 News · ") and meta.endswith(" · news · article")
    assert "2023" in meta
    chips = pane.findChild(QWidget, "detailChips").chip_texts()
    assert chips == ["○ Unpublished", "Machine Learning", "AI"]
    excerpt = child(pane, QLabel, "detailExcerpt")
    assert excerpt.isVisible() and excerpt.text().startswith("As writers and actors continue")

    images = child(pane, QWidget, "detailImages")
    views = images.findChildren(ImageView)
    assert len([v for v in views if not v.isHidden()]) == 1
    assert views[0].url.startswith("https://www.kron4.com/wp-content/uploads/")
    assert views[0].status_text() == "Remote images are off"

    related = child(pane, QListWidget, "detailRelated")
    assert related.count() == 3
    assert related.item(0).text() == (
        "Netflix lists $900,000 AI job as actors and writers continue to strike"
    )
    assert related.item(1).toolTip() == "Opens theintercept.com"
    assert "Engadget" in related.item(0).data(Qt.ItemDataRole.AccessibleTextRole)

    facts = child(pane, QLabel, "detailFacts").text()
    assert "Secured token: present" in facts
    assert "Quality: 47" in facts and "Heat: -1" in facts
    assert f"File: {SEED_FULL}" in facts


def test_secured_token_never_reaches_the_pane(pane):
    detail = seed_detail(SEED_FULL)
    token = detail.front_matter["secured"]
    pane.show_detail(detail)
    text = all_text(pane)
    assert "Secured token: present" in text
    assert token not in text
    assert token[:16] not in text


def test_secured_key_among_other_fields_is_shown_only_as_present(pane, tmp_path):
    detail = seed_detail(SEED_FULL)
    sneaky = ArticleDetail(summary=detail.summary, body="x",
                           other_fields={"secured": "TOPSECRETTOKEN", "note": "kept"})
    pane.show_detail(sneaky)
    assert "TOPSECRETTOKEN" not in all_text(pane)
    assert "note" in pane.findChild(QWidget, "detailOtherFields").parent().values_text()


def test_seed_002_body_is_shown_whole(pane):
    detail = seed_detail(SEED_BODY_ONLY)
    pane.show_detail(detail)
    body = child(pane, QTextBrowser, "detailBody")
    assert body.isVisible()
    shown = " ".join(body.toPlainText().split())
    paragraphs = [" ".join(p.split()) for p in detail.body.split("\n\n") if p.strip()]
    assert len(paragraphs) > 10
    for paragraph in paragraphs:
        assert paragraph in shown
    assert shown.endswith("while Hollywood is striking.")


def test_body_grows_instead_of_scrolling(pane):
    pane.show_detail(seed_detail(SEED_BODY_ONLY))
    body = child(pane, QTextBrowser, "detailBody")
    assert body.height() >= body.document().size().height()
    assert body.verticalScrollBar().maximum() == 0


def test_summary_shows_at_once_with_a_quiet_loading_line(pane):
    detail = seed_detail(SEED_FULL)
    pane.show_summary(detail.summary)
    assert child(pane, QLabel, "detailTitle").text() == detail.summary.title
    assert child(pane, QLabel, "detailBodyLoading").isVisible()
    assert not child(pane, QTextBrowser, "detailBody").isVisible()
    pane.show_detail(detail)
    assert not child(pane, QLabel, "detailBodyLoading").isVisible()


def test_empty_body_offers_the_original(qtbot, pane):
    detail = seed_detail(SEED_FULL)
    assert detail.body.strip() == ""
    pane.show_detail(detail)
    no_body = child(pane, QWidget, "detailNoBody")
    assert no_body.isVisible()
    # Reader view's button takes the place of "This article has no body text".
    assert child(pane, QWidget, "detailReadOriginal").isVisible()
    shown = [label.text() for label in no_body.findChildren(QLabel) if label.isVisible()]
    assert render.NO_BODY_TEXT not in shown
    assert not child(pane, QTextBrowser, "detailBody").isVisible()
    button = child(pane, QWidget, "detailOpenOriginal")
    assert button.isVisible()
    with qtbot.waitSignal(pane.openUrlRequested, timeout=1_000) as opened:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened.args == [detail.summary.url]


def test_empty_body_with_an_unsafe_url_offers_nothing(qtbot, pane):
    summary = ArticleSummary(id="bad.md", title="Bad link", url="javascript:alert(1)",
                             has_front_matter=True)
    pane.show_detail(ArticleDetail(summary=summary))
    no_body = child(pane, QWidget, "detailNoBody")
    assert no_body.isVisible()
    assert not child(pane, QWidget, "detailOpenOriginal").isVisible()
    assert not child(pane, QWidget, "detailReadOriginal").isVisible()
    shown = [label.text() for label in no_body.findChildren(QLabel) if label.isVisible()]
    assert render.NO_BODY_TEXT in shown


def test_problem_article_shows_its_path_line_and_column(pane, tmp_path):
    detail = detail_from_text(tmp_path, "---\ntitle: fine\nexcerpt: [unclosed\n---\nbody\n",
                              "broken.md")
    error = detail.summary.error
    assert error is not None and error.line is not None and error.column is not None
    pane.show_detail(detail)
    problems = child(pane, QLabel, "detailProblems")
    assert problems.isVisible()
    text = QTextDocument()
    text.setHtml(problems.text())
    shown = text.toPlainText()
    assert "broken.md" in shown
    assert f"Line {error.line}, column {error.column}:" in shown
    assert not child(pane, QTextBrowser, "detailBody").isVisible()


def test_readable_article_lists_its_warnings(pane, tmp_path):
    detail = detail_from_text(
        tmp_path, "---\ntitle: Fine\npublished: maybe\nquality: lots\n---\nBody.\n"
    )
    assert len(detail.summary.warnings) == 2
    pane.show_detail(detail)
    problems = child(pane, QLabel, "detailProblems")
    assert problems.isVisible()
    assert "2 warnings" in problems.text()
    assert "published should be true or false" in problems.text()


def test_values_from_the_file_are_never_markup(pane, tmp_path):
    detail = detail_from_text(
        tmp_path,
        "---\ntitle: '<b>bold</b> & <img src=x>'\nexcerpt: '<i>em</i>'\n"
        "publishedDateTime: '<script>'\n"
        "related:\n  - title: '<a href=\"javascript:x\">t</a>'\n    webUrl: https://a.example/\n"
        "---\nBody <b>not bold</b>\n",
    )
    pane.show_detail(detail)
    assert child(pane, QLabel, "detailTitle").text() == "<b>bold</b> & <img src=x>"
    assert child(pane, QLabel, "detailTitle").textFormat() == Qt.TextFormat.PlainText
    assert child(pane, QLabel, "detailExcerpt").textFormat() == Qt.TextFormat.PlainText
    problems = child(pane, QLabel, "detailProblems").text()
    assert "<script>" not in problems and "&lt;script&gt;" in problems
    related = child(pane, QListWidget, "detailRelated")
    assert related.item(0).text() == '<a href="javascript:x">t</a>'
    html = render.related_html(related.item(0).data(Qt.ItemDataRole.UserRole + 1),
                               render.RelatedColors())
    assert "<a href" not in html
    body = child(pane, QTextBrowser, "detailBody")
    assert "Body <b>not bold</b>" in body.toPlainText()  # shown as typed, not as markup


def _click_related_row(qtbot, related: QListWidget, row: int) -> None:
    rect = related.visualItemRect(related.item(row))
    qtbot.mouseClick(related.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_related_item_activation_emits_its_url(qtbot, pane):
    detail = seed_detail(SEED_FULL)
    pane.show_detail(detail)
    related = child(pane, QListWidget, "detailRelated")
    with qtbot.waitSignal(pane.relatedActivated, timeout=1_000) as clicked:
        _click_related_row(qtbot, related, 0)
    assert clicked.args == [detail.related[0].url]

    related.setFocus()
    related.setCurrentRow(2)
    with qtbot.waitSignal(pane.relatedActivated, timeout=1_000) as entered:
        qtbot.keyClick(related, Qt.Key.Key_Return)
    assert entered.args == [detail.related[2].url]


def test_related_item_with_an_unsafe_url_emits_nothing(qtbot, pane):
    summary = ArticleSummary(id="r.md", title="R", has_front_matter=True)
    related = (
        RelatedArticle(title="Evil", url="javascript:alert(1)", provider=Provider("X")),
        RelatedArticle(title="Local", url="file:///etc/passwd"),
    )
    pane.show_detail(ArticleDetail(summary=summary, body="b", related=related))
    view = child(pane, QListWidget, "detailRelated")
    assert "will not open" in view.item(0).toolTip()
    with qtbot.assertNotEmitted(pane.relatedActivated), \
            qtbot.assertNotEmitted(pane.openUrlRequested):
        _click_related_row(qtbot, view, 0)
        _click_related_row(qtbot, view, 1)


def _link_point(body: QTextBrowser, anchor: str) -> QPoint:
    """The viewport position of the middle of the first link to ``anchor``."""
    document = body.document()
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().anchorHref() == anchor:
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position() + fragment.length() // 2)
                return body.cursorRect(cursor).center()
            iterator += 1
        block = block.next()
    raise AssertionError(f"no link to {anchor}")


def test_body_link_clicks_emit_only_safe_urls(qtbot, pane):
    body_text = (
        "Read [the report](https://example.com/report) now.\n\n"
        "Not [this one](javascript:alert(1)) nor [that](file:///etc/passwd).\n"
    )
    summary = ArticleSummary(id="links.md", title="Links", has_front_matter=True)
    pane.show_detail(ArticleDetail(summary=summary, body=body_text))
    body = child(pane, QTextBrowser, "detailBody")
    qtbot.waitExposed(body)

    with qtbot.waitSignal(pane.openUrlRequested, timeout=1_000) as opened:
        qtbot.mouseClick(body.viewport(), Qt.MouseButton.LeftButton,
                         pos=_link_point(body, "https://example.com/report"))
    assert opened.args == ["https://example.com/report"]

    with qtbot.assertNotEmitted(pane.openUrlRequested):
        for anchor in ("javascript:alert(1)", "file:///etc/passwd"):
            qtbot.mouseClick(body.viewport(), Qt.MouseButton.LeftButton,
                             pos=_link_point(body, anchor))
        body.anchorClicked.emit(QUrl("data:text/html,hi"))
    assert body.source().isEmpty()  # the browser itself never navigated


def test_body_never_loads_remote_or_local_resources(qtbot, pane, http_server, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not really")
    remote = http_server.url("/tracker.png")
    body_text = f"Look: ![pixel]({remote}) and ![file]({secret.as_uri()})\n"
    summary = ArticleSummary(id="img.md", title="Images", has_front_matter=True)
    pane.show_detail(ArticleDetail(summary=summary, body=body_text))
    body = child(pane, QTextBrowser, "detailBody")
    qtbot.waitExposed(body)
    body.repaint()
    qtbot.wait(100)
    assert http_server.hits() == 0
    assert remote in body.resource_requests  # asked for, and given nothing
    image_resource = QTextDocument.ResourceType.ImageResource.value
    assert body.loadResource(image_resource, QUrl(remote)) is None
    assert body.loadResource(image_resource, QUrl(secret.as_uri())) is None


def test_raw_html_in_the_body_is_not_rendered(pane):
    summary = ArticleSummary(id="h.md", title="H", has_front_matter=True)
    body_text = 'Text <img src="http://127.0.0.1:9/x.png"> <iframe src="x"></iframe> end\n'
    pane.show_detail(ArticleDetail(summary=summary, body=body_text))
    body = child(pane, QTextBrowser, "detailBody")
    assert "<img" not in body.toHtml() and "<iframe" not in body.toHtml()
    assert body.resource_requests == []
    assert 'Text <img src="http://127.0.0.1:9/x.png">' in body.toPlainText()


def test_other_fields_are_collapsible_text(qtbot, pane):
    summary = ArticleSummary(id="o.md", title="O", has_front_matter=True)
    other = {"tags": ["a", "b"], "nested": {"k": 1}, "html": "<b>x</b>", "huge": "y" * 10_000}
    pane.show_detail(ArticleDetail(summary=summary, body="b", other_fields=other))
    toggle = pane.findChild(QWidget, "detailOtherFieldsToggle")
    form = pane.findChild(QWidget, "detailOtherFields")
    assert toggle.text() == "Other fields (4)"
    assert not form.isVisible()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert form.isVisible()
    labels = {label.text().replace(render.ZERO_WIDTH_SPACE, "")
              for label in form.findChildren(QLabel)}
    assert "- a\n- b" in labels
    assert "k: 1" in labels
    assert "<b>x</b>" in labels
    huge = next(text for text in labels if text.startswith("yyy"))
    assert len(huge) < 2_100 and "more characters" in huge
    assert all(label.textFormat() == Qt.TextFormat.PlainText
               for label in form.findChildren(QLabel))


def test_deleted_and_empty_states(pane):
    pane.show_detail(seed_detail(SEED_FULL))
    pane.show_deleted(SEED_FULL)
    message = child(pane, QLabel, "detailMessage")
    assert message.isVisible()
    assert "deleted or moved" in message.text() and SEED_FULL in message.text()
    assert pane.current_id() == SEED_FULL
    pane.show_empty("3 articles selected")
    assert message.text() == "3 articles selected"
    assert pane.current_id() is None
    pane.show_detail(seed_detail(SEED_FULL))
    assert not message.isVisible()
    assert child(pane, QLabel, "detailTitle").isVisible()


def test_refresh_of_the_same_article_keeps_the_scroll_position(qtbot, pane):
    pane.resize(500, 300)
    detail = seed_detail(SEED_BODY_ONLY)
    pane.show_detail(detail)
    scroll = pane.findChild(QWidget, "detailScroll").verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 200)
    scroll.setValue(200)
    pane.show_detail(detail, keep_scroll=True)
    qtbot.wait(10)
    assert scroll.value() == 200
    pane.show_detail(seed_detail(SEED_FULL))
    assert scroll.value() == 0


def test_widgets_are_reused_between_articles(pane):
    full = seed_detail(SEED_FULL)
    with_fields = ArticleDetail(summary=full.summary, body="b", images=full.images,
                                related=full.related, other_fields={"a": 1, "b": [2]})
    details = [full, seed_detail(SEED_BODY_ONLY), with_fields]
    for detail in details:
        pane.show_detail(detail)
    before = len(pane.findChildren(QWidget))
    for _ in range(10):
        for detail in details:
            pane.show_summary(detail.summary)
            pane.show_detail(detail)
    assert len(pane.findChildren(QWidget)) == before


def test_a_body_only_file_does_not_repeat_its_opening_as_excerpt(pane):
    data = (SEEDS / SEED_BODY_ONLY).read_bytes()
    detail = parse_detail(SEED_BODY_ONLY, data)
    pane.show_summary(detail.summary)
    assert child(pane, QLabel, "detailExcerpt").isVisible()  # a preview while loading
    pane.show_detail(detail)
    assert not child(pane, QLabel, "detailExcerpt").isVisible()


def test_render_meta_line_skips_missing_parts():
    summary = ArticleSummary(id="x.md", title="X", source="Wire", type="article")
    assert render.meta_line(summary) == "Wire · article"
    undated = ArticleSummary(id="y.md", title="Y", published_at_text="sometime")
    assert render.meta_line(undated) == "sometime"


def test_a_huge_body_is_cut_at_a_paragraph_and_says_so(pane):
    paragraph = "word " * 199 + "end.\n\n"
    body_text = paragraph * 200  # about 200,000 characters
    summary = ArticleSummary(id="long.md", title="Long", has_front_matter=True)
    pane.show_detail(ArticleDetail(summary=summary, body=body_text))
    shown = child(pane, QTextBrowser, "detailBody").toPlainText()
    assert 0 < len(shown) < len(body_text)
    assert shown.rstrip().endswith("end.")
    cut = child(pane, QLabel, "detailBodyCut")
    assert cut.isVisible() and f"{len(body_text):,} characters" in cut.text()
    pane.show_detail(seed_detail(SEED_BODY_ONLY))
    assert not cut.isVisible()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com/a?b=c", "www.example.com"),
        ("javascript:alert(1)", "This link is not an http or https address; it will not open."),
        ("", ""),
    ],
)
def test_hovering_a_link_names_its_host(url, expected):
    assert render.link_hover_text(url) == expected


def test_a_title_without_spaces_wraps_inside_the_pane(qtbot, pane):
    url_title = "https://example.com/" + "very-long-path-segment/" * 20 + "x" * 120
    summary = ArticleSummary(id="deep/" * 15 + "file.md", title=url_title, excerpt=url_title,
                             has_front_matter=True)
    pane.resize(420, 600)
    pane.show_detail(ArticleDetail(summary=summary, body=url_title))
    viewport = pane.findChild(QWidget, "detailScroll").viewport()
    qtbot.waitUntil(lambda: child(pane, QLabel, "detailTitle").width() <= viewport.width())
    content = pane.findChild(QWidget, "detailContent")
    assert content.width() <= viewport.width()
    title = child(pane, QLabel, "detailTitle").text()
    assert title.replace(render.ZERO_WIDTH_SPACE, "") == url_title
