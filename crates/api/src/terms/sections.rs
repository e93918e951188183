//! Sections: `/v1/sections` and `/v1/admin/sections`.

super::labels::label_term!(Sections, "section", "sections", Section, sections, SectionRow, NewSection, SectionChanges);
