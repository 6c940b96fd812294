//! End-to-end journeys through `phr-core` arrive with the flows issue; the WebDriver specs live in `webdriver/`.
