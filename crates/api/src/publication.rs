//! Who publishes: the name and language the Google News sitemap gives for the publication, the
//! logo structured data shows, and where its article pages are.

use anyhow::bail;

/// The publication's name, language and logo (`NEWSDESK_PUBLICATION_NAME`, `_LANGUAGE`,
/// `_LOGO_URL`).
#[derive(Debug, Clone)]
pub struct Publication {
    pub name: String,
    pub language: String,
    /// An absolute http(s) URL, checked at start.
    pub logo_url: Option<String>,
}

impl Publication {
    /// The publication as configured, every setting checked.
    pub fn new(name: &str, language: &str, logo_url: Option<&str>) -> anyhow::Result<Self> {
        check(name, language)?;
        let logo_url = logo_url.map(logo).transpose()?;
        Ok(Self { name: name.to_owned(), language: language.to_owned(), logo_url })
    }
}

/// The logo's URL, which search engines fetch: an absolute http(s) URL.
pub fn logo(url: &str) -> anyhow::Result<String> {
    newsdesk_domain::validation::http_url(url).map_err(|m| anyhow::anyhow!("NEWSDESK_PUBLICATION_LOGO_URL {m}"))
}

/// The public address of an article page, for feed readers, search engines and partners.
pub fn article_url(base: &str, slug: &str) -> String {
    format!("{base}/articles/{slug}")
}

/// Most characters in the publication's name.
const MAX_NAME: usize = 200;

/// Checks the settings as Google News reads them: a name, and an ISO 639 language code of two
/// or three lowercase letters (or `zh-cn`/`zh-tw`, the two forms Google names for Chinese).
pub fn check(name: &str, language: &str) -> anyhow::Result<()> {
    if name.trim().is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        bail!("NEWSDESK_PUBLICATION_NAME must be 1 to {MAX_NAME} characters on one line");
    }
    let iso_639 = (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_lowercase());
    if !(iso_639 || matches!(language, "zh-cn" | "zh-tw")) {
        bail!("NEWSDESK_PUBLICATION_LANGUAGE `{language}` is not an ISO 639 code (such as `en`, `fra` or `zh-cn`)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn names_and_codes_google_news_accepts() {
        for language in ["en", "fra", "zh-cn", "zh-tw"] {
            assert!(check("The Courier", language).is_ok(), "{language}");
        }
        for language in ["", "EN", "english", "en-GB", "e1"] {
            assert!(check("The Courier", language).is_err(), "{language}");
        }
        assert!(check(" ", "en").is_err());
        assert!(check("Two\nlines", "en").is_err());
        assert!(check(&"n".repeat(201), "en").is_err());
    }

    #[test]
    fn the_logo_is_an_absolute_web_url() {
        use super::Publication;
        let logo = |url| Publication::new("The Courier", "en", Some(url)).map(|p| p.logo_url);
        assert_eq!(
            logo("https://example.org/logo.png").ok().flatten().as_deref(),
            Some("https://example.org/logo.png")
        );
        for url in ["/logo.png", "ftp://example.org/logo.png", "javascript:alert(1)", ""] {
            assert!(logo(url).is_err(), "{url}");
        }
        assert!(Publication::new("The Courier", "en", None).is_ok_and(|p| p.logo_url.is_none()));
    }
}
