//! An article body: Markdown in; sanitized HTML, plain text, word count and reading time out.
//!
//! Rendering happens once, when an article is written, so the public read path only copies
//! stored strings.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

/// Reading speed used for `reading_time_minutes`, in words per minute.
const WORDS_PER_MINUTE: usize = 230;

/// Everything derived from one Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBody {
    pub html: String,
    pub text: String,
    pub word_count: i32,
    pub reading_time_minutes: i32,
}

fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

/// Renders Markdown to HTML and strips anything unsafe (scripts, event handlers, `javascript:` links).
pub fn render(markdown: &str) -> RenderedBody {
    let mut raw_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw_html, Parser::new_ext(markdown, markdown_options()));
    let html = ammonia::Builder::default().link_rel(Some("noopener noreferrer")).clean(&raw_html).to_string();
    let text = plain_text(markdown);
    let word_count = text.split_whitespace().count();
    let reading_time = if word_count == 0 { 0 } else { word_count.div_ceil(WORDS_PER_MINUTE) };
    RenderedBody {
        html,
        text,
        word_count: i32::try_from(word_count).unwrap_or(i32::MAX),
        reading_time_minutes: i32::try_from(reading_time).unwrap_or(i32::MAX),
    }
}

/// The readable text of a Markdown document, one blank line between blocks, no markup.
fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock) => {
                out.push_str("\n\n")
            }
            Event::Start(Tag::Item) => out.push_str("- "),
            _ => {}
        }
    }
    let collapsed: Vec<&str> = out.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
    collapsed.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_and_counts_words() {
        let body = render("First *para* here.\n\nSecond [link](https://example.org) para.");
        assert!(body.html.contains("<em>para</em>"));
        assert!(body.html.contains("rel=\"noopener noreferrer\""));
        assert_eq!(body.text, "First para here.\n\nSecond link para.");
        assert_eq!(body.word_count, 6);
        assert_eq!(body.reading_time_minutes, 1);
    }

    #[test]
    fn strips_scripts_and_handlers() {
        let body = render("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))");
        assert!(!body.html.contains("<script"));
        assert!(!body.html.contains("onerror"));
        assert!(!body.html.contains("javascript:"));
    }

    #[test]
    fn empty_body_takes_no_time() {
        let body = render("");
        assert_eq!((body.word_count, body.reading_time_minutes), (0, 0));
    }
}
