// Schema version 8 (models that expect prefixes): the query and passage prefixes a project sets
// for a model (E5's "query: " / "passage: ", BGE's instruction). NULL means "the folder's own",
// read from its config_sentence_transformers.json prompts; '' means "no prefix".
export const SCHEMA_V8_MODEL_PREFIXES = `
ALTER TABLE models ADD COLUMN query_prefix TEXT;
ALTER TABLE models ADD COLUMN passage_prefix TEXT;
`;
