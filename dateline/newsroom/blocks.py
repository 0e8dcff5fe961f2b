"""StreamField blocks for an article body."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from dateline.newsroom.video import UnsupportedVideoURL, video_embed

PARAGRAPH_FEATURES = ["bold", "italic", "link"]


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "newsroom/blocks/quote.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=300)
    credit = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "newsroom/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(
        label=_("YouTube or Vimeo URL"),
        help_text=_("Shown through the provider's privacy-enhanced player."),
    )
    caption = blocks.CharBlock(required=False, max_length=300)
    credit = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "media"
        template = "newsroom/blocks/video.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        try:
            video_embed(value["url"])
        except UnsupportedVideoURL as exc:
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(str(exc))}
            ) from None
        return value

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        try:
            context["embed"] = video_embed(value["url"])
        except UnsupportedVideoURL:
            # Saved before validation existed or edited in the database:
            # show a plain link rather than failing the whole article.
            context["embed"] = None
        return context


class MapBlock(blocks.StructBlock):
    image = ImageChooserBlock(
        required=False,
        help_text=_("An uploaded map image, or leave empty and give a link."),
    )
    link = blocks.URLBlock(required=False, label=_("Link to an external map"))
    link_text = blocks.CharBlock(required=False, max_length=120)
    caption = blocks.CharBlock(required=False, max_length=300)
    source = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "site"
        template = "newsroom/blocks/map.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value.get("image") and not value.get("link"):
            raise StructBlockValidationError(
                block_errors={
                    "image": ValidationError(
                        _("Upload a map image or give a map link.")
                    )
                }
            )
        return value


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=PARAGRAPH_FEATURES, template="newsroom/blocks/paragraph.html"
    )
    heading = blocks.CharBlock(
        max_length=150, icon="title", template="newsroom/blocks/heading.html"
    )
    quote = QuoteBlock()
    image = ImageBlock()
    video = VideoBlock()
    map = MapBlock()
