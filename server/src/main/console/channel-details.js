// One channel in detail: its configuration (edit, delete), push history, VoD playlists, snapshots.
import { children, parseXml, text } from './xml.js';
import { attempt, formatTime, h, openDialog, showNotice, statusBadge } from './ui.js';
import { openChannelForm } from './channel-form.js';
import { openPlayer } from './player.js';

/** How many of the newest snapshots are shown. */
const SNAPSHOTS_SHOWN = 12;
/** How many ListObjects pages of 1000 snapshot keys are read at most: the newest of the first 100,000 are shown. */
const SNAPSHOT_PAGES = 100;

function definitionList(entries) {
  return h('dl', { class: 'facts' }, ...entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')]));
}

/** "2026-05-01T10:00" as datetime-local wants it, in local time. */
function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function vodName(date) {
  return `vod-${localInput(date).replace(/[-:]/g, '').replace('T', '-')}.m3u8`;
}

export function openChannelDetails({ client, bucket, acl, row, onChange }) {
  const { info } = row;
  openDialog(row.name, (close) => {
    const history = h('tbody', {}, h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'Loading…')));
    const vod = vodForm(client, bucket, acl, row);
    loadHistory(client, bucket, row.name, history, vod);
    return h('div', { class: 'details' },
      h('section', { 'aria-labelledby': 'config-title' },
        h('h3', { id: 'config-title' }, 'Configuration ', statusBadge(row.stat.status)),
        definitionList([['Description', info.description], ['Status', info.status],
          ['Segments', `${info.fragDuration} s each, ${info.fragCount} in the live playlist`],
          ['Playlist', `${row.name}/${info.playlistName}`], ['Play URL', row.playUrl]]),
        h('div', { class: 'buttons start' },
          h('button', { type: 'button', class: 'secondary', onclick: () => { close();
            openChannelForm(client, bucket, { name: row.name, info }, onChange); } }, 'Edit'),
          h('button', { type: 'button', class: 'danger', onclick: () => remove(client, bucket, row.name, close, onChange) },
            'Delete channel'))),
      h('section', { 'aria-labelledby': 'history-title' }, h('h3', { id: 'history-title' }, 'Push history'),
        h('table', { class: 'compact' }, h('thead', {}, h('tr', {}, ...['Start', 'End', 'Remote address', '']
          .map((t) => h('th', { scope: 'col' }, t)))), history)),
      h('section', { 'aria-labelledby': 'vod-title' }, h('h3', { id: 'vod-title' }, 'VoD playlist'), vod.element),
      snapshotsSection(client, bucket, row));
  }, { wide: true });
}

async function remove(client, bucket, name, close, onChange) {
  if (!window.confirm(`Delete channel ${name}? Its stored segments and playlists stay in the bucket.`)) {
    return;
  }
  const done = await attempt(`Deleting ${name}`, () =>
    client.send({ method: 'DELETE', bucket, key: name, query: { live: '' } }));
  if (done) {
    close();
    showNotice(`${name} deleted.`);
    onChange();
  }
}

async function loadHistory(client, bucket, name, tbody, vod) {
  const answer = await attempt('Reading the push history', () =>
    client.send({ bucket, key: name, query: { live: '', comp: 'history' } }));
  if (!answer) {
    tbody.replaceChildren();
    return;
  }
  const records = children(parseXml(answer.text), 'LiveRecord').map((r) => ({
    start: text(r, 'StartTime'), end: text(r, 'EndTime'), remote: text(r, 'RemoteAddr') }));
  if (records.length === 0) {
    tbody.replaceChildren(h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'Never pushed.')));
    return;
  }
  tbody.replaceChildren(...records.map((r) => h('tr', {},
    h('td', {}, formatTime(r.start)), h('td', {}, r.end ? formatTime(r.end) : 'still live'),
    h('td', { class: 'mono' }, r.remote),
    h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => vod.setRange(r.start, r.end) },
      'Use this range')))));
  vod.setRange(records[0].start, records[0].end);
}

