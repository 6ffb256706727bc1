"""The data-sources page."""

T: dict[str, dict[str, str]] = {
    "sources.health": {"vi": "Tình trạng các nguồn", "en": "Source health"},
    "sources.running_since": {
        "vi": "Đang chạy từ {time}, quá hạn {deadline} giây",
        "en": "Running since {time}, past its {deadline} s deadline",
    },
    "sources.rejected_24h": {
        "vi": "Bản tin bị từ chối trong 24 giờ: {total} "
        "(lưu {kept}, chỉ đếm {dropped})",
        "en": "Messages rejected in 24 h: {total} "
        "({kept} kept, {dropped} only counted)",
    },
    "sources.dead": {
        "vi": "Bản tin bị từ chối (mới nhất)",
        "en": "Rejected messages (newest)",
    },
}
