//! Sections: `/v1/sections` and `/v1/admin/sections`.

super::labels::label_term!(Sections, "section", Section, sections, SectionRow, NewSection, SectionChanges);

super::term_routes!(
    Sections,
    "sections",
    "/v1/admin/sections",
    "/v1/admin/sections/{id}",
    "/v1/sections",
    "/v1/sections/{slug}",
    LabelCreate,
    LabelPatch,
    LabelOut
);