/** PostVodPlaylist for a time range, then play what it wrote. */
function vodForm(client, bucket, acl, row) {
  const now = new Date();
  const start = h('input', { id: 'vod-start', type: 'datetime-local', step: 1,
    value: localInput(new Date(now.getTime() - 3600_000)) });
  const end = h('input', { id: 'vod-end', type: 'datetime-local', step: 1, value: localInput(now) });
  const name = h('input', { id: 'vod-name', value: vodName(now), spellcheck: 'false' });
  const result = h('div', { class: 'vod-result', role: 'status' });
  const build = async () => {
    const startTime = Math.floor(new Date(start.value).getTime() / 1000);
    const endTime = Math.ceil(new Date(end.value).getTime() / 1000);
    const key = `${row.name}/${name.value.trim()}`;
    const done = await attempt('Building the VoD playlist', () => client.send({ method: 'POST', bucket, key,
      query: { vod: '', startTime: String(startTime), endTime: String(endTime) } }));
    if (!done) return;
    result.replaceChildren(`Wrote ${key}. `, h('button', { type: 'button', class: 'secondary',
      onclick: () => openPlayer(client, bucket, acl, { title: `VoD · ${key}`, key, live: false }) }, 'Play VoD'));
    name.value = vodName(new Date());
  };
  const element = h('div', {},
    h('div', { class: 'grid3' },
      h('div', { class: 'field' }, h('label', { for: 'vod-start' }, 'From'), start),
      h('div', { class: 'field' }, h('label', { for: 'vod-end' }, 'To'), end),
      h('div', { class: 'field' }, h('label', { for: 'vod-name' }, 'Playlist name'), name)),
    h('div', { class: 'buttons start' },
      h('button', { type: 'button', class: 'primary', onclick: build }, 'Build VoD playlist'), result));
  return {
    element,
    setRange(from, to) {
      start.value = localInput(new Date(from));
      end.value = localInput(to ? new Date(Date.parse(to) + 1000) : new Date());
    },
  };
}

/*
 * SNAPSHOTS. A channel with Snapshot stores JPEGs in its DestBucket as "<channel>/<epochMillis>.jpg" (13 digits, so
 * key order is time order; docs/operations.md "Snapshots"). This section lists them with ListObjects (prefix
 * "<channel>/"), keeps the keys ending in ".jpg" and shows the newest with presigned URLs.
 */
function snapshotsSection(client, bucket, row) {
  const snapshot = row.info.snapshot;
  const body = h('div', { class: 'snapshots' });
  const section = h('section', { 'aria-labelledby': 'snapshots-title' },
    h('h3', { id: 'snapshots-title' }, 'Snapshots'), body);
  if (!snapshot) {
    body.append(h('p', { class: 'muted' }, 'Snapshots are off for this channel (Edit turns them on).'));
    return section;
  }
  body.append(h('p', { class: 'muted' }, `Every ${snapshot.interval} s into bucket ${snapshot.destBucket}.`));
  newestSnapshotKeys(client, snapshot.destBucket, row.name).then(async ({ keys, complete }) => {
    if (keys.length === 0) {
      body.append(h('p', { class: 'muted' }, 'No snapshot yet.'));
      return;
    }
    if (!complete) {
      body.append(h('p', { class: 'muted' },
        `More than ${SNAPSHOT_PAGES * 1000} snapshots: the newest of the first ${SNAPSHOT_PAGES * 1000} are shown.`));
    }
    const images = await Promise.all(keys.slice().reverse().map(async (key) =>
      h('figure', {}, h('img', { src: await client.presignedUrl(snapshot.destBucket, key, {}, 3600), alt: key,
        loading: 'lazy' }), h('figcaption', {}, key.slice(row.name.length + 1)))));
    body.append(h('div', { class: 'snapshot-grid' }, ...images));
  }, (e) => body.append(h('p', { class: 'form-error' }, `${e.code ?? ''} ${e.message}`)));
  return section;
}

/**
 * The newest snapshot keys of the channel, oldest first, read page after page (ListObjects answers in key order,
 * so the newest are on the last page); {@code complete} is false when {@link SNAPSHOT_PAGES} pages did not reach it.
 */
async function newestSnapshotKeys(client, destBucket, channel) {
  let newest = [];
  let marker = '';
  for (let page = 0; page < SNAPSHOT_PAGES; page++) {
    const query = { prefix: `${channel}/`, 'max-keys': '1000', ...(marker ? { marker } : {}) };
    const listing = parseXml((await client.send({ bucket: destBucket, query })).text);
    const keys = children(listing, 'Contents').map((c) => text(c, 'Key'));
    newest = newest.concat(keys.filter((k) => k.endsWith('.jpg'))).sort().slice(-SNAPSHOTS_SHOWN);
    if (text(listing, 'IsTruncated') !== 'true' || keys.length === 0) {
      return { keys: newest, complete: true };
    }
    marker = text(listing, 'NextMarker') || keys[keys.length - 1];
  }
  return { keys: newest, complete: false };
}
