// The API's XML documents: parsed with DOMParser, written with escaping.

/** Parses an API answer; element lookups below are by local name, as the API writes no namespaces. */
export function parseXml(text) {
  return new DOMParser().parseFromString(text, 'application/xml').documentElement;
}

/** Text of the first descendant {@code path} (e.g. 'Target/FragCount'), or '' when absent. */
export function text(element, path) {
  const found = element?.querySelector(path.split('/').join(' > '));
  return found ? found.textContent : '';
}

/** The direct children of {@code element} named {@code name}. */
export function children(element, name) {
  return element ? Array.from(element.children).filter((c) => c.localName === name) : [];
}

export function escapeXml(value) {
  return String(value).replace(/[<>&'"]/g, (c) => ({
    '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;',
  })[c]);
}

/** {@code <name>value</name>} for each entry whose value is not null; nested objects become elements. */
export function elements(entries) {
  return Object.entries(entries)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => (typeof v === 'object' ? `<${k}>${elements(v)}</${k}>` : `<${k}>${escapeXml(v)}</${k}>`))
    .join('');
}
