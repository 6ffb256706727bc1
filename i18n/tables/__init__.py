"""One translation table per area of the app, merged by ``i18n``."""
