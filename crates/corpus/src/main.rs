//! `newsdesk-corpus`: writes N realistic articles in the Newsdesk NDJSON exchange format.
//!
//! The output depends only on N and the seed (ChaCha8 is portable), never on the clock or the
//! machine, and is written as it is generated, so a million articles need no more memory than ten.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use chrono::{DateTime, TimeDelta, Utc};
use clap::Parser;
use newsdesk_domain::exchange::{
    ArticleRecord, AuthorRecord, ImageRecord, LabelRecord, RecordStatus, RelatedRecord, SourceRecord,
};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod words;
use words::*;

#[derive(Parser)]
#[command(name = "newsdesk-corpus", version, about = "Generate a deterministic NDJSON corpus of articles")]
struct Args {
    /// How many articles to write.
    #[arg(long, default_value_t = 10_000)]
    articles: u64,
    /// Same seed and count, same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write, or `-` for stdout.
    #[arg(long, default_value = "-")]
    output: String,
}

/// A small, explicit sampler so the output never depends on a library's sampling algorithm.
struct Dice(ChaCha8Rng);

impl Dice {
    /// The generator for article `index`: each article's words depend on the seed and its index only.
    fn for_article(seed: u64, index: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(index);
        Self(rng)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n.max(1)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// `count` distinct indexes below `n`.
    fn distinct(&mut self, count: u64, n: u64) -> Vec<u64> {
        let mut out = Vec::new();
        while (out.len() as u64) < count.min(n) {
            let i = self.below(n);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

/// What other articles need to know of article `index`: its title, slug and whether it is a draft.
struct Head {
    title: String,
    slug: String,
    draft: bool,
}

fn head(dice: &mut Dice, index: u64) -> Head {
    let draft = dice.below(40) == 0;
    let title = format!(
        "{} {} {} {} {}",
        dice.pick(PLACES),
        dice.pick(GROUPS),
        dice.pick(VERBS),
        dice.pick(ADJECTIVES),
        dice.pick(NOUNS)
    );
    let title = format!("{}{} {}", &title[..1].to_uppercase(), &title[1..], dice.pick(ADVERBS));
    let words: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let mut base = words;
    base.truncate(90);
    let slug = format!("{}-{index}", base.trim_end_matches('-'));
    Head { title, slug, draft }
}

fn slug_of(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

fn sentence(dice: &mut Dice) -> String {
    match dice.below(3) {
        0 => dice.pick(DETAILS).to_owned(),
        _ => format!("{} {}.", dice.pick(SENTENCE_OPENERS), dice.pick(CLAUSES)),
    }
}

fn paragraph(dice: &mut Dice, index: u64) -> String {
    let mut sentences: Vec<String> = (0..dice.between(3, 6)).map(|_| sentence(dice)).collect();
    match dice.below(6) {
        0 => sentences[0] = format!("*{}*", sentences[0]),
        1 => sentences[0] = format!("**{}**", sentences[0]),
        2 => {
            let word = dice.pick(TOPICS).to_lowercase();
            sentences.push(format!("[More on {word}](https://example.org/{word}/{index})."));
        }
        _ => {}
    }
    sentences.join(" ")
}

/// `count` different two-word names, a word of `first` then one of `second`, each with its
/// number among all such names.
fn distinct_names(dice: &mut Dice, count: u64, first: &[&str], second: &[&str]) -> Vec<(u64, String)> {
    dice.distinct(count, (first.len() * second.len()) as u64)
        .into_iter()
        .map(|i| (i, format!("{} {}", first[i as usize % first.len()], second[i as usize / first.len()])))
        .collect()
}

fn article(seed: u64, index: u64, count: u64, published: DateTime<Utc>) -> ArticleRecord {
    let mut dice = Dice::for_article(seed, index);
    let Head { title, slug, draft } = head(&mut dice, index);
    let summary = (0..dice.between(1, 2)).map(|_| sentence(&mut dice)).collect::<Vec<_>>().join(" ");
    let body = (0..dice.between(4, 10)).map(|_| paragraph(&mut dice, index)).collect::<Vec<_>>().join("\n\n");
    let section = dice.pick(SECTIONS);
    let source = dice.chance(80).then(|| {
        let name = format!("{} {}", dice.pick(OUTLET_FIRST), dice.pick(OUTLET_SECOND));
        let short: String = name.split(' ').filter_map(|w| w.chars().next()).collect();
        SourceRecord {
            slug: slug_of(&name),
            homepage_url: Some(format!("https://{}.example.net", slug_of(&name))),
            short_name: Some(short),
            name,
        }
    });
    let byline = dice.between(1, 3);
    let authors = distinct_names(&mut dice, byline, FIRST_NAMES, LAST_NAMES)
        .into_iter()
        .map(|(i, name)| AuthorRecord {
            slug: slug_of(&name),
            bio: Some(format!("Covers {}.", TOPICS[i as usize % TOPICS.len()].to_lowercase())),
            name,
        })
        .collect();
    let tag_count = dice.between(2, 5);
    let tags = distinct_names(&mut dice, tag_count, TOPIC_QUALIFIERS, TOPICS)
        .into_iter()
        .map(|(_, name)| LabelRecord { slug: slug_of(&name), name })
        .collect();
    let mut related = Vec::new();
    let mut linked = Vec::new();
    for _ in 0..dice.below(4) {
        if index > 0 && dice.chance(60) {
            let earlier = dice.below(index.min(count));
            if !linked.contains(&earlier) {
                linked.push(earlier);
                related
                    .push(RelatedRecord::Article { slug: head(&mut Dice::for_article(seed, earlier), earlier).slug });
            }
        } else {
            let topic = dice.pick(TOPICS).to_lowercase();
            related.push(RelatedRecord::External {
                url: format!("https://example.net/background/{topic}-{index}-{}", related.len()),
                title: Some(format!("Background: {topic}")),
                source_name: dice.chance(50).then(|| "Example Net".to_owned()),
            });
        }
    }
    let created = published - TimeDelta::minutes(dice.between(5, 600) as i64);
    ArticleRecord {
        summary: Some(summary),
        body,
        status: if draft { RecordStatus::Draft } else { RecordStatus::Published },
        published_at: (!draft).then_some(published),
        created_at: Some(created),
        updated_at: Some(published + TimeDelta::minutes(dice.below(120) as i64)),
        language: Some("en".into()),
        source_url: source.as_ref().map(|s| format!("https://{}.example.net/story/{index}", s.slug)),
        featured_image: dice.chance(70).then(|| ImageRecord {
            url: format!("https://images.example.org/{index}.jpg"),
            alt: Some(format!("{} {}", dice.pick(PLACES), dice.pick(GROUPS))),
            caption: None,
            credit: dice.chance(50).then(|| "Newsdesk photo".to_owned()),
        }),
        section: Some(LabelRecord { slug: slug_of(section), name: section.to_owned() }),
        source,
        authors,
        tags,
        related,
        previous_slugs: if dice.chance(1) { vec![format!("draft-{slug}")] } else { Vec::new() },
        ..ArticleRecord::new(slug, title)
    }
}

fn main() -> io::Result<()> {
    let args = Args::parse();
    let out: Box<dyn Write> =
        if args.output == "-" { Box::new(io::stdout().lock()) } else { Box::new(File::create(&args.output)?) };
    let mut out = BufWriter::with_capacity(1 << 20, out);
    // Dates run from the start of 2019 over about six years, strictly increasing.
    let start = DateTime::from_timestamp(1_546_300_800, 0).unwrap_or_default();
    let span_secs: u64 = 6 * 365 * 24 * 3600;
    let mean_step = (span_secs / args.articles.max(1)).max(2);
    let mut clock = Dice::for_article(args.seed, u64::MAX);
    let mut published = start;
    for index in 0..args.articles {
        published += TimeDelta::seconds(clock.between(1, 2 * mean_step - 1) as i64);
        let record = article(args.seed, index, args.articles, published);
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
