/**
 * Limits a pipeline file must stay within before the YAML parser sees it, so that a
 * hostile or broken file is refused in milliseconds instead of exhausting memory or
 * time: at most 1 MiB, at most 2,000 entries (keys, list items, flow items), flow
 * collections nested at most 64 deep and lines indented at most 256 columns. Real
 * pipelines are a few KB with a few hundred entries. Aliases are bounded separately,
 * when the document is turned into values (`MAX_YAML_ALIASES`).
 *
 * Why a pre-scan: the `yaml` package checks unique keys in quadratic time (40,000 keys
 * take minutes) and recurses once per nesting level (200,000 `[` exhaust the stack and
 * then memory). The scan is linear and conservative: it may count a `:` inside a quoted
 * string as an entry, never the other way round.
 */
export const MAX_PIPELINE_FILE_BYTES = 1024 * 1024;
export const MAX_YAML_ENTRIES = 2000;
export const MAX_YAML_FLOW_DEPTH = 64;
export const MAX_YAML_INDENT = 256;
/** Alias expansions allowed when the document becomes values (`yaml`'s maxAliasCount). */
export const MAX_YAML_ALIASES = 100;

/** The first limit `text` breaks, as a message, or undefined when it keeps them all. */
export function yamlLimitProblem(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PIPELINE_FILE_BYTES) {
    return `the pipeline is ${(bytes / 1024 / 1024).toFixed(1)} MiB; a pipeline file may be at most ${MAX_PIPELINE_FILE_BYTES / 1024 / 1024} MiB`;
  }
  let entries = 0;
  let depth = 0;
  let quote: string | undefined;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === ' ') {
        if (++indent > MAX_YAML_INDENT) return `a line is indented more than ${MAX_YAML_INDENT} columns (nested too deep)`;
        continue;
      }
      lineStart = false;
    }
    if (quote) {
      if (c === quote && !(quote === '"' && text[i - 1] === '\\')) quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol - 1;
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s,[{:-]/.test(text[i - 1]))) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_YAML_FLOW_DEPTH) return `flow collections ([ ] or { }) are nested more than ${MAX_YAML_FLOW_DEPTH} deep`;
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' || ((c === ':' || c === '-') && (i + 1 === text.length || /\s/.test(text[i + 1])))) {
      if (++entries > MAX_YAML_ENTRIES) return `more than ${MAX_YAML_ENTRIES} keys and items; a pipeline has a few hundred`;
    }
  }
  return undefined;
}
