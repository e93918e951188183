//! Word lists the generated text is made of. Written for this generator; none of it is real news.

pub const FIRST_NAMES: &[&str] = &[
    "Mira", "Tomas", "Aisha", "Jonah", "Lena", "Ravi", "Ines", "Kofi", "Hana", "Pablo", "Yara", "Emil", "Nadia",
    "Oskar", "Priya", "Lucas", "Amara", "Felix", "Sofia", "Daniel",
];

pub const LAST_NAMES: &[&str] =
    &["Okafor", "Lindqvist", "Moreau", "Haddad", "Tanaka", "Brennan", "Castillo", "Novak", "Mensah", "Varga"];

pub const SECTIONS: &[&str] = &["News", "View", "Analysis", "Opinion", "Features", "Business", "Science", "Culture"];

pub const OUTLET_FIRST: &[&str] =
    &["Meridian", "Harbour", "Northgate", "Riverside", "Summit", "Lantern", "Compass", "Beacon"];

pub const OUTLET_SECOND: &[&str] = &["Press", "Wire", "Herald", "Dispatch", "Review"];

pub const TOPIC_QUALIFIERS: &[&str] =
    &["Local", "National", "Regional", "Urban", "Rural", "Coastal", "Global", "Youth", "Public", "Digital"];

pub const TOPICS: &[&str] = &[
    "Water",
    "Energy",
    "Housing",
    "Transport",
    "Schools",
    "Health",
    "Farming",
    "Fisheries",
    "Elections",
    "Courts",
    "Budgets",
    "Trade",
    "Climate",
    "Forests",
    "Rivers",
    "Ports",
    "Railways",
    "Tourism",
    "Museums",
    "Libraries",
    "Football",
    "Cycling",
    "Labour",
    "Pensions",
    "Taxes",
    "Policing",
    "Migration",
    "Science",
    "Space",
    "Weather",
    "Wildlife",
    "Markets",
    "Banking",
    "Startups",
    "Software",
    "Privacy",
    "Media",
    "Theatre",
    "Music",
    "Film",
    "Cuisine",
    "Festivals",
    "Universities",
    "Hospitals",
    "Bridges",
    "Roads",
    "Airports",
    "Drought",
    "Floods",
    "Recycling",
];

pub const PLACES: &[&str] = &[
    "Delta", "Valley", "Harbour", "Upland", "Coastal", "Border", "Northern", "Southern", "Island", "Lakeside",
    "Mountain", "Prairie", "Capital", "Market", "River",
];

pub const GROUPS: &[&str] = &[
    "towns",
    "councils",
    "farmers",
    "teachers",
    "nurses",
    "students",
    "residents",
    "fishers",
    "ministers",
    "engineers",
    "volunteers",
    "traders",
    "drivers",
    "researchers",
    "families",
];

pub const VERBS: &[&str] = &[
    "vote on", "debate", "reject", "approve", "question", "rebuild", "fund", "delay", "expand", "review", "protest",
    "welcome", "study", "share", "plan",
];

pub const NOUNS: &[&str] = &[
    "water board",
    "bus network",
    "school meals plan",
    "housing fund",
    "river clean-up",
    "solar project",
    "harbour upgrade",
    "night market",
    "clinic hours",
    "library budget",
    "bridge repair",
    "tax change",
    "rail link",
    "flood barrier",
    "park design",
    "cycle lanes",
    "fishing quota",
    "wind farm",
    "museum wing",
    "transit fare",
];

pub const ADJECTIVES: &[&str] = &[
    "new",
    "shared",
    "long-awaited",
    "contested",
    "modest",
    "ambitious",
    "costly",
    "temporary",
    "regional",
    "quiet",
    "sudden",
    "careful",
    "bold",
    "local",
    "delayed",
];

pub const ADVERBS: &[&str] = &[
    "for the first time",
    "after a long debate",
    "despite objections",
    "ahead of winter",
    "by a narrow margin",
    "without a vote",
    "under pressure",
    "at last",
    "in a surprise move",
    "after years of talks",
];

pub const SENTENCE_OPENERS: &[&str] = &[
    "Officials said",
    "Residents argued",
    "Critics warned",
    "Supporters noted",
    "The report found",
    "A spokesperson confirmed",
    "Analysts expect",
    "Local groups say",
    "The committee agreed",
    "Records show",
];

pub const CLAUSES: &[&str] = &[
    "that the plan would take at least three years",
    "that costs had risen sharply since the spring",
    "that the first phase is already under way",
    "that few details have been made public",
    "that the decision could be challenged in court",
    "that smaller towns would benefit most",
    "that the money would come from existing budgets",
    "that a public hearing is planned for next month",
    "that similar schemes elsewhere had mixed results",
    "that the timetable depends on the weather",
    "that turnout at the meeting was unusually high",
    "that the proposal had been revised twice",
];

pub const DETAILS: &[&str] = &[
    "The measure passed 7 to 2.",
    "Work is due to start in the autumn.",
    "Nobody at the meeting disputed the figures.",
    "The vote followed months of consultation.",
    "A second review is expected next year.",
    "Several speakers asked for more time.",
    "The budget for the scheme is still being finalised.",
    "Independent engineers will check the design.",
    "The council will publish the minutes on Friday.",
    "Neighbouring districts are watching closely.",
];
