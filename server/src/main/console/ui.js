// Small DOM helpers shared by the views: element building, the message area, formatting, copying.

/** Builds an element: h('button', {class: 'primary', onclick: f}, 'Save'). */
export function h(tag, attributes = {}, ...content) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, value);
    }
  }
  element.append(...content.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

/** Shows an error (an OssError with code and message, or any Error) in the page's alert area. */
export function showError(error, context = '') {
  const area = document.getElementById('messages');
  const code = error.code ? h('strong', { class: 'error-code' }, error.code) : null;
  const requestId = error.requestId ? h('span', { class: 'muted' }, ` (request ${error.requestId})`) : null;
  const item = h('div', { class: 'message error', role: 'alert' },
    h('div', {}, context ? `${context}: ` : '', code, code ? ' ' : '', error.message || String(error), requestId),
    h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', onclick: () => item.remove() }, '×'));
  area.append(item);
  while (area.children.length > 4) {
    area.firstElementChild.remove();
  }
}

/** A short confirmation that goes away by itself. */
export function showNotice(textContent) {
  const area = document.getElementById('messages');
  const item = h('div', { class: 'message notice', role: 'status' }, textContent);
  area.append(item);
  setTimeout(() => item.remove(), 4000);
}

/** Runs {@code action}, reporting a failure with {@code context}; resolves to its result or undefined. */
export async function attempt(context, action) {
  try {
    return await action();
  } catch (e) {
    showError(e, context);
    return undefined;
  }
}

export function formatBitrate(bytesPerSecond) {
  const bits = Number(bytesPerSecond) * 8;
  if (!Number.isFinite(bits) || bits <= 0) {
    return '';
  }
  return bits >= 1e6 ? `${(bits / 1e6).toFixed(2)} Mbit/s` : `${Math.round(bits / 1e3)} kbit/s`;
}

/** "3 min ago" style, from an ISO time. */
export function formatSince(iso, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A read-only field with a Copy button, labelled for screen readers and tests. */
export function copyField(label, value, { multiline = false } = {}) {
  const id = `copy-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const input = multiline
    ? h('textarea', { id, readonly: true, rows: 3, spellcheck: 'false' }, value)
    : h('input', { id, readonly: true, value, spellcheck: 'false' });
  const button = h('button', {
    type: 'button', class: 'secondary', 'aria-label': `Copy ${label}`,
    onclick: async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
      } catch {
        document.execCommand('copy');
      }
      button.textContent = 'Copied';
      setTimeout(() => { button.textContent = 'Copy'; }, 1500);
    },
  }, 'Copy');
  return h('div', { class: 'field copy' }, h('label', { for: id }, label), h('div', { class: 'copy-row' }, input, button));
}

/** Opens a modal <dialog> built by {@code build(close)}; removes it from the page when closed. */
export function openDialog(title, build, { wide = false } = {}) {
  const dialog = h('dialog', { class: wide ? 'wide' : '', 'aria-labelledby': 'dialog-title' });
  const close = () => dialog.close();
  dialog.append(
    h('header', {}, h('h2', { id: 'dialog-title' }, title),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Close', onclick: close }, '×')),
    build(close));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

export function statusBadge(status) {
  return h('span', { class: `badge ${status.toLowerCase()}` }, status);
}
