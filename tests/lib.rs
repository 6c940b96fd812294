//! End-to-end tests live in `journeys/` (Rust, through `phr-core`) and `webdriver/` (the real app).
