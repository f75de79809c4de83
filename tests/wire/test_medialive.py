"""The one rendition reader: what the cost model prices, the pack judges and the diagram draws."""

from __future__ import annotations

from typing import Any

from livestream.wire import medialive

VIDEOS = [
    {"name": "480p", "width": 854.0, "height": 480.0, "codecSettings": {"h264Settings": {"bitrate": 1_500_000.0}}},
    {"name": "source", "codecSettings": {"h265Settings": {"maxBitrate": "800000"}}},
    {"codecSettings": {"av1Settings": {}}},
    {"name": "thumbs", "codecSettings": {"frameCaptureSettings": {"captureInterval": 10.0}}},
]


def channel(**props: Any) -> dict[str, Any]:
    return {"inputSpecification": {"inputResolution": "SD"}, "encoderSettings": {"videoDescriptions": VIDEOS}, **props}


def test_renditions_are_the_encoded_video_descriptions_as_written() -> None:
    ladder = medialive.renditions(channel())
    assert ladder == [
        medialive.Rendition("480p", 854.0, 480.0, 1_500_000.0),
        medialive.Rendition("source", None, None, 800_000.0),  # QVBR: maxBitrate when there is no bitrate
        medialive.Rendition("?", None, None, None),
    ]  # the frame capture (thumbnail) is not a rendition


def test_an_unset_size_follows_the_source_up_to_the_input_class_and_is_16_by_9() -> None:
    props = channel()
    lines = medialive.source_lines(props)
    assert lines == 576
    assert [r.size(lines) for r in medialive.renditions(props)] == [(854, 480), (1024, 576), (1024, 576)]
    assert medialive.source_lines(channel(inputSpecification={"inputResolution": "UHD"})) == 2160


def test_classes_default_as_medialive_does() -> None:
    assert medialive.channel_class({}) == "STANDARD"
    assert medialive.channel_class({"channelClass": "SINGLE_PIPELINE"}) == "SINGLE_PIPELINE"
    assert medialive.input_class({}) == medialive.input_class({"inputSpecification": {"inputResolution": "8K"}}) == "HD"


def test_destinations_and_the_buckets_a_channel_records_into() -> None:
    destinations = [
        {"id": "a", "settings": [{"url": "s3ssl://archive-1/main/p0/main"}, {"url": "s3://archive-1/main/p1/main"}]},
        {"id": "p", "settings": [{"url": "https://x.mediapackagev2.example/in/v1/g/1/c/index"}]},
        {"id": "m", "mediaPackageSettings": [{"url": "mediapackage://c"}]},
        {"id": "b", "settings": [{"url": "s3://other/x"}, {"username": "u"}]},
    ]
    assert medialive.destination_urls(destinations)[-2:] == ["mediapackage://c", "s3://other/x"]
    assert medialive.recording_buckets(destinations) == ["archive-1", "other"]
    assert medialive.recording_buckets(None) == []
